/**
 * One apology per turn: a dialog that already told the user something failed (and
 * what to do) marks the turn, so a later failure in the same turn (the state write
 * at its end, say) is logged without a second, generic apology.
 */
import type { Activity, TurnContext } from 'botbuilder';

const APOLOGISED = Symbol('cpor.apologised');

/** Sends the friendly failure message and remembers that this turn apologised. */
export async function apologise(context: TurnContext, message: string | Partial<Activity>): Promise<void> {
  context.turnState.set(APOLOGISED, true);
  await context.sendActivity(message);
}

export function hasApologised(context: TurnContext): boolean {
  return context.turnState.get(APOLOGISED) === true;
}
