/**
 * The claims bot under test, in a process of its own: the real composition root
 * (`startApp` of bot/index.ts) in local mode, connected to the stand-ins that
 * bench/standInsProcess.ts runs elsewhere instead of starting its own. Started with
 * `--expose-gc` so the bench can ask for the heap after a full collection, and asked
 * to watch its resident set while a large PoE uploads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveParent } from './ipc';

const required = (key: string): string => {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set (bench/run.ts sets it)`);
  return value;
};

const cosmos = { endpoint: required('BENCH_COSMOS_ENDPOINT'), key: required('BENCH_COSMOS_KEY') };
const blob = { connectionString: required('BENCH_BLOB_CONNECTION_STRING') };

// Local mode (no Azure endpoints), an ephemeral port, a data folder of its own; read when bot/index loads.
delete process.env.COSMOS_ENDPOINT;
delete process.env.STORAGE_ACCOUNT_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), 'cpor-bench-'));
Object.assign(process.env, {
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  COSMOS_DATABASE: required('BENCH_DATABASE'),
  POE_CONTAINER: required('BENCH_POE_CONTAINER'),
});

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('start the bot process with --expose-gc');
  // Twice: the first pass may only schedule finalisers whose memory the second frees.
  gc();
  gc();
};

interface MemoryPeaks {
  rss: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

const memoryNow = (): MemoryPeaks => {
  const { rss, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapTotal, external, arrayBuffers };
};

/**
 * Samples memory every few milliseconds between `start` and `stop`: the resident set,
 * and what it is made of (V8's heap as reserved, Buffers outside it), to tell growth
 * the upload causes from the heap's own sizing.
 */
class RssWatch {
  private timer: NodeJS.Timeout | undefined;
  private startAt: MemoryPeaks = memoryNow();
  private peak: MemoryPeaks = memoryNow();
  private samples = 0;

  /** `collecting`: a full collection before every sample, so the peaks are what is live, not garbage awaiting V8. */
  start(collecting: boolean): { startRss: number } {
    collectGarbage();
    this.startAt = memoryNow();
    this.peak = { ...this.startAt };
    this.samples = 0;
    this.timer = setInterval(() => {
      if (collecting) collectGarbage();
      this.sample();
    }, 5);
    return { startRss: this.startAt.rss };
  }

  stop(): { startRss: number; peakRss: number; samples: number; start: MemoryPeaks; peak: MemoryPeaks } {
    clearInterval(this.timer);
    this.sample();
    return {
      startRss: this.startAt.rss,
      peakRss: this.peak.rss,
      samples: this.samples,
      start: this.startAt,
      peak: this.peak,
    };
  }

  private sample(): void {
    const now = memoryNow();
    for (const key of Object.keys(now) as (keyof MemoryPeaks)[]) this.peak[key] = Math.max(this.peak[key], now[key]);
    this.samples += 1;
  }
}

async function main(): Promise<void> {
  const { startApp } = require('../bot/index') as typeof import('../bot/index');
  const { connections } = require('../bot/app/storageConnections') as typeof import('../bot/app/storageConnections');
  const app = await startApp(async (config) => connections(config, cosmos, blob, undefined));
  const rss = new RssWatch();
  serveParent(
    { url: app.url },
    {
      heap: () => {
        collectGarbage();
        return process.memoryUsage();
      },
      // One pass of the app's own scheduler, as its loop would run it.
      sweep: () => app.notifications.scheduler.sweepOnce(),
      rssStart: (request) => rss.start(request.collecting === true),
      rssStop: () => rss.stop(),
    },
    async () => {
      await app.lifecycle.stop('bench finished');
      rmSync(dataDir, { recursive: true, force: true });
    },
  );
}

void main().catch((e: unknown) => {
  process.stderr.write(`bot failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
