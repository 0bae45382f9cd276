/**
 * The card the customer contact answers: who claims the association, for which
 * products, until when it can be refused, and Approve / Opt out. The same card goes to
 * Teams (its `Action.Execute` arrives as an `adaptiveCard/action` invoke with the verb)
 * and to the consent page, which renders it in the browser and posts the verb.
 * Once answered it shows the outcome instead of the buttons (the card's refresh).
 */
import type { CustomerDecision } from '../claims/lifecycle';
import { formatDateTime, productName, t, type Locale } from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';

export const CONSENT_VERBS = ['customerApprove', 'customerOptOut'] as const;
export type ConsentVerb = (typeof CONSENT_VERBS)[number];

export const isConsentVerb = (value: unknown): value is ConsentVerb =>
  typeof value === 'string' && (CONSENT_VERBS as readonly string[]).includes(value);

export const decisionOfVerb = (verb: ConsentVerb): CustomerDecision =>
  verb === 'customerApprove' ? 'approve' : 'optOut';

export interface ConsentCardModel {
  claimId: string;
  /** The signed consent token; the answer is accepted only with it. */
  token: string;
  /** The partner organisation's name (from the partner directory: shown as plain text). */
  partnerName: string;
  customerDomain: string;
  productIds: readonly string[];
  /** When the opt-out window closes (ISO). */
  closesAt: string;
  /** The zone the closing time is shown in; the customer's is unknown, so the program's. */
  timeZone?: string;
  /** The recorded answer: the card then shows it and offers no buttons. */
  outcome?: CustomerDecision;
}

/**
 * The window's close as a date and time with its zone ("March 9, 2026 at 10:00 AM PDT"):
 * the customer may be anywhere, so the zone is always named.
 */
export function formatConsentDeadline(locale: Locale, iso: string, timeZone = 'UTC'): string {
  return formatDateTime(locale, iso, timeZone);
}

export function renderConsentCard(model: ConsentCardModel, locale: Locale): CardAttachment {
  const decided = model.outcome !== undefined;
  return expandCard('customerConsent', {
    labels: labelsFor(locale, {
      title: 'consent.card.title',
      choose: 'consent.card.choose',
      approve: 'consent.card.approve',
      optOut: 'consent.card.optOut',
      outcome: model.outcome === 'optOut' ? 'consent.card.optedOut' : 'consent.card.approved',
    }),
    claimId: model.claimId,
    token: model.token,
    intro: t(locale, 'consent.card.intro', { partner: model.partnerName }),
    products: model.productIds.map((id) => `• ${productName(id)}`),
    customerLine: t(locale, 'consent.card.customer', { domain: model.customerDomain }),
    closesLine: t(locale, 'consent.card.closes', {
      date: formatConsentDeadline(locale, model.closesAt, model.timeZone),
    }),
    decided,
    // A tinted container, not pale coloured text on white (issue 12 point 6).
    outcomeStyle: model.outcome === 'optOut' ? 'attention' : 'good',
  });
}
