/**
 * The card the customer contact answers: who claims the association, for which
 * products, until when it can be refused, and Approve / Opt out. The same card goes to
 * Teams (its `Action.Execute` arrives as an `adaptiveCard/action` invoke with the verb)
 * and to the consent page, which renders it in the browser and posts the verb.
 * Opt out is not the answer yet: it turns the card into a confirmation (what opting out
 * means, an optional reason, Confirm opt-out / Back), so one stray click decides nothing.
 * Once answered it shows the outcome instead of the buttons.
 */
import type { CustomerDecision } from '../claims/lifecycle';
import type { Problem } from '../claims/errors';
import { OPT_OUT_REASON_MAX } from '../claims/validation';
import { formatDateTime, productName, t, type Locale } from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';

export const CONSENT_VERBS = [
  'customerApprove',
  'customerOptOut',
  'customerOptOutConfirm',
  'customerConsentBack',
] as const;
export type ConsentVerb = (typeof CONSENT_VERBS)[number];

/** What a verb does: record a decision, or move between the card's steps, recording nothing. */
export type ConsentStep = { kind: 'answer'; decision: CustomerDecision } | { kind: 'confirmOptOut' } | { kind: 'back' };

/** One row per verb: the page and the Teams card both read what a verb means here. */
export const CONSENT_STEPS: Readonly<Record<ConsentVerb, ConsentStep>> = {
  customerApprove: { kind: 'answer', decision: 'approve' },
  customerOptOut: { kind: 'confirmOptOut' },
  customerOptOutConfirm: { kind: 'answer', decision: 'optOut' },
  customerConsentBack: { kind: 'back' },
};

export const isConsentVerb = (value: unknown): value is ConsentVerb =>
  typeof value === 'string' && (CONSENT_VERBS as readonly string[]).includes(value);

/** The reason field of the opt-out confirmation, on the page and the card alike. */
export const OPT_OUT_REASON_FIELD = 'reason';

/** The message for a refused reason (too long, characters we can't keep), or undefined for any other problem. */
export function reasonProblemText(locale: Locale, problem: Problem | undefined): string | undefined {
  if (problem?.field !== 'note') return undefined;
  if (problem.code === 'tooLong')
    return t(locale, 'consent.optOut.tooLong', {
      length: Number(problem.params?.length ?? 0),
      max: Number(problem.params?.max ?? OPT_OUT_REASON_MAX),
    });
  if (problem.code === 'invalidCharacters') return t(locale, 'consent.optOut.invalidCharacters');
  return undefined;
}

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
  /** The opt-out confirmation step: the reason typed so far and why it was refused, if it was. */
  confirmingOptOut?: { reason?: string; problem?: string };
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
  const confirming = !decided && model.confirmingOptOut !== undefined;
  const problem = confirming ? model.confirmingOptOut?.problem : undefined;
  return expandCard('customerConsent', {
    labels: labelsFor(locale, {
      title: 'consent.card.title',
      choose: 'consent.card.choose',
      approve: 'consent.card.approve',
      optOut: 'consent.card.optOut',
      outcome: model.outcome === 'optOut' ? 'consent.card.optedOut' : 'consent.card.approved',
      confirmTitle: 'consent.optOut.title',
      reasonLabel: 'consent.optOut.reasonLabel',
      confirm: 'consent.optOut.confirm',
      back: 'consent.optOut.back',
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
    asking: !decided && !confirming,
    confirming,
    confirmBody: t(locale, 'consent.optOut.body', { partner: model.partnerName }),
    reasonHint: t(locale, 'consent.optOut.reasonHint', { max: OPT_OUT_REASON_MAX }),
    reasonMax: OPT_OUT_REASON_MAX,
    // The customer's own text: data bound into the input, never template source.
    reason: model.confirmingOptOut?.reason ?? '',
    hasProblem: problem !== undefined,
    problem: problem ?? '',
    // A tinted container, not pale coloured text on white (issue 12 point 6).
    outcomeStyle: model.outcome === 'optOut' ? 'attention' : 'good',
  });
}
