import assert from 'node:assert/strict';
import { dueAtFor, withOutbox } from '../../claims/claimChange';
import type { Claim, OutboxMessage } from '../../claims/model';
import { NOTIFICATION_KINDS, RECIPIENT_OF, outboxFor } from '../../claims/notifications';
import { applyEvent, type ClaimEvent } from '../../claims/statusMachine';
import { T0, TENANT, SUBSCRIPTION_A, admin, customer, reviewer, system, validClaim } from './fixtures';

const DAY = 86_400_000;
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);
const KEY = `sub|${TENANT}|${SUBSCRIPTION_A}`;

function message(id: string, nextAttemptAt: Date, leaseUntil?: Date): OutboxMessage {
  const m: OutboxMessage = {
    id,
    kind: 'rejected',
    createdAt: T0.toISOString(),
    attempts: 0,
    nextAttemptAt: nextAttemptAt.toISOString(),
  };
  if (leaseUntil) m.leaseUntil = leaseUntil.toISOString();
  return m;
}

/** Applies the event and returns the outbox it causes, failing the test on a refusal. */
function messagesOf(before: Claim, event: ClaimEvent, actor = reviewer, now = at(1)): OutboxMessage[] {
  const result = applyEvent(before, event, actor, now);
  if (!result.ok) assert.fail(JSON.stringify(result.error));
  return outboxFor(before, result.value, now);
}

const kinds = (messages: OutboxMessage[]): string[] => messages.map((m) => m.kind);

describe('claims/notifications', () => {
  describe('outboxFor', () => {
    const underReview = validClaim({ status: 'underReview', submittedAt: T0.toISOString() });
    const approved = validClaim({
      status: 'approvedCustomerNotified',
      windowClosesAt: at(8).toISOString(),
      heldKeys: [KEY],
    });
    const disputed = validClaim({
      status: 'dispute',
      disputed: true,
      rejection: { reason: 'insufficientPoe', at: T0.toISOString() },
    });

    it('tells the partner when review starts, and the answer deadline and reasons when information is requested', () => {
      assert.deepEqual(kinds(messagesOf(validClaim({ status: 'submitted' }), { type: 'startReview' })), [
        'reviewStarted',
      ]);
      const [info] = messagesOf(underReview, {
        type: 'requestInfo',
        reasonCodes: ['missingAllPoe'],
        note: 'free text stays on the claim',
        deadlineAt: at(10),
      });
      assert.deepEqual(info?.payload, { reasonCodes: ['missingAllPoe'], deadlineAt: at(10).toISOString() });
    });

    it('on approval notifies the partner and sends the customer the consent request, both with the window close', () => {
      const messages = messagesOf(underReview, { type: 'approve', windowClosesAt: at(8) });
      assert.deepEqual(kinds(messages), ['approvedCustomerNotified', 'customerConsentRequest']);
      for (const m of messages) assert.deepEqual(m.payload, { windowClosesAt: at(8).toISOString() });
      assert.equal(RECIPIENT_OF.customerConsentRequest, 'customer');
    });

    it('reports a dispute outcome, approved or final, instead of the plain approval or rejection', () => {
      assert.deepEqual(kinds(messagesOf(disputed, { type: 'approve', windowClosesAt: at(8) })), [
        'disputeOutcome',
        'customerConsentRequest',
      ]);
      const [lost] = messagesOf(disputed, { type: 'reject' });
      assert.deepEqual(
        [lost?.kind, lost?.payload],
        ['disputeOutcome', { outcome: 'rejectedFinal', reason: 'disputeLost' }],
      );
    });

    it('tells the partner about the customer decision and the window closing, and gives back keys on an opt-out', () => {
      assert.deepEqual(kinds(messagesOf(approved, { type: 'customerApprove' }, customer)), ['customerApproved']);
      assert.deepEqual(kinds(messagesOf(approved, { type: 'windowClosed' }, system, at(8))), ['associationOfficial']);
      const optOut = messagesOf(approved, { type: 'customerOptOut', note: 'no' }, customer);
      assert.deepEqual(kinds(optOut), ['customerOptedOut', 'releaseHolds']);
      assert.deepEqual(optOut[1]?.payload, { keys: [KEY] });
    });

    it('carries the rejection reason code, and nothing for changes the partner made itself', () => {
      const [rejected] = messagesOf(underReview, { type: 'reject', reason: 'insufficientPoe', note: 'never copied' });
      assert.deepEqual(rejected?.payload, { reason: 'insufficientPoe' });
      assert.deepEqual(messagesOf(underReview, { type: 'withdraw' }, admin), []);
      const associated = validClaim({ status: 'associated', heldKeys: [KEY] });
      assert.deepEqual(kinds(messagesOf(associated, { type: 'disassociate', reason: 'moved on' }, admin)), [
        'releaseHolds',
      ]);
    });

    it('derives ids from the history entry: stable for the same transition, distinct across transitions', () => {
      const now = at(1);
      const after = applyEvent(underReview, { type: 'approve', windowClosesAt: at(8) }, reviewer, now);
      assert.ok(after.ok);
      const first = outboxFor(underReview, after.value, now);
      assert.deepEqual(outboxFor(underReview, after.value, now), first);
      assert.equal(new Set(first.map((m) => m.id)).size, first.length);
      assert.ok(first.every((m) => m.attempts === 0 && m.nextAttemptAt === now.toISOString()));
      assert.deepEqual(Object.keys(RECIPIENT_OF).sort(), [...NOTIFICATION_KINDS].sort());
    });
  });

  describe('dueAt', () => {
    const waiting = validClaim({ status: 'approvedCustomerNotified', windowClosesAt: at(8).toISOString() });

    it('is the status timer when the outbox is empty, and absent when nothing is pending', () => {
      assert.equal(dueAtFor(waiting), at(8).toISOString());
      assert.equal(dueAtFor(validClaim({ status: 'associated', windowClosesAt: at(8).toISOString() })), undefined);
    });

    it('is the earliest of the status timer and the outbox attempts', () => {
      assert.equal(dueAtFor({ ...waiting, outbox: [message('a', at(9)), message('b', at(3))] }), at(3).toISOString());
      assert.equal(dueAtFor({ ...waiting, outbox: [message('a', at(9))] }), at(8).toISOString());
      assert.equal(dueAtFor(validClaim({ status: 'rejected', outbox: [message('a', at(2))] })), at(2).toISOString());
    });

    it('moves a leased message to the end of its lease, so a dead dispatcher is taken over then', () => {
      assert.equal(dueAtFor({ ...waiting, outbox: [message('a', at(1), at(2))] }), at(2).toISOString());
      // an expired lease older than the attempt time changes nothing
      assert.equal(dueAtFor({ ...waiting, outbox: [message('a', at(2), at(1))] }), at(2).toISOString());
    });

    it('withOutbox recomputes dueAt (and drops it) without touching updatedAt or history', () => {
      const withMessage = withOutbox(waiting, [message('a', at(1))]);
      assert.equal(withMessage.dueAt, at(1).toISOString());
      assert.equal(withMessage.updatedAt, waiting.updatedAt);
      assert.deepEqual(withMessage.history, waiting.history);
      const settled = withOutbox(validClaim({ status: 'associated', dueAt: at(1).toISOString() }), []);
      assert.equal('dueAt' in settled, false);
    });
  });
});
