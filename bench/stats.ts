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
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
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
