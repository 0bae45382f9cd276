/**
 * The new-claim conversation (the start card: partner location, customer, solution and
 * name; then products, subscriptions, contacts, PoE, summary): a waterfall of parts, each skipping what is
 * already filled, so the same dialog starts a claim, resumes a draft at its first
 * missing field (`{ claimId }`), and re-runs one section from the
 * summary (`{ claimId, edit }`). A claim waiting for the partner's action
 * (partner action required) resumes the same way, for the edits it still allows.
 *
 * Started by MainDialog with `beginDialog(NEW_CLAIM_DIALOG, options)`; the Caller must
 * be in turn state (dialogs/caller.ts) on every turn. Ends with a NewClaimResult.
 */
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import {
  Dialog,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { renderCancelConfirmCard, renderCoopGuidanceCard, renderHelpCard } from '../../cards/render';
import type { SummarySection } from '../../cards/verbs';
import { editableFields } from '../../claims/statusMachine';
import { commandFor, t } from '../../locales/i18n';
import { callerOf } from '../caller';
import { CardPrompt, asRecord, cardMessage, type CardPromptOptions, type CardSubmission } from '../cardPrompt';
import { ClaimDraft, writerOf, type ClaimWork, type WriteStop } from './claimDraft';
import { ContactsDialog } from './contactsDialog';
import { FlowDialog, flowMemoryOf, recordFlowOutcome } from '../flowDialog';
import { discardPendingSow, pendingSowOf } from './sowPrefill';
import { PoeDialog } from './poeDialog';
import { ProductsDialog } from './productsDialog';
import { SummaryDialog } from './summaryDialog';
import { STOP_MESSAGES, type NewClaimResult, type SectionDialog, type SectionResult } from './sectionDialog';
import type { ClaimServices } from '../services';
import { StartDialog } from './startDialog';
import { RETIRED_SECTION_IDS, RetiredSectionDialog } from './retiredSections';
import { SubscriptionsDialog } from './subscriptionsDialog';
import { apologise } from '../apology';

export type { NewClaimOutcome, NewClaimResult } from './sectionDialog';

export const NEW_CLAIM_DIALOG = 'newClaim';

export interface NewClaimOptions {
  /** A draft (or a claim waiting for the partner's action) to continue. */
  claimId?: string;
  /** A section to ask again although it is filled; then on to the summary. */
  edit?: SummarySection;
}

/** The waterfall's own options: how it was (re)started. */
interface StepsOptions extends NewClaimOptions {
  /** Restarted from within the flow (after an edit): no "continuing your draft" line. */
  quiet?: boolean;
  /** The summary's comment box, typed and not yet added, across an edit. */
  comment?: string;
  /** What was gathered before the draft exists (fields, a SOW's files), kept across a restart. */
  work?: ClaimWork;
}

/** The help and welcome cards' buttons that start a flow of their own. */
const MAIN_MENU_VERBS: ReadonlySet<string> = new Set(['newClaim', 'continueDraft', 'myClaims']);

const STEPS = 'newClaim.flow';
/**
 * The waterfall as it was before the start card, with its old parts in their places:
 * a conversation saved mid-flow then resumes at the step index it saved, which must
 * still mean the same part (see retiredSections.ts).
 */
const LEGACY_STEPS = 'newClaim.steps';
const CANCEL_CONFIRM = 'newClaim.cancelConfirm';
const CANCEL_PROMPT = 'newClaim.cancelPrompt';
const CLAIM_ID_KEY = 'claimId';

/** What a restart before the draft keeps: the fields, and a SOW's stored files and proposal. */
const pendingOf = ({ fields, reservedClaimId, pendingPoe, proposal }: ClaimWork): ClaimWork => ({
  fields,
  ...(reservedClaimId ? { reservedClaimId } : {}),
  ...(pendingPoe ? { pendingPoe } : {}),
  ...(proposal ? { proposal } : {}),
});

export class NewClaimDialog extends FlowDialog {
  private readonly draft: ClaimDraft;
  private readonly optOutWindow: string;

  constructor(private readonly services: ClaimServices) {
    super(NEW_CLAIM_DIALOG);
    this.draft = new ClaimDraft(services);
    this.optOutWindow = services.lifecycle.optOutWindow;
    const parts: SectionDialog[] = [
      new StartDialog(services),
      new ProductsDialog(services),
      new SubscriptionsDialog(services),
      new ContactsDialog(services),
      new PoeDialog(services),
      new SummaryDialog(services),
    ];
    for (const part of parts) this.addDialog(part);
    for (const id of RETIRED_SECTION_IDS) this.addDialog(new RetiredSectionDialog(id));
    const [, ...afterStart] = parts.map((part) => part.id);
    for (const [id, ids] of [
      [STEPS, parts.map((part) => part.id)],
      [LEGACY_STEPS, [...RETIRED_SECTION_IDS, ...afterStart]],
    ] as const)
      this.addDialog(
        new WaterfallDialog(id, [
          (step) => this.startStep(step),
          ...ids.map((part) => (step: WaterfallStepContext) => this.partStep(step, part)),
          (step) => this.partStep(step, undefined),
        ]),
      );
    this.addDialog(new CardPrompt(CANCEL_PROMPT));
    this.addDialog(
      new WaterfallDialog(CANCEL_CONFIRM, [(step) => this.askCancelStep(step), (step) => this.cancelAnswerStep(step)]),
    );
    this.initialDialogId = STEPS;
  }

  // ---------------------------------------------------------------- the parts

  private async startStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as StepsOptions;
    const caller = callerOf(step.context);
    const writer = writerOf(caller);
    const end = async (outcome: WriteStop): Promise<DialogTurnResult> => {
      await step.context.sendActivity(t(caller.locale, STOP_MESSAGES[outcome]));
      return step.endDialog({
        outcome,
        ...(options.claimId ? { claimId: options.claimId } : {}),
      } satisfies NewClaimResult);
    };
    if (!writer) return end('notAllowed');
    const work: ClaimWork = options.work ?? { fields: {} };
    if (options.claimId !== undefined) {
      const claim = await this.draft.load(step.context, writer, options.claimId);
      if (!claim) return end('notFound');
      if (editableFields(claim.value.status).length === 0) return end('notEditable');
      work.claimId = options.claimId;
      if (!options.quiet && !options.edit) await step.context.sendActivity(t(caller.locale, 'drafts.resumed'));
    }
    if (options.edit) work.edit = options.edit;
    if (options.comment) work.comment = options.comment;
    return step.next({ kind: 'done', work } satisfies SectionResult);
  }

  /** Takes the last part's result, then starts the next part (or ends after the summary). */
  private async partStep(step: WaterfallStepContext, next: string | undefined): Promise<DialogTurnResult> {
    const result = step.result as SectionResult;
    switch (result.kind) {
      case 'stop':
        return step.endDialog(result.result);
      case 'edit':
        return step.replaceDialog(STEPS, {
          claimId: result.work.claimId,
          edit: result.section,
          quiet: true,
          ...(result.work.comment ? { comment: result.work.comment } : {}),
        } satisfies StepsOptions);
      case 'restart':
        // Before the draft exists what was gathered goes along; afterwards it is on the claim.
        if (result.work.claimId === undefined)
          return step.replaceDialog(STEPS, { quiet: true, work: pendingOf(result.work) } satisfies StepsOptions);
        return step.replaceDialog(STEPS, { claimId: result.work.claimId, quiet: true } satisfies StepsOptions);
      case 'done': {
        this.remember(step, result.work);
        if (next === undefined)
          return step.endDialog({ outcome: 'saved', claimId: result.work.claimId } satisfies NewClaimResult);
        return step.beginDialog(next, { work: result.work });
      }
    }
  }

  private remember(dc: DialogContext, work: ClaimWork): void {
    const memory = flowMemoryOf(dc, this.id);
    if (memory && work.claimId !== undefined) memory[CLAIM_ID_KEY] = work.claimId;
  }

  // ---------------------------------------------------------------- help, co-op, cancel

  protected async showHelp(context: TurnContext): Promise<void> {
    const caller = callerOf(context);
    await context.sendActivity(
      cardMessage(
        renderHelpCard(
          { canCreate: caller.isIncentivesAdmin, isReviewer: caller.isReviewer, optOutWindow: this.optOutWindow },
          caller.locale,
        ),
      ),
    );
  }

  protected claimIdOf(innerDc: DialogContext): string {
    const claimId = flowMemoryOf(innerDc, this.id)?.[CLAIM_ID_KEY];
    return typeof claimId === 'string' ? claimId : '';
  }

  /** A program outside CPOR named in typed text ("CSP", "호스팅") gets the co-op guidance, then the current step again. */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    // The help and welcome cards' buttons start things, and carry no step nonce: pressed
    // now, they are not an out-of-date card but a second flow, which waits for this one.
    const pressed = asRecord(activity.value)?.verb;
    if (typeof pressed === 'string' && MAIN_MENU_VERBS.has(pressed)) {
      await innerDc.context.sendActivity(t(callerOf(innerDc.context).locale, 'conversation.flowRunning'));
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const typed = activity.type === 'message' && activity.value === undefined ? (activity.text ?? '') : '';
    if (typed.trim() !== '' && commandFor(typed) === undefined) {
      const guidance = renderCoopGuidanceCard(typed, callerOf(innerDc.context).locale);
      if (guidance) {
        await innerDc.context.sendActivity(cardMessage(guidance));
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      }
    }
    return super.onContinueDialog(innerDc);
  }

  /**
   * Before the draft exists there is nothing to keep: stop. Afterwards ask keep or
   * discard; "back" returns to the step where the partner was. A claim that is no
   * longer a draft (partner action required) keeps its saved changes.
   */
  protected async onCancel(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (innerDc.activeDialog?.id === CANCEL_CONFIRM) {
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const caller = callerOf(innerDc.context);
    const claimId = this.claimIdOf(innerDc);
    const writer = writerOf(caller);
    const claim = claimId && writer ? await this.draft.load(innerDc.context, writer, claimId) : undefined;
    if (claim?.value.status === 'draft') return innerDc.beginDialog(CANCEL_CONFIRM, { claimId });
    // No draft yet (or it is gone): nothing to keep. A claim past draft keeps what was saved; so
    // does a draft its author may no longer change.
    const kept = claim !== undefined || (claimId !== '' && !writer);
    // A statement of work attached before the draft existed would stay in storage for no claim.
    const pending = claimId === '' ? pendingSowOf(innerDc) : undefined;
    if (pending && caller.tenantId) await discardPendingSow(this.services, caller.tenantId, pending);
    await innerDc.context.sendActivity(
      t(caller.locale, claim ? 'cancel.changesKept' : kept ? 'cancel.kept' : 'cancel.stopped'),
    );
    await innerDc.cancelAllDialogs();
    const result: NewClaimResult = kept ? { outcome: 'kept', claimId } : { outcome: 'stopped' };
    return { status: DialogTurnStatus.complete, result };
  }

  private async askCancelStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { claimId } = step.options as { claimId: string };
    const caller = callerOf(step.context);
    const writer = writerOf(caller);
    const claim = writer ? await this.draft.load(step.context, writer, claimId) : undefined;
    const nonce = randomUUID();
    const card = renderCancelConfirmCard(
      { claimId, nonce, ...(claim ? { claimName: claim.value.name } : {}) },
      caller.locale,
    );
    const prompt: CardPromptOptions = {
      prompt: cardMessage(card),
      validations: {
        verbs: ['cancelKeep', 'cancelDiscard', 'cancelBack'],
        nonce,
        claimId,
        staleNotice: t(caller.locale, 'conversation.staleCard'),
        typedNotice: t(caller.locale, 'conversation.expectedCard'),
      },
    };
    return step.prompt(CANCEL_PROMPT, prompt);
  }

  private async cancelAnswerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { claimId } = step.options as { claimId: string };
    const { verb } = step.result as CardSubmission;
    // Back: the part underneath resumes and shows its card again.
    if (verb === 'cancelBack') return step.endDialog();
    const caller = callerOf(step.context);
    const writer = writerOf(caller);
    if (!writer) {
      await step.context.sendActivity(t(caller.locale, STOP_MESSAGES.notAllowed));
      return this.endFlow(step, { outcome: 'notAllowed', claimId });
    }
    if (verb === 'cancelKeep') {
      await step.context.sendActivity(t(caller.locale, 'cancel.kept'));
      return this.endFlow(step, { outcome: 'kept', claimId });
    }
    try {
      const discarded = await this.draft.discard(step.context, writer, claimId);
      if (!discarded.ok) {
        await step.context.sendActivity(t(caller.locale, STOP_MESSAGES[discarded.error]));
        return this.endFlow(step, { outcome: discarded.error, claimId });
      }
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      // Nothing is lost: the draft is still there (files first, then the claim), so asking again and retrying completes it.
      await apologise(step.context, t(caller.locale, 'errors.storage'));
      return step.replaceDialog(CANCEL_CONFIRM, { claimId });
    }
    await step.context.sendActivity(t(caller.locale, 'cancel.discarded'));
    return this.endFlow(step, { outcome: 'discarded', claimId });
  }

  /** Ends the whole flow from inside one of its dialogs, with this result. */
  private async endFlow(step: WaterfallStepContext, result: NewClaimResult): Promise<DialogTurnResult> {
    recordFlowOutcome(step, this.id, result);
    return step.cancelAllDialogs();
  }
}
