/**
 * Turn cost: N partners at once, each filing a whole claim (every card, a small PoE
 * attached from Teams' side on loopback), against the claims bot and against the peer
 * (the core-bot-style bot a partner would write instead, bench/peerBot.ts), which shows
 * the same cards and so is driven by the same simulated partners; then exactly the
 * claims bot's requests, partner by partner and at the same concurrency, against the
 * state floor (echo plus one state read and write, bench/stateFloorBot.ts) and the bare
 * echo bot. Every bot runs in a process of its own on the same stand-ins; the order of
 * the four turns round by round, so none always runs on a cooler machine. Also counts
 * each bot's Cosmos DB operations and CPU per turn.
 */
import { minimalPdf } from './pdf';
import {
  addDeltas,
  counterDelta,
  counters,
  container,
  seedPartners,
  type BenchContext,
  type CounterDelta,
  type StartedBot,
  YARDSTICK_CONTAINERS,
} from './context';
import { replay, SimulatedPartner, type Json, type PartnerIdentity, type TurnAnswer } from './partnerClient';
import { round, secondsSince, summarise, summariseRounds, type LatencySummary, type RoundsSummary } from './stats';

export type BotName = 'bot' | 'peer' | 'stateFloor' | 'echo';

export interface BotFigures extends RoundsSummary {
  /** CPU time per turn in the bot's process, over every measured round. */
  cpuMsPerTurn: number;
  cosmos: CounterDelta & { perTurn: number; perTurnByKind: Record<string, number> };
}

export interface TurnCostFigures {
  partners: number;
  turnsPerClaim: number;
  bot: BotFigures;
  peer: BotFigures;
  stateFloor: BotFigures;
  echo: BotFigures;
  throughputRatio: number;
  p99Ratio: number;
  throughputRatioVsPeer: number;
  p99RatioVsPeer: number;
  throughputRatioVsStateFloor: number;
  p99RatioVsStateFloor: number;
  /** CPU time per turn in each process, over every measured round (the stand-ins' over the claims bot's rounds). */
  cpuMsPerTurn: { bot: number; peer: number; stateFloor: number; echo: number; standIns: number };
  cosmos: CounterDelta & { perTurn: number; perTurnByKind: Record<string, number> };
  claimsSubmitted: number;
  peerClaimsSubmitted: number;
  rounds: Record<BotName, LatencySummary[]>;
}

/** Every bot keeps getting faster over its first few hundred turns (JIT, pools): warm them past that. */
const REPLAY_WARM_UP_ROUNDS = 5;

interface RoundRun {
  latencies: number[];
  seconds: number;
  partners?: SimulatedPartner[];
}

/** Files one claim per partner, all at once, against `bot`; returns the partners (with what they sent) and every turn's latency. */
export async function fileClaims(
  ctx: BenchContext,
  bot: StartedBot,
  identities: readonly PartnerIdentity[],
  claimsEach = 1,
): Promise<RoundRun & { partners: SimulatedPartner[] }> {
  const poeUrl = ctx.teams.serve(minimalPdf());
  const latencies: number[] = [];
  const onTurn = (answer: TurnAnswer): void => void latencies.push(answer.ms);
  const partners: SimulatedPartner[] = [];
  const started = performance.now();
  await Promise.all(
    identities.map(async (identity) => {
      for (let claim = 0; claim < claimsEach; claim++) {
        const partner = new SimulatedPartner({
          botEndpoint: bot.endpoint,
          serviceUrl: ctx.teams.serviceUrl,
          identity,
          onTurn,
          // The PoE is attached as Teams sends it: the check runs after the turn, not in it.
          teams: ctx.teams,
        });
        partners.push(partner);
        await partner.fileClaim(poeUrl);
      }
    }),
  );
  return { partners, latencies, seconds: secondsSince(started) };
}

async function replayAll(endpoint: string, conversations: readonly (readonly Json[])[]): Promise<RoundRun> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(conversations.map((sent) => replay(endpoint, sent, (answer) => void latencies.push(answer.ms))));
  return { latencies, seconds: secondsSince(started) };
}

async function submittedIn(
  ctx: BenchContext,
  containerId: string,
  partners: readonly SimulatedPartner[],
): Promise<number> {
  const claims = ctx.database.container(containerId);
  let submitted = 0;
  for (const tenantId of new Set(partners.map((p) => p.tenantId))) {
    const { resources } = await claims.items
      .query<number>(
        {
          query: 'SELECT VALUE COUNT(1) FROM c WHERE c.partnerId = @p AND c.status = "submitted"',
          parameters: [{ name: '@p', value: tenantId }],
        },
        { partitionKey: tenantId },
      )
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

const EMPTY_DELTA: CounterDelta = { total: 0, metadata: 0, operations: {}, documentsRead: {} };

/** One bot's measured rounds: latency per round, and its CPU and Cosmos DB operations summed over them. */
class Tally {
  readonly rounds: LatencySummary[] = [];
  cpuMs = 0;
  cosmos: CounterDelta = EMPTY_DELTA;
  standInsCpuMs = 0;

  /** Runs one round against `bot`, measuring its process and the stand-ins around it. */
  async measure<T extends RoundRun>(ctx: BenchContext, bot: StartedBot, run: () => Promise<T>): Promise<T> {
    const before = await counters(ctx);
    const [cpu, standInsCpu] = await Promise.all([
      bot.child.request<number>('cpu'),
      ctx.standIns.request<number>('cpu'),
    ]);
    const result = await run();
    this.cpuMs += (await bot.child.request<number>('cpu')) - cpu;
    this.standInsCpuMs += (await ctx.standIns.request<number>('cpu')) - standInsCpu;
    this.cosmos = addDeltas(this.cosmos, counterDelta(before, await counters(ctx)));
    this.rounds.push(summarise(result.latencies, result.seconds));
    return result;
  }

  figures(): BotFigures {
    const summary = summariseRounds(this.rounds);
    return {
      ...summary,
      cpuMsPerTurn: round(this.cpuMs / summary.turns, 2),
      cosmos: {
        ...this.cosmos,
        perTurn: round(this.cosmos.total / summary.turns, 2),
        perTurnByKind: perTurnByKind(this.cosmos, summary.turns),
      },
    };
  }
}

export async function turnCostStage(ctx: BenchContext): Promise<TurnCostFigures> {
  const n = ctx.settings.partners;
  const rounds = ctx.settings.rounds;
  const [echo, stateFloor, peer] = [
    await ctx.startYardstick('echo bot', 'echoBot.ts'),
    await ctx.startYardstick('state floor', 'stateFloorBot.ts'),
    await ctx.startYardstick('peer', 'peerBot.ts'),
  ];
  try {
    // Warm-up, not measured: a whole round for the claims bot and the peer, five of the claims bot's requests for the others.
    ctx.log(`turn cost: warming up the four bots with a round of ${n} claims`);
    const warmIdentities = await seedPartners(ctx, n);
    const warm = await fileClaims(ctx, ctx.bot, warmIdentities);
    await fileClaims(ctx, peer, warmIdentities);
    const warmSent = warm.partners.map((p) => p.sent);
    for (let i = 0; i < REPLAY_WARM_UP_ROUNDS; i++)
      await Promise.all([replayAll(echo.endpoint, warmSent), replayAll(stateFloor.endpoint, warmSent)]);

    const tallies: Record<BotName, Tally> = {
      bot: new Tally(),
      peer: new Tally(),
      stateFloor: new Tally(),
      echo: new Tally(),
    };
    const botPartners: SimulatedPartner[] = [];
    const peerPartners: SimulatedPartner[] = [];
    for (let r = 1; r <= rounds; r++) {
      ctx.log(
        `turn cost, round ${r} of ${rounds}: ${n} partners filing a whole claim each with the claims bot and with the peer; the claims bot's requests to the state floor and the echo bot`,
      );
      const identities = await seedPartners(ctx, n);
      // The replays send what the claims bot was sent, so it goes first; the others rotate.
      const bot = await tallies.bot.measure(ctx, ctx.bot, () => fileClaims(ctx, ctx.bot, identities));
      botPartners.push(...bot.partners);
      const sent = bot.partners.map((p) => p.sent);
      const others: (() => Promise<unknown>)[] = [
        async () =>
          peerPartners.push(
            ...(await tallies.peer.measure(ctx, peer, () => fileClaims(ctx, peer, identities))).partners,
          ),
        () => tallies.stateFloor.measure(ctx, stateFloor, () => replayAll(stateFloor.endpoint, sent)),
        () => tallies.echo.measure(ctx, echo, () => replayAll(echo.endpoint, sent)),
      ];
      for (let i = 0; i < others.length; i++) await (others[(i + r) % others.length] as () => Promise<unknown>)();
    }
    const figures = {
      bot: tallies.bot.figures(),
      peer: tallies.peer.figures(),
      stateFloor: tallies.stateFloor.figures(),
      echo: tallies.echo.figures(),
    };
    const ratio = (a: number, b: number, digits: number): number => round(a / b, digits);
    return {
      partners: n,
      turnsPerClaim: round(figures.bot.turns / botPartners.length, 2),
      ...figures,
      throughputRatio: ratio(figures.bot.turnsPerSecond, figures.echo.turnsPerSecond, 3),
      p99Ratio: ratio(figures.bot.p99Ms, figures.echo.p99Ms, 2),
      throughputRatioVsPeer: ratio(figures.bot.turnsPerSecond, figures.peer.turnsPerSecond, 3),
      p99RatioVsPeer: ratio(figures.bot.p99Ms, figures.peer.p99Ms, 2),
      throughputRatioVsStateFloor: ratio(figures.bot.turnsPerSecond, figures.stateFloor.turnsPerSecond, 3),
      p99RatioVsStateFloor: ratio(figures.bot.p99Ms, figures.stateFloor.p99Ms, 2),
      cpuMsPerTurn: {
        bot: figures.bot.cpuMsPerTurn,
        peer: figures.peer.cpuMsPerTurn,
        stateFloor: figures.stateFloor.cpuMsPerTurn,
        echo: figures.echo.cpuMsPerTurn,
        standIns: round(tallies.bot.standInsCpuMs / figures.bot.turns, 2),
      },
      cosmos: figures.bot.cosmos,
      claimsSubmitted: await submittedIn(ctx, container(ctx.database, 'claims').id, botPartners),
      peerClaimsSubmitted: await submittedIn(ctx, YARDSTICK_CONTAINERS.peerClaims, peerPartners),
      rounds: {
        bot: tallies.bot.rounds,
        peer: tallies.peer.rounds,
        stateFloor: tallies.stateFloor.rounds,
        echo: tallies.echo.rounds,
      },
    };
  } finally {
    await Promise.all([echo.child.stop(), stateFloor.child.stop(), peer.child.stop()]);
  }
}
