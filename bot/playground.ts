/**
 * `npm run playground`: the bot (with its local stack) in this process, and the
 * Microsoft 365 Agents Playground beside it as a Teams-like chat in the browser.
 * Stopping either stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startApp } from './index';

const PLAYGROUND_PORT = 56150;

function playgroundArgs(botEndpoint: string, identity: { appId: string; tenantId: string; password?: string }): string[] {
  const args = ['-e', botEndpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(PLAYGROUND_PORT)];
  // With a registration configured the bot checks tokens, so the Playground must get real ones.
  if (identity.appId) args.push('--client-id', identity.appId, '--tenant-id', identity.tenantId, ...(identity.password ? ['--client-secret', identity.password] : []));
  return args;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const app = await startApp();
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'agentsplayground');
  const child = spawn(bin, playgroundArgs(`${app.url}/api/messages`, app.config.bot), {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Keep its log out of the work tree and let the user open the browser themselves.
    env: { ...process.env, M365_AGENTS_PLAYGROUND_LOGFILE: path.join(app.config.dataDir, 'playground.log'), TEAMSAPPTESTER_BROWSER: 'none' },
  });
  app.lifecycle.onStop('stop Agents Playground', () => stopChild(child));
  app.lifecycle.installProcessHandlers();

  let announced = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    process.stdout.write(text);
    // It falls back to a random port when its default is taken, so read the one it chose.
    const port = /Listening on (\d+)/.exec(text)?.[1];
    if (port && !announced) {
      announced = true;
      app.logger.info({ url: `http://localhost:${port}` }, 'Agents Playground is ready: open this address in a browser to chat with the bot');
    }
  });
  child.once('error', (e) => app.logger.error({ err: e }, 'could not start the Agents Playground'));
  child.once('exit', (code, signal) => {
    if (app.lifecycle.isStopping) return;
    app.logger.info({ code, signal }, 'Agents Playground exited; stopping the bot');
    void app.lifecycle.stop('playground exited').then((ok) => process.exit(ok ? 0 : 1));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`playground failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
