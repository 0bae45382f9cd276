/**
 * What the partner is told, proactively, when a claim moves on its own or by someone
 * else's hand: a short card (the notice template) titled with the claim's new status,
 * a sentence from `notify.*` with the claim name and customer as plain text, the
 * details that matter for that change (reasons and deadline, closing date, reason),
 * and a button that opens the claim's status card.
 */
import type { ClaimStatus, InfoRequestReason, RejectionReason } from '../claims/model';
import type { NotificationKind } from '../claims/notifications';
import { infoRequestReasonText, rejectionReasonText, statusLabel, t, type Locale } from '../locales/i18n';
import type { CardAttachment } from './cardKit';
import { formatConsentDeadline } from './consentCard';
import { renderNoticeCard, type NoticeTone } from './generalCards';

/** Every kind but the consent request, which goes to the customer. */
export type PartnerNotificationKind = Exclude<NotificationKind, 'customerConsentRequest'>;

export interface PartnerNotificationModel {
  kind: PartnerNotificationKind;
  claimId: string;
  claimName: string;
  /** How the customer is named to the partner: its domain. */
  customer: string;
  /** The opt-out window's close (approved; dispute won). */
  windowClosesAt?: string;
  /** The answer deadline (more information requested). */
  deadlineAt?: string;
  reasonCodes?: readonly InfoRequestReason[];
  rejectionReason?: RejectionReason;
  disputeOutcome?: 'approved' | 'rejectedFinal';
  /** The reviewer's note, as typed. */
  note?: string;
  /** The zone dates are shown in; the zone is always named. */
  timeZone: string;
}

type Shape = { status: ClaimStatus; tone: NoticeTone };

function shapeOf(model: PartnerNotificationModel): Shape {
  switch (model.kind) {
    case 'reviewStarted':
      return { status: 'underReview', tone: 'default' };
    case 'infoRequested':
      return { status: 'partnerActionRequired', tone: 'warning' };
    case 'approvedCustomerNotified':
      return { status: 'approvedCustomerNotified', tone: 'good' };
    case 'customerApproved':
    case 'associationOfficial':
      return { status: 'associated', tone: 'good' };
    case 'customerOptedOut':
    case 'rejected':
      return { status: 'rejected', tone: 'attention' };
    case 'disputeOutcome':
      return model.disputeOutcome === 'approved'
        ? { status: 'approvedCustomerNotified', tone: 'good' }
        : { status: 'rejectedFinal', tone: 'attention' };
  }
}

/** The sentences of the card, first the one from `notify.*`. Also the message's summary. */
export function partnerNotificationLines(model: PartnerNotificationModel, locale: Locale): string[] {
  const name = model.claimName;
  const customer = model.customer;
  const date = (iso: string | undefined) => (iso ? formatConsentDeadline(locale, iso, model.timeZone) : '—');
  const noteLines = model.note?.trim() ? [t(locale, 'status.reviewerNote', { note: model.note.trim() })] : [];
  switch (model.kind) {
    case 'reviewStarted':
      return [t(locale, 'notify.reviewStarted', { name })];
    case 'infoRequested':
      return [
        t(locale, 'notify.infoRequested', { name, date: date(model.deadlineAt) }),
        ...(model.reasonCodes ?? []).map((reason) => `• ${infoRequestReasonText(locale, reason)}`),
        ...noteLines,
      ];
    case 'approvedCustomerNotified':
      return [t(locale, 'notify.approvedCustomerNotified', { name, customer, date: date(model.windowClosesAt) })];
    case 'customerApproved':
      return [t(locale, 'notify.customerApproved', { name, customer })];
    case 'customerOptedOut':
      return [t(locale, 'notify.customerOptedOut', { name, customer })];
    case 'associationOfficial':
      return [t(locale, 'notify.associationOfficial', { name, customer })];
    case 'rejected':
      return [
        t(locale, 'notify.rejected', { name, reason: rejectionReasonText(locale, model.rejectionReason ?? 'other') }),
        ...noteLines,
      ];
    case 'disputeOutcome': {
      const status = statusLabel(locale, shapeOf(model).status);
      const detail =
        model.disputeOutcome === 'approved'
          ? t(locale, 'status.windowCloses', { date: date(model.windowClosesAt) })
          : t(locale, 'status.rejectedBecause', {
              reason: rejectionReasonText(locale, model.rejectionReason ?? 'disputeLost'),
            });
      return [t(locale, 'notify.disputeOutcome', { name, status }), detail, ...noteLines];
    }
  }
}

export function renderPartnerNotificationCard(model: PartnerNotificationModel, locale: Locale): CardAttachment {
  const { status, tone } = shapeOf(model);
  return renderNoticeCard(
    {
      claimId: model.claimId,
      nonce: '',
      tone,
      title: statusLabel(locale, status),
      lines: partnerNotificationLines(model, locale),
      actions: [{ verb: 'viewClaim', label: 'notify.openClaim', style: 'positive' }],
    },
    locale,
  );
}
