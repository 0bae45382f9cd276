/**
 * Starts and stops the Microsoft 365 Agents Playground CLI as a child process.
 *
 * Quirks handled here (see test/e2e/README.md):
 * - it opens a desktop browser unless TEAMSAPPTESTER_BROWSER=none;
 * - it writes its log to ./devTools/ and reads a config file from the working
 *   directory, so it runs in a temp dir with the log path set explicitly;
 * - when the requested port is taken it silently picks another one, so the port it
 *   really listens on is read from its "Listening on N" line;
 * - it sends telemetry unless --disable-telemetry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Conversation id of the personal chat; a fresh one per start by default. */
  conversationId?: string;
  /** A `.m365agentsplayground.yml` to run with (another tenant and user); default: the built-in user. */
  configFile?: string;
  startTimeoutMs?: number;
}

export interface RunningPlayground {
  /** The web UI. */
  url: string;
  port: number;
  /** The mocked connector the bot replies to (activities' serviceUrl). */
  serviceUrl: string;
  /** The personal chat's conversation id. */
  conversationId: string;
  /** What the Playground printed and logged so far, for failure reports. */
  diagnostics(): string;
  stop(): Promise<void>;
}

const CLI = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
const MAX_PORT_ATTEMPTS = 3;
/** The file the Playground reads from its working directory. */
const CONFIG_FILE_NAME = '.m365agentsplayground.yml';
const OUTPUT_LIMIT = 64 * 1024;

/** Every Playground still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= MAX_PORT_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort();
    const started = await startOnPort(options, port);
    if (started.kind === 'ready') return started.playground;
    failures.push(started.reason);
    if (started.kind === 'failed') break;
  }
  throw new Error(`the Playground did not start:\n${failures.join('\n---\n')}`);
}

type StartResult =
  | { kind: 'ready'; playground: RunningPlayground }
  | { kind: 'portTaken'; reason: string }
  | { kind: 'failed'; reason: string };

async function startOnPort(options: PlaygroundOptions, port: number): Promise<StartResult> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'playground-'));
  if (options.configFile) copyFileSync(options.configFile, path.join(workDir, CONFIG_FILE_NAME));
  const logFile = path.join(workDir, 'playground.log');
  const conversationId = options.conversationId ?? `e2e-${randomUUID()}`;
  const serviceUrl = `http://127.0.0.1:${port}/_connector`;
  const args = [
    CLI,
    '--disable-telemetry',
    '-c',
    'msteams',
    '-e',
    options.botEndpoint,
    '-p',
    String(port),
    '--conversation-id',
    conversationId,
    '--service-url',
    serviceUrl,
  ];
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      NO_PROXY: '127.0.0.1,localhost,::1',
      no_proxy: '127.0.0.1,localhost,::1',
    },
  });
  running.add(child);

  let output = '';
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(
    () => running.delete(child),
    () => undefined,
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const diagnostics = (): string => {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8').slice(-OUTPUT_LIMIT);
    } catch {
      // No log yet: the process output is all there is.
    }
    return `--- Playground output ---\n${output}\n--- Playground log ---\n${log}`;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const listening = await waitFor(deadline, () => {
    if (child.exitCode !== null) return { exited: child.exitCode };
    const match = /Listening on (\d+)/.exec(output);
    return match ? { port: Number(match[1]) } : undefined;
  });
  const url = `http://127.0.0.1:${port}`;
  if (!listening || 'exited' in listening || listening.port !== port) {
    const reason = !listening
      ? 'it did not say "Listening on" in time'
      : 'exited' in listening
        ? `it exited with code ${listening.exited}`
        : `port ${port} was taken, it fell back to ${listening.port}`;
    const report = `${reason}\n${diagnostics()}`;
    await stop();
    return { kind: listening && 'port' in listening ? 'portTaken' : 'failed', reason: report };
  }
  if (!(await waitFor(deadline, () => answers(url)))) {
    const report = `${url} did not answer in time\n${diagnostics()}`;
    await stop();
    return { kind: 'failed', reason: report };
  }
  return { kind: 'ready', playground: { url, port, serviceUrl, conversationId, diagnostics, stop } };
}

/** Polls `probe` until it yields a value or the deadline passes (then undefined). */
export async function waitFor<T>(
  deadline: number,
  probe: () => T | undefined | Promise<T | undefined>,
  intervalMs = 100,
): Promise<T | undefined> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function answers(url: string): Promise<true | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok ? true : undefined;
  } catch {
    return undefined;
  }
}

/** A loopback port nobody listens on right now (asked of the OS, then released). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
