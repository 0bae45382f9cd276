/**
 * Processes each inbound activity once. A channel redelivers an activity (same id, same
 * conversation) when our answer did not reach it in time; running the turn again would
 * send every reply twice and repeat its writes.
 *
 * Without `completion` (below), each activity is marked in Cosmos DB when its turn
 * STARTS, as in progress with a short lease, because the usual redelivery arrives while
 * the first delivery is still running (it is slow, which is why the channel gave up on
 * it). Then:
 *   - the turn succeeds → the mark says done; later copies are skipped for a day;
 *   - the turn fails → the mark is deleted, so a redelivery gets a fresh try (the failed
 *     turn saved no dialog state, so the retry starts from where the user was);
 *   - the process dies mid-turn → the mark stays in progress until its lease runs out,
 *     after which a redelivery takes it over and runs the turn.
 * A skipped copy gets no reply at all (with expectReplies: an empty list). One that came
 * while the first was still running is skipped even if the first then fails; the user
 * saw the first turn's apology and can send again.
 *
 * Invokes are left alone: their answer is the HTTP response the client is waiting for,
 * so a skipped copy could not give one, and the card actions behind them are already
 * idempotent (ETag-guarded writes through the status machine).
 *
 * When the marks cannot be read or written, the turn runs anyway: losing the guard
 * against a rare double is better than refusing the user during a storage blip.
 *
 * Cost: two Cosmos operations per turn (create the mark, then mark it done) without
 * `completion`. With it (the claims bot), none on an ordinary turn: the conversation
 * state, which every turn reads and writes anyway, holds both facts (see
 * processedActivities.ts). Done: the state write that ends the turn carries the
 * activity's digest, atomically with the dialog stack it belongs to; a turn that died
 * saved no state, so its copy runs. Running: a copy can arrive mid-turn only because
 * the channel gave up waiting (15 s), so only a turn still running after a few seconds
 * leases its activity in the stored state (one patch), which the copy reads with the
 * state it reads anyway: skipped while the lease lasts, run once it ran out (the process
 * died). A failed turn takes its lease back. When the state could not be saved with the
 * id (another turn saved first), the id is appended to what is stored.
 *
 * What this gives up against a mark per turn: nothing a channel does. A copy arriving
 * within the first seconds of a still running turn (a proxy retrying a dropped
 * connection at once) would run again; the channel's own retries come after its timeout.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { recordId, systemClock, type Clock, type IdempotencyRecords } from '../../claims/ports';
import { turnLogger, type Logger } from '../http/turnLog';

/** What the conversation state says of an activity: processed, being processed (a live lease), or neither. */
export type Seen = 'done' | 'running' | undefined;

/** A bot that keeps the processed and running activities in the conversation state it saves at the end of each turn. */
export interface CompletionInState {
  /** What the conversation state (which the turn reads anyway) says of this activity. */
  seen(context: TurnContext, id: string, now: Date): Promise<Seen>;
  /** Notes the activity in the state the turn will save. */
  record(context: TurnContext, id: string): Promise<void>;
  /** Leases the activity in the stored state if the turn runs long. */
  guard(context: TurnContext, id: string, leaseMs: number, now: () => Date): Promise<void>;
  /** Stops the guard (the bot calls it before its state write too). */
  settle(context: TurnContext): Promise<boolean>;
  /** The turn failed: its lease, if written, is taken back. */
  release(context: TurnContext): Promise<void>;
  /** Whether the turn's state was saved with the activity noted. */
  persisted(context: TurnContext, id: string): Promise<boolean>;
  /** Notes the activity in the stored state after the turn's own write was refused; false if it could not. */
  recordLate(context: TurnContext, id: string): Promise<boolean>;
}

export interface DeduplicateActivitiesOptions {
  records: Pick<IdempotencyRecords, 'begin' | 'complete' | 'abandon'>;
  /** Keep processed and running activities in the conversation state instead of marks (see above). */
  completion?: CompletionInState;
  /** The lease's clock (only with `completion`; the marks have their own). */
  clock?: Clock;
  logger: Logger;
  /** How long a turn may run before a redelivery may take it over. Default 60 s (past Teams' 15 s timeout, within its retries). */
  leaseMs?: number;
  /** How long a done mark (or one a crash left behind) is kept. Default one day. */
  keepSeconds?: number;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_KEEP_SECONDS = 86_400;

/**
 * The mark's id for an activity worth guarding, or undefined. Only messages are guarded:
 * they are what a user typed or submitted, and what the channel redelivers after a timeout.
 * Invokes answer in their HTTP response (a redelivery must get it again), and the event
 * turns of proactive sends would cost two writes each for nothing.
 */
export function activityRecordId(activity: Partial<Activity>): string | undefined {
  const conversationId = activity.conversation?.id;
  if (!activity.id || !conversationId || activity.type !== 'message') return undefined;
  return recordId('activity', [activity.channelId ?? '', conversationId, activity.id]);
}

export class DeduplicateActivities implements Middleware {
  private readonly leaseMs: number;
  private readonly keepSeconds: number;

  constructor(private readonly options: DeduplicateActivitiesOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.keepSeconds = options.keepSeconds ?? DEFAULT_KEEP_SECONDS;
    if (!(this.leaseMs > 0) || !(this.keepSeconds > 0))
      throw new RangeError('the activity lease and retention must be positive');
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const id = activityRecordId(context.activity);
    if (!id) return next();
    const { completion } = this.options;
    return completion ? this.inState(context, id, completion, next) : this.withMarks(context, id, next);
  }

  private async inState(
    context: TurnContext,
    id: string,
    completion: CompletionInState,
    next: () => Promise<void>,
  ): Promise<void> {
    const log = turnLogger(context, this.options.logger);
    const clock = this.options.clock ?? systemClock;
    let seen: Seen;
    try {
      seen = await completion.seen(context, id, clock.now());
    } catch (e) {
      // The turn reads this state first thing; it will fail there and say so.
      log.warn({ err: e }, 'could not check whether the activity was processed before; processing it');
      return next();
    }
    if (seen) {
      log.info({ activityType: context.activity.type, state: seen }, 'redelivered activity skipped');
      return;
    }
    try {
      await completion.record(context, id);
      await completion.guard(context, id, this.leaseMs, () => clock.now());
      await next();
    } catch (e) {
      await completion
        .release(context)
        .catch((releaseError: unknown) =>
          log.warn({ err: releaseError }, 'could not release the lease of a failed turn'),
        );
      throw e;
    }
    await completion.settle(context);
    if (await completion.persisted(context, id)) return;
    try {
      if (!(await completion.recordLate(context, id))) log.warn('could not note the activity as processed');
    } catch (e) {
      // A copy arriving after the lease would run again.
      log.warn({ err: e }, 'could not note the activity as processed');
    }
  }

  private async withMarks(context: TurnContext, id: string, next: () => Promise<void>): Promise<void> {
    const log = turnLogger(context, this.options.logger);
    const { records } = this.options;
    let outcome;
    try {
      outcome = await records.begin(id, 'activity', this.leaseMs, this.keepSeconds);
    } catch (e) {
      log.warn({ err: e }, 'could not check whether the activity was processed before; processing it');
      return next();
    }
    if (outcome !== 'started') {
      log.info({ activityType: context.activity.type, state: outcome }, 'redelivered activity skipped');
      return;
    }
    try {
      await next();
    } catch (e) {
      await records
        .abandon(id)
        .catch((abandonError: unknown) =>
          log.warn({ err: abandonError }, 'could not release the mark of a failed turn'),
        );
      throw e;
    }
    try {
      await records.complete(id, 'activity', this.keepSeconds);
    } catch (e) {
      // The lease still guards the next minute; a later copy would run again.
      log.warn({ err: e }, 'could not mark the activity processed');
    }
  }
}
