import assert from 'node:assert/strict';
import { CLAIM_STATUSES, type ClaimStatus } from '../../claims/model';
import { TRANSITIONS } from '../../claims/statusMachine';
import {
  CONFLICTING_STATUSES,
  OPEN_STATUSES,
  REVIEW_STATUSES,
  STATUS_TRAITS,
  statusTimerOf,
  type ConflictAdvice,
} from '../../claims/statusTraits';

/** Statuses no event leaves: the end of a claim's life. */
const FINAL: readonly ClaimStatus[] = ['rejectedFinal'];

describe('claims/statusTraits', () => {
  it('lets some event leave every status but the final ones (a new status needs its transitions)', () => {
    const left = new Set(Object.values(TRANSITIONS).flatMap((rule) => rule.from));
    for (const status of CLAIM_STATUSES) assert.equal(left.has(status), !FINAL.includes(status), status);
  });

  it('derives the reviewer queue and the open claims from the table, in status order', () => {
    assert.deepEqual(REVIEW_STATUSES, ['submitted', 'underReview', 'dispute']);
    assert.deepEqual(OPEN_STATUSES, ['submitted', 'underReview', 'partnerActionRequired', 'dispute']);
  });

  it('advises on a conflicting claim only what the status machine lets the partner do with it', () => {
    const can = (event: keyof typeof TRANSITIONS, status: ClaimStatus) =>
      TRANSITIONS[event].from.includes(status) && TRANSITIONS[event].roles.includes('partnerAdmin');
    // What each piece of advice tells the partner to do, or says cannot be done.
    const means: Record<ConflictAdvice, (status: ClaimStatus) => boolean> = {
      finishOrDiscard: (status) => can('submit', status),
      waitOrWithdraw: (status) => can('withdraw', status) && STATUS_TRAITS[status].awaitsReviewer,
      answerOrWithdraw: (status) => can('withdraw', status) && can('resubmit', status),
      waitForWindow: (status) => !can('withdraw', status) && STATUS_TRAITS[status].timer === 'optOutWindow',
      official: (status) => !can('withdraw', status) && can('disassociate', status),
      waitForDispute: (status) => !can('withdraw', status) && STATUS_TRAITS[status].awaitsReviewer,
    };
    for (const status of CLAIM_STATUSES) {
      const advice = STATUS_TRAITS[status].conflictAdvice;
      if (advice !== null) assert.ok(means[advice](status), `${status}: ${advice}`);
    }
    // Rejected claims hold and want nothing (their keys are given back): no conflict at all.
    const rejections: readonly ClaimStatus[] = ['rejected', 'rejectedFinal'];
    assert.deepEqual(
      CONFLICTING_STATUSES,
      CLAIM_STATUSES.filter((status) => !rejections.includes(status)),
    );
  });

  it('runs a clock only where the status has one, read from the field it names', () => {
    const claim = {
      windowClosesAt: '2025-01-10T00:00:00.000Z',
      infoRequest: { deadlineAt: '2025-01-20T00:00:00.000Z', reasonCodes: [], requestedAt: '' },
    };
    for (const status of CLAIM_STATUSES) {
      const expected = {
        optOutWindow: claim.windowClosesAt,
        answerDeadline: claim.infoRequest.deadlineAt,
        none: undefined,
      }[STATUS_TRAITS[status].timer ?? 'none'];
      assert.equal(statusTimerOf({ ...claim, status } as Parameters<typeof statusTimerOf>[0]), expected, status);
    }
  });
});
