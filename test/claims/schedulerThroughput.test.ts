import assert from 'node:assert/strict';
import type { Claim, Versioned } from '../../claims/model';
import type { ClaimRepository } from '../../claims/ports';
import { Scheduler, type SchedulerTimer } from '../../claims/scheduler';
import { buildClaim } from '../support/claimFactory';

const NOW = new Date('2025-03-10T09:00:00.000Z');
const dueClaims = (count: number): Versioned<Claim>[] =>
  Array.from({ length: count }, (_, i) => ({
    value: buildClaim({
      status: 'approvedCustomerNotified',
      windowClosesAt: '2025-03-10T08:00:00.000Z',
      dueAt: '2025-03-10T08:00:00.000Z',
      name: `claim ${i}`,
    }),
    etag: `etag-${i}`,
  }));

/** The repository port listing a fixed backlog a batch at a time, as listDue would. */
function backlogOf(claims: Versioned<Claim>[]): Pick<ClaimRepository, 'listDue'> & { lists: number } {
  const waiting = [...claims];
  return {
    lists: 0,
    async listDue(_now: Date, limit: number) {
      this.lists += 1;
      return waiting.splice(0, limit);
    },
  };
}

/** closeDue as our own port: records how many run at once, each taking a few event-loop turns. */
function closingLifecycle() {
  const state = { running: 0, most: 0, closed: 0 };
  return {
    state,
    lifecycle: {
      async closeDue(claim: Versioned<Claim>) {
        state.running += 1;
        state.most = Math.max(state.most, state.running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        state.running -= 1;
        state.closed += 1;
        return {
          ok: true as const,
          value: {
            ...claim,
            value: { ...claim.value, status: 'associated' as const, outbox: [] },
            etag: 'new',
            transitioned: true,
          },
        };
      },
    },
  };
}

const idle = { repair: async () => 0, releaseExpiredLegacy: async () => [] };
const noDispatch = { dispatch: async () => ({ sent: 0, retried: 0, dead: 0, skipped: 0, claim: undefined }) };

describe('claims/scheduler throughput', () => {
  it('handles the claims of a sweep several at a time, never more than its concurrency', async () => {
    const { state, lifecycle } = closingLifecycle();
    const claims = backlogOf(dueClaims(20));
    const scheduler = new Scheduler({
      claims: claims as unknown as ClaimRepository,
      associations: idle,
      lifecycle,
      dispatcher: noDispatch,
      clock: { now: () => NOW },
      batchSize: 20,
      concurrency: 4,
    });
    const report = await scheduler.sweepOnce();
    assert.equal(report.closed, 20);
    assert.equal(state.most, 4);
  });

  it('starts the next sweep at once after a full batch, and waits the interval once the backlog is gone', async () => {
    const { state, lifecycle } = closingLifecycle();
    const claims = backlogOf(dueClaims(25));
    const delays: number[] = [];
    let next: (() => void) | undefined;
    const timer: SchedulerTimer = {
      setTimeout: (callback, ms) => {
        delays.push(ms);
        next = callback;
        return delays.length;
      },
      clearTimeout: () => undefined,
    };
    const scheduler = new Scheduler({
      claims: claims as unknown as ClaimRepository,
      associations: idle,
      lifecycle,
      dispatcher: noDispatch,
      clock: { now: () => NOW },
      batchSize: 10,
      timer,
    });
    scheduler.start(30_000);
    for (let sweep = 0; sweep < 3; sweep++) {
      const scheduled = delays.length;
      next?.();
      while (delays.length === scheduled) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await scheduler.stop();
    // The first sweep at once (0), then: 10 due (full) → 0, 10 due (full) → 0, 5 due → the interval.
    assert.deepEqual(delays, [0, 0, 0, 30_000]);
    assert.equal(state.closed, 25);
    assert.equal(claims.lists, 3);
  });

  it('refuses a concurrency outside 1 to 32', () => {
    const { lifecycle } = closingLifecycle();
    const options = {
      claims: backlogOf([]) as unknown as ClaimRepository,
      associations: idle,
      lifecycle,
      dispatcher: noDispatch,
    };
    assert.throws(() => new Scheduler({ ...options, concurrency: 0 }), RangeError);
    assert.throws(() => new Scheduler({ ...options, concurrency: 33 }), RangeError);
  });
});
