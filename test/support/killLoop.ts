/**
 * The kill loop: a child process (killChild.ts) submits, reviews, approves and delivers
 * the outbox of one claim, and is SIGKILLed after a random delay (seeded, spread over
 * the time that work takes, measured first by a run nobody kills). When every run is
 * done, a fresh process does what a restarted instance does (a scheduler sweep: repair
 * of pending holds, delivery of outboxes whose leases ran out), and the state is
 * checked; then another finishes what the people would finish, and it is checked again:
 *
 *   - no orphaned hold: every association hold is `held` by the run's claim, which
 *     records its key; every key the claim records is held;
 *   - no claim without its history: the history is one unbroken chain from `created`
 *     to the claim's status;
 *   - no lost notification: the outbox is empty and every message the history calls
 *     for reached the recipient;
 *   - no doubled notification, except the one double no sender can rule out: killed
 *     after the send and before the delivery ledger recorded it (the journal, written
 *     right after that record, tells). Those are counted, not hidden.
 *
 * `runKillLoop(runs, seed)` is what CI (test/faults/killLoop.test.ts, a few runs) and
 * the bench (50 runs) call. Each run has a database of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import type { Claim } from '../../claims/model';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec, ensureCosmosSchema } from '../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { startCosmosStandIn } from '../../storage/standIns';
import { validM365Claim } from '../claims/fixtures';
import { seededRandom } from './seededRandom';

/** contoso.com and contoso.onmicrosoft.com in storage/seed/tenants.json. */
const SEEDED_CONTOSO_TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

export const REVIEWER_TENANT = '0e9e7a70-0000-4000-8000-00000000000c';
export const REVIEWER_ID = 'aad-kill-loop-reviewer';

/** One run's world: its database, its claim and people, and its recipient's files. */
export interface KillRun {
  databaseId: string;
  partnerId: string;
  claimId: string;
  adminId: string;
  /** One line per delivery: `<claim id> <message id> <pid>`. */
  deliveriesFile: string;
  /** One line per delivery the ledger recorded, same format. */
  journalFile: string;
}

export interface ChildOrder {
  mode: 'work' | 'recover' | 'finish';
  cosmos: { endpoint: string; key: string };
  /** Added to the real time: a restarted instance comes an hour later, when every lease has run out. */
  clockOffsetMs: number;
  runs: KillRun[];
}

export interface KillLoopOptions {
  /** A Cosmos DB stand-in to use; one is started in this process when absent. */
  cosmos?: { endpoint: string; key: string };
  /** Longest a child may take before it counts as hung and is killed. Default 60 s. */
  childTimeoutMs?: number;
}

export interface KillRunReport {
  run: number;
  /** How long after the child's `ready` the SIGKILL was due. */
  killAfterMs: number;
  /** Whether the child was still running when the kill came (it may have finished first). */
  killed: boolean;
  /** The last step the child reported: ready, submitted, reviewing, approved, swept. */
  reached: string;
  /** Notifications sent twice because the kill fell between the send and its ledger record. */
  doublesInSendWindow: number;
  violations: string[];
}

export interface KillLoopReport {
  runs: number;
  seed: number;
  /** How long the work takes when nobody kills it, from `ready` to exit (the delays spread over it). */
  workMs: number;
  killed: number;
  doublesInSendWindow: number;
  /** Every broken invariant, prefixed with its run; empty when all held. */
  violations: string[];
  perRun: KillRunReport[];
}

const ROOT = path.join(__dirname, '..', '..');
const CHILD_SCRIPT = path.join(__dirname, 'killChild.ts');
const HOUR_MS = 3_600_000;
/** What each transition of the run tells people (claims/notifications: outboxFor). */
const NOTIFIED_BY: Readonly<Record<string, readonly string[]>> = {
  startReview: ['reviewStarted'],
  approve: ['approvedCustomerNotified', 'customerConsentRequest'],
};

interface ChildExit {
  pid: number | undefined;
  /** performance.now() when it exited. */
  endedAt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/** Starts a child; `onLine` sees each stdout line; resolves when it exits (killed after `timeoutMs` if still running). */
function runChild(
  order: ChildOrder,
  timeoutMs: number,
  onLine: (line: string, child: ChildProcess) => void = () => undefined,
): Promise<ChildExit> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(order)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      onLine(line, child);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const hung = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(hung);
      resolve({ pid: child.pid, endedAt: performance.now(), code, signal, lines, stderr });
    });
  });
}

async function seedRun(client: CosmosClient, folder: string, index: number): Promise<KillRun> {
  const databaseId = `kill-${index}-${randomUUID()}`;
  const database = await ensureCosmosSchema(client, databaseId);
  const partners = new CosmosPartnerDirectory(database.container(containerSpec('partners').id), {
    operatorTenantId: REVIEWER_TENANT,
  });
  const run: KillRun = {
    databaseId,
    partnerId: randomUUID(),
    claimId: randomUUID(),
    adminId: `aad-admin-${index}`,
    deliveriesFile: path.join(folder, `${index}.deliveries`),
    journalFile: path.join(folder, `${index}.journal`),
  };
  await partners.upsert({
    id: run.partnerId,
    type: 'partner',
    name: 'Fabrikam',
    locations: [{ mpnId: '1234567', name: 'Seattle' }],
    incentivesAdmins: [run.adminId],
    reviewers: [],
  });
  await partners.upsert({
    id: REVIEWER_TENANT,
    type: 'operator',
    name: 'Program operator',
    locations: [],
    incentivesAdmins: [],
    reviewers: [REVIEWER_ID],
  });
  // The bot process checks contacts against the seeded tenant list: the demo customer's tenant (each run has a
  // database of its own, so no keys collide), and a partner address the list cannot tell about (only marked).
  const claim = validM365Claim({
    id: run.claimId,
    partnerId: run.partnerId,
    customerTenantId: SEEDED_CONTOSO_TENANT,
    partnerContact: { name: 'Pat Partner', email: `pat@partner-${index}.example` },
    createdBy: { role: 'partnerAdmin', id: run.adminId },
  });
  await new CosmosClaimRepository(database.container(containerSpec('claims').id)).create(claim);
  return run;
}

const linesOf = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

interface WorkOutcome {
  pid: number | undefined;
  killed: boolean;
}

/** Everything wrong with one run's state; `final` once the people have carried the claim on. */
async function check(
  client: CosmosClient,
  run: KillRun,
  work: WorkOutcome,
  final: boolean,
): Promise<{ violations: string[]; doubles: number }> {
  const database = client.database(run.databaseId);
  const stored = await new CosmosClaimRepository(database.container(containerSpec('claims').id)).get(
    run.partnerId,
    run.claimId,
  );
  if (!stored) return { violations: ['the claim is gone'], doubles: 0 };
  const claim = stored.value;
  const violations = [...historyProblems(claim), ...(await holdProblems(client, run, claim))];
  if (final && claim.status !== 'approvedCustomerNotified')
    violations.push(`finished as ${claim.status}, not approved`);
  if (claim.outbox.length > 0) violations.push(`outbox still holds ${claim.outbox.map((m) => m.id).join(', ')}`);
  const notified = notificationProblems(run, claim, work);
  return { violations: [...violations, ...notified.violations], doubles: notified.doubles };
}

function historyProblems(claim: Claim): string[] {
  const problems: string[] = [];
  if (claim.history[0]?.event !== 'created') problems.push('the history does not start with its creation');
  claim.history.forEach((entry, i) => {
    const before = claim.history[i - 1];
    if (before && entry.from !== before.to)
      problems.push(`history entry ${i + 1} (${entry.event}) starts from ${entry.from}, not ${before.to}`);
  });
  if (claim.history.at(-1)?.to !== claim.status)
    problems.push(`status ${claim.status} has no history entry leading to it`);
  return problems;
}

async function holdProblems(client: CosmosClient, run: KillRun, claim: Claim): Promise<string[]> {
  const container = client.database(run.databaseId).container(containerSpec('associations').id);
  const { resources } = await container.items
    .query<{ id: string; claimId?: string; state: string }>('SELECT * FROM c')
    .fetchAll();
  const problems: string[] = [];
  for (const hold of resources) {
    if (hold.claimId !== claim.id || !claim.heldKeys.includes(hold.id))
      problems.push(`orphaned hold ${hold.id} (${hold.state})`);
    else if (hold.state !== 'held') problems.push(`hold ${hold.id} still ${hold.state}`);
  }
  const held = new Set(resources.map((h) => h.id));
  for (const key of claim.heldKeys) if (!held.has(key)) problems.push(`the claim records ${key}, which nobody holds`);
  return problems;
}

function notificationProblems(
  run: KillRun,
  claim: Claim,
  work: WorkOutcome,
): { violations: string[]; doubles: number } {
  const expected = claim.history.flatMap((entry, i) =>
    (NOTIFIED_BY[entry.event] ?? []).map((kind) => `${i + 1}.${kind}`),
  );
  const sent = new Map<string, string[]>();
  for (const line of linesOf(run.deliveriesFile)) {
    const [claimId, messageId = '', pid = ''] = line.split(' ');
    if (claimId === claim.id) sent.set(messageId, [...(sent.get(messageId) ?? []), pid]);
  }
  const recorded = new Set(linesOf(run.journalFile));
  const violations: string[] = [];
  let doubles = 0;
  for (const id of expected) if (!sent.has(id)) violations.push(`notification ${id} was never delivered`);
  for (const [id, pids] of sent) {
    if (!expected.includes(id)) violations.push(`notification ${id} was delivered but no transition called for it`);
    for (const pid of pids.slice(0, -1)) {
      // Excused only when the sender was the killed worker and its ledger record never landed.
      const inSendWindow = work.killed && pid === String(work.pid) && !recorded.has(`${claim.id} ${id} ${pid}`);
      if (inSendWindow) doubles += 1;
      else violations.push(`notification ${id} delivered ${pids.length} times`);
    }
  }
  return { violations, doubles };
}

export async function runKillLoop(runs: number, seed: number, options: KillLoopOptions = {}): Promise<KillLoopReport> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive whole number, got ${runs}`);
  const timeoutMs = options.childTimeoutMs ?? 60_000;
  const ownStandIn = options.cosmos ? undefined : await startCosmosStandIn();
  const cosmos = options.cosmos ?? { endpoint: ownStandIn!.endpoint, key: ownStandIn!.key };
  const client = createCosmosClient(cosmos);
  const folder = mkdtempSync(path.join(tmpdir(), 'kill-loop-'));
  const order = (mode: ChildOrder['mode'], list: KillRun[]): ChildOrder => ({
    mode,
    cosmos,
    clockOffsetMs: mode === 'work' ? 0 : HOUR_MS,
    runs: list,
  });
  const must = async (mode: ChildOrder['mode'], list: KillRun[]): Promise<void> => {
    const exit = await runChild(order(mode, list), timeoutMs * list.length);
    if (exit.code !== 0) throw new Error(`the ${mode} process failed (${exit.signal ?? exit.code}): ${exit.stderr}`);
  };
  try {
    // How long the work takes unkilled, so the kill delays spread over all of it.
    let readyAt = 0;
    const unkilled = await seedRun(client, folder, 0);
    const calibration = await runChild(order('work', [unkilled]), timeoutMs, (line) => {
      if (line === 'ready') readyAt = performance.now();
    });
    if (calibration.code !== 0) throw new Error(`the unkilled work failed: ${calibration.stderr}`);
    const workMs = Math.max(20, Math.round(calibration.endedAt - readyAt));

    const random = seededRandom(seed);
    const list: KillRun[] = [];
    const reports: KillRunReport[] = [];
    const outcomes: WorkOutcome[] = [];
    for (let index = 1; index <= runs; index += 1) {
      const run = await seedRun(client, folder, index);
      const killAfterMs = Math.round(random() * workMs * 1.1);
      let timer: NodeJS.Timeout | undefined;
      const exit = await runChild(order('work', [run]), timeoutMs, (line, child) => {
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      });
      clearTimeout(timer);
      const killed = exit.signal === 'SIGKILL';
      list.push(run);
      outcomes.push({ pid: exit.pid, killed });
      reports.push({
        run: index,
        killAfterMs,
        killed,
        reached: exit.lines.filter((line) => line !== 'done').at(-1) ?? 'starting',
        doublesInSendWindow: 0,
        violations: !killed && exit.code !== 0 ? [`the work failed: ${exit.stderr.trim().split('\n')[0] ?? ''}`] : [],
      });
    }

    // A restarted instance: repair and deliver; then the state must already be whole.
    await must('recover', list);
    for (const [i, run] of list.entries()) {
      const found = await check(client, run, outcomes[i]!, false);
      reports[i]!.violations.push(...found.violations.map((v) => `after recovery: ${v}`));
    }
    // The people carry on; everything each transition calls for arrives exactly once.
    await must('finish', list);
    for (const [i, run] of list.entries()) {
      const found = await check(client, run, outcomes[i]!, true);
      reports[i]!.violations.push(...found.violations.map((v) => `after finishing: ${v}`));
      reports[i]!.doublesInSendWindow = found.doubles;
    }
    for (const run of [unkilled, ...list]) await client.database(run.databaseId).delete();
    return {
      runs,
      seed,
      workMs,
      killed: reports.filter((r) => r.killed).length,
      doublesInSendWindow: reports.reduce((sum, r) => sum + r.doublesInSendWindow, 0),
      violations: reports.flatMap((r) =>
        r.violations.map((v) => `run ${r.run} (killed ${r.killed ? `after ${r.reached}` : 'never'}): ${v}`),
      ),
      perRun: reports,
    };
  } finally {
    client.dispose();
    await ownStandIn?.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
