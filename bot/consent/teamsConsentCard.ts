/**
 * The customer's consent card in Teams, next to the email: when the claim's customer
 * contact is someone the bot can reach (a live conversation reference stored for that
 * email, in the customer's own tenant), the same card the consent page shows is sent to
 * their personal chat. Its Approve / Opt out are Action.Execute, answered by
 * consentCardActions.ts. The token is the email's (derived from the message id), so the
 * link and the card share one single-use nonce.
 *
 * 'dead' means "not by Teams": nobody to reach, or nothing to ask any more. The email
 * carries the request either way.
 */
import type { ConsentTokens } from '../../claims/consentToken';
import type { Claim, OutboxMessage } from '../../claims/model';
import { silentLog, type DeliveryOutcome, type EngineLog, type Notifier } from '../../claims/notifications';
import {
  systemClock,
  type Clock,
  type ConversationReferenceStore,
  type ConsentGrantStore,
  type PartnerDirectory,
  type StoredConversationReference,
} from '../../claims/ports';
import { renderConsentCard } from '../../cards/consentCard';
import { resolveLocale, t } from '../../locales/i18n';
import { issueConsentToken, partnerDisplayName, stillAskingForConsent } from './consentLinks';
import type { ProactiveSender } from '../notifications/proactiveSender';
import { cporMessageId, proactiveCardActivity } from '../notifications/teamsNotifier';

export interface TeamsConsentCardOptions {
  sender: Pick<ProactiveSender, 'send' | 'usable'>;
  references: Pick<ConversationReferenceStore, 'findByEmail'>;
  tokens: ConsentTokens;
  /** Where the links' grants are kept (v2 links name only their id); without it, v1 links. */
  grants?: ConsentGrantStore;
  partners: Pick<PartnerDirectory, 'get'>;
  timeZone: string;
  clock?: Clock;
  log?: EngineLog;
}

export class TeamsConsentCardNotifier implements Notifier {
  private readonly clock: Clock;
  private readonly log: EngineLog;

  constructor(private readonly options: TeamsConsentCardOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
  }

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    const facts = { claimId: claim.id, partnerId: claim.partnerId, messageId: message.id };
    const closesAt = claim.windowClosesAt;
    const stillAsking = message.kind === 'customerConsentRequest' && stillAskingForConsent(claim, this.clock.now());
    const token = stillAsking
      ? await issueConsentToken(this.options.tokens, claim, message.id, this.options.grants)
      : undefined;
    const contact = token ? await this.reachableContact(claim) : undefined;
    if (!token || !contact || !closesAt) {
      this.log('info', 'consentCard.notSent', { ...facts, reason: token ? 'notInTeams' : 'nothingToAsk' });
      return 'dead';
    }
    const locale = resolveLocale(contact.locale);
    const org = await this.options.partners.get(claim.partnerId);
    const card = renderConsentCard(
      {
        claimId: claim.id,
        token,
        partnerName: partnerDisplayName(org, claim),
        customerDomain: claim.customerDomain,
        productIds: claim.productIds,
        closesAt,
        timeZone: this.options.timeZone,
      },
      locale,
    );
    const outcome = await this.options.sender.send(
      contact,
      proactiveCardActivity(card, t(locale, 'consent.card.title'), locale, cporMessageId(claim, message)),
      facts,
    );
    if (outcome === 'sent') this.log('info', 'consentCard.sent', facts);
    return outcome === 'sent' || outcome === 'retry' ? outcome : 'dead';
  }

  /** The contact's live reference, only in the customer's tenant: the same address elsewhere is not the customer. */
  private async reachableContact(claim: Claim): Promise<StoredConversationReference | undefined> {
    const email = claim.customerContact?.email?.trim();
    const found = email ? await this.options.references.findByEmail(email, claim.customerTenantId) : undefined;
    return found && this.options.sender.usable(found) ? found : undefined;
  }
}
