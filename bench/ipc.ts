/**
 * The bench's processes talk over Node's IPC channel: each child announces itself with
 * one `ready` message, then answers numbered requests. Every measured party (the bot,
 * the echo bot, the stand-ins) runs in a process of its own, so what one of them costs
 * is not hidden in another's numbers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

type Handler = (request: Record<string, unknown>) => unknown;

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** CPU time this process has used so far (user + system), answered by every child. */
const cpuMilliseconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Child side: announces `ready` and answers requests by their `type`. Exits when the parent goes away. */
export function serveParent(
  ready: Record<string, unknown>,
  handlers: Record<string, Handler>,
  onParentGone: () => Promise<void>,
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this module runs as a child of bench/run.ts (no IPC channel)');
  process.on('message', (message: unknown) => {
    if (!isRecord(message) || typeof message.id !== 'number' || typeof message.type !== 'string') return;
    const id = message.id;
    const handler = message.type === 'cpu' ? cpuMilliseconds : handlers[message.type];
    Promise.resolve()
      .then(() => (handler ? handler(message) : Promise.reject(new Error(`unknown request ${message.type}`))))
      .then(
        (result: unknown) => send({ id, result } satisfies Reply),
        (e: unknown) => send({ id, error: e instanceof Error ? e.message : String(e) } satisfies Reply),
      );
  });
  // The parent ended (or was killed): nothing of ours may outlive it.
  process.once('disconnect', () => {
    void onParentGone().finally(() => process.exit(0));
  });
  send({ type: 'ready', ...ready });
}

export interface ChildOptions {
  /** Extra Node flags, e.g. `--expose-gc`. */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout and stderr go; default inherited. */
  output?: 'inherit' | 'ignore' | number;
  /** How long to wait for `ready`. */
  startTimeoutMs?: number;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly ready: Record<string, unknown>,
  ) {
    process.on('message', (message: unknown) => {
      if (!isRecord(message) || typeof message.id !== 'number') return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (typeof message.error === 'string') waiting.reject(new Error(`${name}: ${message.error}`));
      else waiting.resolve(message.result);
    });
    process.once('exit', (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Starts `bench/<module>.ts` under tsx and waits for its `ready` message. */
  static async start(name: string, module: string, options: ChildOptions = {}): Promise<BenchChild> {
    const output = options.output ?? 'inherit';
    const child = fork(path.join(__dirname, module), [], {
      execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', output, output, 'ipc'],
    });
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 60_000} ms`));
      }, options.startTimeoutMs ?? 60_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
      });
      child.on('message', (message: unknown) => {
        if (isRecord(message) && message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        }
      });
    });
    return new BenchChild(name, child, ready);
  }

  request<T>(type: string, details: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject });
      this.process.send({ id, type, ...details });
    });
  }

  /** Disconnects (the child then stops itself) and kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Last resort on the way out: no waiting. */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}
