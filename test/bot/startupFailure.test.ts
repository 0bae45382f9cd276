/**
 * `npm start` when its HTTP port is taken: the process reports it in one line naming
 * PORT, with no stack, exits 1, and leaves nothing running (the local stack's Azurite
 * is a child process of its own, and its port is free again afterwards).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SETTINGS } from '../../bot/app/config';
import { freeLoopbackPort } from '../e2e/support/playgroundProcess';

const REPO_ROOT = path.resolve(__dirname, '../..');

const listenOn = (port: number, host?: string): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('start-up with the HTTP port in use', function () {
  this.timeout(90_000);

  it('says so in one line naming PORT, exits 1 and stops the local stack it started', async () => {
    const [blobPort, cosmosPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    // Taken on every address, as another program holding the port would.
    const taken = await listenOn(0);
    const port = (taken.address() as { port: number }).port;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cpor-port-in-use-'));
    try {
      const env: NodeJS.ProcessEnv = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !SETTINGS.some((s) => s.key === key)),
      );
      Object.assign(env, {
        PORT: String(port),
        LOCAL_COSMOS_PORT: String(cosmosPort),
        LOCAL_BLOB_PORT: String(blobPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      assert.equal(code, 1);
      const lines = stderr
        .split('\n')
        .filter((line) => line.trim() !== '' && !/DeprecationWarning|--trace-deprecation/.test(line));
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? '', new RegExp(`^start-up failed: port ${port} is already in use .*set PORT`));
      // Azurite and the Cosmos stand-in were stopped: their ports can be taken again.
      for (const free of [blobPort, cosmosPort]) await closeServer(await listenOn(free, '127.0.0.1'));
    } finally {
      await closeServer(taken);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
