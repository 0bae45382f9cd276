/**
 * The activities a conversation's last turns processed, and the ones being processed
 * now, kept in its conversation state: the de-duplication middleware then needs no
 * write of its own on an ordinary turn.
 *
 * - Done: the state write that ends the turn (eTag'd, with the dialog stack) carries
 *   the activity's digest; or nothing was saved, and a redelivery runs it again.
 * - Running: a copy arrives while the first delivery still runs only because the
 *   channel gave up waiting (Teams after 15 s), so a turn that is still running after
 *   `guardAfterMs` (3 s) writes a lease into the stored state (one patch of that field,
 *   If-Match on what it read; the turn's own write at its end carries the new eTag). A
 *   copy finds the lease in the state it reads anyway, and is skipped while it lasts;
 *   once it ran out (the process died), the copy runs. A turn that fails takes its
 *   lease back, so a redelivery gets a fresh try.
 * Only a short digest of each record id is kept, for the last few turns: a channel
 * redelivers within minutes of the original.
 */
import type { ConversationState, StatePropertyAccessor, Storage, TurnContext } from 'botbuilder';
import type { CompletionInState, Seen } from './deduplicateActivities';

/** What the conversation state's storage offers beyond `Storage` (storage/conversationStateStorage.ts). */
export interface StateFieldWrites {
  /** Sets one field of the stored state as the turn read it; `item` then carries the new eTag. Throws on a conflict. */
  setAsRead(key: string, item: object, field: string, value: unknown): Promise<void>;
  /** Appends to a list field of the stored state, whatever else is stored. False when nothing is stored. */
  appendStored(key: string, field: string, value: unknown): Promise<boolean>;
}

const hasFieldWrites = (storage: Storage): storage is Storage & StateFieldWrites =>
  typeof Reflect.get(storage, 'setAsRead') === 'function' && typeof Reflect.get(storage, 'appendStored') === 'function';

/** A turn's lease on its activity: whoever finds it before `until` leaves the activity alone. */
interface Lease {
  digest: string;
  until: string;
}

/** Turns remembered: more than a partner sends while one answer is still late. */
const KEPT = 8;
/** 96 bits of the record id's SHA-256 (base64url): unique enough within one conversation. */
const DIGEST_CHARS = 16;
/** Past the middleware's whole turn and the bot's own handling, well inside the channel's 15 s. */
const DEFAULT_GUARD_AFTER_MS = 3_000;
const PROCESSED = 'processedActivities';
const RUNNING = 'runningActivities';
const SAVED = Symbol('cpor.processedActivities.saved');
const GUARD = Symbol('cpor.processedActivities.guard');

interface Guard {
  timer?: NodeJS.Timeout;
  /** The lease's write, once started. */
  writing?: Promise<boolean>;
  /** The running leases as read, without this turn's. */
  others: Lease[];
}

const digestOf = (recordId: string): string =>
  recordId.slice(recordId.indexOf('.') + 1, recordId.indexOf('.') + 1 + DIGEST_CHARS);

const live = (leases: readonly Lease[], now: number): Lease[] => leases.filter((l) => Date.parse(l.until) > now);

export interface ProcessedActivitiesOptions {
  /** How long a turn runs before it leases its activity in the stored state. Default 3 s. */
  guardAfterMs?: number;
}

export class ProcessedActivities implements CompletionInState {
  private readonly ids: StatePropertyAccessor<string[]>;
  private readonly running: StatePropertyAccessor<Lease[]>;
  private readonly guardAfterMs: number;

  constructor(
    private readonly state: ConversationState,
    private readonly storage: Storage,
    options: ProcessedActivitiesOptions = {},
  ) {
    this.ids = state.createProperty<string[]>(PROCESSED);
    this.running = state.createProperty<Lease[]>(RUNNING);
    this.guardAfterMs = options.guardAfterMs ?? DEFAULT_GUARD_AFTER_MS;
  }

  /** Whether this storage can hold the leases; without it, the middleware keeps its own marks. */
  get leasesInState(): boolean {
    return hasFieldWrites(this.storage);
  }

  async seen(context: TurnContext, id: string, now: Date): Promise<Seen> {
    const digest = digestOf(id);
    if ((await this.ids.get(context, [])).includes(digest)) return 'done';
    const leases = live(await this.running.get(context, []), now.getTime());
    return leases.some((l) => l.digest === digest) ? 'running' : undefined;
  }

  async record(context: TurnContext, id: string): Promise<void> {
    const digest = digestOf(id);
    const kept = (await this.ids.get(context, [])).filter((d) => d !== digest);
    await this.ids.set(context, [...kept, digest].slice(-KEPT));
  }

  /**
   * From `guardAfterMs` on, the stored state says this turn is running its activity until
   * `leaseMs` later. What the turn saves at its end drops its own lease and the ones run out.
   */
  async guard(context: TurnContext, id: string, leaseMs: number, now: () => Date): Promise<void> {
    const digest = digestOf(id);
    const storage = this.storage;
    const at = now().getTime();
    const others = live(await this.running.get(context, []), at).filter((l) => l.digest !== digest);
    await (others.length > 0 ? this.running.set(context, others) : this.running.delete(context));
    if (!hasFieldWrites(storage)) return;
    const guard: Guard = { others };
    context.turnState.set(GUARD, guard);
    const key = this.state.getStorageKey(context);
    const item: unknown = this.state.get(context);
    if (!key || typeof item !== 'object' || item === null) return;
    guard.timer = setTimeout(() => {
      guard.timer = undefined;
      const lease = { digest, until: new Date(now().getTime() + leaseMs).toISOString() };
      guard.writing = storage.setAsRead(key, item, RUNNING, [...others, lease]).then(() => true);
    }, this.guardAfterMs);
  }

  /** Stops the guard before the turn's own write (ClaimsBot calls it before saving); true if a lease was written. */
  async settle(context: TurnContext): Promise<boolean> {
    const guard = context.turnState.get(GUARD) as Guard | undefined;
    if (!guard) return false;
    clearTimeout(guard.timer);
    guard.timer = undefined;
    // A lease that could not be written (another turn saved first) fails the turn's own write too.
    return (await guard.writing?.catch(() => false)) ?? false;
  }

  /** A failed turn gives its lease back, so the redelivery runs at once. */
  async release(context: TurnContext): Promise<void> {
    if (!(await this.settle(context)) || !hasFieldWrites(this.storage)) return;
    const guard = context.turnState.get(GUARD) as Guard;
    const key = this.state.getStorageKey(context);
    const item: unknown = this.state.get(context);
    if (key && typeof item === 'object' && item !== null)
      await this.storage.setAsRead(key, item, RUNNING, guard.others);
  }

  async persisted(context: TurnContext, id: string): Promise<boolean> {
    return context.turnState.get(SAVED) === true && (await this.ids.get(context, [])).includes(digestOf(id));
  }

  /**
   * The turn's state was not saved (another turn of the conversation saved first): its
   * activity is noted in what is stored now, so a copy is still skipped. False if it could not be.
   */
  async recordLate(context: TurnContext, id: string): Promise<boolean> {
    const key = this.state.getStorageKey(context);
    if (!key || !hasFieldWrites(this.storage)) return false;
    return this.storage.appendStored(key, PROCESSED, digestOf(id));
  }

  /** The turn's state write went through (the bot calls this after saving). */
  saved(context: TurnContext): void {
    context.turnState.set(SAVED, true);
  }
}
