/**
 * A claim's life after creation (docs/RULES.md, "A claim's life") as a
 * pure function: `applyEvent` checks who may do what from which status and returns a
 * new claim with its history entry, or every reason it refuses as coded problems.
 *
 * The caller supplies the computed deadlines (`requestInfo.deadlineAt`,
 * `approve.windowClosesAt`) so this module stays free of the calendar, and checks
 * that the actor belongs to the claim's partner organisation (or is its customer
 * contact); side effects (mail, proactive messages) are the caller's outbox entries.
 */
import { associationKeys } from './associations';
import { changeClaim, filedLocaleBy, historyEntry } from './claimChange';
import { fail, ok, type Problem, type Result } from './errors';
import {
  INFO_REQUEST_REASONS,
  type Actor,
  type ActorRole,
  type Claim,
  type ClaimStatus,
  type InfoRequestReason,
  type PartnerOrganisation,
  type RejectionReason,
} from './model';
import {
  validateClaimForSubmission,
  validateComment,
  validateText,
  COMMENT_MAX,
  OPT_OUT_REASON_MAX,
} from './validation';

export { addComment, applyEdit, createDraft, editableFields } from './claimEdits';
export type { ClaimPatch, DraftInput } from './claimEdits';

export type ClaimEvent =
  | { type: 'submit'; organisation?: PartnerOrganisation }
  | { type: 'startReview' }
  | { type: 'requestInfo'; reasonCodes: readonly string[]; note?: string; deadlineAt: Date }
  | { type: 'resubmit'; organisation?: PartnerOrganisation }
  | { type: 'approve'; windowClosesAt: Date; note?: string }
  | { type: 'reject'; reason?: RejectionReason; note?: string }
  | { type: 'deadlineMissed' }
  | { type: 'customerApprove' }
  | { type: 'customerOptOut'; note?: string }
  | { type: 'windowClosed' }
  | { type: 'withdraw'; note?: string }
  | { type: 'dispute'; justification: string }
  | { type: 'disassociate'; reason: string };

export type ClaimEventType = ClaimEvent['type'];

/** A rejection may be disputed once, within this many calendar days. */
export const DISPUTE_WINDOW_DAYS = 30;

/** Reasons a reviewer may give; the others belong to the system, the customer or the partner. */
export const REVIEWER_REJECTION_REASONS: readonly RejectionReason[] = ['insufficientPoe', 'other'];

/** Disputing your own withdrawal or the customer's opt-out would have nobody to overrule. */
const UNDISPUTABLE: readonly RejectionReason[] = ['partnerRequest', 'customerDeclined'];

interface Rule {
  roles: readonly ActorRole[];
  from: readonly ClaimStatus[];
}

export const TRANSITIONS: Readonly<Record<ClaimEventType, Rule>> = {
  submit: { roles: ['partnerAdmin'], from: ['draft'] },
  startReview: { roles: ['reviewer'], from: ['submitted'] },
  requestInfo: { roles: ['reviewer'], from: ['underReview'] },
  resubmit: { roles: ['partnerAdmin'], from: ['partnerActionRequired'] },
  approve: { roles: ['reviewer'], from: ['underReview', 'dispute'] },
  reject: { roles: ['reviewer'], from: ['underReview', 'dispute'] },
  deadlineMissed: { roles: ['system'], from: ['partnerActionRequired'] },
  customerApprove: { roles: ['customer'], from: ['approvedCustomerNotified'] },
  customerOptOut: { roles: ['customer'], from: ['approvedCustomerNotified'] },
  windowClosed: { roles: ['system'], from: ['approvedCustomerNotified'] },
  withdraw: { roles: ['partnerAdmin'], from: ['submitted', 'underReview', 'partnerActionRequired'] },
  dispute: { roles: ['partnerAdmin'], from: ['rejected'] },
  disassociate: { roles: ['partnerAdmin'], from: ['associated'] },
};

const EVENT_TYPES = Object.keys(TRANSITIONS) as ClaimEventType[];

const problem = (code: string, field: string, params?: Problem['params']): Problem =>
  params ? { code, field, params } : { code, field };

const isAfter = (date: Date, now: Date): boolean => !Number.isNaN(date.getTime()) && date.getTime() > now.getTime();

/**
 * Refusals that depend on the claim (and, when `now` is given, the time), not on what
 * the event carries.
 */
function stateProblems(claim: Claim, type: ClaimEventType, now?: Date): Problem[] {
  const before = (iso: string | undefined): boolean => now !== undefined && now.getTime() < Date.parse(iso ?? '');
  switch (type) {
    case 'dispute': {
      if (claim.disputed) return [problem('disputeAlreadyUsed', 'status')];
      const rejection = claim.rejection;
      if (rejection && UNDISPUTABLE.includes(rejection.reason))
        return [problem('disputeNotAllowed', 'status', { reason: rejection.reason })];
      const windowEnd = Date.parse(rejection?.at ?? '') + DISPUTE_WINDOW_DAYS * 86_400_000;
      const closed = now !== undefined && now.getTime() > windowEnd;
      return closed ? [problem('disputeWindowClosed', 'status', { days: DISPUTE_WINDOW_DAYS })] : [];
    }
    case 'deadlineMissed':
      return before(claim.infoRequest?.deadlineAt) ? [problem('notYetDue', 'deadlineAt')] : [];
    case 'windowClosed':
      return before(claim.windowClosesAt) ? [problem('notYetDue', 'windowClosesAt')] : [];
    case 'customerOptOut':
      return now !== undefined && !before(claim.windowClosesAt)
        ? [problem('optOutWindowClosed', 'windowClosesAt')]
        : [];
    // Allowed whenever the status and role allow them.
    case 'submit':
    case 'startReview':
    case 'requestInfo':
    case 'resubmit':
    case 'approve':
    case 'reject':
    case 'customerApprove':
    case 'withdraw':
    case 'disassociate':
      return [];
  }
}

/** Refusals about what the event carries: reasons, notes, deadlines, the claim's completeness. */
function payloadProblems(claim: Claim, event: ClaimEvent, now: Date): Problem[] {
  const optionalNote = (note: string | undefined, max = COMMENT_MAX): Problem[] => {
    const p = validateText(note, 'note', { max, multiline: true, required: false });
    return p ? [p] : [];
  };
  const requiredText = (text: string | undefined, field: string): Problem[] => {
    const p = validateComment(text, field);
    if (!p) return [];
    return [p.code === 'required' ? problem('reasonRequired', field) : p];
  };
  switch (event.type) {
    case 'submit':
    case 'resubmit':
      return validateClaimForSubmission(claim, event.organisation);
    case 'requestInfo': {
      const problems = optionalNote(event.note);
      if (event.reasonCodes.length === 0) problems.push(problem('reasonRequired', 'reasonCodes'));
      for (const code of event.reasonCodes) {
        if (!(INFO_REQUEST_REASONS as readonly string[]).includes(code))
          problems.push(problem('reasonCodeUnknown', 'reasonCodes', { code }));
      }
      if (!isAfter(event.deadlineAt, now)) problems.push(problem('deadlineInvalid', 'deadlineAt'));
      return problems;
    }
    case 'approve': {
      const problems = optionalNote(event.note);
      if (!isAfter(event.windowClosesAt, now)) problems.push(problem('deadlineInvalid', 'windowClosesAt'));
      return problems;
    }
    case 'reject': {
      const problems = optionalNote(event.note);
      if (claim.status === 'dispute') return problems;
      if (event.reason === undefined) problems.push(problem('reasonRequired', 'reason'));
      else if (!REVIEWER_REJECTION_REASONS.includes(event.reason))
        problems.push(problem('reasonNotAllowed', 'reason', { reason: event.reason }));
      else if (event.reason === 'other' && !event.note?.trim()) problems.push(problem('reasonRequired', 'note'));
      return problems;
    }
    case 'customerOptOut':
      return optionalNote(event.note, OPT_OUT_REASON_MAX);
    case 'withdraw':
      return optionalNote(event.note);
    case 'dispute':
      return requiredText(event.justification, 'justification');
    case 'disassociate':
      return requiredText(event.reason, 'reason');
    // Events that carry nothing to check.
    case 'startReview':
    case 'deadlineMissed':
    case 'customerApprove':
    case 'windowClosed':
      return [];
  }
}

const trimmed = (text: string | undefined): string | undefined => (text?.trim() ? text.trim() : undefined);

function rejection(reason: RejectionReason, now: Date, note?: string): NonNullable<Claim['rejection']> {
  const value: NonNullable<Claim['rejection']> = { reason, at: now.toISOString() };
  const text = trimmed(note);
  if (text !== undefined) value.note = text;
  return value;
}

/** The new status, the fields the event changes, and what the history says about it. */
function effect(
  claim: Claim,
  event: ClaimEvent,
  now: Date,
  actor: Actor,
): { to: ClaimStatus; changes: Partial<Claim>; reason?: string; reasonCodes?: string[]; note?: string } {
  const at = now.toISOString();
  switch (event.type) {
    // Filing is submitting: the language the partner submits in is the claim's (the customer is asked in it).
    case 'submit':
      return { to: 'submitted', changes: { submittedAt: at, ...filedLocaleBy(actor) } };
    case 'resubmit':
      return { to: 'submitted', changes: { submittedAt: at, infoRequest: undefined, ...filedLocaleBy(actor) } };
    case 'startReview':
      return { to: 'underReview', changes: {} };
    case 'requestInfo': {
      const reasonCodes = [...new Set(event.reasonCodes)] as InfoRequestReason[];
      const note = trimmed(event.note);
      const infoRequest: NonNullable<Claim['infoRequest']> = {
        reasonCodes,
        deadlineAt: event.deadlineAt.toISOString(),
      };
      if (note !== undefined) infoRequest.note = note;
      return { to: 'partnerActionRequired', changes: { infoRequest }, reasonCodes, note };
    }
    case 'approve':
      return {
        to: 'approvedCustomerNotified',
        changes: {
          windowClosesAt: event.windowClosesAt.toISOString(),
          heldKeys: associationKeys(claim),
          rejection: undefined,
        },
        note: trimmed(event.note),
      };
    case 'reject': {
      const lostDispute = claim.status === 'dispute';
      const reason: RejectionReason = lostDispute ? 'disputeLost' : (event.reason ?? 'other');
      return {
        to: lostDispute ? 'rejectedFinal' : 'rejected',
        changes: { rejection: rejection(reason, now, event.note), heldKeys: [] },
        reason,
        note: trimmed(event.note),
      };
    }
    case 'deadlineMissed':
      return {
        to: 'rejected',
        changes: { rejection: rejection('noPartnerResponse', now), infoRequest: undefined },
        reason: 'noPartnerResponse',
      };
    case 'customerApprove':
    case 'windowClosed':
      return { to: 'associated', changes: {} };
    case 'customerOptOut':
      return {
        to: 'rejected',
        changes: { rejection: rejection('customerDeclined', now, event.note), heldKeys: [] },
        reason: 'customerDeclined',
        note: trimmed(event.note),
      };
    case 'withdraw':
      return {
        to: 'rejected',
        changes: { rejection: rejection('partnerRequest', now, event.note), infoRequest: undefined },
        reason: 'partnerRequest',
        note: trimmed(event.note),
      };
    case 'dispute':
      return { to: 'dispute', changes: { disputed: true }, note: trimmed(event.justification) };
    case 'disassociate':
      return {
        to: 'rejectedFinal',
        changes: { rejection: rejection('disassociated', now, event.reason), heldKeys: [] },
        reason: 'disassociated',
        note: trimmed(event.reason),
      };
  }
}

/**
 * Applies one event. Refusals come back all at once: `transitionNotAllowed` (wrong
 * status), `roleNotAllowed`, then the event's own rules (`disputeAlreadyUsed`,
 * `disputeWindowClosed`, `reasonRequired`, the submission validation problems, …).
 */
export function applyEvent(claim: Claim, event: ClaimEvent, actor: Actor, now: Date): Result<Claim, Problem[]> {
  const rule = TRANSITIONS[event.type];
  const problems: Problem[] = [];
  const statusAllows = rule.from.includes(claim.status);
  if (!statusAllows)
    problems.push(problem('transitionNotAllowed', 'status', { event: event.type, status: claim.status }));
  if (!rule.roles.includes(actor.role))
    problems.push(problem('roleNotAllowed', 'actor', { event: event.type, role: actor.role }));
  if (problems.length > 0) return fail(problems);
  problems.push(...stateProblems(claim, event.type, now), ...payloadProblems(claim, event, now));
  if (problems.length > 0) return fail(problems);

  const { to, changes, ...facts } = effect(claim, event, now, actor);
  const entry = historyEntry(actor, now, { event: event.type, from: claim.status, to, ...facts });
  return ok(changeClaim(claim, { ...changes, status: to }, now, entry));
}

/**
 * The events this role could apply now, for building buttons. Payload rules (a
 * reason, a complete claim for submit) are not judged here; pass `now` to also drop
 * events the clock forbids (a closed dispute window, a window not yet closed).
 */
export function allowedEvents(claim: Claim, role: ActorRole, now?: Date): ClaimEventType[] {
  return EVENT_TYPES.filter((type) => {
    const rule = TRANSITIONS[type];
    if (!rule.from.includes(claim.status) || !rule.roles.includes(role)) return false;
    return stateProblems(claim, type, now).length === 0;
  });
}
