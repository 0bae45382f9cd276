/**
 * Processes each inbound activity once. A channel redelivers an activity (same id, same
 * conversation) when our answer did not reach it in time; running the turn again would
 * send every reply twice and repeat its writes.
 *
 * Each activity is marked in Cosmos DB when its turn STARTS, as in progress with a short
 * lease, because the usual redelivery arrives while the first delivery is still running
 * (it is slow, which is why the channel gave up on it). Then:
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
 * Cost: two Cosmos operations per turn (create the mark, then mark it done), or one
 * when the bot records the turn as done in its own conversation state (`completion`):
 * the state write that ends every turn then carries the fact, atomically with the dialog
 * stack it belongs to, and the mark only guards the turn while it runs. A copy arriving
 * after its lease ran out takes the mark over as before, and is then skipped when the
 * state says the activity was processed; a turn that died saved no state, so its copy
 * runs. When the state could not be saved with the id (another turn saved first), the
 * mark is completed as without `completion`.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { recordId, type IdempotencyRecords } from '../../claims/ports';
import { turnLogger, type Logger } from '../http/turnLog';

/** A bot that keeps the processed activities in the conversation state it saves at the end of each turn. */
export interface CompletionInState {
  /** Whether the conversation state says this activity was processed. */
  recorded(context: TurnContext, id: string): Promise<boolean>;
  /** Notes the activity in the state the turn will save. */
  record(context: TurnContext, id: string): Promise<void>;
  /** Whether the turn's state was saved with the activity noted. */
  persisted(context: TurnContext, id: string): Promise<boolean>;
}

export interface DeduplicateActivitiesOptions {
  records: Pick<IdempotencyRecords, 'begin' | 'complete' | 'abandon'>;
  /** Record a processed activity in the conversation state instead of completing its mark. */
  completion?: CompletionInState;
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
    const { completion } = this.options;
    let skipped = false;
    try {
      // The turn reads this state anyway (and keeps what it read): asking here costs no operation.
      if (completion && (await completion.recorded(context, id))) skipped = true;
      else {
        await completion?.record(context, id);
        await next();
      }
    } catch (e) {
      await records
        .abandon(id)
        .catch((abandonError: unknown) =>
          log.warn({ err: abandonError }, 'could not release the mark of a failed turn'),
        );
      throw e;
    }
    if (skipped) {
      // A copy of a turn that was done, after its mark's lease ran out: the mark says so from now on.
      log.info({ activityType: context.activity.type, state: 'done' }, 'redelivered activity skipped');
      await records
        .complete(id, 'activity', this.keepSeconds)
        .catch((e: unknown) => log.warn({ err: e }, 'could not mark the activity processed'));
      return;
    }
    try {
      if (completion && (await completion.persisted(context, id))) return;
      await records.complete(id, 'activity', this.keepSeconds);
    } catch (e) {
      // The lease still guards the next minute; a later copy would run again.
      log.warn({ err: e }, 'could not mark the activity processed');
    }
  }
}
