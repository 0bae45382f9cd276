/**
 * The process SIGKILLed at random points of submit, review, approval and delivery, then
 * restarted: no orphaned hold, no claim without its history, no lost notification and
 * no doubled one beyond the send-to-ledger window (see test/support/killLoop.ts).
 * KILL_RUNS (default 8) and KILL_SEED choose how many runs and which delays; the bench
 * runs 50.
 */
import assert from 'node:assert/strict';
import { runKillLoop } from '../support/killLoop';
import { standIns } from '../support/rootHooks';

const RUNS = Number(process.env.KILL_RUNS ?? 8);
const SEED = Number(process.env.KILL_SEED ?? 20_260_302);

describe('SIGKILL at random points of submit and approve', function () {
  this.timeout((RUNS + 4) * 20_000);

  it(`keeps holds, history and notifications whole across ${RUNS} kills and restarts (seed ${SEED})`, async () => {
    const { cosmos } = standIns();
    const report = await runKillLoop(RUNS, SEED, { cosmos: { endpoint: cosmos.endpoint, key: cosmos.key } });
    assert.deepEqual(report.violations, []);
    assert.ok(report.killed > 0, 'no run was killed before it finished');
    assert.equal(report.perRun.length, RUNS);
  });
});
