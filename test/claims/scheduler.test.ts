import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim, Versioned } from '../../claims/model';
import type { OutboxDispatcher } from '../../claims/outboxDispatcher';
import type { AssociationStore, ClaimRepository } from '../../claims/ports';
import { CLAIMLESS_EVIDENCE_GRACE_MS, EVIDENCE_GRACE_MS, Scheduler, type SchedulerTimer } from '../../claims/scheduler';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import {
  DAY,
  MINUTE,
  REVIEWER,
  START,
  SettableClock,
  claimIn,
  codes,
  engineOn,
  newPartner,
  read,
  reconnect,
  refOf,
  value,
  type Engine,
  type Partner,
} from './engineHarness';
import { SUBSCRIPTION_A, validClaim } from './fixtures';

class SimulatedCrash extends Error {}

/** The scheduler of one bot instance; `claims` may wrap the repository it queries. */
function schedulerOf(
  engine: Engine,
  options: {
    claims?: ClaimRepository;
    dispatcher?: OutboxDispatcher;
    batchSize?: number;
    associations?: AssociationStore;
  } = {},
): Scheduler {
  return new Scheduler({
    claims: options.claims ?? engine.claims,
    associations: engine.associations,
    lifecycle: engine.lifecycle,
    dispatcher: options.dispatcher ?? engine.dispatcher(),
    clock: engine.clock,
    batchSize: options.batchSize ?? 100,
    repairGraceMs: 10 * MINUTE,
    log: engine.log,
  });
}

/** Counts what the scheduler reads, at our port: documents returned by listDue, and point reads. */
function countingReads(inner: ClaimRepository): {
  repository: ClaimRepository;
  listed: string[];
  pointReads: () => number;
} {
  const listed: string[] = [];
  let reads = 0;
  const repository = Object.assign(Object.create(inner) as ClaimRepository, {
    listDue: async (now: Date, limit: number) => {
      const due = await inner.listDue(now, limit);
      listed.push(...due.map((v) => v.value.id));
      return due;
    },
    get: async (partnerId: string, claimId: string) => {
      reads += 1;
      return inner.get(partnerId, claimId);
    },
  });
  return { repository, listed, pointReads: () => reads };
}

/** The Dynamics 365 claim shape, whose subscription key may be held by a legacy association. */
function dynamics365(): Partial<Claim> {
  const { solutionArea, activity, productIds, subscriptions, technicalContact } = validClaim();
  return { solutionArea, activity, productIds, subscriptions, technicalContact };
}

describe('claims/scheduler on the Cosmos stand-in', () => {
  // listDue reads across partitions, so each test gets a database of its own.
  let db: TestDatabase;
  let engine: Engine;
  let partner: Partner;

  beforeEach(async () => {
    db = await freshCosmosDatabase();
    engine = await engineOn(db, { clock: new SettableClock(START) });
    partner = await newPartner(engine);
  });

  it('delivers the approval, then associates when the window closes with no answer and tells the partner it is official', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const scheduler = schedulerOf(engine);
    const first = await scheduler.sweepOnce();
    assert.deepEqual([first.due, first.closed, first.sent], [1, 0, 3]);
    assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');

    engine.clock.at = new Date(Date.parse(claim.windowClosesAt ?? '') - 1);
    assert.equal((await scheduler.sweepOnce()).due, 0, 'nothing is due until the window closes');

    engine.clock.advance(1);
    const closing = await scheduler.sweepOnce();
    assert.deepEqual([closing.due, closing.closed, closing.sent], [1, 1, 1]);
    const stored = (await read(engine, claim)).value;
    assert.deepEqual([stored.status, stored.dueAt, stored.outbox], ['associated', undefined, []]);
    assert.deepEqual(engine.notifier.kindsFor(claim.id), [
      'reviewStarted',
      'approvedCustomerNotified',
      'customerConsentRequest',
      'associationOfficial',
    ]);
    assert.equal((await engine.associations.holderOf(`m365|${claim.customerTenantId}|exchangeOnline`))?.state, 'held');
  });

  it('rejects for no partner response once the answer deadline passes, and tells the partner', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const asked = value(await engine.lifecycle.requestInfo(refOf(claim), REVIEWER, ['missingCustomerAcknowledgement']));
    engine.clock.at = new Date(asked.value.infoRequest?.deadlineAt ?? '');
    await schedulerOf(engine).sweepOnce();
    const stored = (await read(engine, claim)).value;
    assert.deepEqual([stored.status, stored.rejection?.reason], ['rejected', 'noPartnerResponse']);
    assert.deepEqual(engine.notifier.kindsFor(claim.id), ['reviewStarted', 'infoRequested', 'rejected']);
    assert.equal(stored.history.at(-1)?.actor.role, 'system');
  });

  it('leaves a claim whose information request was answered in time alone at the old deadline', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const asked = value(await engine.lifecycle.requestInfo(refOf(claim), REVIEWER, ['missingAllPoe']));
    value(await engine.lifecycle.resubmit(refOf(claim), partner.admin));
    engine.clock.at = new Date(asked.value.infoRequest?.deadlineAt ?? '');
    await schedulerOf(engine).sweepOnce();
    assert.equal((await read(engine, claim)).value.status, 'submitted');
    const after = await schedulerOf(engine).sweepOnce();
    assert.equal(after.due, 0);
  });

  it('reads only the due claims, however many others there are', async function () {
    this.timeout(30_000);
    const idle: Claim[] = [];
    for (let i = 0; i < 12; i += 1)
      idle.push(await claimIn(engine, partner, i % 2 === 0 ? 'approvedCustomerNotified' : 'submitted'));
    await schedulerOf(engine).sweepOnce(); // delivers their outboxes: now none of them is due
    const due: Claim[] = [];
    for (let i = 0; i < 3; i += 1) due.push(await claimIn(engine, partner, 'underReview'));

    const counting = countingReads(engine.claims);
    const report = await schedulerOf(engine, { claims: counting.repository }).sweepOnce();
    assert.equal(report.due, 3);
    assert.deepEqual([...counting.listed].sort(), due.map((c) => c.id).sort());
    assert.equal(counting.pointReads(), 0, 'no claim outside the due list was read');
  });

  it('takes the earliest due claims first, a batch per sweep, and the rest on the next sweeps', async () => {
    const claims: Claim[] = [];
    for (let i = 0; i < 5; i += 1) {
      claims.push(await claimIn(engine, partner, 'underReview'));
      engine.clock.advance(MINUTE);
    }
    const counting = countingReads(engine.claims);
    const scheduler = schedulerOf(engine, { claims: counting.repository, batchSize: 2 });
    assert.equal((await scheduler.sweepOnce()).sent, 2);
    assert.deepEqual(
      counting.listed,
      claims.slice(0, 2).map((c) => c.id),
    );
    await scheduler.sweepOnce();
    await scheduler.sweepOnce();
    assert.equal((await scheduler.sweepOnce()).due, 0);
    assert.equal(engine.notifier.deliveries.length, 5);
  });

  it('retries a message only when its backoff has passed: the claim is not even listed before', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    engine.notifier.outcome = () => (engine.notifier.deliveries.length === 1 ? 'retry' : 'sent');
    const scheduler = schedulerOf(engine);
    assert.equal((await scheduler.sweepOnce()).retried, 1);
    const next = Date.parse((await read(engine, claim)).value.dueAt ?? '');
    engine.clock.at = new Date(next - 1);
    assert.equal((await scheduler.sweepOnce()).due, 0);
    engine.clock.at = new Date(next);
    assert.equal((await scheduler.sweepOnce()).sent, 1);
    assert.deepEqual(engine.notifier.kindsFor(claim.id), ['reviewStarted', 'reviewStarted']);
  });

  it('two schedulers sweeping in parallel deliver each of 30 claims’ notifications exactly once', async function () {
    this.timeout(60_000);
    const claims: Claim[] = [];
    for (let i = 0; i < 30; i += 1) claims.push(await claimIn(engine, partner, 'approvedCustomerNotified'));
    // Nobody dispatched yet; the windows have closed: every claim has a transition and four messages ahead.
    engine.clock.advance(8 * DAY);
    const other = await engineOn(reconnect(db), { clock: engine.clock });
    engine.notifier.sendMs = 2;
    const schedulers = [
      schedulerOf(engine),
      schedulerOf(other, { dispatcher: other.dispatcher({ notifier: engine.notifier }) }),
    ];
    await Promise.all(schedulers.map((s) => s.sweepOnce()));
    await Promise.all(schedulers.map((s) => s.sweepOnce()));

    const sent = engine.notifier.deliveries.map((d) => `${d.claimId}/${d.kind}`);
    assert.equal(new Set(sent).size, sent.length, 'a notification went twice');
    const expected = claims.flatMap((c) =>
      ['reviewStarted', 'approvedCustomerNotified', 'customerConsentRequest', 'associationOfficial'].map(
        (k) => `${c.id}/${k}`,
      ),
    );
    assert.deepEqual([...sent].sort(), expected.sort());
    for (const claim of claims) {
      const stored = (await read(engine, claim)).value;
      assert.equal(stored.status, 'associated');
      assert.equal(stored.history.filter((h) => h.event === 'windowClosed').length, 1);
      assert.deepEqual(stored.outbox, []);
    }
  });

  it('counts a closed window in the report of the instance that wrote it only, not of one that lost the race', async () => {
    const claims = [
      await claimIn(engine, partner, 'approvedCustomerNotified'),
      await claimIn(engine, partner, 'approvedCustomerNotified'),
    ];
    await schedulerOf(engine).sweepOnce();
    engine.clock.advance(8 * DAY);
    // The late instance lists the due claims, then the early one closes them all before it goes on.
    const other = await engineOn(reconnect(db), { clock: engine.clock });
    let listed: () => void = () => undefined;
    const lateListed = new Promise<void>((resolve) => (listed = resolve));
    let release: () => void = () => undefined;
    const earlyDone = new Promise<void>((resolve) => (release = resolve));
    const listsFirst: ClaimRepository = Object.assign(Object.create(other.claims) as ClaimRepository, {
      listDue: async (now: Date, limit: number) => {
        const due = await other.claims.listDue(now, limit);
        listed();
        await earlyDone;
        return due;
      },
    });
    const late = schedulerOf(other, {
      claims: listsFirst,
      dispatcher: other.dispatcher({ notifier: engine.notifier }),
    }).sweepOnce();
    await lateListed;
    const earlyReport = await schedulerOf(engine).sweepOnce();
    release();
    const lateReport = await late;

    assert.deepEqual([earlyReport.due, earlyReport.closed], [2, 2]);
    assert.deepEqual(
      [lateReport.due, lateReport.closed, lateReport.failed],
      [2, 0, 0],
      'the windows were listed as due and found closed by the other instance',
    );
    for (const claim of claims)
      assert.equal((await read(engine, claim)).value.history.filter((h) => h.event === 'windowClosed').length, 1);
  });

  it('survives a crash between closing a window and sending: the next instance sends the notice exactly once', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    await schedulerOf(engine).sweepOnce();
    engine.clock.advance(8 * DAY);
    // This instance closes the window, then dies on its first outbox write.
    const crashing = await engineOn(db, { clock: engine.clock });
    const dying: ClaimRepository = Object.assign(Object.create(crashing.claims) as ClaimRepository, {
      replace: async () => {
        throw new SimulatedCrash('process died');
      },
    });
    const report = await schedulerOf(crashing, {
      dispatcher: crashing.dispatcher({ claims: dying, notifier: engine.notifier }),
    }).sweepOnce();
    assert.deepEqual([report.closed, report.failed], [1, 1]);
    assert.equal((await read(engine, claim)).value.status, 'associated');
    assert.deepEqual(
      crashing.logs.map((l) => [l.event, l.facts.error]),
      [
        ['scheduler.claimFailed', 'Error'],
        ['scheduler.swept', undefined],
      ],
    );

    const restarted = await engineOn(reconnect(db), { clock: engine.clock });
    await schedulerOf(restarted, { dispatcher: restarted.dispatcher({ notifier: engine.notifier }) }).sweepOnce();
    await schedulerOf(restarted, { dispatcher: restarted.dispatcher({ notifier: engine.notifier }) }).sweepOnce();
    assert.deepEqual(
      engine.notifier.kindsFor(claim.id).filter((k) => k === 'associationOfficial'),
      ['associationOfficial'],
    );
  });

  it('releases a legacy Dynamics 365 hold when its subscription expires, and the key can then be claimed', async () => {
    const claim = await claimIn(engine, partner, 'underReview', dynamics365());
    const key = `sub|${claim.customerTenantId}|${SUBSCRIPTION_A}`;
    await engine.associations.importLegacy({
      key,
      partnerId: `legacy-${randomUUID()}`,
      expiresAt: new Date(START.getTime() + DAY).toISOString(),
    });
    assert.deepEqual(codes(await engine.lifecycle.approve(refOf(claim), REVIEWER)), ['keyHeldByAnotherPartner']);
    assert.equal((await schedulerOf(engine).sweepOnce()).legacyReleased, 0);
    assert.equal((await engine.associations.holderOf(key))?.legacy, true);

    engine.clock.advance(DAY);
    assert.equal((await schedulerOf(engine).sweepOnce()).legacyReleased, 1);
    assert.equal(await engine.associations.holderOf(key), undefined);
    assert.equal(
      value(await engine.lifecycle.approve(refOf(claim), REVIEWER)).value.status,
      'approvedCustomerNotified',
    );
  });

  it('repairs holds a crash left pending: drops those no claim records, confirms those it does, leaves young ones', async () => {
    const abandoned = await claimIn(engine, partner, 'underReview');
    const abandonedKey = `m365|${abandoned.customerTenantId}|exchangeOnline`;
    await engine.associations.acquire(partner.org.id, abandoned.id, [abandonedKey]); // the approval died right after

    const confirmFails = (inner: AssociationStore): AssociationStore =>
      Object.assign(Object.create(inner) as AssociationStore, {
        confirm: async () => {
          throw new SimulatedCrash('died before confirm');
        },
      });
    const flaky = await engineOn(db, { clock: engine.clock, associations: confirmFails });
    const approved = await claimIn(engine, partner, 'underReview');
    value(await flaky.lifecycle.approve(refOf(approved), REVIEWER));
    const approvedKey = `m365|${approved.customerTenantId}|exchangeOnline`;

    assert.equal(
      (await schedulerOf(engine).sweepOnce()).repaired,
      0,
      'within the grace period an approval may still be running',
    );
    engine.clock.advance(11 * MINUTE);
    assert.equal((await schedulerOf(engine).sweepOnce()).repaired, 3);
    assert.equal(await engine.associations.holderOf(abandonedKey), undefined);
    assert.equal((await engine.associations.holderOf(approvedKey))?.state, 'held');
  });

  it('never throws out of a sweep: a failing query is logged and the other passes still run', async () => {
    await engine.associations.importLegacy({
      key: `sub|${randomUUID()}|${SUBSCRIPTION_A}`,
      partnerId: 'legacy',
      expiresAt: START.toISOString(),
    });
    const broken: ClaimRepository = Object.assign(Object.create(engine.claims) as ClaimRepository, {
      listDue: async () => {
        throw new Error('503 from Cosmos');
      },
    });
    const report = await schedulerOf(engine, { claims: broken }).sweepOnce();
    assert.deepEqual([report.due, report.legacyReleased], [0, 1]);
    assert.deepEqual(engine.logs[0], { level: 'error', event: 'scheduler.listDueFailed', facts: { error: 'Error' } });
  });

  it('start sweeps at once and then every interval after the previous sweep, until stop', async () => {
    const timers: { callback: () => void; ms: number; cleared: boolean }[] = [];
    const timer: SchedulerTimer = {
      setTimeout: (callback, ms) => {
        const entry = { callback, ms, cleared: false };
        timers.push(entry);
        return entry;
      },
      clearTimeout: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
    };
    const sweeps: Date[] = [];
    const scheduler = new Scheduler({
      claims: engine.claims,
      associations: engine.associations,
      lifecycle: engine.lifecycle,
      dispatcher: engine.dispatcher(),
      clock: engine.clock,
      timer,
      log: (_level, event) => {
        if (event === 'scheduler.swept') sweeps.push(engine.clock.now());
      },
    });
    await claimIn(engine, partner, 'submitted');
    await claimIn(engine, partner, 'underReview');
    scheduler.start(30_000);
    scheduler.start(30_000); // a second start is ignored
    assert.deepEqual(
      timers.map((t) => t.ms),
      [0],
    );
    timers[0]?.callback();
    await waitUntil(() => timers.length === 2);
    assert.equal(timers[1]?.ms, 30_000);
    assert.equal(sweeps.length, 1);
    await scheduler.stop();
    assert.equal(timers[1]?.cleared, true);
    assert.equal(timers.length, 2);
  });

  it('stop waits for a sweep in progress and schedules nothing after it', async () => {
    const timers: (() => void)[] = [];
    let release: () => void = () => undefined;
    const slowDue: ClaimRepository = Object.assign(Object.create(engine.claims) as ClaimRepository, {
      listDue: () => new Promise<Versioned<Claim>[]>((resolve) => (release = () => resolve([]))),
    });
    const scheduler = new Scheduler({
      claims: slowDue,
      associations: engine.associations,
      lifecycle: engine.lifecycle,
      dispatcher: engine.dispatcher(),
      clock: engine.clock,
      timer: { setTimeout: (callback) => timers.push(callback), clearTimeout: () => undefined },
    });
    scheduler.start(1_000);
    timers[0]?.();
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop returned while a sweep was running');
    release();
    await stopping;
    assert.equal(timers.length, 1);
  });

  it('sweeps unrecorded PoE files at once, then only every six hours, with the grace period as the cut-off', async () => {
    const cutOffs: Date[] = [];
    const claimless: (Date | undefined)[] = [];
    const evidence = {
      removeUnrecorded: async (olderThan: Date, claimlessOlderThan?: Date) => (
        cutOffs.push(olderThan),
        claimless.push(claimlessOlderThan),
        2
      ),
    };
    const scheduler = new Scheduler({
      claims: engine.claims,
      associations: engine.associations,
      lifecycle: engine.lifecycle,
      dispatcher: engine.dispatcher(),
      clock: engine.clock,
      log: engine.log,
      evidence,
    });
    const at = (ms: number) => new Date(START.getTime() + ms);
    assert.equal((await scheduler.sweepOnce(at(0))).evidenceRemoved, 2);
    assert.equal((await scheduler.sweepOnce(at(6 * 60 * MINUTE - 1))).evidenceRemoved, 0);
    assert.equal((await scheduler.sweepOnce(at(6 * 60 * MINUTE))).evidenceRemoved, 2);
    assert.deepEqual(cutOffs, [at(-EVIDENCE_GRACE_MS), at(6 * 60 * MINUTE - EVIDENCE_GRACE_MS)]);
    assert.ok(EVIDENCE_GRACE_MS > 30 * DAY, 'outlasts a dispute window, whose files wait unrecorded until it is filed');
    // A file whose claim was never created (a statement of work of a flow given up on) goes after a day.
    assert.deepEqual(claimless, [at(-DAY), at(6 * 60 * MINUTE - DAY)]);
    assert.equal(CLAIMLESS_EVIDENCE_GRACE_MS, DAY);
  });

  it('goes on with the rest of the sweep when the PoE sweep fails', async () => {
    const evidence = { removeUnrecorded: async (): Promise<number> => Promise.reject(new Error('blob storage down')) };
    const scheduler = new Scheduler({
      claims: engine.claims,
      associations: engine.associations,
      lifecycle: engine.lifecycle,
      dispatcher: engine.dispatcher(),
      clock: engine.clock,
      log: engine.log,
      evidence,
    });
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const report = await scheduler.sweepOnce(engine.clock.now());
    assert.equal(report.evidenceRemoved, 0);
    assert.ok(report.due >= 1, JSON.stringify(report));
    assert.ok(claim);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'condition never held');
}
