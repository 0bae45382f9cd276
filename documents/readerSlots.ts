/**
 * How many reader processes run at once. Since the PoE check runs after the turn that
 * received a file, a partner attaching twenty files in a few quick turns no longer
 * waits for anything, so nothing but this bound keeps their readers (each up to ~280 MB
 * and 20 s of CPU with OCR) from running all at once and starving the bot. A reader's
 * time limit starts when it gets its slot, not when it is queued: a queued file is
 * never refused for the time it waited.
 */
import os from 'node:os';

export class ReaderSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most that ran at once since start, for tests and the bench. */
  peak = 0;

  constructor(readonly size: number) {}

  /** Runs `job` once a slot is free; the slot is given back however the job ends. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await job();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** One reader per core: two readers' peak memory (~560 MB) fits the smallest App Service plan that runs the bot. */
export const readerSlots = new ReaderSlots(Math.max(1, os.availableParallelism()));
