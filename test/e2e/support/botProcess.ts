/**
 * The real bot as `npm start` runs it, in a child process with settings of its own
 * (e.g. OPT_OUT_WINDOW=PT5S): the configuration is read once per process, so a test
 * that needs other settings than the other e2e files cannot share their in-process bot.
 * Local mode, every port a free loopback one, data in a temporary DATA_DIR; the test
 * reaches the embedded Cosmos DB stand-in on its port to set up and read claims.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SETTINGS } from '../../../bot/app/config';
import { COSMOS_STAND_IN_KEY } from '../../../storage/standIns';
import { freeLoopbackPort, waitFor } from './playgroundProcess';
import type { BotUnderTest } from './session';

export interface BotProcess extends BotUnderTest {
  url: string;
  dataDir: string;
  /** The embedded Cosmos DB stand-in and the app's database. */
  cosmos: { endpoint: string; key: string; databaseId: string };
  /** What the bot printed, for failure reports. */
  output(): string;
}

const REPO_ROOT = path.resolve(__dirname, '../../..');
const OUTPUT_LIMIT = 64 * 1024;

export async function startBotProcess(settings: Record<string, string>, startTimeoutMs = 60_000): Promise<BotProcess> {
  const [port, cosmosPort, blobPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cpor-e2e-process-'));
  // Only what we set: a setting in the test's own environment (an Azure endpoint) must not leak in.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !SETTINGS.some((s) => s.key === key)),
  );
  Object.assign(env, {
    LOG_LEVEL: 'warn',
    ...settings,
    PORT: String(port),
    LOCAL_COSMOS_PORT: String(cosmosPort),
    LOCAL_BLOB_PORT: String(blobPort),
    DATA_DIR: dataDir,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const record = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM runs the app's orderly stop (scheduler, server, storage snapshot).
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const healthy = await waitFor(
    Date.now() + startTimeoutMs,
    async () => {
      if (child.exitCode !== null) return false;
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    250,
  );
  if (!healthy) {
    await stop();
    throw new Error(`the bot did not start:\n${output}`);
  }
  return {
    url,
    endpoint: `${url}/api/messages`,
    dataDir,
    cosmos: {
      endpoint: `http://127.0.0.1:${cosmosPort}`,
      key: COSMOS_STAND_IN_KEY,
      databaseId: settings.COSMOS_DATABASE ?? 'cpor',
    },
    output: () => output,
    stop,
  };
}
