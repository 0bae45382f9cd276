import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import fc from 'fast-check';
import { AssociationConflict, DomainError } from '../../claims/errors';
import type { AssociationHold, Clock } from '../../claims/ports';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

/** Thrown by the operation hook to stop a store as if its process had died. */
class SimulatedCrash extends Error {}

const WRITES = new Set(['associations.create', 'associations.replace', 'associations.delete']);

/** An operation hook that lets `writes` writes through, then fails this and every later request. */
function crashAfterWrites(writes: number): (op: string) => void {
  let done = 0;
  let crashed = false;
  return (op) => {
    if (crashed) throw new SimulatedCrash('already crashed');
    if (WRITES.has(op)) {
      if (done === writes) {
        crashed = true;
        throw new SimulatedCrash(`crashed before write ${writes + 1}`);
      }
      done += 1;
    }
  };
}

class SettableClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

const T0 = new Date('2025-03-03T09:00:00.000Z');
const minutesLater = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('CosmosAssociationStore', () => {
  let container: Container;
  let clock: SettableClock;
  let store: CosmosAssociationStore;
  // Every test uses keys of its own customer tenant, so tests in this file do not collide.
  let tenant: string;
  const key = (workload: string) => `m365|${tenant}|${workload}`;

  async function holdsOfThisTest(): Promise<AssociationHold[]> {
    const { resources } = await container.items
      .query<{ id: string }>({
        query: 'SELECT c.id FROM c WHERE CONTAINS(c.id, @tenant)',
        parameters: [{ name: '@tenant', value: `|${tenant}|` }],
      })
      .fetchAll();
    const holds = await Promise.all(resources.map((r) => store.holderOf(r.id)));
    return holds.filter((h): h is AssociationHold => h !== undefined).sort((a, b) => a.key.localeCompare(b.key));
  }

  const storeWith = (onOperation?: (op: string) => void) =>
    new CosmosAssociationStore(container, { clock, onOperation });

  before(async () => {
    container = (await freshCosmosDatabase()).container('associations');
  });
  beforeEach(() => {
    tenant = randomUUID();
    clock = new SettableClock(T0);
    store = storeWith();
  });

  it('acquires keys as pending, confirms them as held, and releases them', async () => {
    await store.acquire('partner-a', 'claim-1', [key('teams'), key('exchangeOnline')]);
    assert.deepEqual(await store.holderOf(key('teams')), {
      key: key('teams'),
      partnerId: 'partner-a',
      claimId: 'claim-1',
      state: 'pending',
      legacy: false,
      createdAt: T0.toISOString(),
    });
    await store.confirm('partner-a', 'claim-1', [key('teams'), key('exchangeOnline')]);
    assert.deepEqual(
      (await holdsOfThisTest()).map((h) => h.state),
      ['held', 'held'],
    );
    await store.release('partner-a', 'claim-1', [key('teams'), key('exchangeOnline')]);
    assert.deepEqual(await holdsOfThisTest(), []);
  });

  it('treats a retried acquire of its own keys as success, and a repeated release as harmless', async () => {
    await store.acquire('partner-a', 'claim-1', [key('teams')]);
    await store.acquire('partner-a', 'claim-1', [key('teams'), key('sharePointOnline')]);
    assert.deepEqual(
      (await holdsOfThisTest()).map((h) => h.claimId),
      ['claim-1', 'claim-1'],
    );
    await store.release('partner-a', 'claim-1', [key('teams'), key('sharePointOnline')]);
    await store.release('partner-a', 'claim-1', [key('teams'), key('sharePointOnline')]);
    assert.deepEqual(await holdsOfThisTest(), []);
  });

  it('refuses a key held by another claim, naming only the contested keys, and keeps nothing of the attempt', async () => {
    await store.acquire('partner-a', 'claim-1', [key('teams'), key('intune')]);
    await assert.rejects(
      store.acquire('partner-b', 'claim-2', [key('exchangeOnline'), key('intune'), key('teams'), key('zzz')]),
      (e: unknown) =>
        e instanceof AssociationConflict && JSON.stringify(e.keys) === JSON.stringify([key('intune'), key('teams')]),
    );
    const holds = await holdsOfThisTest();
    assert.deepEqual(
      holds.map((h) => [h.key, h.partnerId]),
      [
        [key('intune'), 'partner-a'],
        [key('teams'), 'partner-a'],
      ],
    );
  });

  it("does not let the same partner's other claim take a key, nor release someone else's", async () => {
    await store.acquire('partner-a', 'claim-1', [key('teams')]);
    await assert.rejects(store.acquire('partner-a', 'claim-other', [key('teams')]), AssociationConflict);
    await store.release('partner-b', 'claim-1', [key('teams')]);
    await store.release('partner-a', 'claim-other', [key('teams')]);
    assert.equal((await store.holderOf(key('teams')))?.claimId, 'claim-1');
  });

  it('lets exactly one of two racing partners win, over 50 rounds, and the loser holds nothing', async function () {
    this.timeout(60_000);
    // Two bot instances with their own Cosmos connections.
    const [first, second] = [storeWith(), storeWith()];
    const workloads = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let round = 0; round < 50; round += 1) {
      tenant = randomUUID();
      // overlaps of one to four keys, always including 'c'
      const keysA = workloads.slice(0, 3 + (round % 3)).map(key);
      const keysB = workloads.slice(1 + (round % 3), 6).map(key);
      const overlap = keysA.filter((k) => keysB.includes(k));
      const results = await Promise.allSettled([
        first.acquire('partner-a', `a-${round}`, keysA),
        second.acquire('partner-b', `b-${round}`, keysB),
      ]);
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
      const [winner] = winners;
      const loser = results[1 - winner];
      assert.equal(loser.status, 'rejected');
      const reason: unknown = loser.reason;
      assert.ok(reason instanceof AssociationConflict, `round ${round}: ${String(reason)}`);
      assert.ok(reason.keys.includes([...overlap].sort()[0]), `round ${round}: the first shared key is contested`);
      assert.ok(
        reason.keys.every((k) => overlap.includes(k)),
        `round ${round}: only shared keys are named`,
      );
      const holds = await holdsOfThisTest();
      const [winnerPartner, winnerKeys] = winner === 0 ? ['partner-a', keysA] : ['partner-b', keysB];
      assert.deepEqual(
        holds.map((h) => h.key),
        [...winnerKeys].sort(),
        `round ${round}: holds`,
      );
      assert.ok(
        holds.every((h) => h.partnerId === winnerPartner),
        `round ${round}: the loser holds nothing`,
      );
    }
  });

  it('behaves like a map from key to claim under any sequence of acquires and releases', async function () {
    this.timeout(60_000);
    const claims = ['a1', 'a2', 'b1'] as const;
    const partnerOf = (claim: string) => `partner-${claim[0]}`;
    const command = fc.record({
      kind: fc.constantFrom('acquire' as const, 'release' as const),
      claim: fc.constantFrom(...claims),
      workloads: fc.subarray(['k1', 'k2', 'k3', 'k4'], { minLength: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        tenant = randomUUID();
        const model = new Map<string, string>();
        for (const { kind, claim, workloads } of commands) {
          const keys = workloads.map(key);
          if (kind === 'release') {
            await store.release(partnerOf(claim), claim, keys);
            for (const k of keys) if (model.get(k) === claim) model.delete(k);
            continue;
          }
          const taken = keys.filter((k) => model.has(k) && model.get(k) !== claim).sort();
          const outcome = await store.acquire(partnerOf(claim), claim, keys).then(
            () => [],
            (e: unknown) => (e instanceof AssociationConflict ? e.keys : [String(e)]),
          );
          assert.deepEqual(outcome, taken);
          if (taken.length === 0) for (const k of keys) model.set(k, claim);
        }
        const stored = (await holdsOfThisTest()).map((h) => [h.key, h.claimId, h.partnerId]);
        assert.deepEqual(
          stored,
          [...model].sort().map(([k, claim]) => [k, claim, partnerOf(claim)]),
        );
      }),
      { numRuns: 30 },
    );
  });

  describe('after a crash between writes', () => {
    const keys = () => [key('a'), key('b'), key('c')];

    // repair scans the whole container, so each of these tests gets one of its own
    beforeEach(async () => {
      container = (await freshCosmosDatabase()).container('associations');
      store = storeWith();
    });

    it('undoes pending holds the claim does not record', async () => {
      await assert.rejects(storeWith(crashAfterWrites(2)).acquire('partner-a', 'claim-1', keys()), SimulatedCrash);
      assert.deepEqual(
        (await holdsOfThisTest()).map((h) => [h.key, h.state]),
        [
          [key('a'), 'pending'],
          [key('b'), 'pending'],
        ],
      );
      const asked: string[] = [];
      const fixed = await store.repair(minutesLater(10), async (partnerId, claimId, k) => {
        asked.push(`${partnerId}/${claimId}/${k}`);
        return false;
      });
      assert.equal(fixed, 2);
      assert.deepEqual(asked.sort(), [`partner-a/claim-1/${key('a')}`, `partner-a/claim-1/${key('b')}`]);
      assert.deepEqual(await holdsOfThisTest(), []);
    });

    it('completes pending holds the claim records (crash during confirm)', async () => {
      const crashing = storeWith(crashAfterWrites(4)); // 3 creates, then 1 of 3 confirms
      await crashing.acquire('partner-a', 'claim-1', keys());
      await assert.rejects(crashing.confirm('partner-a', 'claim-1', keys()), SimulatedCrash);
      assert.deepEqual(
        (await holdsOfThisTest()).map((h) => h.state),
        ['held', 'pending', 'pending'],
      );
      const fixed = await store.repair(
        minutesLater(10),
        async (_p, claimId, k) => claimId === 'claim-1' && keys().includes(k),
      );
      assert.equal(fixed, 2);
      assert.deepEqual(
        (await holdsOfThisTest()).map((h) => h.state),
        ['held', 'held', 'held'],
      );
    });

    it('leaves holds younger than the cut-off alone, since their acquire may still be running', async () => {
      await assert.rejects(storeWith(crashAfterWrites(1)).acquire('partner-a', 'claim-1', keys()), SimulatedCrash);
      assert.equal(await store.repair(T0, async () => false), 0);
      assert.equal((await store.holderOf(key('a')))?.state, 'pending');
    });

    it('blocks another partner with an abandoned hold only until repair', async () => {
      await assert.rejects(storeWith(crashAfterWrites(2)).acquire('partner-a', 'claim-1', keys()), SimulatedCrash);
      await assert.rejects(store.acquire('partner-b', 'claim-2', [key('b')]), AssociationConflict);
      await store.repair(minutesLater(10), async () => false);
      await store.acquire('partner-b', 'claim-2', [key('b')]);
      assert.equal((await store.holderOf(key('b')))?.partnerId, 'partner-b');
    });

    it('lets confirm take back a hold that repair removed too early, if still free', async () => {
      await store.acquire('partner-a', 'claim-1', [key('a'), key('b')]);
      await store.repair(minutesLater(10), async () => false); // ran before the claim was written
      await store.acquire('partner-b', 'claim-2', [key('b')]);
      await assert.rejects(
        store.confirm('partner-a', 'claim-1', [key('a'), key('b')]),
        (e: unknown) => e instanceof AssociationConflict && e.keys.length === 1 && e.keys[0] === key('b'),
      );
      assert.deepEqual(await store.holderOf(key('a')), {
        key: key('a'),
        partnerId: 'partner-a',
        claimId: 'claim-1',
        state: 'held',
        legacy: false,
        createdAt: T0.toISOString(),
      });
    });
  });

  it('imports legacy holds that block claims until their subscription expires', async () => {
    const sub = `sub|${tenant}|sub-1`;
    await store.importLegacy({ key: sub, partnerId: 'partner-a', expiresAt: minutesLater(60).toISOString() });
    await store.importLegacy({ key: key('powerBi'), partnerId: 'partner-a' }); // no end date
    assert.deepEqual(await store.holderOf(sub), {
      key: sub,
      partnerId: 'partner-a',
      state: 'held',
      legacy: true,
      createdAt: T0.toISOString(),
      expiresAt: minutesLater(60).toISOString(),
    });
    await assert.rejects(store.acquire('partner-b', 'claim-2', [sub]), AssociationConflict);
    await assert.rejects(store.importLegacy({ key: sub, partnerId: 'partner-b' }), AssociationConflict);
    assert.deepEqual(await store.releaseExpiredLegacy(minutesLater(59)), []);
    const released = await store.releaseExpiredLegacy(minutesLater(60));
    assert.ok(released.includes(sub));
    assert.ok(!released.includes(key('powerBi')));
    await store.acquire('partner-b', 'claim-2', [sub]);
  });

  it("lets a claim take over legacy holds that no longer count, or that are its own partner's", async () => {
    const m365Legacy = key('exchangeOnline'); // Microsoft 365: must be re-associated, keeps nothing
    const expired = `sub|${tenant}|sub-expired`;
    const own = `sub|${tenant}|sub-own`;
    await store.importLegacy({ key: m365Legacy, partnerId: 'partner-a' });
    await store.importLegacy({ key: expired, partnerId: 'partner-a', expiresAt: minutesLater(-1).toISOString() });
    await store.importLegacy({ key: own, partnerId: 'partner-b', expiresAt: minutesLater(600).toISOString() });
    await store.acquire('partner-b', 'claim-2', [m365Legacy, expired, own]);
    const holds = await holdsOfThisTest();
    assert.deepEqual(
      holds.map((h) => [h.partnerId, h.claimId, h.state, h.legacy]),
      [
        ['partner-b', 'claim-2', 'pending', false],
        ['partner-b', 'claim-2', 'pending', false],
        ['partner-b', 'claim-2', 'pending', false],
      ],
    );
    // an active legacy hold of another partner still blocks
    const active = `sub|${tenant}|sub-active`;
    await store.importLegacy({ key: active, partnerId: 'partner-a', expiresAt: minutesLater(600).toISOString() });
    await assert.rejects(store.acquire('partner-c', 'claim-3', [active]), AssociationConflict);
  });

  it('re-importing a legacy hold updates its expiry', async () => {
    const sub = `sub|${tenant}|sub-2`;
    await store.importLegacy({ key: sub, partnerId: 'partner-a', expiresAt: minutesLater(5).toISOString() });
    await store.importLegacy({ key: sub, partnerId: 'partner-a', expiresAt: minutesLater(500).toISOString() });
    assert.equal((await store.holderOf(sub))?.expiresAt, minutesLater(500).toISOString());
    assert.ok(!(await store.releaseExpiredLegacy(minutesLater(100))).includes(sub));
  });

  it('refuses keys Cosmos cannot store as ids, before writing anything', async () => {
    for (const bad of ['', 'm365/x', 'a?b', 'a#b', 'a\\b', 'x'.repeat(256)]) {
      await assert.rejects(
        store.acquire('partner-a', 'claim-1', [key('ok'), bad]),
        (e: unknown) => e instanceof DomainError && e.code === 'invalidAssociationKey',
      );
    }
    assert.deepEqual(await holdsOfThisTest(), []);
  });
});
