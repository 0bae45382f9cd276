/**
 * A PoE file's text, read in a child process with hard limits: a file that takes too
 * long is killed (not asked to stop), one that needs more heap than allowed ends that
 * process, not the bot, and the parser's memory is never the bot's. The text that
 * comes back is cut at `maxChars`.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { EvidenceKind } from '../claims/model';
import type { DocumentText, TextLimits } from './documentText';
import { readerSlots } from './readerSlots';

export type { DocumentText } from './documentText';

export interface ExtractionLimits extends TextLimits {
  /** The reader is killed after this long. */
  timeoutMs: number;
  /** The reader's JavaScript heap (old generation) ceiling. */
  maxHeapMb: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxChars: 1_000_000,
  maxPages: 300,
  timeoutMs: 20_000,
  maxHeapMb: 192,
};

/** Next to this file, with this file's extension: `.ts` under tsx, `.js` once built. */
const READER_FILE = path.join(__dirname, `textReaderProcess${path.extname(__filename)}`);
/**
 * Under tsx the reader loads TypeScript through tsx's CommonJS hook only: its ESM
 * loader would transform pdf.js too, tripling the reader's memory for nothing.
 */
const READER_FLAGS = READER_FILE.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [];
/**
 * The reader's young generation, per semi-space. Node 24's default grows it with the
 * machine's memory, which let a reader of one scan peak above its 256 MB budget on
 * garbage alone (258 MB on Node 24 against 242 on Node 20 in the bench); a reader makes
 * one document's text and exits, so collecting a little more often costs it nothing.
 */
const READER_SEMI_SPACE_MB = 4;

/** What the reader process answers. */
interface ReaderAnswer {
  result: DocumentText;
  peakRssKb: number;
}

/** The last reader's peak resident set, for the bench. */
export const lastReader = { peakRssKb: 0 };

/** The text of a file held in memory. */
export function extractText(
  kind: EvidenceKind,
  bytes: Uint8Array,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<DocumentText> {
  return read({ kind, bytes }, limits);
}

/** The text of a stored file, fetched by the reader process itself from a read link of ours (at most `maxBytes`). */
export function extractTextFromLink(
  kind: EvidenceKind,
  url: string,
  maxBytes: number,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<DocumentText> {
  return read({ kind, url, maxBytes, timeoutMs: limits.timeoutMs }, limits);
}

/**
 * What the reader process may see of the bot's environment. It parses files a partner
 * sent (pdf.js, Tesseract, the mail readers), so it gets none of the bot's secrets
 * (storage keys, the bot's password, SMTP credentials): only what Node and its TLS need.
 */
const READER_ENV_KEYS = [
  'PATH',
  'TMPDIR',
  'TZ',
  'LANG',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
] as const;

export function readerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const key of READER_ENV_KEYS) if (env[key] !== undefined) kept[key] = env[key];
  // glibc raises its mmap threshold after each large free, so a freed 25 MB decoded page
  // stays resident while OCR's memory grows; fixed at its default, large blocks go back
  // to the system when freed (~25 MB less at an OCR'd page's peak here). Other C libraries ignore it.
  return { ...kept, MALLOC_MMAP_THRESHOLD_: '131072' };
}

type ReaderJob = { kind: EvidenceKind } & (
  { bytes: Uint8Array } | { url: string; maxBytes: number; timeoutMs: number }
);

function read(job: ReaderJob, limits: ExtractionLimits): Promise<DocumentText> {
  return readerSlots.run(() => readInProcess(job, limits));
}

function readInProcess(job: ReaderJob, limits: ExtractionLimits): Promise<DocumentText> {
  const { timeoutMs, maxHeapMb, ...textLimits } = limits;
  return new Promise<DocumentText>((resolve) => {
    let settled = false;
    const child = fork(READER_FILE, [], {
      execArgv: [...READER_FLAGS, `--max-old-space-size=${maxHeapMb}`, `--max-semi-space-size=${READER_SEMI_SPACE_MB}`],
      serialization: 'advanced',
      env: readerEnv(process.env),
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const settle = (result: DocumentText): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      if (child.exitCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => settle({ status: 'unreadable', why: 'timeout' }), timeoutMs);
    child.once('message', (answer: ReaderAnswer) => {
      lastReader.peakRssKb = answer.peakRssKb;
      settle(answer.result);
    });
    child.once('error', () => settle({ status: 'unreadable', why: 'damaged' }));
    // Killed by V8 for its heap (SIGABRT, or exit 134) or by the system: the file is too large to read.
    child.once('exit', (code, signal) =>
      settle({
        status: 'unreadable',
        why: signal === 'SIGABRT' || signal === 'SIGKILL' || code === 134 ? 'tooLarge' : 'damaged',
      }),
    );
    child.send({ ...job, limits: textLimits });
  });
}
