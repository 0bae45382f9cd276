/** Small numeric helpers for the bench: percentiles, rates, a concurrency pool. */

/** Nearest-rank percentile (p in 0–100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarise(latenciesMs: readonly number[], seconds: number): LatencySummary {
  return {
    turns: latenciesMs.length,
    seconds: round(seconds, 3),
    turnsPerSecond: round(latenciesMs.length / seconds, 1),
    p50Ms: round(percentile(latenciesMs, 50), 2),
    p99Ms: round(percentile(latenciesMs, 99), 2),
    maxMs: round(Math.max(...latenciesMs), 2),
  };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Runs `work` on every item, at most `concurrency` at a time; the first failure fails the whole. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Seconds since `started` (a performance.now() reading). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000;

/** The middle value (the upper middle for an even count). */
const medianOf = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** How far the rounds spread: lowest and highest, and that range as a percentage of the median. */
export interface Spread {
  min: number;
  max: number;
  rangePct: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { min: round(min, 2), max: round(max, 2), rangePct: round((100 * (max - min)) / medianOf(values), 1) };
}

/**
 * A bot's measured rounds: the median of each figure on its own (throughput, p50, p99
 * of the rounds), with their spread across the rounds, and every turn counted.
 */
export interface RoundsSummary {
  rounds: number;
  turns: number;
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  spread: { turnsPerSecond: Spread; p50Ms: Spread; p99Ms: Spread };
}

export function summariseRounds(rounds: readonly LatencySummary[]): RoundsSummary {
  const of = (pick: (r: LatencySummary) => number): number[] => rounds.map(pick);
  return {
    rounds: rounds.length,
    turns: rounds.reduce((sum, r) => sum + r.turns, 0),
    turnsPerSecond: round(medianOf(of((r) => r.turnsPerSecond)), 1),
    p50Ms: round(medianOf(of((r) => r.p50Ms)), 2),
    p99Ms: round(medianOf(of((r) => r.p99Ms)), 2),
    maxMs: round(Math.max(...of((r) => r.maxMs)), 2),
    spread: {
      turnsPerSecond: spreadOf(of((r) => r.turnsPerSecond)),
      p50Ms: spreadOf(of((r) => r.p50Ms)),
      p99Ms: spreadOf(of((r) => r.p99Ms)),
    },
  };
}
