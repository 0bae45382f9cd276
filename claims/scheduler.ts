/**
 * The timer that moves claims along without anyone asking: closes opt-out windows,
 * rejects unanswered information requests, delivers outboxes, lets expired legacy
 * holds go, and repairs holds a crash left pending.
 *
 * It runs in every bot instance at once. That is safe because every change it makes is
 * an ETag-guarded write (a second instance loses the race and re-reads) and outbox
 * messages are leased before they are sent. Its cost grows with the claims that are due,
 * not with all claims: `listDue` reads the indexed `dueAt`, which is set only while
 * there is something to do (a status timer or an outbox message).
 */
import { statusTimerOf } from './statusTraits';
import type { ClaimLifecycle } from './lifecycle';
import type { Claim, Versioned } from './model';
import { errorName, silentLog, type EngineLog } from './notifications';
import { isMessageDue, type OutboxDispatcher } from './outboxDispatcher';
import { systemClock, type AssociationStore, type ClaimRepository, type Clock } from './ports';
import { DISPUTE_WINDOW_DAYS } from './statusMachine';

/** What the scheduler needs beyond the AssociationStore port: deleting expired legacy holds. */
export interface LegacyHoldExpiry {
  /** Deletes legacy holds whose subscription has ended; returns the keys set free. */
  releaseExpiredLegacy(now: Date): Promise<string[]>;
}

/**
 * PoE files no claim records: an upload whose claim write then failed, a draft or
 * dispute given up on. Removed once older than the grace period, so a file between
 * its upload and the claim write (or a dispute in progress) is never touched.
 */
export interface UnrecordedEvidence {
  /**
   * Deletes files last written before `olderThan` that no claim records, and those whose
   * claim does not exist at all once older than `claimlessOlderThan`; returns how many.
   */
  removeUnrecorded(olderThan: Date, claimlessOlderThan?: Date): Promise<number>;
}

/** A dispute holds its files unrecorded until it is filed, at most for its window: the grace outlasts it. */
export const EVIDENCE_GRACE_MS = (DISPUTE_WINDOW_DAYS + 1) * 86_400_000;
/**
 * A statement of work attached at the first card is stored under the id its draft will
 * get; a flow given up on before naming the claim leaves it with no claim at all. No
 * dispute holds such a file (a dispute's claim exists), so a day is grace enough.
 */
export const CLAIMLESS_EVIDENCE_GRACE_MS = 86_400_000;
/** Listing every file is not for every sweep. */
export const EVIDENCE_SWEEP_EVERY_MS = 6 * 3_600_000;

/** Injectable so tests drive the loop by hand. */
export interface SchedulerTimer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending sweep never keeps the process alive on shutdown. */
export const nodeTimer: SchedulerTimer = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SchedulerOptions {
  claims: ClaimRepository;
  associations: Pick<AssociationStore, 'repair'> & LegacyHoldExpiry;
  lifecycle: Pick<ClaimLifecycle, 'closeDue'>;
  dispatcher: Pick<OutboxDispatcher, 'dispatch'>;
  clock?: Clock;
  /** Claims handled per sweep (1–100); the rest wait for the next sweep, which then starts at once. Default 100. */
  batchSize?: number;
  /**
   * Claims of a sweep handled at the same time (1–32). Each is its own document with
   * ETag-guarded writes, so order does not matter; one at a time left the sweep waiting
   * on every round trip. Default 8.
   */
  concurrency?: number;
  /** Pending holds younger than this belong to an approval still running. Default 10 minutes. */
  repairGraceMs?: number;
  timer?: SchedulerTimer;
  log?: EngineLog;
  /** Where unrecorded PoE files are swept from, every `evidenceSweepEveryMs`; none by default. */
  evidence?: UnrecordedEvidence;
  /** Default six hours (first sweep at once). */
  evidenceSweepEveryMs?: number;
  /** Files younger than this stay. Default one day more than a dispute's window. */
  evidenceGraceMs?: number;
}

export interface SweepReport {
  due: number;
  closed: number;
  sent: number;
  retried: number;
  dead: number;
  failed: number;
  legacyReleased: number;
  repaired: number;
  /** Unrecorded PoE files deleted (0 when this sweep did not look). */
  evidenceRemoved: number;
}

export class Scheduler {
  private readonly options: Required<Omit<SchedulerOptions, 'clock' | 'timer' | 'log' | 'evidence'>> &
    Pick<SchedulerOptions, 'evidence'>;
  private readonly clock: Clock;
  private readonly timer: SchedulerTimer;
  private readonly log: EngineLog;
  private handle: unknown;
  private running = false;
  private inFlight: Promise<unknown> | undefined;
  private evidenceSweptAt: number | undefined;

  constructor(options: SchedulerOptions) {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100)
      throw new RangeError(`batch size must be 1 to 100, got ${batchSize}`);
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
      throw new RangeError(`sweep concurrency must be 1 to 32, got ${concurrency}`);
    this.options = {
      ...options,
      batchSize,
      concurrency,
      repairGraceMs: options.repairGraceMs ?? 600_000,
      evidenceSweepEveryMs: options.evidenceSweepEveryMs ?? EVIDENCE_SWEEP_EVERY_MS,
      evidenceGraceMs: options.evidenceGraceMs ?? EVIDENCE_GRACE_MS,
    };
    this.clock = options.clock ?? systemClock;
    this.timer = options.timer ?? nodeTimer;
    this.log = options.log ?? silentLog;
  }

  /** One pass. Never throws: each failure is logged and the rest of the pass goes on. */
  async sweepOnce(now: Date = this.clock.now()): Promise<SweepReport> {
    const report: SweepReport = {
      due: 0,
      closed: 0,
      sent: 0,
      retried: 0,
      dead: 0,
      failed: 0,
      legacyReleased: 0,
      repaired: 0,
      evidenceRemoved: 0,
    };
    const due = await this.guard('scheduler.listDueFailed', {}, () =>
      this.options.claims.listDue(now, this.options.batchSize),
    );
    report.due = due?.length ?? 0;
    const queue = [...(due ?? [])];
    const worker = async (): Promise<void> => {
      for (let claim = queue.shift(); claim; claim = queue.shift()) {
        const current = claim;
        const ok = await this.guard('scheduler.claimFailed', { claimId: current.value.id }, () =>
          this.sweepClaim(current, now, report),
        );
        if (ok === undefined) report.failed += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker));
    const released = await this.guard('scheduler.legacyExpiryFailed', {}, () =>
      this.options.associations.releaseExpiredLegacy(now),
    );
    report.legacyReleased = released?.length ?? 0;
    report.repaired =
      (await this.guard('scheduler.repairFailed', {}, () =>
        this.options.associations.repair(
          new Date(now.getTime() - this.options.repairGraceMs),
          (partnerId, claimId, key) => this.claimRecords(partnerId, claimId, key),
        ),
      )) ?? 0;
    report.evidenceRemoved = (await this.sweepEvidence(now)) ?? 0;
    if (report.due + report.legacyReleased + report.repaired + report.evidenceRemoved > 0)
      this.log('info', 'scheduler.swept', { ...report });
    return report;
  }

  /**
   * Sweeps now and then every `intervalMs` after the previous sweep ends, so sweeps never
   * overlap; after a full batch the next sweep starts at once, so a backlog (many windows
   * closing together) drains at the sweep's own speed rather than a batch per interval.
   */
  start(intervalMs: number): void {
    if (!(intervalMs > 0)) throw new RangeError(`scheduler interval must be positive, got ${intervalMs}`);
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      this.handle = undefined;
      let pause = intervalMs;
      this.inFlight = this.sweepOnce()
        .then((report) => {
          if (report.due >= this.options.batchSize) pause = 0;
        })
        .catch((e: unknown) => this.log('error', 'scheduler.sweepFailed', { error: errorName(e) }))
        .finally(() => {
          this.inFlight = undefined;
          if (this.running) this.handle = this.timer.setTimeout(tick, pause);
        });
    };
    this.handle = this.timer.setTimeout(tick, 0);
  }

  private async sweepEvidence(now: Date): Promise<number | undefined> {
    const evidence = this.options.evidence;
    if (!evidence) return undefined;
    if (this.evidenceSweptAt !== undefined && now.getTime() - this.evidenceSweptAt < this.options.evidenceSweepEveryMs)
      return undefined;
    this.evidenceSweptAt = now.getTime();
    return this.guard('scheduler.evidenceSweepFailed', {}, () =>
      evidence.removeUnrecorded(
        new Date(now.getTime() - this.options.evidenceGraceMs),
        new Date(now.getTime() - Math.min(CLAIMLESS_EVIDENCE_GRACE_MS, this.options.evidenceGraceMs)),
      ),
    );
  }

  /** Stops scheduling and waits for a sweep in progress, for a draining shutdown. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.handle !== undefined) this.timer.clearTimeout(this.handle);
    this.handle = undefined;
    await this.inFlight;
  }

  private async sweepClaim(claim: Versioned<Claim>, now: Date, report: SweepReport): Promise<true> {
    let current = claim;
    const timer = statusTimerOf(current.value);
    if (timer !== undefined && Date.parse(timer) <= now.getTime()) {
      const closed = await this.options.lifecycle.closeDue(current);
      if (closed.ok) {
        // Only our own write counts: an instance that lost the race finds the window
        // closed by another, with a newer ETag all the same.
        if (closed.value.transitioned) report.closed += 1;
        current = closed.value;
      } else {
        // Still worth delivering what the outbox holds; the timer is tried again next sweep.
        this.log('warn', 'scheduler.closeRefused', {
          claimId: current.value.id,
          codes: closed.error.map((p) => p.code).join(','),
        });
      }
    }
    if (current.value.outbox.some((m) => isMessageDue(m, now))) {
      const dispatched = await this.options.dispatcher.dispatch(current);
      report.sent += dispatched.sent;
      report.retried += dispatched.retried;
      report.dead += dispatched.dead;
    }
    return true;
  }

  private async claimRecords(partnerId: string, claimId: string, key: string): Promise<boolean> {
    const claim = await this.options.claims.get(partnerId, claimId);
    return claim?.value.heldKeys.includes(key) ?? false;
  }

  /** Runs a step; on failure logs it and returns undefined so the sweep carries on. */
  private async guard<T>(event: string, facts: Record<string, string>, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (e) {
      this.log('error', event, { ...facts, error: errorName(e) });
      return undefined;
    }
  }
}
