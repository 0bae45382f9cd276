/**
 * "Dispatch soon": delivers a claim's outbox right after the transition that filled it,
 * so the partner hears about an approval, a rejection or the customer's answer within
 * seconds instead of at the scheduler's next sweep.
 *
 * It watches the claim repository the lifecycle writes through: every write that leaves
 * an outbox message due now starts a dispatch of that claim, in the background, after
 * the caller has its answer. Nobody has to remember to call it, whoever drives the
 * lifecycle (dialogs, reviewer cards, the consent page, the Teams consent card).
 *
 * It is only a shortcut. The outbox is durable and the scheduler sweeps it anyway, so a
 * kick lost to a crash or a failure costs a sweep interval, never a message; and the
 * dispatcher's leases keep a kick and a sweep from sending the same message twice.
 * Kicks for the same claim while one runs are coalesced into one more run.
 */
import type { Claim, Versioned } from '../../claims/model';
import { errorName, silentLog, type EngineLog } from '../../claims/notifications';
import { isMessageDue, type OutboxDispatcher } from '../../claims/outboxDispatcher';
import { systemClock, type ClaimRepository, type Clock } from '../../claims/ports';

export interface OutboxKickOptions {
  clock?: Clock;
  log?: EngineLog;
}

export class OutboxKick {
  private dispatcher: Pick<OutboxDispatcher, 'dispatch'> | undefined;
  private readonly running = new Map<string, Promise<void>>();
  /** The latest version written while a dispatch of that claim was running. */
  private readonly queued = new Map<string, Versioned<Claim>>();
  private closed = false;
  private readonly clock: Clock;
  private readonly log: EngineLog;

  constructor(options: OutboxKickOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
  }

  /** Set once the dispatcher exists (it needs the notifiers, which need the lifecycle that needs this). */
  attach(dispatcher: Pick<OutboxDispatcher, 'dispatch'>): void {
    this.dispatcher = dispatcher;
  }

  /**
   * The repository for the lifecycle: the same one, with a kick after each write that
   * leaves work due. A proxy, so every other method passes through as it is.
   */
  watching<T extends ClaimRepository>(claims: T): T {
    const afterWrite = (written: Versioned<Claim>): Versioned<Claim> => {
      if (written.value.outbox.some((m) => isMessageDue(m, this.clock.now()))) this.dispatchSoon(written);
      return written;
    };
    const create: ClaimRepository['create'] = async (claim) => afterWrite(await claims.create(claim));
    const replace: ClaimRepository['replace'] = async (claim, etag) => afterWrite(await claims.replace(claim, etag));
    return new Proxy(claims, {
      get(target, property) {
        if (property === 'create') return create;
        if (property === 'replace') return replace;
        const member: unknown = Reflect.get(target, property, target);
        return typeof member === 'function' ? member.bind(target) : member;
      },
    });
  }

  /** Starts delivering this claim's due outbox in the background; never throws. */
  dispatchSoon(claim: Versioned<Claim>): void {
    const dispatcher = this.dispatcher;
    if (!dispatcher || this.closed) return;
    const key = `${claim.value.partnerId}/${claim.value.id}`;
    if (this.running.has(key)) {
      this.queued.set(key, claim);
      return;
    }
    const run = async (next: Versioned<Claim>): Promise<void> => {
      try {
        await dispatcher.dispatch(next);
      } catch (e) {
        this.log('warn', 'outbox.kickFailed', { claimId: next.value.id, error: errorName(e) });
      }
      const again = this.queued.get(key);
      this.queued.delete(key);
      if (again && !this.closed) await run(again);
    };
    // After the caller's own continuation: the answer to the user comes first.
    const started = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(claim));
    this.running.set(
      key,
      started.finally(() => this.running.delete(key)),
    );
  }

  /** Waits for the dispatches in flight (tests, and a draining stop). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Takes no more kicks and waits for those running: part of the app's stop. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }
}
