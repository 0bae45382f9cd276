/**
 * A prompt answered by an Adaptive Card's Action.Submit (or, where asked, a file
 * attached in the chat). TextPrompt would re-ask forever on a card submit (it has
 * no text) and prompts ignore invokes, so waterfalls use this instead.
 *
 * Each card carries `{ verb, claimId, nonce }` in its data. A submit whose nonce or
 * claim differs comes from an older card (stale): it is refused with a notice and
 * the current card is shown again. Typed text gets its own notice, and the card.
 */
import type { Activity, Attachment, TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface CardSubmission {
  verb: string;
  /** The submitted inputs merged with the action's data, minus the routing fields. */
  values: Record<string, unknown>;
  /** Teams file attachments, when the prompt accepts files and one was sent. */
  files: Attachment[];
}

export interface CardPromptExpectation {
  verbs: string[];
  nonce: string;
  claimId?: string;
  /** Accept a message carrying Teams file attachments as the answer (verb 'file'). */
  acceptFiles?: boolean;
  /** Pre-localized notices, so this prompt needs no locale of its own. */
  staleNotice: string;
  typedNotice: string;
}

export interface CardPromptOptions extends PromptOptions {
  validations: CardPromptExpectation;
}

type Miss = 'stale' | 'typed';
const MISS = 'cardPrompt.miss';

export class CardPrompt extends Prompt<CardSubmission> {
  constructor(dialogId: string) {
    super(dialogId);
  }

  protected async onPrompt(context: TurnContext, state: Record<string, unknown>, options: PromptOptions, isRetry: boolean): Promise<void> {
    const expectation = (options as CardPromptOptions).validations;
    if (isRetry) {
      const miss = state[MISS] as Miss | undefined;
      await context.sendActivity(miss === 'stale' ? expectation.staleNotice : expectation.typedNotice);
    }
    if (options.prompt) await context.sendActivity(options.prompt);
  }

  protected async onRecognize(context: TurnContext, state: Record<string, unknown>, options: PromptOptions): Promise<PromptRecognizerResult<CardSubmission>> {
    const expectation = (options as CardPromptOptions).validations;
    const activity = context.activity;
    const value = asRecord(activity.value);
    if (value) {
      const { verb, nonce, claimId, ...values } = value;
      const current = typeof verb === 'string' && expectation.verbs.includes(verb) && nonce === expectation.nonce && (expectation.claimId === undefined || claimId === expectation.claimId);
      if (current) return { succeeded: true, value: { verb: verb as string, values, files: [] } };
      state[MISS] = 'stale';
      return { succeeded: false };
    }
    const files = (activity.attachments ?? []).filter((a) => a.contentType === FILE_DOWNLOAD_INFO);
    if (expectation.acceptFiles && files.length > 0) {
      return { succeeded: true, value: { verb: 'file', values: {}, files } };
    }
    state[MISS] = 'typed';
    return { succeeded: false };
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Builds the message activity that shows a card. */
export function cardMessage(card: Attachment): Partial<Activity> {
  return { type: 'message', attachments: [card] };
}
