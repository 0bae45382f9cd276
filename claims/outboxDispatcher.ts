/**
 * Delivers a claim's outbox. For each due message:
 *
 *   1. LEASE it: an ETag-guarded write sets `leaseUntil` (and counts the attempt). Of two
 *      dispatchers that read the same version, one write wins; the other re-reads, sees
 *      the lease and leaves the message alone. So no two dispatchers send it concurrently.
 *   2. deliver it through the Notifier (or, for `releaseHolds`, give the keys back).
 *   3. settle it with an ETag-guarded write: remove it ('sent', 'dead'), or clear the
 *      lease and schedule the next attempt with exponential backoff and jitter ('retry').
 *      A lost race re-reads and settles again: the lease keeps the message ours meanwhile.
 *
 * Where this is at-least-once, honestly: a crash (or a lease that runs out during a
 * slow send) after a successful send and before step 3 leaves the message in the outbox;
 * after `leaseUntil` another dispatcher sends it again. That window is one send-to-write
 * round trip, kept minimal by settling each message right after its own send rather than
 * batching. Message ids are stable, so an adapter may recognise the repeat. A crash
 * anywhere else loses nothing and sends nothing twice: before the lease nothing happened,
 * and a lease without a send just expires and is taken over.
 *
 * With a DeliveryLedger the window narrows to the send itself: each sent message is
 * recorded right after its send (one small write, before the settle's read-modify-write)
 * and a message the ledger knows is settled without being sent again. What is left is
 * a crash between the send and that record, which no sender can close without the
 * recipient's help.
 */
import { outboxMessageDueAt, withOutbox } from './claimChange';
import { ConcurrencyConflict } from './errors';
import type { Claim, OutboxMessage, Versioned } from './model';
import {
  RELEASE_HOLDS,
  errorName,
  silentLog,
  type DeliveryOutcome,
  type EngineLog,
  type Notifier,
} from './notifications';
import { systemClock, type AssociationStore, type ClaimRepository, type Clock } from './ports';

export interface RetryPolicy {
  /** Delay before the second attempt; doubles with each further attempt. */
  baseMs: number;
  maxMs: number;
  /** After this many attempts a message that still asks for a retry is dropped as dead. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 };

/**
 * Remembers which messages were sent (by claim and message id), so one sent but still
 * in the outbox (the dispatcher died, or its settle write failed) is not sent twice.
 */
export interface DeliveryLedger {
  wasDelivered(claim: Claim, message: OutboxMessage): Promise<boolean>;
  recordDelivered(claim: Claim, message: OutboxMessage): Promise<void>;
}

export interface OutboxDispatcherOptions {
  claims: ClaimRepository;
  notifier: Notifier;
  /** Only `release`, for the `releaseHolds` work item. */
  associations: Pick<AssociationStore, 'release'>;
  clock?: Clock;
  /** How long a dispatcher owns a message it is sending; the Notifier must give up sooner. Default 2 minutes. */
  leaseMs?: number;
  retry?: Partial<RetryPolicy>;
  /** [0, 1), for jitter; injectable so tests can pin it. */
  random?: () => number;
  log?: EngineLog;
  /** Sent messages, so a repeat dispatch does not send them again; none by default. */
  delivered?: DeliveryLedger;
}

export interface DispatchReport {
  sent: number;
  retried: number;
  dead: number;
  /** Due when read, but leased or settled by someone else by the time we looked again. */
  skipped: number;
  /** The claim as last read or written; undefined if it disappeared. */
  claim: Versioned<Claim> | undefined;
}

/** Rounds of re-read-and-write before leaving a message to the next sweep. */
const WRITE_ROUNDS = 5;

/** Whether a message may be attempted at `now`: its time has come and nobody holds a live lease. */
export function isMessageDue(message: OutboxMessage, now: Date): boolean {
  return Date.parse(outboxMessageDueAt(message)) <= now.getTime();
}

/**
 * The delay before attempt `attempts + 1`: base × 2^(attempts − 1), capped, with "equal
 * jitter" (half fixed, half random) so instances that failed together do not retry together.
 */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export class OutboxDispatcher {
  private readonly claims: ClaimRepository;
  private readonly notifier: Notifier;
  private readonly associations: Pick<AssociationStore, 'release'>;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly log: EngineLog;
  private readonly delivered: DeliveryLedger | undefined;

  constructor(options: OutboxDispatcherOptions) {
    this.claims = options.claims;
    this.notifier = options.notifier;
    this.associations = options.associations;
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLog;
    this.delivered = options.delivered;
    if (!(this.leaseMs > 0) || !(this.retry.baseMs > 0) || !(this.retry.maxAttempts >= 1)) {
      throw new RangeError('outbox lease, retry base and attempts must be positive');
    }
  }

  /** Delivers every message of this claim that is due now, one lease-send-settle at a time. */
  async dispatch(claim: Versioned<Claim>): Promise<DispatchReport> {
    const report: DispatchReport = { sent: 0, retried: 0, dead: 0, skipped: 0, claim };
    const dueIds = claim.value.outbox.filter((m) => isMessageDue(m, this.clock.now())).map((m) => m.id);
    for (const id of dueIds) {
      if (!report.claim) break;
      const leased = await this.lease(report.claim, id);
      report.claim = leased.claim;
      if (!leased.claim || !leased.message) {
        report.skipped += 1;
        continue;
      }
      const outcome = await this.deliver(leased.claim.value, leased.message);
      report.claim = await this.settle(leased.claim, id, outcome);
      if (outcome === 'sent') report.sent += 1;
      else if (outcome === 'retry') report.retried += 1;
      else report.dead += 1;
    }
    return report;
  }

  /** Step 1: our lease on the message, or no message when it is gone, leased or not due. */
  private async lease(
    start: Versioned<Claim>,
    id: string,
  ): Promise<{ claim: Versioned<Claim> | undefined; message?: OutboxMessage }> {
    let current: Versioned<Claim> | undefined = start;
    for (let round = 0; round < WRITE_ROUNDS && current; round += 1) {
      const now = this.clock.now();
      const message = current.value.outbox.find((m) => m.id === id);
      if (!message || !isMessageDue(message, now)) return { claim: current };
      const leased: OutboxMessage = {
        ...message,
        attempts: message.attempts + 1,
        leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
      };
      const written = await this.write(current, replaced(current.value.outbox, id, leased));
      if (written) return { claim: written, message: leased };
      current = await this.claims.get(start.value.partnerId, start.value.id);
    }
    return { claim: current };
  }

  /** Step 2. A throwing Notifier is a passing failure: retried, never fatal to the sweep. */
  private async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    try {
      if (message.kind === RELEASE_HOLDS) return await this.releaseHolds(claim, message);
      if (await this.delivered?.wasDelivered(claim, message)) {
        this.log('info', 'outbox.alreadyDelivered', { claimId: claim.id, messageId: message.id, kind: message.kind });
        return 'sent';
      }
      const outcome = await this.notifier.deliver(claim, message);
      if (outcome === 'sent') await this.recordDelivered(claim, message);
      return outcome;
    } catch (e) {
      this.log('warn', 'outbox.deliveryFailed', {
        claimId: claim.id,
        messageId: message.id,
        kind: message.kind,
        error: errorName(e),
      });
      return 'retry';
    }
  }

  /** Best effort: without the record the message is still settled; only a later repeat could re-send it. */
  private async recordDelivered(claim: Claim, message: OutboxMessage): Promise<void> {
    try {
      await this.delivered?.recordDelivered(claim, message);
    } catch (e) {
      this.log('warn', 'outbox.deliveryUnrecorded', { claimId: claim.id, messageId: message.id, error: errorName(e) });
    }
  }

  private async releaseHolds(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    const keys = message.payload?.keys;
    if (!Array.isArray(keys)) return 'dead';
    // Keys the claim holds again (a later approval) are not ours to give back.
    const stillHeld = new Set(claim.heldKeys);
    await this.associations.release(
      claim.partnerId,
      claim.id,
      keys.filter((key) => !stillHeld.has(key)),
    );
    return 'sent';
  }

  /** Step 3: remove, or reschedule; re-reading when the claim changed since the lease. */
  private async settle(
    start: Versioned<Claim>,
    id: string,
    outcome: DeliveryOutcome,
  ): Promise<Versioned<Claim> | undefined> {
    let current: Versioned<Claim> | undefined = start;
    for (let round = 0; round < WRITE_ROUNDS && current; round += 1) {
      const message = current.value.outbox.find((m) => m.id === id);
      // Gone: our lease ran out and another dispatcher settled it (the at-least-once case).
      if (!message) return current;
      const written = await this.write(current, this.settled(current.value, message, outcome));
      if (written) return written;
      current = await this.claims.get(start.value.partnerId, start.value.id);
    }
    // Still leased: the message is taken over when the lease ends.
    this.log('warn', 'outbox.settleDeferred', { claimId: start.value.id, messageId: id, outcome });
    return current;
  }

  private settled(claim: Claim, message: OutboxMessage, outcome: DeliveryOutcome): OutboxMessage[] {
    const facts = {
      claimId: claim.id,
      partnerId: claim.partnerId,
      messageId: message.id,
      kind: message.kind,
      attempts: message.attempts,
    };
    if (outcome === 'retry' && message.attempts < this.retry.maxAttempts) {
      const { leaseUntil: _released, ...rest } = message;
      const nextAttemptAt = new Date(
        this.clock.now().getTime() + backoffMs(message.attempts, this.retry, this.random),
      ).toISOString();
      return replaced(claim.outbox, message.id, { ...rest, nextAttemptAt });
    }
    if (outcome !== 'sent') this.log('warn', 'outbox.dead', { ...facts, gaveUp: outcome === 'retry' });
    return claim.outbox.filter((m) => m.id !== message.id);
  }

  /** The written claim, or undefined when it changed since `current` was read. */
  private async write(current: Versioned<Claim>, outbox: OutboxMessage[]): Promise<Versioned<Claim> | undefined> {
    try {
      return await this.claims.replace(withOutbox(current.value, outbox), current.etag);
    } catch (e) {
      if (e instanceof ConcurrencyConflict) return undefined;
      throw e;
    }
  }
}

const replaced = (outbox: OutboxMessage[], id: string, message: OutboxMessage): OutboxMessage[] =>
  outbox.map((m) => (m.id === id ? message : m));
