/**
 * Turn cost: N partners at once, each filing a whole claim (every card, a small PoE
 * attached from Teams' side on loopback), against the claims bot; then exactly the
 * same requests, partner by partner and at the same concurrency, against the bare
 * echo bot. Also counts the Cosmos DB operations the claims bot made per turn.
 */
import { minimalPdf } from './pdf';
import { BenchChild } from './ipc';
import { addDeltas, counterDelta, counters, container, seedPartners, type BenchContext, type CounterDelta } from './context';
import { replay, SimulatedPartner, type PartnerIdentity, type TurnAnswer } from './partnerClient';
import { round, secondsSince, summarise, type LatencySummary } from './stats';

export interface TurnCostFigures {
  partners: number;
  turnsPerClaim: number;
  /** The median of the measured rounds (by throughput), for each bot. */
  bot: LatencySummary;
  echo: LatencySummary;
  throughputRatio: number;
  p99Ratio: number;
  /** CPU time per turn in each process, over every measured round. */
  cpuMsPerTurn: { bot: number; standIns: number; echo: number };
  cosmos: CounterDelta & { perTurn: number; perTurnByKind: Record<string, number> };
  claimsSubmitted: number;
  rounds: { bot: LatencySummary[]; echo: LatencySummary[] };
}

/** Both bots keep getting faster over their first few hundred turns (JIT, pools): warm them past that. */
const ECHO_WARM_UP_ROUNDS = 5;
/** Measured rounds per bot; one round is every partner filing one claim. The median counts. */
const ROUNDS = 3;

const median = (rounds: readonly LatencySummary[]): LatencySummary =>
  [...rounds].sort((a, b) => a.turnsPerSecond - b.turnsPerSecond)[Math.floor(rounds.length / 2)] as LatencySummary;

/** Files one claim per partner, all at once; returns the partners (with what they sent) and every turn's latency. */
async function fileClaims(ctx: BenchContext, identities: readonly PartnerIdentity[]): Promise<{ partners: SimulatedPartner[]; latencies: number[]; seconds: number }> {
  const poeUrl = ctx.teams.serve(minimalPdf());
  const latencies: number[] = [];
  const onTurn = (answer: TurnAnswer): void => void latencies.push(answer.ms);
  const partners = identities.map((identity) => new SimulatedPartner({ botEndpoint: ctx.bot.endpoint, serviceUrl: ctx.teams.serviceUrl, identity, onTurn }));
  const started = performance.now();
  await Promise.all(partners.map((partner) => partner.fileClaim(poeUrl)));
  return { partners, latencies, seconds: secondsSince(started) };
}

async function replayAgainstEcho(echoEndpoint: string, partners: readonly SimulatedPartner[]): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(partners.map((partner) => replay(echoEndpoint, partner.sent, (answer) => void latencies.push(answer.ms))));
  return { latencies, seconds: secondsSince(started) };
}

async function submittedAmong(ctx: BenchContext, partners: readonly SimulatedPartner[]): Promise<number> {
  const claims = container(ctx.database, 'claims');
  let submitted = 0;
  for (const partner of partners) {
    const tenantId = partner.tenantId;
    const { resources } = await claims.items
      .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.partnerId = @p AND c.status = "submitted"', parameters: [{ name: '@p', value: tenantId }] }, { partitionKey: tenantId })
      .fetchAll();
    submitted += resources[0] ?? 0;
  }
  return submitted;
}

/** Operations per turn by container and kind, most frequent first. */
function perTurnByKind(delta: CounterDelta, turns: number): Record<string, number> {
  const entries = Object.entries(delta.operations).map(([kind, n]) => [kind, round(n / turns, 2)] as const);
  if (delta.metadata > 0) entries.push(['metadata', round(delta.metadata / turns, 2)]);
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]));
}

export async function turnCostStage(ctx: BenchContext): Promise<TurnCostFigures> {
  const n = ctx.settings.partners;
  const echo = await BenchChild.start('echo bot', 'echoBot.ts', { output: 'ignore' });
  try {
    const echoEndpoint = `${String(echo.ready.url)}/api/messages`;
    // Warm-up, not measured: a whole round for the claims bot, five of its requests for the echo bot.
    ctx.log(`turn cost: warming up both bots with a round of ${n} claims`);
    const warm = await fileClaims(ctx, await seedPartners(ctx, n));
    for (let round = 0; round < ECHO_WARM_UP_ROUNDS; round++) await replayAgainstEcho(echoEndpoint, warm.partners);

    const botRounds: LatencySummary[] = [];
    const echoRounds: LatencySummary[] = [];
    const partners: SimulatedPartner[] = [];
    let delta: CounterDelta | undefined;
    const cpu = { bot: 0, standIns: 0, echo: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      ctx.log(`turn cost, round ${round} of ${ROUNDS}: ${n} partners filing a whole claim each, concurrently; then the same requests to the echo bot`);
      const identities = await seedPartners(ctx, n);
      const before = await counters(ctx);
      const [botCpu, standInsCpu] = await Promise.all([ctx.bot.child.request<number>('cpu'), ctx.standIns.request<number>('cpu')]);
      const bot = await fileClaims(ctx, identities);
      cpu.bot += (await ctx.bot.child.request<number>('cpu')) - botCpu;
      cpu.standIns += (await ctx.standIns.request<number>('cpu')) - standInsCpu;
      const roundDelta = counterDelta(before, await counters(ctx));
      delta = delta ? addDeltas(delta, roundDelta) : roundDelta;
      botRounds.push(summarise(bot.latencies, bot.seconds));
      partners.push(...bot.partners);

      const echoCpu = await echo.request<number>('cpu');
      const echoRun = await replayAgainstEcho(echoEndpoint, bot.partners);
      cpu.echo += (await echo.request<number>('cpu')) - echoCpu;
      echoRounds.push(summarise(echoRun.latencies, echoRun.seconds));
    }
    const turns = botRounds.reduce((sum, r) => sum + r.turns, 0);
    const botSummary = median(botRounds);
    const echoSummary = median(echoRounds);
    const cosmos = delta as CounterDelta;
    return {
      partners: n,
      turnsPerClaim: round(turns / partners.length, 2),
      bot: botSummary,
      echo: echoSummary,
      throughputRatio: round(botSummary.turnsPerSecond / echoSummary.turnsPerSecond, 3),
      p99Ratio: round(botSummary.p99Ms / echoSummary.p99Ms, 2),
      cpuMsPerTurn: { bot: round(cpu.bot / turns, 2), standIns: round(cpu.standIns / turns, 2), echo: round(cpu.echo / turns, 2) },
      cosmos: { ...cosmos, perTurn: round(cosmos.total / turns, 2), perTurnByKind: perTurnByKind(cosmos, turns) },
      claimsSubmitted: await submittedAmong(ctx, partners),
      rounds: { bot: botRounds, echo: echoRounds },
    };
  } finally {
    await echo.stop();
  }
}
