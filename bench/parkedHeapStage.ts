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
  /**
   * Conversation state documents (the dialog stack) of the parked conversations, as
   * stored: what every turn reads and writes; `promptCardAverage` is the part of each
   * that is the waiting prompt's card (prompts keep their options, the card included, to ask again).
   */
  botStateBytes: { documents: number; average: number; largest: number; promptCardAverage: number };
}

/** The bytes of every prompt's stored card (`prompt` options carrying attachments) in a state document. */
function promptCardBytes(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item: unknown) => sum + promptCardBytes(item), 0);
  if (typeof node !== 'object' || node === null) return 0;
  let bytes = 0;
  for (const [key, value] of Object.entries(node)) {
    const attachments: unknown =
      typeof value === 'object' && value !== null ? Reflect.get(value, 'attachments') : undefined;
    bytes +=
      key === 'prompt' && Array.isArray(attachments)
        ? Buffer.byteLength(JSON.stringify(value))
        : promptCardBytes(value);
  }
  return bytes;
}

/** The stored size of the conversation state documents of these conversations. */
async function botStateSizes(
  ctx: BenchContext,
  conversationIds: readonly string[],
): Promise<ParkedHeapFigures['botStateBytes']> {
  const { resources } = await container(ctx.database, 'botState')
    .items.query<{ id: string }>('SELECT * FROM c')
    .fetchAll();
  // The storage escapes some characters of the key; the conversation's UUID survives as it is.
  const wanted = new Set(conversationIds.map((id) => id.replace(/^a:bench-/, '')));
  const parked = resources.filter(
    (doc) => /conversations/.test(doc.id) && [...wanted].some((uuid) => doc.id.includes(uuid)),
  );
  const sizes = parked.map((doc) => Buffer.byteLength(JSON.stringify(doc)));
  const total = sizes.reduce((sum, n) => sum + n, 0);
  const prompts = parked.reduce((sum, doc) => sum + promptCardBytes(doc), 0);
  const average = (n: number): number => (sizes.length ? Math.round(n / sizes.length) : 0);
  return {
    documents: sizes.length,
    average: average(total),
    largest: Math.max(0, ...sizes),
    promptCardAverage: average(prompts),
  };
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
  const conversationIds: string[] = [];
  await forEachConcurrently(identities, PARKING_CONCURRENCY, async (identity) => {
    const partner = new SimulatedPartner({ botEndpoint: ctx.bot.endpoint, serviceUrl: ctx.teams.serviceUrl, identity });
    conversationIds.push(partner.conversationId);
    await partner.fileClaim(poeUrl, (verbs) => verbs.includes('productsChosen'));
  });
  const parkingSeconds = secondsSince(started);
  const after = await ctx.bot.child.request<MemoryUsage>('heap');
  const stateSizes = await botStateSizes(ctx, conversationIds);
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
