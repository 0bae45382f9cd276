/**
 * Exclusivity of association keys (one customer tenant's workload or subscription) in
 * the `associations` container: one document per key, id = the key, partition = the id.
 * Creating that document is the atomic act of taking the key; a 409 means someone has it.
 *
 * Cosmos has no transaction across partitions (and the stand-in's batch is not atomic),
 * so a claim's keys are taken one write at a time, in this order:
 *
 *   1. acquire: create a `pending` hold per key, in sorted key order. Two claims that
 *      want overlapping keys meet first on the smallest shared key, so exactly one of
 *      them gets past it and the other stops there: no round where both lose or both win.
 *      On a conflict the call deletes the holds it created itself and names the contested keys.
 *   2. the caller writes the claim (ETag-guarded) recording the keys in `heldKeys`.
 *   3. confirm: flip the claim's holds from `pending` to `held`.
 *   Release deletes holds, and only holds whose claimId is the caller's.
 *
 * What a crash leaves behind, and who finishes it:
 *   - during 1 (some pending holds written, claim not written): the claim does not record
 *     the keys, so `repair` deletes the pending holds. Until then they block other claims,
 *     which is the safe direction (a key is never held twice).
 *   - during 1's undo (some created holds not deleted): the same, repair deletes them.
 *   - between 2 and 3, or during 3 (claim records the keys, holds still pending): `repair`
 *     asks the claim, sees the keys recorded, and confirms them.
 *   - during release (some holds deleted): release is idempotent; the caller retries it.
 * Legacy (pre-CPOR) holds are imported as `held`. One that no longer counts (expired, or
 * Microsoft 365 that must be re-associated; claims/associations decides) or that belongs
 * to the claiming partner itself is taken over by replacing it under its ETag; if that
 * acquire then fails, its undo deletes the hold, and the legacy record with it, which
 * changes nothing about who may claim the key.
 *
 * `repair` only looks at pending holds older than a cut-off well beyond a normal
 * acquire-to-confirm interval, so it does not undo an acquire that is still running.
 * If it ever did, `confirm` re-creates the missing hold when the key is still free,
 * and reports an AssociationConflict when another claim took it meanwhile.
 */
import type { Container } from '@azure/cosmos';
import type { AssociationHold, AssociationStore, Clock } from '../claims/ports';
import { systemClock } from '../claims/ports';
import { holdIsActive } from '../claims/associations';
import { AssociationConflict, ConcurrencyConflict, DomainError } from '../claims/errors';
import {
  cosmosErrorCode,
  fromStored,
  unlessStatus,
  type CosmosSystemFields,
  type OperationHook,
} from './cosmosConnection';

export interface CosmosAssociationStoreOptions {
  clock?: Clock;
  onOperation?: OperationHook;
}

interface HoldDocument {
  /** The association key itself. */
  id: string;
  partnerId: string;
  claimId?: string;
  state: AssociationHold['state'];
  legacy: boolean;
  createdAt: string;
  expiresAt?: string;
}

type StoredHold = { value: HoldDocument; etag: string };

/** Rounds of read-then-write before giving up on a key that keeps changing under us. */
const MAX_ATTEMPTS = 5;
/** Characters Cosmos DB does not allow in a document id. */
const FORBIDDEN_ID_CHARACTERS = /[/\\?#]/;

export class CosmosAssociationStore implements AssociationStore {
  private readonly clock: Clock;
  private readonly onOperation: OperationHook;

  constructor(
    private readonly container: Container,
    options: CosmosAssociationStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.onOperation = options.onOperation ?? (() => undefined);
  }

  async acquire(partnerId: string, claimId: string, keys: string[]): Promise<void> {
    const created: StoredHold[] = [];
    const contested: string[] = [];
    try {
      for (const key of sortedKeys(keys)) {
        if (contested.length > 0) {
          // Already lost: only look, so the error can name every contested key
          // without taking keys we would have to give back.
          const holder = await this.read(key);
          if (holder && this.blocks(holder.value, partnerId, claimId)) contested.push(key);
          continue;
        }
        const outcome = await this.take(key, partnerId, claimId);
        if (outcome === 'contested') contested.push(key);
        else if (outcome !== 'ours') created.push(outcome);
      }
    } catch (e) {
      await this.undo(created);
      throw e;
    }
    if (contested.length > 0) {
      await this.undo(created);
      throw new AssociationConflict(contested);
    }
  }

  async confirm(partnerId: string, claimId: string, keys: string[]): Promise<void> {
    const contested: string[] = [];
    for (const key of sortedKeys(keys)) {
      const done = await this.retrying(key, async () => {
        const holder = await this.read(key);
        const held: HoldDocument = { id: key, partnerId, claimId, state: 'held', legacy: false, createdAt: this.now() };
        // Missing: repair removed it as abandoned; the claim records it, so take it back if free.
        if (!holder) return (await this.createHold(held)) !== undefined;
        if (isHeldBy(holder.value, partnerId, claimId)) {
          return (
            holder.value.state === 'held' ||
            (await this.replaceIfUnchanged({ ...holder.value, state: 'held' }, holder.etag)) !== undefined
          );
        }
        if (this.blocks(holder.value, partnerId, claimId)) {
          contested.push(key);
          return true;
        }
        return (await this.replaceIfUnchanged(held, holder.etag)) !== undefined;
      });
      if (!done) throw new ConcurrencyConflict(`association ${key}`);
    }
    if (contested.length > 0) throw new AssociationConflict(contested);
  }

  async release(partnerId: string, claimId: string, keys: string[]): Promise<void> {
    for (const key of sortedKeys(keys)) {
      const done = await this.retrying(key, async () => {
        const holder = await this.read(key);
        if (!holder || !isHeldBy(holder.value, partnerId, claimId)) return true;
        return this.deleteIfUnchanged(holder);
      });
      if (!done) throw new ConcurrencyConflict(`association ${key}`);
    }
  }

  async holderOf(key: string): Promise<AssociationHold | undefined> {
    assertKey(key);
    const holder = await this.read(key);
    return holder ? toHold(holder.value) : undefined;
  }

  async importLegacy(
    hold: Omit<AssociationHold, 'state' | 'createdAt' | 'legacy'> & { expiresAt?: string },
  ): Promise<void> {
    assertKey(hold.key);
    const doc: HoldDocument = {
      id: hold.key,
      partnerId: hold.partnerId,
      claimId: hold.claimId,
      state: 'held',
      legacy: true,
      createdAt: this.now(),
      expiresAt: hold.expiresAt,
    };
    const done = await this.retrying(hold.key, async () => {
      if (await this.createHold(doc)) return true;
      const holder = await this.read(hold.key);
      if (!holder) return false;
      // Re-running an import refreshes the partner's own legacy hold (its expiry may have moved).
      if (!holder.value.legacy || holder.value.partnerId !== hold.partnerId) throw new AssociationConflict([hold.key]);
      return (await this.replaceIfUnchanged({ ...doc, createdAt: holder.value.createdAt }, holder.etag)) !== undefined;
    });
    if (!done) throw new ConcurrencyConflict(`association ${hold.key}`);
  }

  async repair(
    olderThan: Date,
    claimHolds: (partnerId: string, claimId: string, key: string) => Promise<boolean>,
  ): Promise<number> {
    const stale = await this.query('SELECT * FROM c WHERE c.state = @pending AND c.createdAt < @olderThan', [
      { name: '@pending', value: 'pending' },
      { name: '@olderThan', value: olderThan.toISOString() },
    ]);
    let fixed = 0;
    for (const holder of stale) {
      const { partnerId, claimId, id: key } = holder.value;
      const recorded = claimId !== undefined && (await claimHolds(partnerId, claimId, key));
      // A 412 or 404 means a live caller moved the hold on meanwhile: it is theirs to finish.
      const changed = recorded
        ? (await this.replaceIfUnchanged({ ...holder.value, state: 'held' }, holder.etag)) !== undefined
        : await this.deleteIfUnchanged(holder);
      if (changed) fixed += 1;
    }
    return fixed;
  }

  /** Deletes legacy holds whose subscription has ended; returns the keys set free. */
  async releaseExpiredLegacy(now: Date): Promise<string[]> {
    const expired = await this.query(
      'SELECT * FROM c WHERE c.legacy = true AND IS_DEFINED(c.expiresAt) AND c.expiresAt <= @now',
      [{ name: '@now', value: now.toISOString() }],
    );
    const released: string[] = [];
    for (const holder of expired) {
      if (await this.deleteIfUnchanged(holder)) released.push(holder.value.id);
    }
    return released.sort();
  }

  /**
   * Writes the pending hold, or says why not: the key is already this claim's, or
   * another's. A legacy hold that no longer counts is replaced under its ETag, which is
   * as atomic as the create: of two claims replacing it, one gets a 412.
   */
  private async take(key: string, partnerId: string, claimId: string): Promise<StoredHold | 'ours' | 'contested'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const pending: HoldDocument = {
        id: key,
        partnerId,
        claimId,
        state: 'pending',
        legacy: false,
        createdAt: this.now(),
      };
      const created = await this.createHold(pending);
      if (created) return created;
      const holder = await this.read(key);
      if (!holder) continue; // released between our create and our read
      if (isHeldBy(holder.value, partnerId, claimId)) return 'ours';
      if (this.blocks(holder.value, partnerId, claimId)) return 'contested';
      const replaced = await this.replaceIfUnchanged(pending, holder.etag);
      if (replaced) return replaced;
    }
    throw new ConcurrencyConflict(`association ${key}`);
  }

  /**
   * Whether `hold` keeps this claim off its key. A legacy hold gives way to a CPOR claim
   * of the same partner (the re-association the program asks for), and to anyone once
   * it no longer counts (expired, or Microsoft 365 that must be re-associated).
   */
  private blocks(hold: HoldDocument, partnerId: string, claimId: string): boolean {
    if (isHeldBy(hold, partnerId, claimId)) return false;
    if (!hold.legacy) return true;
    return hold.partnerId !== partnerId && holdIsActive(toHold(hold), this.clock.now());
  }

  /** Best effort: what is left behind stays pending and `repair` removes it. */
  private async undo(created: StoredHold[]): Promise<void> {
    for (const holder of created) {
      try {
        await this.deleteIfUnchanged(holder);
      } catch {
        // a crash or outage here is the case repair exists for
      }
    }
  }

  private async retrying(key: string, step: () => Promise<boolean>): Promise<boolean> {
    assertKey(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      if (await step()) return true;
    }
    return false;
  }

  private async read(key: string): Promise<StoredHold | undefined> {
    this.onOperation('associations.read');
    const { resource } = await this.container.item(key, key).read<HoldDocument & CosmosSystemFields>();
    return resource ? fromStored<HoldDocument>(resource) : undefined;
  }

  /** The stored hold, or undefined when the key is taken (409). */
  private async createHold(doc: HoldDocument): Promise<StoredHold | undefined> {
    this.onOperation('associations.create');
    const response = await unlessStatus([409], () =>
      this.container.items.create<HoldDocument & CosmosSystemFields>(doc),
    );
    return response?.resource ? fromStored<HoldDocument>(response.resource) : undefined;
  }

  /** The written hold; undefined when it changed or vanished since it was read. */
  private async replaceIfUnchanged(doc: HoldDocument, etag: string): Promise<StoredHold | undefined> {
    this.onOperation('associations.replace');
    const response = await unlessStatus([404, 412], () =>
      this.container
        .item(doc.id, doc.id)
        .replace<HoldDocument & CosmosSystemFields>(doc, { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    return response?.resource ? fromStored<HoldDocument>(response.resource) : undefined;
  }

  /** True when this call deleted it or it is already gone; false when it changed since it was read. */
  private async deleteIfUnchanged(holder: StoredHold): Promise<boolean> {
    this.onOperation('associations.delete');
    try {
      await this.container
        .item(holder.value.id, holder.value.id)
        .delete({ accessCondition: { type: 'IfMatch', condition: holder.etag } });
      return true;
    } catch (e) {
      const code = cosmosErrorCode(e);
      if (code === 404) return true;
      if (code === 412) return false;
      throw e;
    }
  }

  private async query(query: string, parameters: { name: string; value: string }[]): Promise<StoredHold[]> {
    const iterator = this.container.items.query<HoldDocument & CosmosSystemFields>({ query, parameters });
    const holds: StoredHold[] = [];
    while (iterator.hasMoreResults()) {
      this.onOperation('associations.query');
      const { resources } = await iterator.fetchNext();
      holds.push(...resources.map((doc) => fromStored<HoldDocument>(doc)));
    }
    return holds;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

function isHeldBy(hold: HoldDocument, partnerId: string, claimId: string): boolean {
  return hold.partnerId === partnerId && hold.claimId === claimId;
}

function sortedKeys(keys: string[]): string[] {
  keys.forEach(assertKey);
  return [...new Set(keys)].sort();
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 255 || FORBIDDEN_ID_CHARACTERS.test(key)) {
    throw new DomainError('invalidAssociationKey', `"${String(key)}" cannot be an association key`, { key });
  }
}

function toHold(doc: HoldDocument): AssociationHold {
  return withoutUndefined({
    key: doc.id,
    partnerId: doc.partnerId,
    claimId: doc.claimId,
    state: doc.state,
    legacy: doc.legacy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
  });
}

/** Absent optional fields stay absent (no keys holding undefined) in what we hand out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
