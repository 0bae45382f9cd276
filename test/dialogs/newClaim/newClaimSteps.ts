/**
 * The partner's answers, one function per card of the new-claim conversation, each
 * checking that the card it answers is the one on screen (by its localized title).
 */
import assert from 'node:assert/strict';
import { areaActivityValue, idsInputId, multipleInputId } from '../../../cards/submissions';
import type { Activity, RevenueAssociationDetails, SolutionArea } from '../../../claims/model';
import type { ClaimStatus } from '../../../claims/model';
import { formatWindowLength, statusLabel, t, type Locale, type MessageKey } from '../../../locales/i18n';
import { minimalPdf } from '../../support/evidenceSamples';
import {
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  cardOf,
  cardStrings,
  submitActions,
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

/** What the partner puts on the start card; left out, the defaults of a Microsoft 365 usage claim. */
export interface StartAnswers {
  mpnId?: string;
  domain?: string;
  tenantId?: string;
  area?: SolutionArea;
  activity?: Activity;
  name?: string;
}

/** The start card: location, customer, solution area and activity, and the claim's name, in one submit. */
export async function fillStart(chat: ClaimChat, answers: StartAnswers = {}): Promise<Reply[]> {
  assertCard(chat, 'start.title');
  const area = answers.area ?? 'microsoft365';
  const activity = answers.activity ?? (area === 'microsoft365' ? 'usage' : 'usageOrPresales');
  return chat.click('startEntered', {
    mpnId: answers.mpnId ?? '1234567',
    customerDomain: answers.domain ?? CUSTOMER_DOMAIN,
    customerTenantId: answers.tenantId ?? CUSTOMER_TENANT,
    areaActivity: areaActivityValue(area, activity),
    name: answers.name ?? 'Contoso rollout',
  });
}

export async function enterRevenue(chat: ClaimChat, revenue: RevenueAssociationDetails): Promise<Reply[]> {
  assertCard(chat, 'revenue.title');
  return chat.click('revenueEntered', { ...revenue });
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

/** The summary is the only confirmation: its Submit submits, with the comment typed in its box (if any). */
export async function submitFromSummary(chat: ClaimChat, comment = ''): Promise<Reply[]> {
  assertCard(chat, 'summary.title');
  return chat.click('submitClaim', { comment });
}

/**
 * The receipt that follows a submission: the claim's name and id, its status, what happens
 * next with the configured window, and one button, View status, for this claim.
 */
export function assertReceipt(
  locale: Locale,
  replies: readonly Reply[],
  claim: { id: string; name: string; status: ClaimStatus },
  resubmitted = false,
): void {
  const cards = replies.map(cardOf).filter((card): card is Card => card !== undefined);
  assert.equal(cards.length, 1, 'one receipt card');
  const [receipt] = cards;
  assert.equal(titleOf(receipt), t(locale, resubmitted ? 'receipt.resubmittedTitle' : 'receipt.title'));
  const strings = cardStrings(receipt);
  for (const expected of [
    claim.name,
    t(locale, 'receipt.claimId', { id: claim.id }),
    t(locale, 'receipt.status', { status: statusLabel(locale, claim.status) }),
    t(locale, 'receipt.nextReview'),
    t(locale, 'receipt.nextConsent', { window: formatWindowLength(locale, '5') }),
  ])
    assert.ok(strings.includes(expected), `receipt shows ${expected}`);
  assert.deepEqual(
    submitActions(receipt).map((a) => [a.title, a.data.verb, a.data.claimId]),
    [[t(locale, 'receipt.viewStatus'), 'viewClaim', claim.id]],
  );
  assert.equal(JSON.stringify(receipt).includes('"Input.'), false, 'the receipt asks nothing');
}

/** From "new claim" to the products card: the start card with a Microsoft 365 usage claim (or `answers`). */
export async function upToProducts(chat: ClaimChat, answers: StartAnswers = {}): Promise<void> {
  await start(chat);
  await fillStart(chat, answers);
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
  assertCard(chat, 'summary.title');
}
