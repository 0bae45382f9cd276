/**
 * A prompt answered by an Adaptive Card's Action.Submit (or, where asked, a file
 * attached in the chat). TextPrompt would re-ask forever on a card submit (it has
 * no text) and prompts ignore invokes, so waterfalls use this instead.
 *
 * Each card carries `{ verb, claimId, nonce }` in its data. A submit whose nonce or
 * claim differs comes from an older card (stale): it is refused with a notice and
 * the current card is shown again. Typed text gets its own notice, and the card; a
 * prompt that reads typed text (`acceptTyped`) gets it as the answer instead (verb
 * 'typed'), so a section can put what was typed into its card.
 *
 * The id of the message that carried the card is kept, so the dialog can replace an
 * answered card in place (Teams and the Agents Playground support `updateActivity`).
 *
 * A prompt made with a `redraw` keeps no copy of the card once it is shown: the dialog
 * that asked draws it again (same nonce) when it has to come again, from the few
 * options it left in `redrawWith`. The rendered card was most of the conversation
 * state (about 2.3 of 3.9 KB), read, hashed and written back on every turn.
 */
import { InputHints, type Activity, type Attachment, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface CardSubmission {
  verb: string;
  /** The submitted inputs merged with the action's data, minus the routing fields. */
  values: Record<string, unknown>;
  /** Teams file attachments, when the prompt accepts files and one was sent. */
  files: Attachment[];
  /** The message that carried the card answered (the click's `replyToId`, else the one this prompt sent). */
  cardActivityId?: string;
  /** Typed text, when the prompt accepts it (verb 'typed'). */
  text?: string;
  /** The nonce of the card answered (only a current card's is taken): the same for every submit of one card. */
  nonce?: string;
}

export interface CardPromptExpectation {
  verbs: string[];
  nonce: string;
  claimId?: string;
  /** Accept a message carrying Teams file attachments as the answer (verb 'file'). */
  acceptFiles?: boolean;
  /** Accept typed text as the answer (verb 'typed'), for a section that reads values out of it. */
  acceptTyped?: boolean;
  /** What the card becomes when it is shown again below (typed text, a stale click): nothing to answer on it. */
  supersededCard?: Partial<Activity>;
  /** Show the card in place of this message instead of posting it again. */
  replaceActivityId?: string;
  /** Pre-localized notices, so this prompt needs no locale of its own. */
  staleNotice: string;
  typedNotice: string;
  /** What the prompt's `redraw` draws the card from; with it, the card itself is not kept. */
  redrawWith?: Record<string, unknown>;
}

/** The card and what it becomes when shown again below, drawn again instead of kept (see above). */
export type CardRedraw = (
  context: TurnContext,
  expectation: CardPromptExpectation,
) => Promise<{ prompt: Partial<Activity>; supersededCard?: Partial<Activity> } | undefined>;

export interface CardPromptOptions extends PromptOptions {
  validations: CardPromptExpectation;
}

type Miss = 'stale' | 'typed';
const MISS = 'cardPrompt.miss';
const CARD_ID = 'cardPrompt.cardActivityId';

export class CardPrompt extends Prompt<CardSubmission> {
  constructor(
    dialogId: string,
    private readonly redraw?: CardRedraw,
  ) {
    super(dialogId);
  }

  protected async onPrompt(
    context: TurnContext,
    state: Record<string, unknown>,
    options: PromptOptions,
    isRetry: boolean,
  ): Promise<void> {
    const expectation = (options as CardPromptOptions).validations;
    if (isRetry) {
      const miss = state[MISS] as Miss | undefined;
      await context.sendActivity(miss === 'stale' ? expectation.staleNotice : expectation.typedNotice);
    }
    const previous = typeof state[CARD_ID] === 'string' ? state[CARD_ID] : undefined;
    const drawn = await this.cardOf(context, options as CardPromptOptions);
    if (!drawn?.prompt) return;
    const prompt = typeof drawn.prompt === 'string' ? { type: 'message', text: drawn.prompt } : { ...drawn.prompt };
    prompt.inputHint ??= InputHints.ExpectingInput;
    const replace = previous === undefined ? expectation.replaceActivityId : undefined;
    if (replace && (await updated(context, { ...prompt, id: replace }))) {
      state[CARD_ID] = replace;
      return;
    }
    // The same card again below (after a miss, help, a word in between): the one above
    // closes, so only one of them takes answers.
    if (previous && drawn.supersededCard) await updated(context, { ...drawn.supersededCard, id: previous });
    const sent = await context.sendActivity(prompt);
    if (sent?.id) state[CARD_ID] = sent.id;
  }

  /**
   * The card to show and what it becomes when shown again below: the copy in the options
   * when they have one, else drawn again. With a `redraw`, the copy is dropped once read.
   */
  private async cardOf(
    context: TurnContext,
    options: CardPromptOptions,
  ): Promise<{ prompt?: string | Partial<Activity>; supersededCard?: Partial<Activity> } | undefined> {
    const expectation = options.validations;
    const copy = { prompt: options.prompt, supersededCard: expectation.supersededCard };
    if (!this.redraw || expectation.redrawWith === undefined) return copy;
    delete options.prompt;
    delete expectation.supersededCard;
    return copy.prompt ? copy : this.redraw(context, expectation);
  }

  protected async onRecognize(
    context: TurnContext,
    state: Record<string, unknown>,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<CardSubmission>> {
    const expectation = (options as CardPromptOptions).validations;
    const activity = context.activity;
    const value = asRecord(activity.value);
    const sentCard = typeof state[CARD_ID] === 'string' ? state[CARD_ID] : undefined;
    if (value) {
      const { verb, nonce, claimId, ...values } = value;
      const current =
        typeof verb === 'string' &&
        expectation.verbs.includes(verb) &&
        nonce === expectation.nonce &&
        (expectation.claimId === undefined || claimId === expectation.claimId);
      const cardActivityId = activity.replyToId || sentCard;
      if (current)
        return {
          succeeded: true,
          value: {
            verb: verb as string,
            values,
            files: [],
            nonce: expectation.nonce,
            ...(cardActivityId ? { cardActivityId } : {}),
          },
        };
      state[MISS] = 'stale';
      return { succeeded: false };
    }
    const files = (activity.attachments ?? []).filter((a) => a.contentType === FILE_DOWNLOAD_INFO);
    // A file is not sent from the card: the card to update is the one this prompt showed.
    const shown = sentCard ? { cardActivityId: sentCard } : {};
    if (expectation.acceptFiles && files.length > 0) {
      return { succeeded: true, value: { verb: 'file', values: {}, files, ...shown } };
    }
    const text = (activity.text ?? '').trim();
    if (expectation.acceptTyped && text !== '')
      return { succeeded: true, value: { verb: 'typed', values: {}, files: [], text, ...shown } };
    state[MISS] = 'typed';
    return { succeeded: false };
  }
}

/** Replaces a message; false when the chat refused (the message is too old, the client cannot). */
async function updated(context: TurnContext, activity: Partial<Activity>): Promise<boolean> {
  try {
    await context.updateActivity(activity);
    return true;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return false;
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Builds the message activity that shows a card. */
/**
 * Whether this turn's answers can change an earlier message: not when the client
 * collects the replies of the turn (`expectReplies`), which has nothing to update.
 */
export const updatable = (context: TurnContext): boolean => context.activity.deliveryMode !== 'expectReplies';

export function cardMessage(card: Attachment): Partial<Activity> {
  return { type: 'message', attachments: [card] };
}
