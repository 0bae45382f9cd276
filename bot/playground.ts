/**
 * `npm run playground`: the bot (with its local stack) in this process, and two
 * Microsoft 365 Agents Playgrounds beside it, two people in two tenants:
 *
 * - the partner: the Playground's built-in user (the demo partner's owner and
 *   incentives admin), on port 56150;
 * - the operator's reviewer: its own tenant and user, from
 *   playground/operator/.m365agentsplayground.yml, on the next port.
 *
 * The Playground reads that file from its working directory and writes files of its own
 * there, so each runs in a folder of its own under DATA_DIR. Stopping any of them stops all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startApp, type RunningApp } from './index';

const PARTNER_PORT = 56150;
const CONFIG_FILE = '.m365agentsplayground.yml';

interface Person {
  /** Who this Playground speaks as, for the address line. */
  who: string;
  port: number;
  /** A Playground configuration to run with; none: the built-in user. */
  config?: string;
}

const PEOPLE: readonly Person[] = [
  { who: 'the partner (Contoso Partners (demo), owner and incentives admin)', port: PARTNER_PORT },
  {
    who: "the program operator's reviewer (Rae Reviewer, operator tenant)",
    port: PARTNER_PORT + 1,
    config: path.join(__dirname, '..', 'playground', 'operator', CONFIG_FILE),
  },
];

function playgroundArgs(
  botEndpoint: string,
  port: number,
  identity: { appId: string; tenantId: string; password?: string },
): string[] {
  const args = ['-e', botEndpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(port)];
  // With a registration configured the bot checks tokens, so the Playground must get real ones.
  if (identity.appId)
    args.push(
      '--client-id',
      identity.appId,
      '--tenant-id',
      identity.tenantId,
      ...(identity.password ? ['--client-secret', identity.password] : []),
    );
  return args;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts one Playground in a folder of its own; resolves with the address it really listens on. */
function startPlayground(app: RunningApp, person: Person, index: number): Promise<string> {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'agentsplayground');
  const workDir = path.join(app.config.dataDir, `playground-${index + 1}`);
  mkdirSync(workDir, { recursive: true });
  if (person.config) copyFileSync(person.config, path.join(workDir, CONFIG_FILE));
  const child = spawn(bin, playgroundArgs(`${app.url}/api/messages`, person.port, app.config.bot), {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Keep its log out of the work tree and let the user open the browser themselves.
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'playground.log'),
      TEAMSAPPTESTER_BROWSER: 'none',
    },
  });
  app.lifecycle.onStop(`stop Agents Playground ${index + 1}`, () => stopChild(child));
  child.once('exit', (code, signal) => {
    if (app.lifecycle.isStopping) return;
    app.logger.info({ code, signal, who: person.who }, 'an Agents Playground exited; stopping the bot');
    void app.lifecycle.stop('playground exited').then((ok) => process.exit(ok ? 0 : 1));
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(text);
      // It falls back to a random port when the one asked for is taken, so read the one it chose.
      const port = /Listening on (\d+)/.exec(text)?.[1];
      if (port) resolve(`http://localhost:${port}`);
    });
  });
}

async function main(): Promise<void> {
  const app = await startApp();
  app.lifecycle.installProcessHandlers();
  try {
    // One after the other: the second must not take the first's port while it falls back.
    for (const [index, person] of PEOPLE.entries()) {
      const url = await startPlayground(app, person, index);
      app.logger.info(
        { url, who: person.who },
        `Agents Playground ${index + 1} is ready: open ${url} in a browser to chat as ${person.who}`,
      );
    }
  } catch (e) {
    app.logger.error({ err: e }, 'could not start the Agents Playgrounds');
    await app.lifecycle.stop('playground failed');
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`playground failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
