/**
 * Reads shared by everything in one turn. A turn reads the caller's organisation afresh
 * when it starts (a role granted or taken holds from the next request, on every instance);
 * what else in the same turn asks for that organisation again (the PoE check's partner
 * names, the lifecycle's role check) gets the same entry instead of another point read.
 * Outside a turn (scheduler, consent pages, scripts) nothing is shared: every read is fresh.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const turn = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Runs work in one turn's reads; every call of the same one shares them. */
export type TurnReads = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * A new turn's reads, to run more than one piece of work in: a read started before the
 * turn's own work (while the de-duplication reads the conversation state) is then the
 * one the work finds, instead of a second read after the first wait.
 */
export function newTurnReads(): TurnReads {
  const reads = new Map<string, Promise<unknown>>();
  return (work) => turn.run(reads, work);
}

/** Runs `work` as one turn: reads made through `sharedInTurn` inside it are made once. */
export function withTurnReads<T>(work: () => Promise<T>): Promise<T> {
  return newTurnReads()(work);
}

/** `read()` once per turn and key (a failed read is not kept); outside a turn, always `read()`. */
export function sharedInTurn<T>(key: string, read: () => Promise<T>): Promise<T> {
  const reads = turn.getStore();
  if (!reads) return read();
  const known = reads.get(key) as Promise<T> | undefined;
  if (known) return known;
  const fresh = read();
  reads.set(key, fresh);
  fresh.catch(() => reads.delete(key));
  return fresh;
}

/** What this turn wrote under `key` is what the rest of the turn reads (or, undefined, read again). */
export function writtenInTurn<T>(key: string, value: T | undefined): void {
  const reads = turn.getStore();
  if (!reads) return;
  if (value === undefined) reads.delete(key);
  else reads.set(key, Promise.resolve(value));
}
