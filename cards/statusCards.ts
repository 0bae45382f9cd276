/**
 * A claim after creation: where it stands (with the countdown and what the partner
 * may do now) and its history as a timeline.
 */
import type { ClaimEventType } from '../claims/statusMachine';
import {
  INFO_REQUEST_REASONS,
  REJECTION_REASONS,
  type Claim,
  type HistoryEntry,
  type InfoRequestReason,
  type RejectionReason,
} from '../claims/model';
import { COMMENT_MAX } from '../claims/validation';
import {
  actorLabel,
  fieldLabel,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatList,
  historyEventLabel,
  infoRequestReasonText,
  rejectionReasonText,
  statusLabel,
  t,
  type Locale,
} from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment, type StepContext } from './cardKit';
import { STATUS_COLORS } from './listCards';
import { actorName, statusExplanation, type ClaimContacts } from './statusExplanation';

export interface StatusCardModel extends StepContext {
  claim: Claim;
  timeZone?: string;
  /** Business days until the opt-out window closes or the answer is due (from the calendar). */
  businessDaysLeft?: number;
  /** What this user may do now: `allowedEvents(claim, role, now)` from the status machine. */
  allowedEvents: readonly ClaimEventType[];
  /** Whether this user may comment (partner admins, on a submitted claim). */
  canComment: boolean;
  /** The last moment a rejection may be disputed, when it still may. */
  disputeUntil?: string;
  /** Whether the Comments button (Action.Execute `viewComments`) opens the claim's thread. */
  canOpenComments?: boolean;
  /** The opt-out window as configured ("5", "PT2M"); default the program's 5 business days. */
  optOutWindow?: string;
}

const isInfoReason = (code: string): code is InfoRequestReason =>
  (INFO_REQUEST_REASONS as readonly string[]).includes(code);
const isRejectionReason = (code: string): code is RejectionReason =>
  (REJECTION_REASONS as readonly string[]).includes(code);

function statusDetails(model: StatusCardModel, locale: Locale): string[] {
  const { claim, timeZone } = model;
  const lines = [t(locale, 'status.created', { date: formatDate(locale, claim.createdAt, timeZone) })];
  if (claim.submittedAt)
    lines.push(t(locale, 'status.submittedOn', { date: formatDate(locale, claim.submittedAt, timeZone) }));
  const countdown = (kind: 'window' | 'deadline') =>
    model.businessDaysLeft === undefined ? [] : [formatCountdown(locale, kind, model.businessDaysLeft)];
  if (claim.status === 'approvedCustomerNotified' && claim.windowClosesAt) {
    lines.push(
      t(locale, 'status.windowCloses', { date: formatDateTime(locale, claim.windowClosesAt, timeZone) }),
      ...countdown('window'),
    );
  }
  if (claim.status === 'partnerActionRequired' && claim.infoRequest) {
    const { reasonCodes, note, deadlineAt } = claim.infoRequest;
    lines.push(
      t(locale, 'status.infoRequested'),
      ...reasonCodes.filter(isInfoReason).map((code) => `• ${infoRequestReasonText(locale, code)}`),
    );
    if (note) lines.push(t(locale, 'status.reviewerNote', { note }));
    lines.push(
      t(locale, 'status.answerBy', { date: formatDateTime(locale, deadlineAt, timeZone) }),
      ...countdown('deadline'),
    );
  }
  if ((claim.status === 'rejected' || claim.status === 'rejectedFinal') && claim.rejection) {
    lines.push(t(locale, 'status.rejectedBecause', { reason: rejectionReasonText(locale, claim.rejection.reason) }));
    if (claim.rejection.note) lines.push(t(locale, 'status.reviewerNote', { note: claim.rejection.note }));
    if (model.disputeUntil && model.allowedEvents.includes('dispute')) {
      lines.push(t(locale, 'status.disputeUntil', { date: formatDate(locale, model.disputeUntil, timeZone) }));
    }
  }
  return lines;
}

export function renderStatusCard(model: StatusCardModel, locale: Locale): CardAttachment {
  const { claim } = model;
  const canRespond = model.allowedEvents.includes('resubmit');
  return expandCard('status', {
    labels: labelsFor(locale, {
      title: 'status.title',
      respond: 'status.respond',
      addPoe: 'status.addPoe',
      history: 'status.history',
      addComment: 'status.addComment',
      commentLabel: 'comments.label',
      commentError: 'comments.error',
      dispute: 'status.dispute',
      disputeReasonLabel: 'status.disputeReasonLabel',
      disassociate: 'status.disassociate',
      disassociateReasonLabel: 'status.disassociateReasonLabel',
      reasonError: 'status.reasonError',
      myClaims: 'status.myClaims',
      disputePoeHint: 'manage.disputePoeHint',
      withdraw: 'manage.withdraw',
      withdrawConfirm: 'manage.withdrawConfirm',
      withdrawConfirmButton: 'manage.withdrawConfirmButton',
      comments: 'manage.comments',
    }),
    claimId: model.claimId,
    nonce: model.nonce,
    claimName: claim.name.trim() ? claim.name : t(locale, 'drafts.untitled'),
    customerLine: t(locale, 'common.fieldValue', {
      label: t(locale, 'status.customer'),
      value: claim.customerDomain || t(locale, 'common.notProvided'),
    }),
    statusLine: t(locale, 'common.fieldValue', {
      label: t(locale, 'status.current'),
      value: statusLabel(locale, claim.status),
    }),
    statusColor: STATUS_COLORS[claim.status],
    statusHelp: statusExplanation(locale, claim, model),
    details: statusDetails(model, locale),
    canRespond,
    canAddPoe: canRespond && claim.status === 'partnerActionRequired',
    canComment: model.canComment,
    canDispute: model.allowedEvents.includes('dispute'),
    canDisassociate: model.allowedEvents.includes('disassociate'),
    canWithdraw: model.allowedEvents.includes('withdraw'),
    canOpenComments: model.canOpenComments === true,
    commentMaxLength: COMMENT_MAX,
  });
}

export interface HistoryCardModel extends StepContext {
  claim: Claim;
  timeZone?: string;
  /** Long histories show their most recent entries; a card has a size limit. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 40;

/** What one history entry says, line by line (also the review card's timeline). */
export function entryLines(entry: HistoryEntry, locale: Locale, contacts?: ClaimContacts): string[] {
  const lines: string[] = [];
  if (entry.from === null) lines.push(t(locale, 'history.created', { to: statusLabel(locale, entry.to) }));
  else if (entry.from !== entry.to)
    lines.push(
      t(locale, 'history.transition', { from: statusLabel(locale, entry.from), to: statusLabel(locale, entry.to) }),
    );
  const actor = actorLabel(locale, entry.actor.role);
  const name = actorName(entry, contacts);
  lines.push(t(locale, 'history.by', { actor: name ? `${actor} (${name})` : actor }));
  const codes = entry.reasonCodes ?? [];
  if (entry.event === 'edited' && codes.length > 0) {
    lines.push(
      t(locale, 'history.changed', {
        fields: formatList(locale, [...new Set(codes.map((code) => fieldLabel(locale, code)))]),
      }),
    );
  } else {
    lines.push(...codes.filter(isInfoReason).map((code) => `• ${infoRequestReasonText(locale, code)}`));
  }
  if (entry.reason)
    lines.push(
      t(locale, 'history.reason', {
        reason: isRejectionReason(entry.reason) ? rejectionReasonText(locale, entry.reason) : entry.reason,
      }),
    );
  // The customer's opt-out reason is their own words: said to be theirs, shown as plain text like every note.
  if (entry.note && entry.event === 'customerOptOut')
    lines.push(t(locale, 'history.customerReason', { reason: entry.note }));
  else if (entry.note) lines.push(t(locale, 'history.note', { note: entry.note }));
  return lines;
}

export function renderHistoryCard(model: HistoryCardModel, locale: Locale): CardAttachment {
  const entries = model.claim.history.slice(-(model.maxEntries ?? DEFAULT_MAX_ENTRIES));
  return expandCard('history', {
    labels: labelsFor(locale, {
      title: 'history.title',
      empty: 'history.empty',
      backToStatus: 'history.backToStatus',
      myClaims: 'status.myClaims',
    }),
    claimId: model.claimId,
    nonce: model.nonce,
    claimName: model.claim.name.trim() ? model.claim.name : t(locale, 'drafts.untitled'),
    hasEntries: entries.length > 0,
    entries: entries.map((entry) => ({
      when: formatDateTime(locale, entry.at, model.timeZone),
      event: historyEventLabel(locale, entry.event),
      lines: entryLines(entry, locale, model.claim),
    })),
  });
}
