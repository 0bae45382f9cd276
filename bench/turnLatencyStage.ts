/**
 * Turn latency with production-like Cosmos DB round trips: a proxy in the stand-ins'
 * process adds a fixed delay (5 ms, a same-region round trip) to every Cosmos DB
 * request, and a claims bot and a peer of their own talk to the stand-in through it.
 * Then the same whole claims as the turn-cost stage, for one partner at a time (the
 * latency a single user feels) and for N at once: p50 and p99 per turn, per bot.
 */
import { seedPartners, type BenchContext, type StartedBot } from './context';
import { fileClaims } from './turnCostStage';
import { round, summarise, summariseRounds, type LatencySummary, type RoundsSummary } from './stats';

export const COSMOS_LATENCY_MS = 5;
/** One partner files this many claims one after another per round, so a round has enough turns for a p99. */
const SOLO_CLAIMS_PER_ROUND = 5;

export interface LatencyAt {
  partners: number;
  bot: RoundsSummary;
  peer: RoundsSummary;
}

export interface TurnLatencyFigures {
  cosmosLatencyMs: number;
  solo: LatencyAt;
  concurrent: LatencyAt;
  rounds: { solo: Record<'bot' | 'peer', LatencySummary[]>; concurrent: Record<'bot' | 'peer', LatencySummary[]> };
}

async function measureAt(
  ctx: BenchContext,
  bots: { bot: StartedBot; peer: StartedBot },
  partners: number,
  claimsEach: number,
): Promise<{ figures: LatencyAt; rounds: Record<'bot' | 'peer', LatencySummary[]> }> {
  const rounds: Record<'bot' | 'peer', LatencySummary[]> = { bot: [], peer: [] };
  for (let r = 1; r <= ctx.settings.rounds; r++) {
    const identities = await seedPartners(ctx, partners);
    // Alternate which goes first, so neither always runs right after the other's garbage.
    const order: ('bot' | 'peer')[] = r % 2 === 0 ? ['peer', 'bot'] : ['bot', 'peer'];
    for (const name of order) {
      const run = await fileClaims(ctx, bots[name], identities, claimsEach);
      rounds[name].push(summarise(run.latencies, run.seconds));
    }
  }
  return { figures: { partners, bot: summariseRounds(rounds.bot), peer: summariseRounds(rounds.peer) }, rounds };
}

export async function turnLatencyStage(ctx: BenchContext): Promise<TurnLatencyFigures> {
  const { endpoint } = await ctx.standIns.request<{ endpoint: string }>('latencyProxy', { ms: COSMOS_LATENCY_MS });
  const bot = await ctx.startBot({ cosmosEndpoint: endpoint });
  const peer = await ctx.startYardstick('peer (5 ms Cosmos)', 'peerBot.ts', { cosmosEndpoint: endpoint });
  try {
    ctx.log(
      `turn latency: ${COSMOS_LATENCY_MS} ms added to every Cosmos DB request; warming up a claims bot and a peer of their own`,
    );
    const warm = await seedPartners(ctx, ctx.settings.partners);
    await fileClaims(ctx, bot, warm);
    await fileClaims(ctx, peer, warm);
    ctx.log(`turn latency: one partner, ${SOLO_CLAIMS_PER_ROUND} claims in a row, ${ctx.settings.rounds} rounds`);
    const solo = await measureAt(ctx, { bot, peer }, 1, SOLO_CLAIMS_PER_ROUND);
    ctx.log(`turn latency: ${ctx.settings.partners} partners at once, ${ctx.settings.rounds} rounds`);
    const concurrent = await measureAt(ctx, { bot, peer }, ctx.settings.partners, 1);
    return {
      cosmosLatencyMs: round(COSMOS_LATENCY_MS, 0),
      solo: solo.figures,
      concurrent: concurrent.figures,
      rounds: { solo: solo.rounds, concurrent: concurrent.rounds },
    };
  } finally {
    await Promise.all([bot.child.stop(), peer.child.stop()]);
  }
}
