/**
 * `npm run bench`: one run on this machine, everything on loopback, stopping by itself.
 *
 *   processes   stand-ins (Cosmos DB stand-in + its own Azurite, and a latency proxy) ·
 *               the claims bot (bot/index.ts startApp, --expose-gc) · the yardsticks: the
 *               peer (core-bot style), the state floor, the bare echo bot · this one
 *               (load generator, Teams' side, setup and checks, the scheduler)
 *   stages      turnCost · turnLatency · parkedHeap · poeUpload · poeCheck · sweep · killLoop
 *
 * Settings: BENCH_PARTNERS (50), BENCH_ROUNDS (5 measured rounds per turn stage), BENCH_PARKED
 * (1000), BENCH_POE_MIB (25), BENCH_DUE (10000), BENCH_NOT_DUE (100000), BENCH_KILL_RUNS (50; 0 skips it), BENCH_STAGES (all),
 * BENCH_DEADLINE_SECONDS (900), BENCH_LOG_LEVEL (the bot's, default info), BENCH_PROFILE
 * (a CPU profile of the bot in bench/profile.tmp/), or the same
 * as arguments: `npm run bench -- --partners=10 --stages=turnCost,sweep`.
 * A run of every stage at these default sizes writes bench/results.json and RELIABILITY.md's
 * bench section; any other run prints its table and leaves bench/results.partial.tmp.
 */
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { createCosmosClient } from '../storage/cosmosConnection';
import { ensureCosmosSchema } from '../storage/cosmosSchema';
import type { BenchContext, BenchSettings, StartedBot } from './context';
import { BenchChild } from './ipc';
import { parkedHeapStage } from './parkedHeapStage';
import { poeCheckStage, type PoeCheckFigures } from './poeCheckStage';
import { poeUploadStage } from './poeUploadStage';
import {
  HEADLINE_KEYS,
  REPO_ROOT,
  headlineRows,
  markdownTable,
  textTable,
  writeReliabilitySection,
  type Headline,
} from './report';
import { round } from './stats';
import { sweepStage } from './sweepStage';
import { TeamsStandIn } from './teamsStandIn';
import { turnCostStage } from './turnCostStage';
import { turnLatencyStage } from './turnLatencyStage';

type Stage = (ctx: BenchContext) => Promise<object>;

const DATABASE_ID = 'cpor-bench';
const POE_CONTAINER = 'poe-bench';

function readSettings(): BenchSettings {
  const args = new Map(
    process.argv.slice(2).map((arg) => {
      const [key = '', value = ''] = arg.replace(/^--/, '').split('=');
      return [key, value] as const;
    }),
  );
  const setting = (arg: string, env: string, fallback: string): string => args.get(arg) || process.env[env] || fallback;
  const count = (arg: string, env: string, fallback: number): number => {
    const value = Number(setting(arg, env, String(fallback)));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${arg} / ${env} must be a non-negative number`);
    return value;
  };
  return {
    partners: Math.max(1, Math.round(count('partners', 'BENCH_PARTNERS', 50))),
    parked: Math.max(1, Math.round(count('parked', 'BENCH_PARKED', 1000))),
    poeMiB: count('poe-mib', 'BENCH_POE_MIB', 25),
    rounds: Math.max(1, Math.round(count('rounds', 'BENCH_ROUNDS', 5))),
    due: Math.max(1, Math.round(count('due', 'BENCH_DUE', 10_000))),
    notDue: Math.round(count('not-due', 'BENCH_NOT_DUE', 100_000)),
    killRuns: Math.round(count('kill-runs', 'BENCH_KILL_RUNS', 50)),
    stages: setting('stages', 'BENCH_STAGES', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    deadlineSeconds: count('deadline-seconds', 'BENCH_DEADLINE_SECONDS', 900),
  };
}

/**
 * Issue 6 item 3's long SIGKILL loop (50 runs by default): `bench/killLoop.ts` exports
 * `killLoopStage(ctx)`, run as the last stage when BENCH_KILL_RUNS > 0.
 */
function optionalKillLoop(): Stage | undefined {
  const file = path.join(__dirname, 'killLoop.ts');
  if (!existsSync(file)) return undefined;
  const loaded = require(file) as { killLoopStage?: unknown };
  return typeof loaded.killLoopStage === 'function' ? (loaded.killLoopStage as Stage) : undefined;
}

const log = (message: string): void =>
  void process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main(): Promise<number> {
  const settings = readSettings();
  // Everything shares this machine's cores: other work running now makes wall-clock figures lower.
  const loadAverageAtStart = round(os.loadavg()[0] ?? 0, 2);
  if (loadAverageAtStart > 1)
    log(`note: load average ${loadAverageAtStart} before starting; wall-clock figures will suffer`);
  const children: BenchChild[] = [];
  const deadline = setTimeout(() => {
    log(`deadline of ${settings.deadlineSeconds} s reached: stopping`);
    children.forEach((child) => child.kill());
    process.exit(2);
  }, settings.deadlineSeconds * 1000);
  deadline.unref();
  const started = performance.now();

  log('starting the stand-ins (Cosmos DB stand-in and Azurite, in their own processes)');
  const standIns = await BenchChild.start('stand-ins', 'standInsProcess.ts', { output: 'ignore' });
  children.push(standIns);
  const stores = {
    cosmosEndpoint: String(standIns.ready.cosmosEndpoint),
    cosmosKey: String(standIns.ready.cosmosKey),
    blobConnectionString: String(standIns.ready.blobConnectionString),
    databaseId: DATABASE_ID,
    poeContainer: POE_CONTAINER,
  };
  const cosmos = createCosmosClient({ endpoint: stores.cosmosEndpoint, key: stores.cosmosKey });
  const database = await ensureCosmosSchema(cosmos, DATABASE_ID);
  await BlobServiceClient.fromConnectionString(stores.blobConnectionString)
    .getContainerClient(POE_CONTAINER)
    .createIfNotExists();
  const teams = await new TeamsStandIn().start();

  const botLog = openSync(path.join(__dirname, 'bot.log.tmp'), 'w');
  const standInEnv = (cosmosEndpoint = stores.cosmosEndpoint): NodeJS.ProcessEnv => ({
    BENCH_COSMOS_ENDPOINT: cosmosEndpoint,
    BENCH_COSMOS_KEY: stores.cosmosKey,
    BENCH_BLOB_CONNECTION_STRING: stores.blobConnectionString,
    BENCH_DATABASE: DATABASE_ID,
    BENCH_POE_CONTAINER: POE_CONTAINER,
  });
  const startBot = async (options: { cosmosEndpoint?: string } = {}): Promise<StartedBot> => {
    const child = await BenchChild.start('bot', 'botProcess.ts', {
      // BENCH_PROFILE=1: a CPU profile of the bot per run, in bench/profile.tmp/ (open it in Chrome DevTools).
      nodeFlags: [
        '--expose-gc',
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, 'profile.tmp')}`] : []),
      ],
      output: botLog,
      env: {
        ...standInEnv(options.cosmosEndpoint),
        // The bot's own scheduler sweeps once at start-up and then stays out of the measured turns.
        SCHEDULER_INTERVAL_SECONDS: '86400',
      },
    });
    children.push(child);
    return { child, endpoint: `${String(child.ready.url)}/api/messages` };
  };
  const startYardstick = async (
    name: string,
    module: string,
    options: { cosmosEndpoint?: string } = {},
  ): Promise<StartedBot> => {
    const child = await BenchChild.start(name, module, { output: 'ignore', env: standInEnv(options.cosmosEndpoint) });
    children.push(child);
    return { child, endpoint: `${String(child.ready.url)}/api/messages` };
  };
  log('starting the claims bot (bot/index.ts startApp, its own process)');
  const ctx: BenchContext = {
    settings,
    standIns,
    stores,
    cosmos,
    database,
    bot: await startBot(),
    startBot,
    startYardstick,
    teams,
    log,
  };

  const killLoop = optionalKillLoop();
  const stages: [string, Stage][] = [
    ['turnCost', turnCostStage],
    ['turnLatency', turnLatencyStage],
    ['parkedHeap', parkedHeapStage],
    ['poeUpload', poeUploadStage],
    ['poeCheck', poeCheckStage],
    ['sweep', sweepStage],
  ];
  if (settings.killRuns > 0) {
    if (killLoop) stages.push(['killLoop', killLoop]);
    else log('BENCH_KILL_RUNS is set but bench/killLoop.ts does not exist yet: the kill loop is skipped');
  }
  const selected = stages.filter(([name]) => settings.stages.length === 0 || settings.stages.includes(name));
  const raw: Record<string, unknown> = {};
  let failed = false;
  for (const [name, stage] of selected) {
    const stageStarted = performance.now();
    try {
      raw[name] = await stage(ctx);
      log(`${name} done in ${round((performance.now() - stageStarted) / 1000, 1)} s`);
    } catch (e) {
      failed = true;
      raw[name] = { error: e instanceof Error ? e.message : String(e) };
      log(`${name} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  await Promise.all(children.map((child) => child.stop()));
  await teams.close();
  cosmos.dispose();
  closeSync(botLog);
  clearTimeout(deadline);

  const headline = headlineOf(raw);
  const runFacts = {
    at: new Date().toISOString(),
    seconds: round((performance.now() - started) / 1000, 1),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    loadAverageAtStart,
    loadAverageAtEnd: round(os.loadavg()[0] ?? 0, 2),
    settings,
  };
  const rows = headlineRows(headline);
  process.stdout.write(`\n${textTable(['Measure', 'Result', 'Goal', ''], rows)}\n\n`);
  // Only a run of every stage at the issue's sizes replaces the published figures.
  const standard =
    settings.partners === 50 &&
    settings.parked === 1000 &&
    settings.poeMiB === 25 &&
    settings.due === 10_000 &&
    settings.notDue === 100_000;
  const complete = selected.length === stages.length && !failed && standard;
  if (complete) {
    writeFileSync(
      path.join(__dirname, 'results.json'),
      `${JSON.stringify({ ...headline, run: runFacts, raw }, null, 2)}\n`,
    );
    writeReliabilitySection(path.join(REPO_ROOT, 'RELIABILITY.md'), reliabilitySection(headline, raw, runFacts));
    log('wrote bench/results.json and the bench section of RELIABILITY.md');
  } else {
    writeFileSync(
      path.join(__dirname, 'results.partial.tmp'),
      `${JSON.stringify({ ...headline, run: runFacts, raw }, null, 2)}\n`,
    );
    log(
      'partial, resized or failed run: figures in bench/results.partial.tmp; results.json and RELIABILITY.md left as they were',
    );
  }
  return failed ? 1 : 0;
}

const figure = (raw: Record<string, unknown>, stage: string, ...path: string[]): number | null => {
  let node: unknown = raw[stage];
  for (const key of path) node = typeof node === 'object' && node !== null ? Reflect.get(node, key) : undefined;
  return typeof node === 'number' && Number.isFinite(node) ? node : null;
};

function headlineOf(raw: Record<string, unknown>): Headline {
  return {
    turn_throughput_ratio_vs_echo: figure(raw, 'turnCost', 'throughputRatio'),
    turn_p99_ratio_vs_echo: figure(raw, 'turnCost', 'p99Ratio'),
    cosmos_ops_per_turn: figure(raw, 'turnCost', 'cosmos', 'perTurn'),
    heap_kb_per_conversation: figure(raw, 'parkedHeap', 'kbPerConversation'),
    poe_upload_rss_growth_mb: figure(raw, 'poeUpload', 'rssGrowthMiB'),
    poe_check_seconds_25mb: figure(raw, 'poeCheck', 'scanned25MiB', 'checkSeconds'),
    poe_check_reader_peak_rss_mb_25mb: figure(raw, 'poeCheck', 'scanned25MiB', 'readerPeakRssMiB'),
    poe_check_seconds_100_pages: figure(raw, 'poeCheck', 'sow100Pages', 'checkSeconds'),
    poe_check_reader_peak_rss_mb_100_pages: figure(raw, 'poeCheck', 'sow100Pages', 'readerPeakRssMiB'),
    poe_ocr_seconds_1_page_scan: figure(raw, 'poeCheck', 'ocrScan1Page', 'checkSeconds'),
    poe_ocr_reader_peak_rss_mb_1_page_scan: figure(raw, 'poeCheck', 'ocrScan1Page', 'readerPeakRssMiB'),
    sweep_due_per_second: figure(raw, 'sweep', 'duePerSecond'),
    sweep_docs_read_per_due: figure(raw, 'sweep', 'documentsReadPerDue'),
    turn_throughput_ratio_vs_peer: figure(raw, 'turnCost', 'throughputRatioVsPeer'),
    turn_p99_ratio_vs_peer: figure(raw, 'turnCost', 'p99RatioVsPeer'),
    turn_throughput_ratio_vs_state_floor: figure(raw, 'turnCost', 'throughputRatioVsStateFloor'),
    turn_p50_ms_at_5ms_cosmos: figure(raw, 'turnLatency', 'solo', 'bot', 'p50Ms'),
    turn_p99_ms_at_5ms_cosmos: figure(raw, 'turnLatency', 'solo', 'bot', 'p99Ms'),
    bot_cpu_ms_per_turn: figure(raw, 'turnCost', 'cpuMsPerTurn', 'bot'),
    poe_upload_rss_growth_mb_max: figure(raw, 'poeUpload', 'rssGrowthMiBMax'),
  };
}

function reliabilitySection(
  headline: Headline,
  raw: Record<string, unknown>,
  run: {
    at: string;
    seconds: number;
    machine: { cpus: number; cpuModel: string; node: string };
    loadAverageAtStart: number;
    loadAverageAtEnd: number;
    settings: BenchSettings;
  },
): string {
  const s = run.settings;
  const f = (stage: string, ...path: string[]): string => String(figure(raw, stage, ...path) ?? '—');
  const byKind = Reflect.get(Object(Reflect.get(Object(raw.turnCost), 'cosmos')), 'perTurnByKind');
  const perTurn = Object.entries(
    typeof byKind === 'object' && byKind !== null ? (byKind as Record<string, number>) : {},
  )
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const spread = (stage: string, bot: string, key: string): string =>
    `${f(stage, bot, 'spread', key, 'min')}–${f(stage, bot, 'spread', key, 'max')}`;
  const turnsLine = (bot: string): string =>
    `${f('turnCost', bot, 'turnsPerSecond')} (${spread('turnCost', bot, 'turnsPerSecond')}) · ${f('turnCost', bot, 'p50Ms')} ms · ${f('turnCost', bot, 'p99Ms')} ms (${spread('turnCost', bot, 'p99Ms')}) · ${f('turnCost', bot, 'cpuMsPerTurn')} ms · ${f('turnCost', bot, 'cosmos', 'perTurn')}`;
  const latencyLine = (at: string): string =>
    (['bot', 'peer'] as const)
      .map(
        (bot) =>
          `${bot === 'bot' ? 'claims bot' : 'peer'} ${f('turnLatency', at, bot, 'p50Ms')} · ${f('turnLatency', at, bot, 'p99Ms')} ms`,
      )
      .join('; ');
  const uploads = Reflect.get(Object(raw.poeUpload), 'uploads');
  const growths = Array.isArray(uploads)
    ? uploads.map((u: unknown) => String(Reflect.get(Object(u), 'rssGrowthMiB'))).join(' · ')
    : '—';
  const details: string[][] = [
    [
      `Claims bot: turns/s (spread over ${s.rounds} rounds) · p50 · p99 (spread) · CPU per turn · Cosmos DB operations per turn`,
      turnsLine('bot'),
    ],
    ['Peer (core-bot style): the same', turnsLine('peer')],
    ['State floor (echo + one state read and write): the same', turnsLine('stateFloor')],
    ['Echo bot: the same', turnsLine('echo')],
    [
      'Claims bot ÷ peer: throughput · p99; ÷ state floor: throughput · p99',
      `${f('turnCost', 'throughputRatioVsPeer')} · ${f('turnCost', 'p99RatioVsPeer')}; ${f('turnCost', 'throughputRatioVsStateFloor')} · ${f('turnCost', 'p99RatioVsStateFloor')}`,
    ],
    ['Stand-ins CPU per claims bot turn', `${f('turnCost', 'cpuMsPerTurn', 'standIns')} ms`],
    [
      'Turns per claim; claims submitted (claims bot · peer)',
      `${f('turnCost', 'turnsPerClaim')}; ${f('turnCost', 'claimsSubmitted')} · ${f('turnCost', 'peerClaimsSubmitted')}`,
    ],
    ['Cosmos DB operations per claims bot turn, by container and kind', perTurn || '—'],
    [
      `With ${f('turnLatency', 'cosmosLatencyMs')} ms per Cosmos DB request, one partner: p50 · p99 per turn`,
      latencyLine('solo'),
    ],
    [
      `With ${f('turnLatency', 'cosmosLatencyMs')} ms per Cosmos DB request, ${s.partners} partners at once: p50 · p99 per turn`,
      latencyLine('concurrent'),
    ],
    [
      'PoE: RSS growth of each upload; Buffers live during an upload (collecting before every sample)',
      `${growths} MB; ${f('poeUpload', 'liveSet', 'arrayBuffersGrowthMiB')} MB`,
    ],
    [
      'PoE check after the upload (read back, text in a child process, check): 25 MB scan · 100-page SOW — seconds (download alone) · reader peak RSS · bot-side RSS growth',
      `${f('poeCheck', 'scanned25MiB', 'checkSeconds')} s (${f('poeCheck', 'scanned25MiB', 'downloadSeconds')} s) · ${f('poeCheck', 'scanned25MiB', 'readerPeakRssMiB')} MB · ${f('poeCheck', 'scanned25MiB', 'rssGrowthMiB')} MB; ${f('poeCheck', 'sow100Pages', 'checkSeconds')} s (${f('poeCheck', 'sow100Pages', 'downloadSeconds')} s) · ${f('poeCheck', 'sow100Pages', 'readerPeakRssMiB')} MB · ${f('poeCheck', 'sow100Pages', 'rssGrowthMiB')} MB`,
    ],
    [
      'PoE OCR of a one-page 300-dpi scan (read back, OCR in the reader process, check) — seconds (download alone) · reader peak RSS · bot-side RSS growth · what the check found',
      `${f('poeCheck', 'ocrScan1Page', 'checkSeconds')} s (${f('poeCheck', 'ocrScan1Page', 'downloadSeconds')} s) · ${f('poeCheck', 'ocrScan1Page', 'readerPeakRssMiB')} MB · ${f('poeCheck', 'ocrScan1Page', 'rssGrowthMiB')} MB · ${String((raw.poeCheck as PoeCheckFigures | undefined)?.ocrScan1Page.outcome ?? '—')}`,
    ],
    [
      'Scheduler: seconds until all closed and told · CPU per due claim (bot · stand-ins)',
      `${f('sweep', 'sweepSeconds')} s · ${f('sweep', 'cpuMsPerDue', 'bot')} ms · ${f('sweep', 'cpuMsPerDue', 'standIns')} ms`,
    ],
    [
      'SIGKILL loop (submit and approve): runs · killed mid-work · broken invariants · doubles in the send window',
      `${f('killLoop', 'runs')} · ${f('killLoop', 'killedMidWork')} · ${f('killLoop', 'violations')} · ${f('killLoop', 'doublesInSendWindow')}`,
    ],
  ];
  return [
    `## Latest bench figures`,
    '',
    `Generated by \`npm run bench\` on ${run.at.slice(0, 10)} (${run.machine.cpus} × ${run.machine.cpuModel}, Node ${run.machine.node}; ${run.seconds} s in all;`,
    `load average ${run.loadAverageAtStart} at the start and ${run.loadAverageAtEnd} at the end: the machine is shared, so wall-clock figures are lower the busier it was).`,
    `${s.partners} partners each filing a whole claim at once; ${s.parked} conversations parked at the products card; a ${s.poeMiB} MiB PoE;`,
    `${s.due} due claims among ${s.notDue} not due. Stand-ins (Cosmos DB, Azurite) run in their own processes. MB here are MiB.`,
    '',
    markdownTable(['Measure', 'Result', 'Goal', ''], headlineRows(headline)),
    '',
    markdownTable(['Raw figure', 'Value'], details),
    '',
    `Every figure, with the Cosmos DB operations by container and kind, is in \`bench/results.json\`. Goals: issues 6 and 14. Keys: ${HEADLINE_KEYS.map((k) => `\`${k}\``).join(', ')}.`,
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
