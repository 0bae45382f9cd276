/**
 * Bot heap per conversation: many partners each stopped at the products card (the
 * claim is a Draft, the dialog waits for a card), measured as the bot's heap after a
 * full collection before and after parking them.
 */
import { container, seedPartners, type BenchContext } from './context';
import { minimalPdf } from './pdf';
import { SimulatedPartner } from './partnerClient';
import { forEachConcurrently, round, secondsSince } from './stats';

export interface ParkedHeapFigures {
  conversations: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  kbPerConversation: number;
  parkingSeconds: number;
  /** Conversation state documents (the dialog stack) of parked conversations, as stored: what every turn reads and writes. */
  botStateBytes: { documents: number; average: number; largest: number };
}

/** The stored size of the bot state documents of conversations parked by this bench. */
async function botStateSizes(ctx: BenchContext): Promise<{ documents: number; average: number; largest: number }> {
  const { resources } = await container(ctx.database, 'botState').items.query<{ id: string }>('SELECT * FROM c').fetchAll();
  // Conversation state, not user state: the key names the conversation (ids escaped as the storage does).
  const sizes = resources.filter((doc) => /conversations.*bench-/.test(doc.id)).map((doc) => Buffer.byteLength(JSON.stringify(doc)));
  const total = sizes.reduce((sum, n) => sum + n, 0);
  return { documents: sizes.length, average: sizes.length ? Math.round(total / sizes.length) : 0, largest: Math.max(0, ...sizes) };
}

interface MemoryUsage {
  heapUsed: number;
  rss: number;
}

/** Parks at most this many conversations at a time: the partners of the turn-cost stage. */
const PARKING_CONCURRENCY = 50;

export async function parkedHeapStage(ctx: BenchContext): Promise<ParkedHeapFigures> {
  const count = ctx.settings.parked;
  const identities = await seedPartners(ctx, count);
  const poeUrl = ctx.teams.serve(minimalPdf());
  const before = await ctx.bot.child.request<MemoryUsage>('heap');
  ctx.log(`heap: parking ${count} conversations at the products card`);
  const started = performance.now();
  // The partners stay referenced here only, in the bench process; the bot keeps what it keeps.
  await forEachConcurrently(identities, PARKING_CONCURRENCY, async (identity) => {
    const partner = new SimulatedPartner({ botEndpoint: ctx.bot.endpoint, serviceUrl: ctx.teams.serviceUrl, identity });
    await partner.fileClaim(poeUrl, (verbs) => verbs.includes('productsChosen'));
  });
  const parkingSeconds = secondsSince(started);
  const after = await ctx.bot.child.request<MemoryUsage>('heap');
  const stateSizes = await botStateSizes(ctx);
  return {
    conversations: count,
    heapBeforeBytes: before.heapUsed,
    heapAfterBytes: after.heapUsed,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    kbPerConversation: round((after.heapUsed - before.heapUsed) / count / 1024, 2),
    parkingSeconds: round(parkingSeconds, 1),
    botStateBytes: stateSizes,
  };
}
