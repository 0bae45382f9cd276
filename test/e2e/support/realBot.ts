/**
 * The real bot for end-to-end tests, started the way `npm start` starts it: the
 * composition root in local mode, with its embedded Cosmos DB and Azurite stand-ins
 * and the seeded demo partner (the Playground's default user is its incentives
 * admin). Everything listens on free loopback ports, and the data lives in a
 * temporary DATA_DIR that is removed when the test process exits.
 *
 * The configuration is read from the environment when bot/index.ts is first loaded,
 * so the settings are put in place before it is required, once per test process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningApp } from '../../../bot/index';
import type { BotUnderTest } from './session';

export interface RealBot extends BotUnderTest {
  app: RunningApp;
}

const SETTINGS = {
  PORT: '0',
  LOCAL_COSMOS_PORT: '0',
  LOCAL_BLOB_PORT: '0',
  // Errors only: a failing turn shows up in the test output, the request log does not.
  LOG_LEVEL: 'error',
} as const;

let startApp: (() => Promise<RunningApp>) | undefined;

/** Loads the composition root under the test settings (once: it keeps the configuration it read). */
function loadStartApp(): () => Promise<RunningApp> {
  if (startApp) return startApp;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cpor-e2e-bot-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const saved = new Map(Object.keys({ ...SETTINGS, DATA_DIR: '' }).map((key) => [key, process.env[key]]));
  Object.assign(process.env, SETTINGS, { DATA_DIR: dataDir });
  try {
    // require, not import: the module reads the environment as it loads.
    startApp = (require('../../../bot/index') as typeof import('../../../bot/index')).startApp;
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return startApp;
}

/** Starts the bot; a second start in the same process finds the first one's data (one DATA_DIR per process). */
export async function startRealBot(): Promise<RealBot> {
  const app = await loadStartApp()();
  return { app, endpoint: `${app.url}/api/messages`, stop: async () => void (await app.lifecycle.stop('e2e done')) };
}
