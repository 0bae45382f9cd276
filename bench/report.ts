/**
 * What the bench reports: the headline figures against their goals (issue 6), printed
 * as a table, written to bench/results.json, and written into RELIABILITY.md between
 * its bench markers (the rest of that file is written by hand).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HEADLINE_KEYS = [
  'turn_throughput_ratio_vs_echo',
  'turn_p99_ratio_vs_echo',
  'cosmos_ops_per_turn',
  'heap_kb_per_conversation',
  'poe_upload_rss_growth_mb',
  'poe_check_seconds_25mb',
  'poe_check_reader_peak_rss_mb_25mb',
  'poe_check_seconds_100_pages',
  'poe_check_reader_peak_rss_mb_100_pages',
  'poe_ocr_seconds_1_page_scan',
  'poe_ocr_reader_peak_rss_mb_1_page_scan',
  'sweep_due_per_second',
  'sweep_docs_read_per_due',
  'turn_throughput_ratio_vs_peer',
  'turn_p99_ratio_vs_peer',
  'turn_throughput_ratio_vs_state_floor',
  'turn_p50_ms_at_5ms_cosmos',
  'turn_p99_ms_at_5ms_cosmos',
  'bot_cpu_ms_per_turn',
  'poe_upload_rss_growth_mb_max',
] as const;

export type HeadlineKey = (typeof HEADLINE_KEYS)[number];
export type Headline = Record<HeadlineKey, number | null>;

interface Goal {
  label: string;
  /** Absent: a figure reported without a goal. */
  target?: number;
  better: 'higher' | 'lower';
  unit: string;
}

export const GOALS: Readonly<Record<HeadlineKey, Goal>> = {
  turn_throughput_ratio_vs_echo: { label: 'Turn throughput ÷ echo bot', target: 0.5, better: 'higher', unit: '×' },
  turn_p99_ratio_vs_echo: { label: 'Turn p99 latency ÷ echo bot', target: 2, better: 'lower', unit: '×' },
  cosmos_ops_per_turn: { label: 'Cosmos DB operations per turn', target: 3, better: 'lower', unit: '' },
  heap_kb_per_conversation: { label: 'Bot heap per parked conversation', target: 64, better: 'lower', unit: ' KB' },
  poe_upload_rss_growth_mb: { label: 'RSS growth during a 25 MB PoE upload', target: 32, better: 'lower', unit: ' MB' },
  // The check runs after the file was acknowledged, in a process of its own: its budget is the reader's time limit and heap ceiling.
  poe_check_seconds_25mb: {
    label: 'PoE check of a 25 MB scanned PDF (after the upload)',
    target: 20,
    better: 'lower',
    unit: ' s',
  },
  poe_check_reader_peak_rss_mb_25mb: {
    label: 'Peak RSS of the text reader process (25 MB)',
    target: 256,
    better: 'lower',
    unit: ' MB',
  },
  poe_check_seconds_100_pages: { label: 'PoE check of a 100-page SOW', target: 20, better: 'lower', unit: ' s' },
  poe_check_reader_peak_rss_mb_100_pages: {
    label: 'Peak RSS of the text reader process (100 pages)',
    target: 256,
    better: 'lower',
    unit: ' MB',
  },
  // The reader's own limit: a page must fit its 20 s with two more pages to spare (OCR reads 3).
  poe_ocr_seconds_1_page_scan: { label: 'PoE OCR of a one-page 300-dpi scan', target: 6, better: 'lower', unit: ' s' },
  poe_ocr_reader_peak_rss_mb_1_page_scan: {
    label: 'Peak RSS of the reader process (OCR, one page)',
    target: 256,
    better: 'lower',
    unit: ' MB',
  },
  sweep_due_per_second: { label: 'Due claims closed per second', target: 500, better: 'higher', unit: '/s' },
  sweep_docs_read_per_due: { label: 'Documents read per due claim', target: 2, better: 'lower', unit: '' },
  turn_throughput_ratio_vs_peer: {
    label: 'Turn throughput ÷ peer (core-bot style)',
    target: 1,
    better: 'higher',
    unit: '×',
  },
  turn_p99_ratio_vs_peer: { label: 'Turn p99 latency ÷ peer', target: 1, better: 'lower', unit: '×' },
  turn_throughput_ratio_vs_state_floor: {
    label: 'Turn throughput ÷ state floor',
    target: 0.5,
    better: 'higher',
    unit: '×',
  },
  turn_p50_ms_at_5ms_cosmos: {
    label: 'Turn p50, one partner, 5 ms Cosmos DB round trips',
    target: 40,
    better: 'lower',
    unit: ' ms',
  },
  turn_p99_ms_at_5ms_cosmos: {
    label: 'Turn p99, one partner, 5 ms Cosmos DB round trips',
    better: 'lower',
    unit: ' ms',
  },
  bot_cpu_ms_per_turn: { label: 'Claims bot CPU per turn', target: 2, better: 'lower', unit: ' ms' },
  poe_upload_rss_growth_mb_max: {
    label: 'RSS growth, largest of five 25 MB PoE uploads',
    target: 32,
    better: 'lower',
    unit: ' MB',
  },
};

export function meets(key: HeadlineKey, value: number | null): boolean | undefined {
  const goal = GOALS[key];
  if (value === null || Number.isNaN(value) || goal.target === undefined) return undefined;
  return goal.better === 'higher' ? value >= goal.target : value <= goal.target;
}

const verdict = (met: boolean | undefined): string => (met === undefined ? 'not run' : met ? 'met' : 'MISSED');

export function headlineRows(headline: Headline): string[][] {
  return HEADLINE_KEYS.map((key) => {
    const goal = GOALS[key];
    const value = headline[key];
    const target =
      goal.target === undefined ? '—' : `${goal.better === 'higher' ? '≥' : '≤'} ${goal.target}${goal.unit}`;
    const judged = goal.target === undefined ? (value === null ? 'not run' : 'no goal') : verdict(meets(key, value));
    return [goal.label, value === null ? '—' : `${value}${goal.unit}`, target, judged];
  });
}

/** A plain-text table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/** Replaces what is between the markers (or appends a marked section) and keeps the rest. */
export function withBenchSection(document: string, section: string): string {
  const block = `${START_MARKER}\n${section.trim()}\n${END_MARKER}`;
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start === -1 || end < start) return `${document.trimEnd()}\n\n${block}\n`;
  return document.slice(0, start) + block + document.slice(end + END_MARKER.length);
}

export function writeReliabilitySection(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Reliability\n';
  writeFileSync(file, withBenchSection(current, section));
}

export const REPO_ROOT = path.resolve(__dirname, '..');
