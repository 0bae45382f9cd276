/**
 * Proof of execution: files attached in the chat (Teams `file.download.info`), each
 * opened from its short-lived download URL in the same turn and streamed into
 * private storage, then recorded on the draft. Several files are welcome; none is
 * required yet (a draft may be saved without), since submission checks it.
 * The card is one message, updated in place after each file; the filled-in template
 * is a signed download link on it from the start. Each file's check runs after the
 * turn that received it and updates the card again when it is done (poeChecks.ts).
 */
import type { Attachment, TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogReason,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import { fileChecklists } from '../../cards/poeChecklist';
import { renderPoeCard, type CardAttachment, type StepContext } from '../../cards/render';
import { errorName } from '../../claims/notifications';
import type { Claim, PoeFile, PoeFileCheck } from '../../claims/model';
import { problemMessages, t } from '../../locales/i18n';
import { callerOf } from '../caller';
import { FILE_DOWNLOAD_INFO, cardMessage, type CardSubmission } from '../cardPrompt';
import { storeAttachment } from './poeUpload';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices, SamplePoeSource } from '../services';
import { checkPoe, partnerChecklistOptions } from '../poeReading';
import { checksAfterTurn, conversationKeyOf } from '../poeChecks';
import type { WriteStop } from './claimDraft';

export const POE_DIALOG = 'newClaim.poe';

export class PoeDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(POE_DIALOG, services, ['poe'], { step: 'poe', title: 'poe.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return turn.claim.poe.length > 0;
  }

  /** A pasted image arrives as an inline attachment, not as a file: say so rather than "use the card". */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    const attachments = activity.attachments ?? [];
    const pastedImage =
      attachments.some((a) => a.contentType.startsWith('image/')) &&
      !attachments.some((a) => a.contentType === FILE_DOWNLOAD_INFO);
    if (activity.type === 'message' && activity.value === undefined && pastedImage) {
      await innerDc.context.sendActivity(t(callerOf(innerDc.context).locale, 'poe.inlineImage'));
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(innerDc);
  }

  /** The card is answered or the flow left (cancel, an edit elsewhere): a check finishing later leaves it alone. */
  protected override async onEndDialog(context: TurnContext, instance: DialogInstance, reason: DialogReason) {
    this.services.poeChecks?.closed(conversationKeyOf(context));
    await super.onEndDialog(context, instance, reason);
  }

  protected async ask(turn: Turn, options: SectionOptions): Promise<CardAsk | Next> {
    if (turn.work.claimId === undefined) return { kind: 'restart', work: turn.work };
    if ((turn.work.pendingPoe ?? []).length > 0) return this.recordPending(turn, options);
    const checks = checksAfterTurn(turn.context, turn.services);
    // A file recorded without its result and not being checked here lost its check to a restart.
    for (const file of turn.claim.poe)
      checks?.startAfterTurn(turn.context, turn.services, turn.claim, file, turn.locale);
    // Only signed here: the template is made when the link is opened (bot/http/templateDownloads.ts).
    const templateUrl = turn.services.templateLinks.poeTemplate(turn.claim, turn.locale);
    const offerSample = turn.services.samplePoe !== undefined;
    const draw = (step: StepContext, claim: Claim): CardAttachment =>
      renderPoeCard(
        {
          ...step,
          files: claim.poe,
          checkingIds: claim.poe.filter((f) => !f.check && checks?.isRunning(f.id)).map((f) => f.id),
          maxSizeBytes: turn.services.evidenceMaxBytes,
          templateUrl,
          offerSample,
          problems: options.problems ?? [],
          checklist: fileChecklists(claim, claim.poe, turn.locale, partnerChecklistOptions(turn.services)),
        },
        turn.locale,
      );
    return {
      verbs: offerSample ? ['poeDone', 'poeSample'] : ['poeDone'],
      acceptFiles: true,
      typedNotice: 'conversation.expectedFile',
      card: (step) => {
        const card = draw(step, turn.claim);
        checks?.rememberCard(turn.context, {
          claimId: turn.claim.id,
          nonce: step.nonce,
          ...(options.replaceCard ? { replaces: options.replaceCard } : {}),
          render: (claim) => cardMessage(draw(step, claim)),
        });
        return card;
      },
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    if (submission.verb === 'poeDone') {
      turn.services.poeChecks?.closed(conversationKeyOf(turn.context));
      return this.done(turn);
    }
    // The same card is updated in place with the files (and their checks when they are done).
    const inPlace = submission.cardActivityId ? { replaceCard: submission.cardActivityId } : {};
    if (submission.verb === 'poeSample' && turn.services.samplePoe) {
      const stop = await this.receiveSample(turn, turn.services.samplePoe);
      return stop ? this.stop(turn, stop) : this.askAgain(options, undefined, [], inPlace);
    }
    for (const file of submission.files) {
      const stop = await this.receive(turn, file);
      if (stop) return this.stop(turn, stop);
    }
    return this.askAgain(options, undefined, [], inPlace);
  }

  /**
   * Files attached before the draft existed (the SOW the claim was started from) were
   * stored under its id: now they are recorded on it and checked against the claim as
   * it stands (after the turn, when the bot runs the checks), and the card is asked again.
   */
  private async recordPending(turn: Turn, options: SectionOptions): Promise<Next> {
    const pending = (turn.work.pendingPoe ?? []).filter(
      (file) => !turn.claim.poe.some((recorded) => recorded.id === file.id),
    );
    const work = { ...turn.work, pendingPoe: undefined };
    if (pending.length === 0) return { kind: 'ask', options: { ...options, work } };
    const checked = checksAfterTurn(turn.context, turn.services)
      ? pending.map(({ check: _check, ...file }) => file)
      : await Promise.all(pending.map(async (file) => ({ ...file, ...(await this.checkOf(turn, file)) })));
    const saved = await this.draft.save(turn.context, turn.writer, turn.work, { addPoe: checked });
    if (!saved.ok) {
      if ('stop' in saved) return this.stop(turn, saved.stop);
      for (const line of problemMessages(turn.locale, saved.problems)) await this.sayPlain(turn, line);
    }
    return { kind: 'ask', options: { ...options, work } };
  }

  private async checkOf(turn: Turn, file: PoeFile): Promise<{ check?: PoeFileCheck }> {
    const check = await checkPoe(turn.services, turn.claim, file, turn.locale);
    return check ? { check } : {};
  }

  /** Local mode: a generated sample, served like a Teams download and received like any attached file. */
  private async receiveSample(turn: Turn, source: SamplePoeSource): Promise<WriteStop | undefined> {
    const sample = await source.serve(turn.claim);
    try {
      const content = { downloadUrl: sample.downloadUrl, fileType: sample.fileType };
      return await this.receive(turn, { contentType: FILE_DOWNLOAD_INFO, name: sample.fileName, content });
    } finally {
      await sample.close();
    }
  }

  /** Stores one attached file and records it on the draft; refusals are told, not thrown. */
  private async receive(turn: Turn, attachment: Attachment): Promise<WriteStop | undefined> {
    const stored = await storeAttachment(turn, attachment, turn.claim.id);
    if (!stored) return undefined;
    const saved = await this.draft
      .save(turn.context, turn.writer, turn.work, { addPoe: [stored] })
      .catch(async (e: unknown) => {
        // A write whose answer was lost (a timeout, a cut connection) may have gone
        // through: then the claim records the file, which must stay. Only a file the
        // claim is known not to record is an orphan to remove; when even that cannot be
        // read, an orphan file is the lesser harm than a claim pointing at nothing.
        const recorded = await this.recordedIn(turn, stored);
        if (recorded === 'unknown') throw e;
        if (recorded !== 'no') return { ok: true as const, work: turn.work, claim: recorded };
        await this.removeQuietly(turn, stored);
        throw e;
      });
    if (!saved.ok) {
      await this.removeQuietly(turn, stored);
      if ('stop' in saved) return saved.stop;
      for (const line of problemMessages(turn.locale, saved.problems)) await this.sayPlain(turn, line);
      return undefined;
    }
    turn.claim = saved.claim;
    // The card updated in place acknowledges the file; its check runs after this turn.
    const checks = checksAfterTurn(turn.context, turn.services);
    if (checks) checks.startAfterTurn(turn.context, turn.services, turn.claim, stored, turn.locale);
    else await this.recordCheck(turn, stored);
    return undefined;
  }

  /** Without a place to run checks after the turn, the file is read in it and the card drawn next shows the result. */
  private async recordCheck(turn: Turn, file: PoeFile): Promise<void> {
    const check = await checkPoe(turn.services, turn.claim, file, turn.locale);
    if (!check) return;
    try {
      const saved = await this.draft.save(turn.context, turn.writer, turn.work, {
        poeChecks: [{ poeId: file.id, check }],
      });
      if (saved.ok) turn.claim = saved.claim;
    } catch (e) {
      turn.services.log('warn', 'poeCheckNotRecorded', { claimId: turn.claim.id, poeId: file.id, error: errorName(e) });
    }
  }

  /** The claim as stored when it records `file`, 'no' when it does not, 'unknown' when it cannot be read. */
  private async recordedIn(turn: Turn, file: PoeFile): Promise<Claim | 'no' | 'unknown'> {
    const claimId = turn.work.claimId;
    if (claimId === undefined) return 'no';
    try {
      const current = await turn.draft.load(turn.context, turn.writer, claimId, true);
      return current?.value.poe.some((recorded) => recorded.id === file.id) ? current.value : 'no';
    } catch {
      return 'unknown';
    }
  }

  /** A stored file the draft does not record would be an orphan: remove it, best effort. */
  private async removeQuietly(turn: Turn, file: PoeFile): Promise<void> {
    try {
      await turn.services.evidence.remove(turn.claim, file.id);
    } catch {
      // Storage is failing already; the partner is told about the failure that matters.
    }
  }
}
