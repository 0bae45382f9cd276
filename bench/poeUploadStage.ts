/**
 * RSS growth while a large PoE uploads through the real path: a `file.download.info`
 * attachment whose URL Teams' side serves on loopback, fetched by TeamsFileSource and
 * streamed by BlobEvidenceStore.put into Azurite. The bot samples its own resident set
 * every few milliseconds during that one turn. Most of the growth is short-lived Buffers
 * (each downloaded chunk, copied into the upload's blocks) that V8 frees at its next
 * collection; a third upload with a collection before every sample shows what is live.
 */
import { container, seedPartners, type BenchContext } from './context';
import { minimalPdf, pdfOfSize } from './pdf';
import { SimulatedPartner } from './partnerClient';
import { round, secondsSince } from './stats';

export interface UploadMemory {
  /** The turn that received the file, from the partner's send to the bot's answer. */
  uploadSeconds: number;
  /** The same file downloaded alone from Teams' side: the part of the turn no bot can save. */
  downloadSeconds: number;
  startRssBytes: number;
  peakRssBytes: number;
  rssGrowthMiB: number;
  /** Of the growth: V8's heap reserving more (its young generation grows under allocation pressure), and Buffers. */
  heapTotalGrowthMiB: number;
  arrayBuffersGrowthMiB: number;
  rssSamples: number;
}

export interface PoeUploadFigures {
  bytes: number;
  /** Five uploads, each by another partner: the first is what a fresh instance pays. */
  uploads: UploadMemory[];
  /** The bot's first large upload. */
  first: UploadMemory;
  /** A second one: what later uploads pay. */
  second: UploadMemory;
  /** One more, with a full collection before every sample: the memory the upload really holds. */
  liveSet: UploadMemory;
  /** The largest growth over the uploads (no forced collections): what an instance may show. */
  rssGrowthMiB: number;
  rssGrowthMiBMax: number;
  rssGrowthMiBMedian: number;
  storedBytes: number;
}

/** Uploads measured without forced collections; the largest growth among them is the figure. */
const UPLOADS = 5;

interface MemoryPeaks {
  rss: number;
  heapTotal: number;
  arrayBuffers: number;
}

const MiB = 1024 * 1024;
const mib = (bytes: number): number => round(bytes / MiB, 1);

/** A plain download of what Teams serves at `url`, drained and counted. */
async function downloadTime(url: string, bytes: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  let received = 0;
  for await (const chunk of response.body ?? []) received += (chunk as Uint8Array).byteLength;
  if (received !== bytes) throw new Error(`the download brought ${received} of ${bytes} bytes`);
  return secondsSince(started);
}

/** One partner at the PoE card attaching `bytes`, with the bot watching its memory; checks the file was stored whole. */
async function uploadOnce(ctx: BenchContext, bytes: number, collecting = false): Promise<UploadMemory> {
  const [identity] = await seedPartners(ctx, 1);
  if (!identity) throw new Error('no partner seeded');
  const partner = new SimulatedPartner({ botEndpoint: ctx.bot.endpoint, serviceUrl: ctx.teams.serviceUrl, identity });
  await partner.fileClaim(ctx.teams.serve(minimalPdf()), (verbs) => verbs.includes('poeDone'));
  const url = ctx.teams.serve(pdfOfSize(bytes));
  const downloadSeconds = await downloadTime(url, bytes);
  await ctx.bot.child.request('rssStart', { collecting });
  const started = performance.now();
  await partner.attach(url, 'Signed SOW (scanned).pdf', true);
  const uploadSeconds = secondsSince(started);
  const watch = await ctx.bot.child.request<{ samples: number; start: MemoryPeaks; peak: MemoryPeaks }>('rssStop');
  ctx.teams.forget(url);
  const { resources } = await container(ctx.database, 'claims')
    .items.query<{ poe: { sizeBytes: number }[] }>('SELECT c.poe FROM c', { partitionKey: identity.tenantId })
    .fetchAll();
  const stored = Math.max(0, ...resources.flatMap((claim) => claim.poe.map((file) => file.sizeBytes)));
  if (stored !== bytes) throw new Error(`the ${bytes}-byte PoE was not stored (largest stored: ${stored})`);
  return {
    uploadSeconds: round(uploadSeconds, 2),
    downloadSeconds: round(downloadSeconds, 2),
    startRssBytes: watch.start.rss,
    peakRssBytes: watch.peak.rss,
    rssGrowthMiB: mib(watch.peak.rss - watch.start.rss),
    heapTotalGrowthMiB: mib(watch.peak.heapTotal - watch.start.heapTotal),
    arrayBuffersGrowthMiB: mib(watch.peak.arrayBuffers - watch.start.arrayBuffers),
    rssSamples: watch.samples,
  };
}

export async function poeUploadStage(ctx: BenchContext): Promise<PoeUploadFigures> {
  const bytes = Math.round(ctx.settings.poeMiB * MiB);
  ctx.log(
    `PoE: uploading ${ctx.settings.poeMiB} MiB through file.download.info, ${UPLOADS} times, then once collecting before every sample`,
  );
  const uploads: UploadMemory[] = [];
  for (let i = 0; i < UPLOADS; i++) uploads.push(await uploadOnce(ctx, bytes));
  // The PoE check runs after this turn: the turn is the download, the upload into storage and the card's update.
  for (const [i, u] of uploads.entries())
    ctx.log(`PoE: upload ${i + 1}: receiving turn ${u.uploadSeconds} s, download alone ${u.downloadSeconds} s`);
  const liveSet = await uploadOnce(ctx, bytes, true);
  const growth = uploads.map((u) => u.rssGrowthMiB).sort((a, b) => a - b);
  const max = growth.at(-1) ?? NaN;
  return {
    bytes,
    uploads,
    first: uploads[0] as UploadMemory,
    second: uploads[1] as UploadMemory,
    liveSet,
    rssGrowthMiB: max,
    rssGrowthMiBMax: max,
    rssGrowthMiBMedian: growth[Math.floor(growth.length / 2)] ?? NaN,
    storedBytes: bytes,
  };
}
