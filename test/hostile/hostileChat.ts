/**
 * A personal chat with the bot as one user in one language, pressing cards the way
 * Teams does (the action's data with the inputs merged over it), plus what a hostile
 * client can send instead: any JSON as the submit's value. Also the two claims the
 * fuzzers edit: a Microsoft 365 usage claim and a Business Applications revenue claim
 * with a Dynamics 365 product (subscriptions and a technical contact), both driven
 * through every card to the review.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FILE_DOWNLOAD_INFO } from '../../dialogs/cardPrompt';
import type { Locale } from '../../locales/i18n';
import { t, type MessageKey } from '../../locales/i18n';
import { submitActions } from '../dialogs/newClaim/newClaimHarness';
import { minimalPdf } from '../support/evidenceSamples';
import type { HostileWorld, Reply, User } from './hostileWorld';
import { cardsOf, titleOf, type Card } from './replies';

export const CUSTOMER_DOMAIN = 'contoso.onmicrosoft.com';
export const CUSTOMER_TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const SUBSCRIPTION = '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3';

export const CONTACTS = {
  customerName: 'Dana Customer',
  customerTitle: 'IT director',
  customerEmail: 'dana@contoso.com',
  technicalName: 'Sam Admin',
  technicalTitle: 'Dynamics administrator',
  technicalEmail: 'sam@contoso.com',
  partnerName: 'Ada Admin',
  partnerEmail: 'ada@home.example',
};

export const REVENUE = { solutionSellerName: 'Seller Co', customerName: 'Contoso Ltd', isvSolutionName: 'Contoso CRM' };

export class HostileChat {
  readonly conversationId: string;
  private card: Card | undefined;

  constructor(
    readonly world: HostileWorld,
    readonly user: User,
    readonly locale: Locale,
  ) {
    this.conversationId = world.newConversation(user);
  }

  /** Sends any message activity and remembers the latest card. */
  async send(activity: Record<string, unknown>): Promise<Reply[]> {
    const replies = await this.world.message(this.user, activity, this.locale, this.conversationId);
    const cards = cardsOf(replies);
    if (cards.length > 0) this.card = cards[cards.length - 1];
    return replies;
  }

  say(text: string): Promise<Reply[]> {
    return this.send({ text });
  }

  /** Sends this as the submit's value, whatever it is. */
  submitValue(value: unknown): Promise<Reply[]> {
    return this.send({ value });
  }

  lastCard(): Card {
    assert.ok(this.card, 'no card shown yet');
    return this.card;
  }

  /** The latest card's heading is this message. */
  isOn(title: MessageKey): boolean {
    return this.card !== undefined && titleOf(this.card) === t(this.locale, title);
  }

  /** The data of the latest card's Action.Submit with this verb (and, when given, these data fields). */
  actionData(verb: string, match: Record<string, unknown> = {}): Record<string, unknown> {
    const action = submitActions(this.lastCard()).find(
      (a) => a.data.verb === verb && Object.entries(match).every(([k, v]) => a.data[k] === v),
    );
    assert.ok(
      action,
      `the card "${titleOf(this.card)}" has no ${verb} button; it has ${submitActions(this.lastCard())
        .map((a) => String(a.data.verb))
        .join(', ')}`,
    );
    return action.data;
  }

  click(verb: string, inputs: Record<string, unknown> = {}, match: Record<string, unknown> = {}): Promise<Reply[]> {
    return this.send({ value: { ...this.actionData(verb, match), ...inputs } });
  }

  /** Attaches a file the way Teams does: a file.download.info (plus the html body Teams adds). */
  attach(name: string, downloadUrl: string, fileType = name.split('.').pop() ?? ''): Promise<Reply[]> {
    return this.send({
      attachments: [
        { contentType: 'text/html', content: '<p>attached</p>' },
        {
          contentType: FILE_DOWNLOAD_INFO,
          name,
          content: { downloadUrl, uniqueId: randomUUID(), fileType, etag: '1' },
        },
      ],
    });
  }

  private async expectCard(title: MessageKey, action: () => Promise<Reply[]>): Promise<void> {
    await action();
    assert.ok(this.isOn(title), `expected the ${title} card, got "${this.card ? titleOf(this.card) : 'none'}"`);
  }

  /** "new claim" → the start card (→ revenue) → products (→ subscriptions) → contacts → a signed SOW → no comment → review. */
  async toReview(kind: 'microsoft365' | 'revenue' = 'microsoft365'): Promise<void> {
    await this.expectCard('start.title', () => this.say(t(this.locale, 'welcome.newClaim')));
    const customer = { mpnId: '1234567', customerDomain: CUSTOMER_DOMAIN, customerTenantId: CUSTOMER_TENANT };
    if (kind === 'microsoft365') {
      await this.expectCard('products.title', () =>
        this.click('startEntered', { ...customer, areaActivity: 'microsoft365/usage', name: 'Contoso rollout' }),
      );
      await this.expectCard('contacts.title', () => this.click('productsChosen', { productIds: 'exchangeOnline' }));
    } else {
      await this.expectCard('revenue.title', () =>
        this.click('startEntered', {
          ...customer,
          areaActivity: 'businessApplications/revenueAssociation',
          name: 'Contoso CRM revenue',
        }),
      );
      await this.expectCard('products.title', () => this.click('revenueEntered', REVENUE));
      await this.expectCard('subscriptions.title', () =>
        this.click('productsChosen', { productIds: 'dynamics365Sales' }),
      );
      await this.expectCard('contacts.title', () =>
        this.click('subscriptionsEntered', { multiple_dynamics365Sales: 'true', ids_dynamics365Sales: SUBSCRIPTION }),
      );
    }
    await this.expectCard('poe.title', () => this.click('contactsEntered', CONTACTS));
    await this.expectCard('poe.title', () =>
      this.attach('Signed SOW.pdf', this.world.files.serve(minimalPdf(), 'application/pdf')),
    );
    await this.expectCard('summary.title', () => this.click('poeDone'));
  }
}
