/**
 * Delivers the outbox's `customerConsentRequest` by email: a signed link to the consent
 * page, to the claim's customer contact. Names and addresses are read from the claim at
 * delivery time (the outbox holds only ids); the partner's name from the directory.
 *
 * Outcomes for the dispatcher: 'dead' when the mail can never be useful (no contact,
 * the window already closed or the claim moved on, the server refused the address for
 * good), 'retry' for a passing failure (the directory or the mail server unreachable).
 */
import type { ConsentTokens } from '../../claims/consentToken';
import type { Claim, OutboxMessage } from '../../claims/model';
import { errorName, silentLog, type DeliveryOutcome, type EngineLog, type Notifier } from '../../claims/notifications';
import {
  systemClock,
  type Clock,
  type ConsentGrantStore,
  type Mailer,
  type PartnerDirectory,
} from '../../claims/ports';
import { MailRejected } from '../../claims/ports';
import { consentLink, issueConsentToken, partnerDisplayName, stillAskingForConsent } from './consentLinks';
import { composeConsentMail } from './consentMail';
import { customerLanguageOf } from './consentLanguage';
import { consentAddressCleared } from '../../claims/contactCheck';

export interface ConsentMailNotifierOptions {
  mailer: Mailer;
  tokens: ConsentTokens;
  /** Where the links' grants are kept (v2 links name only their id); without it, v1 links. */
  grants?: ConsentGrantStore;
  partners: Pick<PartnerDirectory, 'get'>;
  publicUrl: string;
  /** The zone the window's close is shown in (the business calendar's). */
  timeZone: string;
  clock?: Clock;
  log?: EngineLog;
}

export class ConsentMailNotifier implements Notifier {
  private readonly clock: Clock;
  private readonly log: EngineLog;

  constructor(private readonly options: ConsentMailNotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
  }

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    const facts = { claimId: claim.id, partnerId: claim.partnerId, messageId: message.id };
    const skip = this.reasonToSkip(claim, message);
    if (skip) {
      this.log('warn', 'consentMail.notSent', { ...facts, reason: skip });
      return 'dead';
    }
    const token = await issueConsentToken(this.options.tokens, claim, message.id, this.options.grants);
    const contact = claim.customerContact;
    if (!token || !contact || !claim.windowClosesAt) return 'dead';
    const org = await this.options.partners.get(claim.partnerId);
    const language = customerLanguageOf(claim, org);
    const mail = composeConsentMail({
      to: contact.email.trim(),
      contactName: contact.name,
      partnerName: partnerDisplayName(org, claim),
      customerDomain: claim.customerDomain,
      productIds: claim.productIds,
      closesAt: claim.windowClosesAt,
      timeZone: this.options.timeZone,
      link: consentLink(this.options.publicUrl, token),
      locale: language.locale,
    });
    try {
      await this.options.mailer.send(mail);
    } catch (e) {
      this.log('warn', 'consentMail.failed', { ...facts, error: errorName(e) });
      return e instanceof MailRejected ? 'dead' : 'retry';
    }
    this.log('info', 'consentMail.sent', { ...facts, locale: language.locale, languageFrom: language.source });
    return 'sent';
  }

  private reasonToSkip(claim: Claim, message: OutboxMessage): string | undefined {
    if (message.kind !== 'customerConsentRequest') return 'notAConsentRequest';
    if (!claim.customerContact?.email?.trim()) return 'noCustomerContact';
    // Only to an address verified against the customer's tenant, or confirmed by a reviewer (approval requires it too).
    if (!consentAddressCleared(claim)) return 'contactUnconfirmed';
    if (stillAskingForConsent(claim, this.clock.now())) return undefined;
    return claim.status === 'approvedCustomerNotified' && claim.windowClosesAt ? 'windowClosed' : 'notAwaitingConsent';
  }
}
