/**
 * The four cards the start card replaced (partner location, customer, solution, claim
 * name). A conversation saved while one of them waited still names it in its dialog
 * stack, and bot state outlives a deployment: without a dialog of that id the partner's
 * next click would fail the turn. Each old id is this dialog, which hands the flow back
 * to the new steps with what the partner had gathered (the old card's waterfall kept
 * it in its options), so the start card comes up prefilled.
 *
 * Remove, with LEGACY_STEPS in newClaimDialog.ts, once no conversation state from
 * before the start card can remain (the bot state's time to live after that deployment).
 */
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { t } from '../../locales/i18n';
import { callerOf } from '../caller';
import type { ClaimWork } from './claimDraft';
import type { SectionResult } from './sectionDialog';

export const RETIRED_SECTION_IDS = [
  'newClaim.location',
  'newClaim.customer',
  'newClaim.solution',
  'newClaim.claimName',
] as const;

/** The work the old section's inner waterfall held: `{ dialogs: { dialogStack: [{ state: { options: { work } } }] } }`. */
function workOf(state: unknown): ClaimWork {
  const stack = (state as { dialogs?: { dialogStack?: unknown } } | undefined)?.dialogs?.dialogStack;
  const first: unknown = Array.isArray(stack) ? stack[0] : undefined;
  const work = (first as { state?: { options?: { work?: unknown } } } | undefined)?.state?.options?.work;
  if (typeof work === 'object' && work !== null && typeof (work as ClaimWork).fields === 'object')
    return work as ClaimWork;
  return { fields: {} };
}

export class RetiredSectionDialog extends Dialog {
  override async beginDialog(dc: DialogContext, options?: { work?: ClaimWork }): Promise<DialogTurnResult> {
    return this.handBack(dc, options?.work ?? { fields: {} });
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(t(callerOf(dc.context).locale, 'conversation.stepsChanged'));
    return this.handBack(dc, workOf(dc.activeDialog?.state));
  }

  /** Restart: the new steps begin again from the stored claim, or from the fields gathered before it. */
  private handBack(dc: DialogContext, work: ClaimWork): Promise<DialogTurnResult> {
    return dc.endDialog({ kind: 'restart', work } satisfies SectionResult);
  }
}
