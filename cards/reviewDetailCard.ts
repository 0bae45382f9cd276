/**
 * Everything a reviewer needs to decide on one claim: every field, the PoE files behind
 * short-lived download links, conflicts over its keys, the history and comments as one
 * timeline, and exactly the actions the status machine allows a reviewer now.
 */
import { INFO_REQUEST_REASONS, type Claim, type Contact, type InfoRequestReason, type PoeFile } from '../claims/model';
import { REVIEWER_REJECTION_REASONS, type ClaimEventType } from '../claims/statusMachine';
import { COMMENT_MAX } from '../claims/validation';
import { consentAddressCleared } from '../claims/contactCheck';
import {
  activityLabel,
  formatDate,
  formatDateTime,
  formatFileSize,
  formatList,
  historyEventLabel,
  infoRequestReasonText,
  productName,
  rejectionReasonText,
  solutionAreaLabel,
  statusLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';
import { combinedChecklist, withChecklist } from './poeChecklist';
import { commentAuthorLine, noticeData, type CardNotice } from './commentsThreadCard';
import { STATUS_COLORS } from './listCards';
import { ageLine, fieldLine, nameOf } from './reviewQueueCard';
import { entryLines } from './statusCards';
import { statusExplanation } from './statusExplanation';

export interface ReviewDetailCardModel {
  claim: Claim;
  partnerName: string;
  /** The PoE files with their short-lived download links, in the claim's order. */
  poe: readonly { file: PoeFile; url: string }[];
  /** How long the links work, to say so. */
  linkMinutes: number;
  /** Already worded for a reviewer (see conflictLines). */
  conflicts: readonly string[];
  /** `allowedEvents(claim, 'reviewer', now)`. */
  allowedEvents: readonly ClaimEventType[];
  ageBusinessDays?: number;
  /** A fresh id for the comment this card may add, so a double click adds it once. */
  commentId: string;
  timeZone?: string;
  /** The opt-out window as configured ("5", "PT2M"); default the program's 5 business days. */
  optOutWindow?: string;
  notice?: CardNotice;
  /** How old a PoE's latest date may be, in months, as the check was configured. */
  poeMaxAgeMonths?: number;
}

const TIMELINE_ENTRIES = 40;

const REASON_CHOICE: Readonly<Record<InfoRequestReason, MessageKey>> = {
  missingAllPoe: 'infoRequestReasons.missingAllPoe',
  missingCustomerAcknowledgement: 'infoRequestReasons.missingCustomerAcknowledgement',
  missingOrOldDates: 'infoRequestReasons.missingOrOldDates',
  missingPartnerSolutionOrService: 'infoRequestReasons.missingPartnerSolutionOrService',
  missingProducts: 'infoRequestReasons.missingProducts',
};

const REJECT_CHOICE: Readonly<Record<string, MessageKey>> = {
  insufficientPoe: 'reviewer.rejectInsufficientPoe',
  other: 'reviewer.rejectOther',
};

function contactLine(locale: Locale, role: MessageKey, contact: Contact | undefined): string[] {
  if (!contact) return [];
  const params = { role: t(locale, role), name: contact.name, email: contact.email };
  return [
    contact.title
      ? t(locale, 'summary.contactWithTitle', { ...params, jobTitle: contact.title })
      : t(locale, 'summary.contactWithoutTitle', params),
  ];
}

function facts(locale: Locale, model: ReviewDetailCardModel): string[] {
  const { claim } = model;
  const lines = [
    fieldLine(locale, 'reviewer.claimId', claim.id),
    fieldLine(locale, 'reviewer.partner', model.partnerName),
    fieldLine(locale, 'fields.mpnId', claim.mpnId),
    fieldLine(locale, 'fields.customerDomain', claim.customerDomain),
    fieldLine(locale, 'fields.customerTenantId', claim.customerTenantId),
    fieldLine(locale, 'fields.solutionArea', claim.solutionArea ? solutionAreaLabel(locale, claim.solutionArea) : ''),
    fieldLine(locale, 'fields.activity', claim.activity ? activityLabel(locale, claim.activity) : ''),
    fieldLine(locale, 'fields.productIds', formatList(locale, claim.productIds.map(productName))),
  ];
  for (const entry of claim.subscriptions) {
    const product = productName(entry.productId);
    lines.push(
      entry.subscriptionIds.length > 0
        ? t(locale, 'summary.subscriptionIds', { product, ids: entry.subscriptionIds.join(', ') })
        : t(locale, 'summary.subscriptionSingle', { product }),
    );
  }
  lines.push(
    ...contactLine(locale, 'fields.customerContact', claim.customerContact),
    ...contactLine(locale, 'fields.technicalContact', claim.technicalContact),
    ...contactLine(locale, 'reviewer.partnerContact', claim.partnerContact),
  );
  if (claim.revenue) {
    lines.push(
      fieldLine(locale, 'fields.revenueSolutionSellerName', claim.revenue.solutionSellerName),
      fieldLine(locale, 'fields.revenueCustomerName', claim.revenue.customerName),
      fieldLine(locale, 'fields.revenueIsvSolutionName', claim.revenue.isvSolutionName),
    );
  }
  return lines;
}

function statusLines(locale: Locale, model: ReviewDetailCardModel): string[] {
  const { claim, timeZone } = model;
  const lines = [statusExplanation(locale, claim, model)];
  if (claim.submittedAt)
    lines.push(t(locale, 'status.submittedOn', { date: formatDate(locale, claim.submittedAt, timeZone) }));
  if (model.ageBusinessDays !== undefined) lines.push(ageLine(locale, model.ageBusinessDays));
  if (claim.status === 'partnerActionRequired' && claim.infoRequest) {
    const { reasonCodes, note, deadlineAt } = claim.infoRequest;
    lines.push(
      t(locale, 'status.infoRequested'),
      ...reasonCodes.map((code) => `• ${infoRequestReasonText(locale, code)}`),
    );
    if (note) lines.push(t(locale, 'status.reviewerNote', { note }));
    lines.push(t(locale, 'status.answerBy', { date: formatDateTime(locale, deadlineAt, timeZone) }));
  }
  if (claim.status === 'approvedCustomerNotified' && claim.windowClosesAt)
    lines.push(t(locale, 'status.windowCloses', { date: formatDateTime(locale, claim.windowClosesAt, timeZone) }));
  if (
    claim.rejection &&
    (claim.status === 'rejected' || claim.status === 'rejectedFinal' || claim.status === 'dispute')
  ) {
    lines.push(t(locale, 'status.rejectedBecause', { reason: rejectionReasonText(locale, claim.rejection.reason) }));
    if (claim.rejection.note) lines.push(t(locale, 'status.reviewerNote', { note: claim.rejection.note }));
  }
  if (claim.status === 'dispute') {
    const justification = claim.history.filter((entry) => entry.event === 'dispute').at(-1)?.note;
    if (justification) lines.push(t(locale, 'reviewer.disputeNote', { note: justification }));
    lines.push(t(locale, 'reviewer.disputeHint'));
  }
  return lines;
}

interface TimelineEntry {
  at: string;
  event: string;
  when: string;
  lines: string[];
}

/** History entries and comments in the order they happened, the most recent ones when long. */
function timeline(locale: Locale, claim: Claim, timeZone?: string): TimelineEntry[] {
  const events = claim.history.map((entry) => ({
    at: entry.at,
    event: historyEventLabel(locale, entry.event),
    when: formatDateTime(locale, entry.at, timeZone),
    lines: entryLines(entry, locale, claim),
  }));
  const comments = claim.comments.map((comment) => ({
    at: comment.at,
    event: t(locale, 'comments.label'),
    when: commentAuthorLine(locale, comment, timeZone),
    lines: [comment.text],
  }));
  return [...events, ...comments].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-TIMELINE_ENTRIES);
}

export function renderReviewDetailCard(model: ReviewDetailCardModel, locale: Locale): CardAttachment {
  const { claim } = model;
  const allowed = (event: ClaimEventType): boolean => model.allowedEvents.includes(event);
  const inDispute = claim.status === 'dispute';
  // The reviewer starts where the machine stopped: the phrases found, and what was not.
  const checklist = combinedChecklist(claim, locale, {
    title: 'poeCheck.reviewerTitle',
    evidence: true,
    fix: false,
    ...(model.poeMaxAgeMonths ? { maxAgeMonths: model.poeMaxAgeMonths } : {}),
  });
  const card = expandCard('reviewDetail', {
    labels: labelsFor(locale, {
      title: 'reviewer.detailTitle',
      conflictsTitle: 'reviewer.conflictsTitle',
      poeTitle: 'poe.title',
      noPoe: 'summary.noPoe',
      download: 'reviewer.download',
      timelineTitle: 'reviewer.timelineTitle',
      startReview: 'reviewer.startReview',
      requestInfo: 'reviewer.requestInfo',
      reasonsLabel: 'reviewer.reasonsLabel',
      reasonsError: 'reviewer.reasonsError',
      noteOptional: 'reviewer.noteOptional',
      sendRequest: 'reviewer.sendRequest',
      approve: 'reviewer.approve',
      approveHint: inDispute ? 'reviewer.disputeHint' : 'reviewer.approveHint',
      approveConfirm: 'reviewer.approveConfirm',
      confirmContact: 'reviewer.confirmContact',
      reject: 'reviewer.reject',
      rejectReasonLabel: 'reviewer.rejectReasonLabel',
      rejectReasonError: 'reviewer.rejectReasonError',
      rejectNote: inDispute ? 'reviewer.noteOptional' : 'reviewer.rejectNoteLabel',
      rejectConfirm: 'reviewer.rejectConfirm',
      addComment: 'status.addComment',
      commentLabel: 'reviewer.commentLabel',
      commentError: 'comments.error',
      backToQueue: 'reviewer.backToQueue',
    }),
    claimId: claim.id,
    partnerId: claim.partnerId,
    status: claim.status,
    claimName: nameOf(locale, claim),
    ...noticeData(model.notice),
    statusLine: fieldLine(locale, 'claimsList.status', statusLabel(locale, claim.status)),
    statusColor: STATUS_COLORS[claim.status],
    statusLines: statusLines(locale, model),
    hasConflicts: model.conflicts.length > 0,
    conflicts: [...model.conflicts],
    facts: facts(locale, model),
    hasPoe: model.poe.length > 0,
    poe: model.poe.map(({ file, url }) => ({
      label: t(locale, 'summary.poeFile', { fileName: file.fileName, size: formatFileSize(locale, file.sizeBytes) }),
      url,
    })),
    linksExpire: t(locale, 'reviewer.linksExpire', { minutes: model.linkMinutes }),
    timeline: timeline(locale, claim, model.timeZone),
    canStartReview: allowed('startReview'),
    canRequestInfo: allowed('requestInfo'),
    canApprove: allowed('approve'),
    // The consent request goes to the customer's contact: an address the directory could not verify is confirmed first.
    canConfirmContact:
      (claim.status === 'submitted' || claim.status === 'underReview') && !consentAddressCleared(claim),
    canReject: allowed('reject'),
    // A reviewer may comment once the claim left the partner's hands as a draft.
    canComment: claim.status !== 'draft',
    needsRejectReason: !inDispute,
    reasonChoices: INFO_REQUEST_REASONS.map((value) => ({ value, title: t(locale, REASON_CHOICE[value]) })),
    rejectChoices: REVIEWER_REJECTION_REASONS.map((value) => ({
      value,
      title: t(locale, REJECT_CHOICE[value] ?? 'reviewer.rejectOther'),
    })),
    noteMaxLength: COMMENT_MAX,
    commentId: model.commentId,
  });
  return withChecklist(card, checklist);
}
