/**
 * Issue 6 item 3's long loop: submit and approve in a child process SIGKILLed at seeded
 * random points, then recovery in a fresh process, checking every invariant (no orphaned
 * hold, no claim without its history entry, no lost or doubled notification). `npm test`
 * runs a few; the bench runs BENCH_KILL_RUNS (50 by default) on its own stand-in.
 */
import { runKillLoop } from '../test/support/killLoop';
import type { BenchContext } from './context';

const SEED = 20261121;

export async function killLoopStage(ctx: BenchContext): Promise<object> {
  const runs = ctx.settings.killRuns;
  ctx.log(`kill loop: ${runs} runs, seed ${SEED}`);
  const report = await runKillLoop(runs, SEED, {
    cosmos: { endpoint: ctx.stores.cosmosEndpoint, key: ctx.stores.cosmosKey },
  });
  return {
    runs: report.runs,
    seed: report.seed,
    killedMidWork: report.killed,
    doublesInSendWindow: report.doublesInSendWindow,
    violations: report.violations.length,
    firstViolations: report.violations.slice(0, 5),
  };
}
