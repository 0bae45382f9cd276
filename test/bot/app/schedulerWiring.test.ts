import assert from 'node:assert/strict';
import { ConsentTokens } from '../../../claims/consentToken';
import { ClaimLifecycle } from '../../../claims/lifecycle';
import type { Claim } from '../../../claims/model';
import { EVIDENCE_GRACE_MS, type SchedulerTimer } from '../../../claims/scheduler';
import {
  composeNotifications,
  sweepIntervalMs,
  type NotificationParts,
  type NotificationSettings,
} from '../../../bot/app/composeNotifications';
import { ConsentMailNotifier } from '../../../bot/consent/consentMailNotifier';
import { OutboxKick } from '../../../bot/notifications/outboxKick';
import { t } from '../../../locales/i18n';
import { freshCosmosDatabase, type TestDatabase } from '../../support/cosmosTestDatabase';
import { cardText, messageIdOf, proactiveOn, RecordingMailer, TIME_ZONE } from '../../support/proactiveHarness';
import { RecordingConnector } from '../../support/recordingConnector';
import {
  MINUTE,
  REVIEWER,
  START,
  SettableClock,
  calendar,
  claimIn,
  customerOf,
  engineOn,
  newPartner,
  read,
  reconnect,
  refOf,
  value,
  type Engine,
  type Partner,
} from '../../claims/engineHarness';

const SETTINGS: NotificationSettings = {
  mode: 'local',
  bot: { appId: '', appType: 'SingleTenant', tenantId: '' },
  calendar: { country: 'US', timeZone: TIME_ZONE },
  schedulerIntervalSeconds: 30,
  optOutWindow: { kind: 'duration', milliseconds: 2 * MINUTE, spec: 'PT2M' },
};

/** A timer driven by hand (the SchedulerTimer port): callbacks wait until `fire`. */
class ManualTimer implements SchedulerTimer {
  readonly scheduled: { callback: () => void; ms: number; cleared: boolean }[] = [];
  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { callback, ms, cleared: false };
    this.scheduled.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  /** Runs the newest pending callback. */
  fire(): void {
    const entry = [...this.scheduled].reverse().find((e) => !e.cleared);
    assert.ok(entry, 'nothing scheduled');
    entry.cleared = true;
    entry.callback();
  }
  get pending(): number {
    return this.scheduled.filter((e) => !e.cleared).length;
  }
}

/** One bot instance as index.ts wires it: lifecycle through the kick, notifiers, dispatcher, scheduler. */
interface Instance {
  engine: Engine;
  lifecycle: ClaimLifecycle;
  kick: OutboxKick;
  parts: NotificationParts;
  mailer: RecordingMailer;
  timer: ManualTimer;
  /** The cut-offs the scheduler's PoE sweep was asked for. */
  evidenceSweeps: Date[];
}

describe('scheduler and notification wiring (two instances, one Cosmos stand-in, a recording connector)', () => {
  const clock = new SettableClock(START);
  let connector: RecordingConnector;
  let db: TestDatabase;
  let one: Instance;
  let two: Instance;
  let partner: Partner;
  let adminConversation: string;

  async function instance(on: TestDatabase): Promise<Instance> {
    const engine = await engineOn(on, { clock, optOutWindow: 'PT2M' });
    const proactive = proactiveOn(engine, connector);
    const kick = new OutboxKick({ clock, log: engine.log });
    const lifecycle = new ClaimLifecycle({
      claims: kick.watching(engine.claims),
      associations: engine.associations,
      partners: engine.partners,
      calendar,
      clock,
      optOutWindow: 'PT2M',
      log: engine.log,
    });
    const mailer = new RecordingMailer();
    const tokens = new ConsentTokens('wiring-test-signing-key-0123456789abcdef', clock);
    const mail = new ConsentMailNotifier({
      mailer,
      tokens,
      partners: engine.partners,
      publicUrl: 'http://localhost:3978',
      timeZone: TIME_ZONE,
      clock,
      log: engine.log,
    });
    const timer = new ManualTimer();
    const evidenceSweeps: Date[] = [];
    const parts = composeNotifications(SETTINGS, {
      evidence: { removeUnrecorded: async (olderThan: Date) => (evidenceSweeps.push(olderThan), 0) },
      claims: engine.claims,
      associations: engine.associations,
      partners: engine.partners,
      conversationReferences: proactive.references,
      lifecycle,
      consent: { tokens, mail },
      database: on.client.database(on.databaseId),
      adapter: proactive.adapter,
      kick,
      log: engine.log,
      clock,
      timer,
      random: () => 0.5,
    });
    return { engine, lifecycle, kick, parts, mailer, timer, evidenceSweeps };
  }

  before(async () => {
    connector = await new RecordingConnector().start();
  });
  after(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    // Each test its own database: the schedulers read due claims across partitions.
    db = await freshCosmosDatabase();
    clock.at = START;
    connector.reset();
    one = await instance(db);
    two = await instance(reconnect(db));
    partner = await newPartner(one.engine);
    adminConversation = (
      await proactiveOn(one.engine, connector).reachable({
        tenantId: partner.org.id,
        aadObjectId: partner.admin.actor.id,
        locale: 'ko-KR',
      })
    ).conversationId;
  });
  afterEach(async () => {
    await Promise.all([one.parts.stop(), two.parts.stop()]);
  });

  const arrivedKinds = () =>
    connector.activitiesIn(adminConversation).map((a) => String(messageIdOf(a)).split('.').pop());

  /** A claim approved by the reviewer through instance one's lifecycle (as the reviewer card does). */
  async function approved(): Promise<Claim> {
    const underReview = await claimIn(one.engine, partner, 'underReview');
    return value(await one.lifecycle.approve(refOf(underReview), REVIEWER)).value;
  }

  it('sweeps at most every 5 s while the window is a plain duration, else as configured', () => {
    assert.equal(sweepIntervalMs(SETTINGS), 5000);
    assert.equal(sweepIntervalMs({ ...SETTINGS, schedulerIntervalSeconds: 2 }), 2000);
    assert.equal(sweepIntervalMs({ ...SETTINGS, optOutWindow: { kind: 'businessDays', days: 5, spec: '5' } }), 30_000);
    assert.equal(one.parts.intervalMs, 5000);
  });

  it('tells the partner at once after a transition, without waiting for a sweep', async () => {
    const claim = await approved();
    await one.kick.idle();
    assert.deepEqual(arrivedKinds(), ['reviewStarted', 'approvedCustomerNotified']);
    assert.equal(one.mailer.sent.length, 1, 'and the customer got the consent email');
    assert.deepEqual((await read(one.engine, claim)).value.outbox, []);
    value(await one.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve'));
    await one.kick.idle();
    assert.deepEqual(arrivedKinds(), ['reviewStarted', 'approvedCustomerNotified', 'customerApproved']);
    const text = cardText(connector.activitiesIn(adminConversation).at(-1));
    assert.ok(
      text.includes(t('ko-KR', 'notify.customerApproved', { name: claim.name, customer: claim.customerDomain })),
    );
  });

  it('closes the PT2M window two minutes later and the partner hears "association official" exactly once, with two schedulers', async () => {
    const claim = await approved();
    await one.kick.idle();
    clock.advance(2 * MINUTE - 1000);
    await Promise.all([one.parts.scheduler.sweepOnce(), two.parts.scheduler.sweepOnce()]);
    assert.equal((await read(one.engine, claim)).value.status, 'approvedCustomerNotified', 'not a second early');
    clock.advance(1000);
    const reports = await Promise.all([one.parts.scheduler.sweepOnce(), two.parts.scheduler.sweepOnce()]);
    await Promise.all([one.kick.idle(), two.kick.idle()]);
    await Promise.all([one.parts.scheduler.sweepOnce(), two.parts.scheduler.sweepOnce()]);
    assert.ok(reports.some((r) => r.closed === 1));
    const closed = (await read(one.engine, claim)).value;
    assert.equal(closed.status, 'associated');
    assert.equal(closed.history.filter((h) => h.event === 'windowClosed').length, 1, 'closed once');
    assert.deepEqual(arrivedKinds(), ['reviewStarted', 'approvedCustomerNotified', 'associationOfficial']);
    const official = connector.activitiesIn(adminConversation).at(-1);
    assert.ok(
      cardText(official).includes(
        t('ko-KR', 'notify.associationOfficial', { name: claim.name, customer: claim.customerDomain }),
      ),
    );
  });

  it('many windows closing at once across two instances: each partner message exactly once', async function () {
    this.timeout(60_000);
    const claims: Claim[] = [];
    for (let i = 0; i < 8; i += 1) claims.push(await approved());
    await Promise.all([one.kick.idle()]);
    clock.advance(2 * MINUTE);
    for (let round = 0; round < 3; round += 1)
      await Promise.all([one.parts.scheduler.sweepOnce(), two.parts.scheduler.sweepOnce()]);
    await Promise.all([one.kick.idle(), two.kick.idle()]);
    const ids = connector.activitiesIn(adminConversation).map(messageIdOf);
    assert.equal(new Set(ids).size, ids.length, 'no message twice');
    assert.equal(ids.length, claims.length * 3);
    for (const claim of claims) assert.equal((await read(one.engine, claim)).value.status, 'associated');
  });

  it('a retry (Teams throttled) is picked up by the scheduler after its backoff', async () => {
    connector.failNext(adminConversation, { status: 429, code: 'Throttled' });
    const underReview = await claimIn(one.engine, partner, 'submitted');
    value(await one.lifecycle.startReview(refOf(underReview), REVIEWER));
    await one.kick.idle();
    assert.deepEqual(arrivedKinds(), []);
    clock.advance(10 * MINUTE);
    await two.parts.scheduler.sweepOnce();
    assert.deepEqual(arrivedKinds(), ['reviewStarted']);
  });

  it('start sweeps on the injected timer every interval; stop ends the loop and the kicks', async () => {
    const claim = await approved();
    await one.kick.idle();
    clock.advance(2 * MINUTE);
    two.parts.start();
    assert.equal(two.timer.scheduled[0]?.ms, 0, 'the first sweep at once');
    two.timer.fire();
    await waitFor(() => two.timer.pending === 1);
    assert.equal(two.timer.scheduled.at(-1)?.ms, 5000, 'the next one interval later');
    assert.equal((await read(one.engine, claim)).value.status, 'associated');
    await two.parts.stop();
    assert.equal(two.timer.pending, 0);
    // A stopped instance's kicks do nothing; the outbox waits for a running instance's sweep.
    const underReview = await claimIn(two.engine, partner, 'underReview');
    await one.kick.idle();
    const before = arrivedKinds().length;
    const next = value(await two.lifecycle.approve(refOf(underReview), REVIEWER));
    two.kick.dispatchSoon(next);
    await two.kick.idle();
    assert.ok(
      (await read(two.engine, next.value)).value.outbox.length > 0,
      'nothing delivered by the stopped instance',
    );
    assert.equal(arrivedKinds().length, before);
    await one.parts.scheduler.sweepOnce();
    assert.deepEqual((await read(two.engine, next.value)).value.outbox, []);
  });

  it('hands the PoE store to the scheduler, whose sweep removes unrecorded files past the grace period', async () => {
    await one.parts.scheduler.sweepOnce(clock.now());
    assert.deepEqual(one.evidenceSweeps, [new Date(clock.now().getTime() - EVIDENCE_GRACE_MS)]);
  });

  it('a failing dispatch from a kick is logged and harmless: the scheduler delivers later', async () => {
    const kick = new OutboxKick({ clock, log: one.engine.log });
    kick.attach({ dispatch: async () => Promise.reject(Object.assign(new Error('cosmos down'), { code: 503 })) });
    const claim = await claimIn(one.engine, partner, 'submitted');
    const lifecycle = new ClaimLifecycle({
      claims: kick.watching(one.engine.claims),
      associations: one.engine.associations,
      partners: one.engine.partners,
      calendar,
      clock,
      log: one.engine.log,
    });
    value(await lifecycle.startReview(refOf(claim), REVIEWER));
    await kick.idle();
    assert.ok(one.engine.logs.some((l) => l.event === 'outbox.kickFailed' && l.facts.error === '503'));
    assert.deepEqual(arrivedKinds(), []);
    await one.parts.scheduler.sweepOnce();
    assert.deepEqual(arrivedKinds(), ['reviewStarted']);
  });

  it('the kick leaves a repository read alone and passes every other method through', async () => {
    const claim = await claimIn(one.engine, partner, 'submitted');
    const watched = one.kick.watching(one.engine.claims);
    assert.equal((await watched.get(claim.partnerId, claim.id))?.value.id, claim.id);
    assert.equal((await watched.listByPartner(claim.partnerId, {}, 10)).items.length, 1);
    await one.kick.idle();
    assert.deepEqual(connector.received, [], 'reads start no dispatch');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition never met');
}
