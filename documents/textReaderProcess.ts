/**
 * Reads one document's text in a child process of its own, so a runaway file can be
 * killed from outside and its memory never counts against the bot: a stored file is
 * fetched here, from a short-lived read link, not through the bot. Answers once, with
 * the text (or why not) and the process's peak resident set, then exits.
 */
import { readFileSync } from 'node:fs';
import type { EvidenceKind } from '../claims/model';
import { documentText, type DocumentText, type TextLimits } from './documentText';

/** The bytes themselves, or a short-lived read link to our own storage and the most it may hold. */
type Job = { kind: EvidenceKind; limits: TextLimits } & (
  { bytes: Uint8Array } | { url: string; maxBytes: number; timeoutMs: number }
);

/** The file from its read link, streamed into one buffer of at most `maxBytes`; undefined when it holds more. */
async function download(url: string, maxBytes: number, timeoutMs: number): Promise<Buffer | undefined> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`storage answered ${response.status}`);
  const bytes = Buffer.allocUnsafe(maxBytes);
  let filled = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    if (filled + chunk.length > maxBytes) return undefined;
    bytes.set(chunk, filled);
    filled += chunk.length;
  }
  return bytes.subarray(0, filled);
}

async function run(job: Job): Promise<DocumentText> {
  if ('bytes' in job)
    return documentText(
      job.kind,
      Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength),
      job.limits,
    );
  const bytes = await download(job.url, job.maxBytes, job.timeoutMs).catch(() => null);
  if (bytes === null) return { status: 'unreadable', why: 'damaged' };
  if (bytes === undefined) return { status: 'unreadable', why: 'tooLarge' };
  return documentText(job.kind, bytes, job.limits);
}

/**
 * This process's own peak resident set, in KB. Linux carries `ru_maxrss` over from the
 * process that forked this one (the bot, or the bench at some hundreds of MB), so it can
 * report the parent's size; VmHWM belongs to this program's memory alone.
 */
function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux: the resource usage is this process's own there.
  }
  return process.resourceUsage().maxRSS;
}

process.once('message', (job: Job) => {
  void run(job).then((result) => {
    process.send?.({ result, peakRssKb: peakRssKb() }, () => process.exit(0));
  });
});
