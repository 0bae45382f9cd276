/**
 * Opens a message turn's shared reads (storage/turnReads) before the de-duplication
 * middleware runs, and starts the caller's directory read in them without waiting for
 * it. The de-duplication first reads the conversation state, and only then does the
 * bot resolve its caller: two Cosmos DB round trips one after the other. Started here,
 * the directory read runs while the state is read, and the bot's own resolution later
 * in the turn gets that same read (see callerResolver.ts `readAhead`).
 *
 * Nothing is kept across turns: the reads belong to this turn's context, the directory
 * read is made afresh for it (a role taken away holds from the next request), and work
 * the turn leaves for afterwards still runs outside them (claimsBot.ts `run`).
 *
 * Only messages: they are the turns the de-duplication reads state for before the bot
 * runs. Invokes and installs reach the bot at once (it opens their reads itself), and the
 * event turns of proactive sends pass through the middleware without ever resolving a
 * caller, so a read started for them would be a read for nothing.
 */
import type { Middleware, TurnContext } from 'botbuilder';

/** Runs work in one turn's shared reads (storage/turnReads `newTurnReads`); every call shares them. */
export type TurnReads = <T>(work: () => Promise<T>) => Promise<T>;

export interface ReadAheadOptions {
  /** Opens a new turn's shared reads; without it nothing is shared, and nothing is read ahead. */
  open?: () => TurnReads;
  /** Starts the reads the turn makes first, without waiting for them. */
  start: (context: TurnContext) => void;
}

const OPENED = Symbol('cpor.readAhead.turnReads');

const unshared: TurnReads = (work) => work();

export class ReadAhead implements Middleware {
  constructor(private readonly options: ReadAheadOptions) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { open, start } = this.options;
    if (open && context.activity.type === 'message') {
      const reads = open();
      context.turnState.set(OPENED, reads);
      // Not awaited, and its failure not reported here: a failed read is not kept
      // (turnReads), so the turn's own read shares it and reports it, or makes it again.
      void reads(async () => start(context)).catch(() => undefined);
    }
    await next();
  }

  /** Runs the turn's work in the reads opened for it above, else in new ones. */
  run<T>(context: TurnContext, work: () => Promise<T>): Promise<T> {
    const reads = (context.turnState.get(OPENED) as TurnReads | undefined) ?? this.options.open?.() ?? unshared;
    return reads(work);
  }
}
