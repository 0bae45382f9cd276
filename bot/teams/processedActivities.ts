/**
 * The activities a conversation's last turns processed, kept in its conversation state,
 * so the de-duplication middleware needs no second write per turn: the state write that
 * ends the turn (eTag'd, with the dialog stack) says the activity was processed, or
 * nothing was saved and a redelivery runs it. Only a short digest of each record id is
 * kept, for the last few turns: a channel redelivers within seconds of the original.
 */
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { CompletionInState } from './deduplicateActivities';

/** Turns remembered: more than a partner sends while one answer is still late. */
const KEPT = 8;
/** 96 bits of the record id's SHA-256 (base64url): unique enough within one conversation. */
const DIGEST_CHARS = 16;
const SAVED = Symbol('cpor.processedActivities.saved');

const digestOf = (recordId: string): string =>
  recordId.slice(recordId.indexOf('.') + 1, recordId.indexOf('.') + 1 + DIGEST_CHARS);

export class ProcessedActivities implements CompletionInState {
  private readonly ids: StatePropertyAccessor<string[]>;

  constructor(state: ConversationState) {
    this.ids = state.createProperty<string[]>('processedActivities');
  }

  async recorded(context: TurnContext, id: string): Promise<boolean> {
    return (await this.ids.get(context, [])).includes(digestOf(id));
  }

  async record(context: TurnContext, id: string): Promise<void> {
    const digest = digestOf(id);
    const kept = (await this.ids.get(context, [])).filter((d) => d !== digest);
    await this.ids.set(context, [...kept, digest].slice(-KEPT));
  }

  async persisted(context: TurnContext, id: string): Promise<boolean> {
    return context.turnState.get(SAVED) === true && (await this.recorded(context, id));
  }

  /** The turn's state write went through (the bot calls this after saving). */
  saved(context: TurnContext): void {
    context.turnState.set(SAVED, true);
  }
}
