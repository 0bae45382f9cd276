/**
 * What each claim status means to the rest of the system, in one table: the reviewer's
 * queue, the storage queries, the scheduler's timers and the colours on cards all
 * derive from it. A new status in `CLAIM_STATUSES` fails compilation here until its
 * traits are stated, and in every exhaustive `switch` over statuses.
 */
import { CLAIM_STATUSES, type Claim, type ClaimStatus } from './model';
import type { ClaimEvent } from './statusMachine';

/** How a status reads at a glance; cards map it to their own colour names. */
export type StatusTone = 'default' | 'accent' | 'good' | 'warning' | 'attention';

/**
 * The clock that runs while a claim has the status: the customer's opt-out window
 * (`windowClosesAt`) or the partner's answer to a request for information
 * (`infoRequest.deadlineAt`).
 */
export type StatusTimer = 'optOutWindow' | 'answerDeadline';

/**
 * What a partner can do about a claim of their own, of this status, that already holds or
 * wants a workload or subscription a new claim asks for (docs/RULES.md, rule 1), so the
 * notice gives advice that the status machine allows:
 * - `finishOrDiscard`: a draft, holding nothing yet: finish it, or discard it;
 * - `waitOrWithdraw`: waiting for a reviewer: wait for the decision, or withdraw it;
 * - `answerOrWithdraw`: the reviewer waits for the partner: answer (products may change), or withdraw;
 * - `waitForWindow`: approved, the customer's opt-out window running: nothing to withdraw, it becomes official or ends;
 * - `official`: an official association: never withdrawn; there is nothing to claim again, and it can be ended;
 * - `waitForDispute`: a dispute, which can't be withdrawn: wait for its decision.
 * `null`: a claim of this status holds and wants nothing (rejected), so it is no conflict at all.
 */
export type ConflictAdvice =
  'finishOrDiscard' | 'waitOrWithdraw' | 'answerOrWithdraw' | 'waitForWindow' | 'official' | 'waitForDispute';

export interface StatusTraits {
  /** In the reviewer's queue: a reviewer has the next move. */
  awaitsReviewer: boolean;
  /** Wants its association keys but does not hold them yet (competes with other claims). */
  open: boolean;
  timer: StatusTimer | null;
  tone: StatusTone;
  conflictAdvice: ConflictAdvice | null;
}

export const STATUS_TRAITS = {
  draft: { awaitsReviewer: false, open: false, timer: null, tone: 'default', conflictAdvice: 'finishOrDiscard' },
  submitted: { awaitsReviewer: true, open: true, timer: null, tone: 'accent', conflictAdvice: 'waitOrWithdraw' },
  underReview: { awaitsReviewer: true, open: true, timer: null, tone: 'accent', conflictAdvice: 'waitOrWithdraw' },
  partnerActionRequired: {
    awaitsReviewer: false,
    open: true,
    timer: 'answerDeadline',
    tone: 'warning',
    conflictAdvice: 'answerOrWithdraw',
  },
  approvedCustomerNotified: {
    awaitsReviewer: false,
    open: false,
    timer: 'optOutWindow',
    tone: 'accent',
    conflictAdvice: 'waitForWindow',
  },
  associated: { awaitsReviewer: false, open: false, timer: null, tone: 'good', conflictAdvice: 'official' },
  rejected: { awaitsReviewer: false, open: false, timer: null, tone: 'attention', conflictAdvice: null },
  dispute: { awaitsReviewer: true, open: true, timer: null, tone: 'warning', conflictAdvice: 'waitForDispute' },
  rejectedFinal: { awaitsReviewer: false, open: false, timer: null, tone: 'attention', conflictAdvice: null },
} as const satisfies Record<ClaimStatus, StatusTraits>;

const statusesWhere = (trait: (traits: StatusTraits) => boolean): readonly ClaimStatus[] =>
  CLAIM_STATUSES.filter((status) => trait(STATUS_TRAITS[status]));

/** The statuses of the reviewer's queue, in `CLAIM_STATUSES` order. */
export const REVIEW_STATUSES = statusesWhere((s) => s.awaitsReviewer);
/** The statuses of claims that compete for their keys, in `CLAIM_STATUSES` order. */
export const OPEN_STATUSES = statusesWhere((s) => s.open);
/** The statuses of a partner's own claims that stand in the way of another claim for the same keys. */
export const CONFLICTING_STATUSES = statusesWhere((s) => s.conflictAdvice !== null);

type TimedClaim = Pick<Claim, 'status' | 'windowClosesAt' | 'infoRequest'>;

/** When the status's clock runs out, if one runs. */
export function statusTimerOf(claim: TimedClaim): string | undefined {
  const timer: StatusTimer | null = STATUS_TRAITS[claim.status].timer;
  switch (timer) {
    case 'optOutWindow':
      return claim.windowClosesAt;
    case 'answerDeadline':
      return claim.infoRequest?.deadlineAt;
    case null:
      return undefined;
  }
}

/** The event that the status's clock running out raises. */
export function timerEventType(timer: StatusTimer): Extract<ClaimEvent['type'], 'windowClosed' | 'deadlineMissed'> {
  switch (timer) {
    case 'optOutWindow':
      return 'windowClosed';
    case 'answerDeadline':
      return 'deadlineMissed';
  }
}
