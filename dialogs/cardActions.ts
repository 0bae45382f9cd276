/**
 * Adaptive Card `Action.Execute` (the `adaptiveCard/action` invoke), routed by the
 * verb the card carries. Cards outside a dialog use it (reviewer actions, the
 * customer's consent card); the handlers are registered by verb in the composition
 * root. Anything we cannot route gets a typed 400, never a 500 or a silent 200.
 */
import type { AdaptiveCardInvokeResponse, InvokeResponse, TurnContext } from 'botbuilder';
import { asRecord } from './cardPrompt';

export type CardActionData = Readonly<Record<string, unknown>>;

/** Answers one verb: a card that replaces the clicked one, or a message. */
export type CardActionHandler = (context: TurnContext, data: CardActionData) => Promise<AdaptiveCardInvokeResponse>;

export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

export function cardActionError(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

export class CardActionRouter {
  private readonly handlers: ReadonlyMap<string, CardActionHandler>;

  constructor(handlers: Iterable<readonly [verb: string, handler: CardActionHandler]> = []) {
    this.handlers = new Map(handlers);
  }

  /** The verbs it answers (the rest get the typed 400), so a test can try every registered action. */
  get verbs(): string[] {
    return [...this.handlers.keys()];
  }

  /** The invoke response for an `adaptiveCard/action` activity. */
  async handle(context: TurnContext): Promise<InvokeResponse<AdaptiveCardInvokeResponse>> {
    const action = asRecord(asRecord(context.activity.value)?.action);
    const verb = action?.verb;
    let response: AdaptiveCardInvokeResponse;
    if (!action || action.type !== 'Action.Execute')
      response = cardActionError(400, 'BadRequest', 'expected an Action.Execute with a verb');
    else if (typeof verb !== 'string' || !this.handlers.has(verb))
      response = cardActionError(400, 'UnknownVerb', 'this card action is not known');
    else response = await (this.handlers.get(verb) as CardActionHandler)(context, asRecord(action.data) ?? {});
    return { status: response.statusCode, body: response };
  }
}
