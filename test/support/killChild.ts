/**
 * The process the kill loop (killLoop.ts) starts, and SIGKILLs in `work` mode. It runs
 * the product's own engine on the Cosmos DB it is pointed at: the claim lifecycle with
 * its association store, the outbox dispatcher with its delivery ledger, and the
 * scheduler. The only stand-in is the notifier, which "delivers" a message by appending
 * a line to a file opened with O_APPEND, written synchronously, so a line is there
 * exactly when the send happened, whenever the process dies.
 *
 *   node --import tsx test/support/killChild.ts '<ChildOrder as JSON>'
 *
 * Modes, each for every run in the order:
 *   work    — submit, start the review, approve, sweep (deliver the outbox). Prints
 *             `ready` before the first write and a line after each step.
 *   recover — what a restarted instance does: one scheduler sweep (repair of holds left
 *             pending, delivery of outboxes whose leases ran out).
 *   finish  — what the people do next: carry the claim on from where it was left to
 *             approved, then sweep.
 */
import { appendFileSync } from 'node:fs';
import type { CosmosClient } from '@azure/cosmos';
import { BusinessCalendar } from '../../claims/calendar';
import type { Problem, Result } from '../../claims/errors';
import { ClaimLifecycle, type Caller, type ClaimRef } from '../../claims/lifecycle';
import type { Claim, OutboxMessage } from '../../claims/model';
import type { DeliveryOutcome, Notifier } from '../../claims/notifications';
import { OutboxDispatcher, type DeliveryLedger } from '../../claims/outboxDispatcher';
import type { Clock } from '../../claims/ports';
import { Scheduler } from '../../claims/scheduler';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec } from '../../storage/cosmosSchema';
import { CosmosDeliveryLedger } from '../../storage/deliveryLedger';
import { CosmosIdempotencyRecords } from '../../storage/idempotencyRecords';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { REVIEWER_ID, REVIEWER_TENANT, type ChildOrder, type KillRun } from './killLoop';

/** Appends `<claim id> <message id> <pid>` per delivery; the file is the recipient's inbox. */
class FileRecordingNotifier implements Notifier {
  constructor(private readonly file: string) {}

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    appendFileSync(this.file, `${claim.id} ${message.id} ${process.pid}\n`, { flag: 'a' });
    return 'sent';
  }
}

/** The product's ledger, noting in a journal once each record is written, so a double can be placed. */
class JournalledLedger implements DeliveryLedger {
  constructor(
    private readonly inner: DeliveryLedger,
    private readonly journal: string,
  ) {}

  wasDelivered(claim: Claim, message: OutboxMessage): Promise<boolean> {
    return this.inner.wasDelivered(claim, message);
  }

  async recordDelivered(claim: Claim, message: OutboxMessage): Promise<void> {
    await this.inner.recordDelivered(claim, message);
    appendFileSync(this.journal, `${claim.id} ${message.id} ${process.pid}\n`, { flag: 'a' });
  }
}

interface Engine {
  claims: CosmosClaimRepository;
  lifecycle: ClaimLifecycle;
  scheduler: Scheduler;
}

function engineFor(client: CosmosClient, run: KillRun, clock: Clock): Engine {
  const database = client.database(run.databaseId);
  const container = (name: Parameters<typeof containerSpec>[0]) => database.container(containerSpec(name).id);
  const claims = new CosmosClaimRepository(container('claims'));
  const associations = new CosmosAssociationStore(container('associations'), { clock });
  const partners = new CosmosPartnerDirectory(container('partners'), { operatorTenantId: REVIEWER_TENANT });
  const calendar = new BusinessCalendar({ country: 'US', timeZone: 'America/Los_Angeles' });
  const lifecycle = new ClaimLifecycle({ claims, associations, partners, calendar, clock });
  const ledger = new JournalledLedger(
    new CosmosDeliveryLedger(new CosmosIdempotencyRecords(container('idempotencyRecords'), { clock })),
    run.journalFile,
  );
  const dispatcher = new OutboxDispatcher({
    claims,
    associations,
    clock,
    notifier: new FileRecordingNotifier(run.deliveriesFile),
    delivered: ledger,
  });
  return { claims, lifecycle, scheduler: new Scheduler({ claims, associations, lifecycle, dispatcher, clock }) };
}

function expectOk(step: string, result: Result<unknown, Problem[]>): void {
  if (!result.ok) throw new Error(`${step} refused: ${result.error.map((p) => p.code).join(', ')}`);
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function people(run: KillRun): { admin: Caller; reviewer: Caller; ref: ClaimRef } {
  return {
    admin: { actor: { role: 'partnerAdmin', id: run.adminId }, tenantId: run.partnerId },
    reviewer: { actor: { role: 'reviewer', id: REVIEWER_ID }, tenantId: REVIEWER_TENANT },
    ref: { partnerId: run.partnerId, claimId: run.claimId },
  };
}

async function work(engine: Engine, run: KillRun): Promise<void> {
  const { admin, reviewer, ref } = people(run);
  // Connected and warm before the clock starts, so the kill delay covers the work itself.
  await engine.claims.get(ref.partnerId, ref.claimId);
  say('ready');
  expectOk('submit', await engine.lifecycle.submit(ref, admin));
  say('submitted');
  expectOk('startReview', await engine.lifecycle.startReview(ref, reviewer));
  say('reviewing');
  expectOk('approve', await engine.lifecycle.approve(ref, reviewer));
  say('approved');
  await engine.scheduler.sweepOnce();
  say('swept');
}

async function finish(engine: Engine, run: KillRun): Promise<void> {
  const { admin, reviewer, ref } = people(run);
  const status = (await engine.claims.get(ref.partnerId, ref.claimId))?.value.status;
  if (status === 'draft') expectOk('submit', await engine.lifecycle.submit(ref, admin));
  if (status === 'draft' || status === 'submitted')
    expectOk('startReview', await engine.lifecycle.startReview(ref, reviewer));
  if (status !== 'approvedCustomerNotified') expectOk('approve', await engine.lifecycle.approve(ref, reviewer));
  await engine.scheduler.sweepOnce();
}

async function main(): Promise<void> {
  const order = JSON.parse(process.argv[2] ?? '') as ChildOrder;
  const clock: Clock = { now: () => new Date(Date.now() + order.clockOffsetMs) };
  const client = createCosmosClient(order.cosmos);
  for (const run of order.runs) {
    const engine = engineFor(client, run, clock);
    if (order.mode === 'work') await work(engine, run);
    else if (order.mode === 'recover') await engine.scheduler.sweepOnce();
    else await finish(engine, run);
  }
  say('done');
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
