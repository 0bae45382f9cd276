/**
 * The partner's answers, one function per card of the new-claim conversation, each
 * checking that the card it answers is the one on screen (by its localized title).
 */
import assert from 'node:assert/strict';
import { areaActivityValue, idsInputId, multipleInputId } from '../../../cards/submissions';
import type { Activity, RevenueAssociationDetails, SolutionArea } from '../../../claims/model';
import { t, type Locale, type MessageKey } from '../../../locales/i18n';
import { minimalPdf } from '../../support/evidenceSamples';
import {
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  titleOf,
  type AttachedFileSpec,
  type Card,
  type Reply,
} from './newClaimHarness';

export { CUSTOMER_DOMAIN, CUSTOMER_TENANT };

/**
 * What the steps need of a chat: the in-process one of newClaimHarness (DialogTestClient)
 * or one posting to a running bot over HTTP (test/support/teamsHttpChat.ts).
 */
export interface ClaimChat {
  readonly locale: Locale;
  readonly world: { files: { serve(bytes: Buffer): string } };
  lastCard(): Card;
  send(text: string): Promise<Reply[]>;
  click(verb: string, inputs?: Record<string, string>): Promise<Reply[]>;
  attach(...files: AttachedFileSpec[]): Promise<Reply[]>;
}

export interface SubscriptionAnswer {
  productId: string;
  multiple: boolean;
  ids?: string[];
}

export interface ContactAnswers {
  customerName: string;
  customerTitle: string;
  customerEmail: string;
  technicalName?: string;
  technicalTitle?: string;
  technicalEmail?: string;
  partnerName: string;
  partnerEmail: string;
}

export const CONTACTS: ContactAnswers = {
  customerName: 'Dana Customer',
  customerTitle: 'IT director',
  customerEmail: 'dana@contoso.com',
  partnerName: 'Alex Wilber',
  partnerEmail: 'alexw@fabrikam.example',
};

export const TECHNICAL = {
  technicalName: 'Sam Admin',
  technicalTitle: 'Dynamics administrator',
  technicalEmail: 'sam@contoso.com',
};

export const SIGNED_SOW = minimalPdf();

/** The card on screen is the one with this title (its first TextBlock; the header above it is a RichTextBlock). */
export function assertCard(chat: ClaimChat, title: MessageKey): void {
  assert.equal(titleOf(chat.lastCard()), t(chat.locale, title), `expected the ${title} card`);
}

export async function start(chat: ClaimChat): Promise<Reply[]> {
  return chat.send(t(chat.locale, 'welcome.newClaim'));
}

export async function chooseLocation(chat: ClaimChat, mpnId = '1234567'): Promise<Reply[]> {
  assertCard(chat, 'mpn.title');
  return chat.click('mpnChosen', { mpnId });
}

export async function enterCustomer(
  chat: ClaimChat,
  domain = CUSTOMER_DOMAIN,
  tenantId = CUSTOMER_TENANT,
): Promise<Reply[]> {
  assertCard(chat, 'customer.title');
  return chat.click('customerEntered', { customerDomain: domain, customerTenantId: tenantId });
}

export async function chooseSolution(chat: ClaimChat, area: SolutionArea, activity: Activity): Promise<Reply[]> {
  assertCard(chat, 'solution.title');
  return chat.click('solutionChosen', { areaActivity: areaActivityValue(area, activity) });
}

export async function enterRevenue(chat: ClaimChat, revenue: RevenueAssociationDetails): Promise<Reply[]> {
  assertCard(chat, 'revenue.title');
  return chat.click('revenueEntered', { ...revenue });
}

export async function enterName(chat: ClaimChat, name = 'Contoso rollout'): Promise<Reply[]> {
  assertCard(chat, 'claimName.title');
  return chat.click('nameEntered', { name });
}

export async function chooseProducts(chat: ClaimChat, productIds: readonly string[]): Promise<Reply[]> {
  assertCard(chat, 'products.title');
  return chat.click('productsChosen', { productIds: productIds.join(',') });
}

export async function answerSubscriptions(chat: ClaimChat, answers: readonly SubscriptionAnswer[]): Promise<Reply[]> {
  assertCard(chat, 'subscriptions.title');
  const inputs: Record<string, string> = {};
  for (const a of answers) {
    inputs[multipleInputId(a.productId)] = a.multiple ? 'true' : 'false';
    inputs[idsInputId(a.productId)] = (a.ids ?? []).join('\n');
  }
  return chat.click('subscriptionsEntered', inputs);
}

export async function enterContacts(chat: ClaimChat, contacts: Partial<ContactAnswers> = CONTACTS): Promise<Reply[]> {
  assertCard(chat, 'contacts.title');
  return chat.click(
    'contactsEntered',
    Object.fromEntries(Object.entries(contacts).filter((e): e is [string, string] => typeof e[1] === 'string')),
  );
}

export async function attachSignedSow(chat: ClaimChat, name = 'Signed SOW.pdf'): Promise<Reply[]> {
  assertCard(chat, 'poe.title');
  return chat.attach({ name, url: chat.world.files.serve(SIGNED_SOW), fileType: 'pdf' });
}

export async function poeDone(chat: ClaimChat): Promise<Reply[]> {
  assertCard(chat, 'poe.title');
  return chat.click('poeDone');
}

export async function skipComment(chat: ClaimChat): Promise<Reply[]> {
  assertCard(chat, 'comments.title');
  return chat.click('commentSkipped');
}

export async function submitAndConfirm(chat: ClaimChat): Promise<Reply[]> {
  assertCard(chat, 'summary.title');
  await chat.click('submitClaim');
  return chat.click('confirmSubmit');
}

/** From "new claim" to the products card: location, customer, Microsoft 365 usage, name. */
export async function upToProducts(
  chat: ClaimChat,
  area: SolutionArea = 'microsoft365',
  activity: Activity = area === 'microsoft365' ? 'usage' : 'usageOrPresales',
): Promise<void> {
  await start(chat);
  await chooseLocation(chat);
  await enterCustomer(chat);
  await chooseSolution(chat, area, activity);
  await enterName(chat);
}

/** A Microsoft 365 claim up to the PoE card. */
export async function upToPoe(chat: ClaimChat, productIds: readonly string[] = ['exchangeOnline']): Promise<void> {
  await upToProducts(chat);
  await chooseProducts(chat, productIds);
  await enterContacts(chat);
}

/** A Microsoft 365 claim with a PoE, up to the review card. */
export async function upToReview(chat: ClaimChat): Promise<void> {
  await upToPoe(chat);
  await attachSignedSow(chat);
  await poeDone(chat);
  await skipComment(chat);
  assertCard(chat, 'summary.title');
}
