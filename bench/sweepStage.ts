/**
 * The scheduler, as the app runs it: many claims whose opt-out window has closed among
 * many more that are not due, written straight into the bot's database through the
 * SDK (bulk, not measured), with a Teams conversation reference for each partner admin
 * pointing at Teams' side on loopback. Then the bot's own `Scheduler.sweepOnce` runs
 * (asked over IPC) until every due claim is an official association and its partner
 * has been told, through the real outbox, kick, delivery ledger, notifier and proactive
 * sender. Measured: due claims handled per second, and the documents read per due
 * claim (query results and point reads, as the stand-in counted them).
 */
import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import type { Claim } from '../claims/model';
import type { SweepReport } from '../claims/scheduler';
import { CosmosConversationReferenceStore } from '../storage/conversationReferenceStore';
import { container, counterDelta, counters, sumOf, type BenchContext, type CounterDelta } from './context';
import { associatedAmong, BENCH_FILER, dueClaim, notDueClaim, PARTNER_CONTACT_EMAIL } from './sweepClaims';
import { forEachConcurrently, round, secondsSince } from './stats';

export interface SweepFigures {
  due: number;
  notDue: number;
  setupSeconds: number;
  sweeps: number;
  /** Until the last due claim was closed (its notification may still be on its way). */
  allClosedSeconds: number;
  /** Until every due claim was closed and its partner's notification received. */
  sweepSeconds: number;
  closed: number;
  notificationsReceived: number;
  distinctNotifications: number;
  duePerSecond: number;
  documentsReadPerDue: number;
  /** CPU time per due claim in the bot (scheduler, kicks, notifier) and in the stand-ins. */
  cpuMsPerDue: { bot: number; standIns: number };
  cosmos: CounterDelta;
}

/** Partitions the claims are spread over (partner organisations), each with one admin reachable in Teams. */
const PARTNERS = 500;
const BULK_CHUNK = 5000;
const POLL_MS = 50;
/** Nothing due and no notification arriving for this long: whatever is missing is not coming. */
const QUIET_MS = 5000;

const partnerOf = (i: number): string => `00000000-0000-4000-8000-${String(i % PARTNERS).padStart(12, '0')}`;

/** Bulk creates (the SDK splits them into batch requests), two chunks at a time. */
async function insertAll(claims: Container, count: number, make: (i: number) => Claim): Promise<void> {
  const chunkSize = BULK_CHUNK;
  const chunks = Array.from({ length: Math.ceil(count / chunkSize) }, (_, c) => c);
  await forEachConcurrently(chunks, 2, async (c) => {
    const operations: OperationInput[] = [];
    for (let i = c * chunkSize; i < Math.min(count, (c + 1) * chunkSize); i++) {
      const claim = make(i);
      operations.push({
        operationType: 'Create',
        partitionKey: claim.partnerId,
        resourceBody: claim as unknown as JSONObject,
      });
    }
    const results = await claims.items.executeBulkOperations(operations);
    const failed = results.filter((r) => r.error || (r.response && r.response.statusCode >= 400));
    if (failed.length > 0)
      throw new Error(
        `bulk insert: ${failed.length} of ${operations.length} failed (${failed[0]?.error?.message ?? failed[0]?.response?.statusCode})`,
      );
  });
}

async function seedReferences(ctx: BenchContext): Promise<void> {
  const references = new CosmosConversationReferenceStore(container(ctx.database, 'conversationReferences'));
  const partners = Array.from({ length: PARTNERS }, (_, i) => partnerOf(i));
  await forEachConcurrently(partners, 32, (tenantId) =>
    references.save({
      tenantId,
      aadObjectId: BENCH_FILER.id,
      email: PARTNER_CONTACT_EMAIL,
      locale: 'en-US',
      reference: {
        channelId: 'msteams',
        serviceUrl: ctx.teams.serviceUrl,
        conversation: { id: `a:bench-sweep-${tenantId}`, conversationType: 'personal', tenantId },
        user: { id: `29:${BENCH_FILER.id}`, aadObjectId: BENCH_FILER.id },
        bot: { id: '28:cpor-bench-bot' },
      },
      updatedAt: new Date().toISOString(),
      dead: false,
    }),
  );
}

async function countOf(claims: Container, query: string): Promise<number> {
  const { resources } = await claims.items.query<number>(query).fetchAll();
  return resources.reduce((sum, n) => sum + n, 0);
}

export async function sweepStage(ctx: BenchContext): Promise<SweepFigures> {
  const { due, notDue } = ctx.settings;
  const claimsContainer = container(ctx.database, 'claims');
  const now = Date.now();
  const associatedBefore = await countOf(claimsContainer, 'SELECT VALUE COUNT(1) FROM c WHERE c.status = "associated"');

  ctx.log(
    `sweep: inserting ${notDue} claims not due and ${due} due, and a Teams reference for each of ${PARTNERS} partners`,
  );
  const setupStarted = performance.now();
  await seedReferences(ctx);
  await insertAll(claimsContainer, notDue, (i) => notDueClaim(partnerOf(i), now, i));
  await insertAll(claimsContainer, due, (i) => dueClaim(partnerOf(i), now, 1 + (i % 120)));
  const setupSeconds = secondsSince(setupStarted);

  ctx.log("sweep: the bot's scheduler sweeping until every due claim is closed and its partner told");
  const received = (): number => ctx.teams.proactiveMessages;
  const receivedBefore = received();
  const before = await counters(ctx);
  const [botCpu, standInsCpu] = await Promise.all([
    ctx.bot.child.request<number>('cpu'),
    ctx.standIns.request<number>('cpu'),
  ]);
  const started = performance.now();
  let closed = 0;
  let sweeps = 0;
  let allClosedSeconds = NaN;
  let lastReceived = receivedBefore;
  let lastProgress = performance.now();
  const limit = started + ctx.settings.deadlineSeconds * 500;
  while (performance.now() < limit) {
    const report = await ctx.bot.child.request<SweepReport>('sweep');
    sweeps += 1;
    closed += report.closed;
    if (closed >= due && Number.isNaN(allClosedSeconds)) allClosedSeconds = secondsSince(started);
    if (report.due > 0) {
      lastProgress = performance.now();
      continue;
    }
    // Nothing due: what is left is in flight (kicked dispatches hold leases); wait for it to land.
    if (received() - receivedBefore >= due) break;
    if (received() !== lastReceived) [lastReceived, lastProgress] = [received(), performance.now()];
    if (performance.now() - lastProgress > QUIET_MS) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const sweepSeconds = secondsSince(started);
  const cpuMsPerDue = {
    bot: round(((await ctx.bot.child.request<number>('cpu')) - botCpu) / due, 2),
    standIns: round(((await ctx.standIns.request<number>('cpu')) - standInsCpu) / due, 2),
  };
  const delta = counterDelta(before, await counters(ctx));
  const notificationsReceived = received() - receivedBefore;

  const associated =
    (await countOf(claimsContainer, 'SELECT VALUE COUNT(1) FROM c WHERE c.status = "associated"')) - associatedBefore;
  if (associated !== associatedAmong(notDue) + due || closed !== due || notificationsReceived < due) {
    throw new Error(
      `sweep: ${closed} of ${due} closed, ${associated} associated, ${notificationsReceived} notifications after ${sweeps} sweeps`,
    );
  }
  return {
    due,
    notDue,
    setupSeconds: round(setupSeconds, 1),
    sweeps,
    allClosedSeconds: round(allClosedSeconds, 2),
    sweepSeconds: round(sweepSeconds, 2),
    closed,
    notificationsReceived,
    distinctNotifications: ctx.teams.distinctProactive.size,
    duePerSecond: round(closed / sweepSeconds, 1),
    documentsReadPerDue: round(sumOf(delta.documentsRead) / due, 2),
    cpuMsPerDue,
    cosmos: delta,
  };
}
