/**
 * The base of a user flow: "help" and "cancel" work at any step, typed in any of the
 * three languages or pressed on one of the flow's cards, before the waiting prompt
 * sees them (a card prompt would otherwise call them out of date, or typed text).
 *
 * Help shows the help card and then the current step again. Cancel is the flow's
 * business (`onCancel`): the new claim asks whether to keep or discard its draft.
 * A nested step that ends the whole flow records its outcome with `recordFlowOutcome`
 * and cancels the flow's dialogs; the flow then ends with that outcome.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { commandFor } from '../locales/i18n';
import { asRecord } from './cardPrompt';

export type Interruption =
  { kind: 'help' } | { kind: 'cancel'; /** The claim of the card pressed; absent when typed. */ claimId?: string };

/** Help or cancel, typed or pressed; undefined for anything else. */
export function interruptionOf(activity: Partial<Activity>): Interruption | undefined {
  if (activity.type !== 'message') return undefined;
  const value = asRecord(activity.value);
  if (value) {
    if (value.verb === 'help') return { kind: 'help' };
    if (value.verb === 'cancel')
      return { kind: 'cancel', claimId: typeof value.claimId === 'string' ? value.claimId : '' };
    return undefined;
  }
  const command = commandFor(activity.text);
  if (command === 'help') return { kind: 'help' };
  if (command === 'cancel') return { kind: 'cancel' };
  return undefined;
}

const OUTCOME_KEY = 'flowOutcome';

/**
 * The state of the flow `flowId` on the stack around `dc` (the flow's own instance,
 * which lives as long as the flow), or undefined when `dc` is not inside it.
 */
export function flowMemoryOf(dc: DialogContext, flowId: string): Record<string, unknown> | undefined {
  for (let at: DialogContext | undefined = dc; at; at = at.parent) {
    const instance = at.activeDialog;
    if (instance?.id === flowId) return instance.state as Record<string, unknown>;
  }
  return undefined;
}

/** Records how the flow ended, for a step about to cancel all of the flow's dialogs. */
export function recordFlowOutcome(dc: DialogContext, flowId: string, outcome: unknown): void {
  const memory = flowMemoryOf(dc, flowId);
  if (memory) memory[OUTCOME_KEY] = outcome;
}

export abstract class FlowDialog extends ComponentDialog {
  /** Sends the help card for this flow. */
  protected abstract showHelp(context: TurnContext): Promise<void>;

  /** Handles cancel; the inner dialogs are still in place. */
  protected abstract onCancel(innerDc: DialogContext): Promise<DialogTurnResult>;

  /** The claim the flow works on ('' before there is one): a cancel pressed on another claim's card is stale. */
  protected abstract claimIdOf(innerDc: DialogContext): string;

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interruption = interruptionOf(innerDc.context.activity);
    if (interruption?.kind === 'help') {
      await this.showHelp(innerDc.context);
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (
      interruption?.kind === 'cancel' &&
      (interruption.claimId === undefined || interruption.claimId === this.claimIdOf(innerDc))
    ) {
      return this.onCancel(innerDc);
    }
    return super.onContinueDialog(innerDc);
  }

  /** A flow whose dialogs were cancelled from inside ends with the outcome its step recorded. */
  protected override endComponent(outerDc: DialogContext, result: unknown): Promise<DialogTurnResult> {
    const recorded = (outerDc.activeDialog?.state as Record<string, unknown> | undefined)?.[OUTCOME_KEY];
    return super.endComponent(outerDc, result ?? recorded);
  }
}
