import assert from 'node:assert/strict';
import type { Claim, OutboxMessage } from '../../claims/model';
import type { DeliveryOutcome } from '../../claims/notifications';
import { DEFAULT_RETRY, backoffMs } from '../../claims/outboxDispatcher';
import type { ClaimRepository } from '../../claims/ports';
import type { TestDatabase } from '../support/cosmosTestDatabase';
import {
  MINUTE,
  START,
  RecordingNotifier,
  claimIn,
  customerOf,
  engineOn,
  useEngine,
  read,
  reconnect,
  refOf,
  value,
  type Engine,
  type Partner,
} from './engineHarness';

/** Thrown to stop a dispatcher as if its process had died at that point. */
class SimulatedCrash extends Error {}

const LEASE = 2 * MINUTE;

/** The repository, except that its `n`th replace (1-based) dies before reaching Cosmos. */
function dyingOnReplace(n: number): (inner: ClaimRepository) => ClaimRepository {
  let calls = 0;
  return (inner) =>
    Object.assign(Object.create(inner) as ClaimRepository, {
      replace: async (claim: Claim, etag: string) => {
        calls += 1;
        if (calls === n) throw new SimulatedCrash(`died before write ${n}`);
        return inner.replace(claim, etag);
      },
    });
}

const ids = (messages: OutboxMessage[]): string[] => messages.map((m) => m.id);

describe('claims/outboxDispatcher on the Cosmos stand-in', () => {
  let db: TestDatabase;
  let engine: Engine;
  let partner: Partner;

  useEngine((fixture) => ({ db, engine, partner } = fixture));

  /** Another bot instance on the same database: its own adapters, same clock, same outside world. */
  async function secondInstance(): Promise<Engine> {
    return engineOn(reconnect(db), { clock: engine.clock });
  }

  it('delivers every due message once, in order, removes them and leaves dueAt to the status timer', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const report = await engine.dispatcher().dispatch(await read(engine, claim));
    assert.deepEqual(engine.notifier.kindsFor(claim.id), [
      'reviewStarted',
      'approvedCustomerNotified',
      'customerConsentRequest',
    ]);
    assert.deepEqual([report.sent, report.retried, report.dead, report.skipped], [3, 0, 0, 0]);
    const stored = (await read(engine, claim)).value;
    assert.deepEqual(stored.outbox, []);
    assert.equal(stored.dueAt, claim.windowClosesAt);
    assert.equal(stored.updatedAt, claim.updatedAt, 'outbox bookkeeping is not a change of the claim');
    assert.deepEqual(stored.history, claim.history);
  });

  it('hands the Notifier the message under lease, with the attempt counted', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const seen: OutboxMessage[] = [];
    engine.notifier.outcome = (message) => {
      seen.push(message);
      return 'sent';
    };
    await engine.dispatcher({ leaseMs: LEASE }).dispatch(await read(engine, claim));
    assert.deepEqual(
      seen.map((m) => [m.kind, m.attempts, m.leaseUntil]),
      [['reviewStarted', 1, new Date(START.getTime() + LEASE).toISOString()]],
    );
  });

  it('leaves messages that are not yet due alone', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    engine.notifier.outcome = () => 'retry';
    await engine.dispatcher().dispatch(await read(engine, claim));
    const before = await read(engine, claim);
    const report = await engine.dispatcher().dispatch(before);
    assert.deepEqual([report.sent, report.retried], [0, 0]);
    assert.equal((await read(engine, claim)).etag, before.etag);
    assert.equal(engine.notifier.deliveries.length, 1);
  });

  it('two dispatchers on the same claims send each message exactly once', async function () {
    this.timeout(30_000);
    const other = await secondInstance();
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => claimIn(engine, partner, 'approvedCustomerNotified')),
    );
    engine.notifier.sendMs = 5;
    const dispatchers = [engine.dispatcher(), other.dispatcher({ notifier: engine.notifier })];
    const versions = await Promise.all(claims.map((c) => read(engine, c)));
    const reports = await Promise.all(dispatchers.flatMap((d) => versions.map((v) => d.dispatch(v))));
    const sent = engine.notifier.deliveries.map((d) => `${d.claimId}/${d.messageId}`);
    assert.equal(sent.length, claims.length * 3);
    assert.equal(new Set(sent).size, sent.length, 'a message was sent twice');
    assert.equal(
      reports.reduce((n, r) => n + r.sent, 0),
      sent.length,
    );
    for (const claim of claims) assert.deepEqual((await read(engine, claim)).value.outbox, []);
  });

  it('a crash between the transition and the send loses nothing: a dispatcher started later sends it exactly once', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    // The process that wrote the transition died before dispatching; a new one comes up later.
    engine.clock.advance(10 * MINUTE);
    const restarted = await secondInstance();
    const notifier = new RecordingNotifier();
    await restarted.dispatcher({ notifier }).dispatch(await read(restarted, claim));
    await restarted.dispatcher({ notifier }).dispatch(await read(restarted, claim));
    assert.deepEqual(notifier.kindsFor(claim.id), [
      'reviewStarted',
      'approvedCustomerNotified',
      'customerConsentRequest',
    ]);
  });

  it('a dispatcher that dies holding a lease blocks others only until the lease ends; then the message goes once', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const hanging = new RecordingNotifier();
    hanging.deliver = () => new Promise<DeliveryOutcome>(() => undefined); // never answers: the process is gone
    void engine.dispatcher({ notifier: hanging, leaseMs: LEASE }).dispatch(await read(engine, claim));
    await waitFor(async () => (await read(engine, claim)).value.outbox[0]?.leaseUntil !== undefined);
    const leased = await read(engine, claim);
    assert.equal(leased.value.dueAt, new Date(START.getTime() + LEASE).toISOString());

    const other = await secondInstance();
    const early = await other.dispatcher({ notifier: engine.notifier }).dispatch(leased);
    assert.equal(early.sent, 0);
    assert.deepEqual(engine.notifier.deliveries, []);
    engine.clock.advance(LEASE);
    await other.dispatcher({ notifier: engine.notifier }).dispatch(await read(engine, claim));
    assert.deepEqual(engine.notifier.kindsFor(claim.id), ['reviewStarted']);
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
  });

  it('a crash after a successful send and before its removal re-sends once after the lease (the documented at-least-once point)', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const dying = engine.dispatcher({ leaseMs: LEASE, claims: dyingOnReplace(2)(engine.claims) });
    await assert.rejects(dying.dispatch(await read(engine, claim)), SimulatedCrash);
    assert.equal(engine.notifier.deliveries.length, 1);
    await engine.dispatcher().dispatch(await read(engine, claim));
    assert.equal(engine.notifier.deliveries.length, 1, 'nothing is re-sent while the lease runs');
    engine.clock.advance(LEASE);
    await engine.dispatcher().dispatch(await read(engine, claim));
    const [first, second] = engine.notifier.deliveries;
    assert.equal(engine.notifier.deliveries.length, 2);
    assert.equal(first?.messageId, second?.messageId, 'the repeat carries the same id, so an adapter can recognise it');
    await engine.dispatcher().dispatch(await read(engine, claim));
    assert.equal(engine.notifier.deliveries.length, 2);
  });

  it("'retry' backs off exponentially with jitter and later succeeds", async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const answers: DeliveryOutcome[] = ['retry', 'retry', 'sent'];
    engine.notifier.outcome = () => answers.shift() ?? 'sent';
    const dispatcher = engine.dispatcher({ retry: { baseMs: 1_000, maxMs: 60_000 } });

    await dispatcher.dispatch(await read(engine, claim));
    let message = (await read(engine, claim)).value.outbox[0];
    // first retry: 1 s, half fixed and half random (random pinned at 0.5) = 750 ms
    assert.deepEqual(
      [message?.attempts, message?.leaseUntil, message?.nextAttemptAt],
      [1, undefined, new Date(START.getTime() + 750).toISOString()],
    );
    assert.equal((await read(engine, claim)).value.dueAt, message?.nextAttemptAt);

    engine.clock.advance(749);
    await dispatcher.dispatch(await read(engine, claim));
    assert.equal(engine.notifier.deliveries.length, 1, 'not before its time');

    engine.clock.advance(1);
    await dispatcher.dispatch(await read(engine, claim));
    message = (await read(engine, claim)).value.outbox[0];
    assert.equal(
      message?.nextAttemptAt,
      new Date(engine.clock.now().getTime() + 1_500).toISOString(),
      'second retry: 2 s × 0.75',
    );

    engine.clock.advance(1_500);
    await dispatcher.dispatch(await read(engine, claim));
    assert.equal(engine.notifier.deliveries.length, 3);
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
  });

  it("'dead' is dropped at once, never retried, and logged without touching the history", async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    engine.notifier.outcome = () => 'dead';
    const report = await engine.dispatcher().dispatch(await read(engine, claim));
    assert.equal(report.dead, 1);
    engine.clock.advance(24 * 60 * MINUTE);
    await engine.dispatcher().dispatch(await read(engine, claim));
    assert.equal(engine.notifier.deliveries.length, 1);
    const stored = (await read(engine, claim)).value;
    assert.deepEqual([stored.outbox, stored.history.length], [[], claim.history.length]);
    const [entry] = engine.logs.filter((l) => l.event === 'outbox.dead');
    assert.deepEqual(entry?.facts, {
      claimId: claim.id,
      partnerId: claim.partnerId,
      messageId: ids(claim.outbox)[0],
      kind: 'reviewStarted',
      attempts: 1,
      gaveUp: false,
    });
  });

  it('gives up as dead after the last allowed attempt, and treats a throwing Notifier as a retry', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    engine.notifier.outcome = () => {
      throw new Error('socket hang up');
    };
    const dispatcher = engine.dispatcher({ retry: { baseMs: 1_000, maxAttempts: 3 } });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await dispatcher.dispatch(await read(engine, claim));
      engine.clock.advance(MINUTE);
    }
    assert.equal(engine.notifier.deliveries.length, 3);
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
    assert.deepEqual(
      engine.logs.map((l) => l.event),
      ['outbox.deliveryFailed', 'outbox.deliveryFailed', 'outbox.deliveryFailed', 'outbox.dead'],
    );
    assert.equal(engine.logs[0]?.facts.error, 'Error');
  });

  it('keeps a change made to the claim while a message was being sent', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    let decided = false;
    engine.notifier.outcome = () => 'sent';
    const deliver = engine.notifier.deliver.bind(engine.notifier);
    engine.notifier.deliver = async (current, message) => {
      if (!decided) {
        decided = true;
        value(await engine.lifecycle.customerDecision(refOf(current), customerOf(current), 'approve'));
      }
      return deliver(current, message);
    };
    await engine.dispatcher().dispatch(await read(engine, claim));
    const stored = (await read(engine, claim)).value;
    assert.equal(stored.status, 'associated');
    // the three messages read at the start went; the customer's approval added its own, still due
    assert.deepEqual(
      stored.outbox.map((m) => m.kind),
      ['customerApproved'],
    );
    assert.equal(engine.notifier.deliveries.length, 3);
  });

  it('gives back the keys of a releaseHolds item without bothering the Notifier', async () => {
    const claim = await claimIn(engine, partner, 'associated');
    value(await engine.lifecycle.disassociate(refOf(claim), partner.admin, 'ended'));
    await engine.dispatcher().dispatch(await read(engine, claim));
    assert.ok(!engine.notifier.deliveries.some((d) => d.kind === 'releaseHolds'));
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
    assert.equal(await engine.associations.holderOf(`m365|${claim.customerTenantId}|exchangeOnline`), undefined);
  });

  it('backoff doubles from the base, caps at the maximum, and jitters within the upper half', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 1_000, maxMs: 8_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, policy, () => 1)),
      [1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
    );
    assert.equal(
      backoffMs(3, policy, () => 0),
      2_000,
    );
    for (let i = 0; i < 50; i += 1) {
      const ms = backoffMs(4, policy, Math.random);
      assert.ok(ms >= 4_000 && ms <= 8_000, String(ms));
    }
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('condition never held');
}
