/**
 * Orderly stop. Whatever starts registers how to stop it; on SIGTERM (App Service,
 * containers) or SIGINT (Ctrl+C) the steps run in reverse order of registration, so
 * the server stops taking turns before the storage under it goes away. Each step has
 * a time limit, and one failing does not keep the others from running.
 */
import type { Logger } from './logger';

interface StopStep {
  name: string;
  run: () => Promise<unknown> | unknown;
}

export class Lifecycle {
  private readonly steps: StopStep[] = [];
  private stopping: Promise<boolean> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly stepTimeoutMs = 15_000,
  ) {}

  /** Registers a stop step; it runs before every step registered earlier. */
  onStop(name: string, run: StopStep['run']): void {
    this.steps.push({ name, run });
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Runs every step once, however often it is called; resolves true when all succeeded. */
  stop(reason: string): Promise<boolean> {
    this.stopping ??= this.runSteps(reason);
    return this.stopping;
  }

  private async runSteps(reason: string): Promise<boolean> {
    this.logger.info({ reason }, 'stopping');
    let allOk = true;
    for (const step of [...this.steps].reverse()) {
      const outcome = await withTimeout(Promise.resolve().then(step.run), this.stepTimeoutMs);
      if (outcome === 'done') continue;
      allOk = false;
      if (outcome === 'timeout')
        this.logger.error({ step: step.name, timeoutMs: this.stepTimeoutMs }, 'stop step timed out');
      else this.logger.error({ step: step.name, err: outcome.error }, 'stop step failed');
    }
    return allOk;
  }

  /**
   * SIGTERM/SIGINT stop the app and exit. Repeated signals are ignored: `npm` and
   * `tsx` relay Ctrl+C to the child that already got it, and every step is time-limited,
   * so the stop ends anyway. A crash (uncaught exception, unhandled rejection) is
   * logged and stops the app with exit code 1.
   */
  installProcessHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.isStopping) {
        this.logger.debug({ signal }, 'already stopping');
        return;
      }
      void this.stop(signal).then((ok) => exit(ok ? 0 : 1));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const onCrash = (kind: string) => (error: unknown) => {
      this.logger.fatal({ err: error }, kind);
      void this.stop(kind).then(() => exit(1));
    };
    process.on('uncaughtException', onCrash('uncaught exception'));
    process.on('unhandledRejection', onCrash('unhandled rejection'));
  }
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<'done' | 'timeout' | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work.then(() => 'done' as const), timeout]);
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}
