/**
 * Records of work that must happen once, in the `idempotencyRecords` container (id =
 * a hash of what the work is, partition = the id), so creating the record is the
 * atomic act of claiming the work: a 409 means someone claimed it first.
 *
 * Three kinds share the container because they share the shape (a create-if-absent mark
 * that expires by TTL) and one more container is one more thing to provision:
 * - `activity`: an inbound Bot Framework activity, which a channel may redeliver;
 * - `delivery`: an outbox message already sent, so a repeat dispatch does not re-send it;
 * - `welcome`: a conversation's welcome card, announced twice at once on install.
 *
 * Work in progress carries a lease: a record still `inProgress` after its lease ran out
 * belongs to a process that died mid-way, and the next claimant takes it over under
 * the record's ETag (of two claimants, one wins).
 */
import type { Container } from '@azure/cosmos';
import {
  systemClock,
  type BeginOutcome,
  type Clock,
  type IdempotencyKind,
  type IdempotencyRecords,
} from '../claims/ports';
import {
  cosmosErrorCode,
  fromStored,
  unlessStatus,
  type CosmosSystemFields,
  type OperationHook,
} from './cosmosConnection';

export { recordId, type BeginOutcome, type IdempotencyKind } from '../claims/ports';

export interface CosmosIdempotencyRecordsOptions {
  clock?: Clock;
  onOperation?: OperationHook;
}

interface RecordDocument {
  id: string;
  kind: IdempotencyKind;
  state: 'inProgress' | 'done';
  at: string;
  leaseUntil?: string;
  /** Seconds, read by Cosmos DB's TTL (the container has it on with no default). */
  ttl: number;
}

export class CosmosIdempotencyRecords implements IdempotencyRecords {
  private readonly clock: Clock;
  private readonly onOperation: OperationHook;

  constructor(
    private readonly container: Container,
    options: CosmosIdempotencyRecordsOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.onOperation = options.onOperation ?? (() => undefined);
  }

  /**
   * Claims the work for `leaseMs` unless it is done or leased by someone else. `keepSeconds`
   * is how long the record lives if nobody completes or abandons it (a crash).
   */
  async begin(id: string, kind: IdempotencyKind, leaseMs: number, keepSeconds: number): Promise<BeginOutcome> {
    assertPositive(leaseMs, 'leaseMs');
    const now = this.clock.now();
    const mark: RecordDocument = {
      id,
      kind,
      state: 'inProgress',
      at: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      ttl: wholeSeconds(keepSeconds),
    };
    this.onOperation('idempotency.create');
    const created = await unlessStatus([409], () => this.container.items.create(mark));
    if (created) return 'started';
    const existing = await this.read(id);
    // Gone between our create and our read: its owner gave up; it is free again.
    if (!existing) return (await this.createQuietly(mark)) ? 'started' : 'inProgress';
    if (existing.value.state === 'done') return 'done';
    if (Date.parse(existing.value.leaseUntil ?? '') > now.getTime()) return 'inProgress';
    this.onOperation('idempotency.replace');
    const taken = await unlessStatus([404, 412], () =>
      this.container.item(id, id).replace(mark, { accessCondition: { type: 'IfMatch', condition: existing.etag } }),
    );
    return taken ? 'started' : 'inProgress';
  }

  /** Marks the work done for `keepSeconds` (created if `begin` was never called, e.g. a sent outbox message). */
  async complete(id: string, kind: IdempotencyKind, keepSeconds: number): Promise<void> {
    const done: RecordDocument = {
      id,
      kind,
      state: 'done',
      at: this.clock.now().toISOString(),
      ttl: wholeSeconds(keepSeconds),
    };
    this.onOperation('idempotency.upsert');
    await this.container.items.upsert(done);
  }

  /** Gives the work back (it failed), so the next claimant starts it afresh. Idempotent. */
  async abandon(id: string): Promise<void> {
    this.onOperation('idempotency.delete');
    try {
      await this.container.item(id, id).delete();
    } catch (e) {
      if (cosmosErrorCode(e) !== 404) throw e;
    }
  }

  async isDone(id: string): Promise<boolean> {
    return (await this.read(id))?.value.state === 'done';
  }

  private async read(id: string): Promise<{ value: RecordDocument; etag: string } | undefined> {
    this.onOperation('idempotency.read');
    const { resource } = await this.container.item(id, id).read<RecordDocument & CosmosSystemFields>();
    return resource ? fromStored<RecordDocument>(resource) : undefined;
  }

  private async createQuietly(mark: RecordDocument): Promise<boolean> {
    this.onOperation('idempotency.create');
    return (await unlessStatus([409], () => this.container.items.create(mark))) !== undefined;
  }
}

function wholeSeconds(seconds: number): number {
  assertPositive(seconds, 'keepSeconds');
  return Math.ceil(seconds);
}

function assertPositive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
}
