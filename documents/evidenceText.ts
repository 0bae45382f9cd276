/**
 * A PoE file's text, read in a worker thread with hard limits: a file that takes too
 * long is stopped (the worker is terminated, not asked), and one that needs more heap
 * than allowed ends the worker, not the bot. The bytes are handed over, not copied
 * twice; the text that comes back is cut at `maxChars`.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EvidenceKind } from '../claims/model';
import type { DocumentText, TextLimits } from './documentText';

export type { DocumentText } from './documentText';

export interface ExtractionLimits extends TextLimits {
  /** The worker is stopped after this long. */
  timeoutMs: number;
  /** The worker's JavaScript heap (old generation) ceiling. */
  maxHeapMb: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = { maxChars: 1_000_000, maxPages: 300, timeoutMs: 20_000, maxHeapMb: 192 };

/** Next to this file, with this file's extension: `.ts` under tsx, `.js` once built. */
const WORKER_FILE = path.join(__dirname, `textWorker${path.extname(__filename)}`);
/** Under tsx a worker does not inherit the TypeScript loader: it registers it first. */
const WORKER_SOURCE = WORKER_FILE.endsWith('.ts') ? `require('tsx/cjs/api').register(); require(${JSON.stringify(WORKER_FILE)});` : undefined;

export function extractText(kind: EvidenceKind, bytes: Uint8Array, limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS): Promise<DocumentText> {
  // A private copy can be transferred; the caller's buffer may be a slice of a shared pool.
  const own = new Uint8Array(bytes);
  const { timeoutMs, maxHeapMb, ...textLimits } = limits;
  return new Promise<DocumentText>((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE ?? WORKER_FILE, {
      eval: WORKER_SOURCE !== undefined,
      workerData: { kind, bytes: own, limits: textLimits },
      transferList: [own.buffer],
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    const settle = (result: DocumentText): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    };
    const timer = setTimeout(() => settle({ status: 'unreadable', why: 'timeout' }), timeoutMs);
    worker.once('message', (result: DocumentText) => settle(result));
    worker.once('error', (e: Error & { code?: string }) => settle({ status: 'unreadable', why: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'tooLarge' : 'damaged' }));
    worker.once('exit', () => settle({ status: 'unreadable', why: 'damaged' }));
  });
}
