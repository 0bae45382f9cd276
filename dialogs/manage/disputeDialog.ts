/**
 * Disputing a rejection (once, within 30 days): the justification comes from the status
 * card; this flow then takes optional new proof of execution — files attached in the
 * chat, each opened from its short-lived Teams link in the same turn and stored — and
 * files the dispute with them in one lifecycle write (status, history entry with the
 * justification, the new PoE on the claim). Each new file is checked like the claim's
 * PoE and its checklist shown on the card; it goes onto the claim with the file, so the
 * reviewer's detail card shows it too. "Cancel" stops without filing anything.
 * Files stored for a dispute that is cancelled or refused are deleted again: no claim
 * would ever refer to them.
 *
 * Started by MainDialog through ClaimActions, which has already judged that the dispute
 * may be filed; the role, organisation and dispute rules are checked again on filing.
 */
import { randomUUID } from 'node:crypto';
import type { Attachment, TurnContext } from 'botbuilder';
import {
  DialogTurnStatus,
  WaterfallDialog,
  type DialogInstance,
  type DialogReason,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { plainTextMessage, renderHelpCard, renderNoticeCard, type CardAttachment } from '../../cards/render';
import { fileChecklists, withChecklistBelow } from '../../cards/poeChecklist';
import { DomainError, EvidenceRejected } from '../../claims/errors';
import { errorName } from '../../claims/notifications';
import type { Claim, PoeFile, PoeFileCheck } from '../../claims/model';
import { formatFileSize, t, type Locale, type MessageKey } from '../../locales/i18n';
import { callerOf, type Caller } from '../caller';
import { asRecord, CardPrompt, cardMessage, type CardPromptOptions, type CardSubmission } from '../cardPrompt';
import { writerOf } from '../newClaim/claimDraft';
import { FlowDialog, flowMemoryOf } from '../flowDialog';
import { claimInOrganisation, lifecycleCallerOf, sayDone, sayProblems } from './manageReplies';
import type { ClaimServices } from '../services';
import { checkPoe, partnerChecklistOptions } from '../poeReading';
import { checksAfterTurn, conversationKeyOf } from '../poeChecks';

export const DISPUTE_DIALOG = 'manage.dispute';
const STEPS = 'manage.dispute.steps';
const PROMPT = 'manage.dispute.prompt';
const CLAIM_ID_KEY = 'claimId';
/** The ids of the files stored so far, for a cancel (which sees the flow's memory, not the step's options). */
const FILE_IDS_KEY = 'fileIds';

export interface DisputeOptions {
  claimId: string;
  justification: string;
  /** New PoE stored so far in this flow; recorded on the claim only when the dispute is filed. */
  files: PoeFile[];
}

/** The sentence for a file the evidence store refused. */
function refusalKey(code: string): MessageKey {
  switch (code) {
    case 'poeTooLarge':
      return 'poe.tooLargeLimit';
    case 'poeTypeNotAllowed':
      return 'poe.typeNotAllowed';
    case 'poeTypeMismatch':
      return 'poe.typeMismatch';
    case 'poeEmpty':
      return 'poe.empty';
    case 'poeSourceRefused':
      return 'poe.sourceRefused';
    default:
      return 'poe.uploadFailed';
  }
}

/** The file with the result its check kept, when it has none of its own yet. */
const withResult = (file: PoeFile, check: PoeFileCheck | undefined): PoeFile =>
  file.check || !check ? file : { ...file, check };

export class DisputeDialog extends FlowDialog {
  constructor(private readonly services: ClaimServices) {
    super(DISPUTE_DIALOG);
    this.addDialog(new CardPrompt(PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [(step) => this.askStep(step), (step) => this.answerStep(step)]));
    this.initialDialogId = STEPS;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as DisputeOptions;
    const memory = flowMemoryOf(step, this.id);
    if (memory) {
      memory[CLAIM_ID_KEY] = options.claimId;
      memory[FILE_IDS_KEY] = options.files.map((file) => file.id);
    }
    const { locale } = callerOf(step.context);
    const nonce = randomUUID();
    const claim = options.files.length > 0 ? await this.claimOf(step.context, options.claimId) : undefined;
    const draw = () => this.card(locale, options, nonce, claim);
    const card = draw();
    if (claim && checksAfterTurn(step.context, this.services))
      this.services.poeChecks?.rememberCard(step.context, {
        claimId: claim.id,
        nonce,
        render: () => cardMessage(draw()),
      });
    const prompt: CardPromptOptions = {
      prompt: cardMessage(card),
      validations: {
        verbs: ['disputeFile'],
        nonce,
        claimId: options.claimId,
        acceptFiles: true,
        staleNotice: t(locale, 'conversation.staleCard'),
        typedNotice: t(locale, 'conversation.expectedFile'),
      },
    };
    return step.prompt(PROMPT, prompt);
  }

  /**
   * The dispute's card: the files so far, each file's checklist against the claim as on
   * the PoE card (what a reviewer would still miss), "checking…" while its check runs.
   */
  private card(locale: Locale, options: DisputeOptions, nonce: string, claim: Claim | undefined): CardAttachment {
    const checks = this.services.poeChecks;
    const files = options.files.map((file) => withResult(file, checks?.resultOf(file.id)));
    const count = files.length;
    const lines = [t(locale, 'manage.disputePoeIntro')];
    if (count > 0)
      lines.push(count === 1 ? t(locale, 'manage.disputeFilesOne') : t(locale, 'manage.disputeFilesMany', { count }));
    for (const file of files)
      if (!file.check && checks?.isRunning(file.id))
        lines.push(
          t(locale, 'poe.fileChecking', { fileName: file.fileName, size: formatFileSize(locale, file.sizeBytes) }),
        );
    const checklist = claim ? fileChecklists(claim, files, locale, partnerChecklistOptions(this.services)) : [];
    const notice = renderNoticeCard(
      {
        claimId: options.claimId,
        nonce,
        title: t(locale, 'manage.disputePoeTitle'),
        lines,
        actions: [
          { verb: 'disputeFile', label: 'manage.disputeFile', style: 'positive' },
          { verb: 'cancel', label: 'common.cancel' },
        ],
      },
      locale,
    );
    return withChecklistBelow(notice, checklist);
  }

  /** The card is answered or the flow left: a check finishing later only keeps its result. */
  protected override async onEndDialog(context: TurnContext, instance: DialogInstance, reason: DialogReason) {
    this.services.poeChecks?.closed(conversationKeyOf(context));
    await super.onEndDialog(context, instance, reason);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as DisputeOptions;
    const submission = step.result as CardSubmission;
    if (submission.verb === 'file') {
      const files = [...options.files];
      for (const attachment of submission.files) {
        const stored = await this.store(step.context, options.claimId, attachment);
        if (stored) files.push(stored);
      }
      return step.replaceDialog(STEPS, { ...options, files } satisfies DisputeOptions);
    }
    await this.file(step.context, options);
    return step.endDialog();
  }

  /** Files the dispute with the new PoE, after checking the caller and the claim again. */
  private async file(context: TurnContext, options: DisputeOptions): Promise<void> {
    const caller = callerOf(context);
    const writer = writerOf(caller);
    const fileIds = options.files.map((file) => file.id);
    if (!writer) {
      await this.discard(context, options.claimId, fileIds);
      await context.sendActivity(plainTextMessage(t(caller.locale, 'manage.notAllowed')));
      return;
    }
    const ref = { partnerId: writer.org.id, claimId: options.claimId };
    const checks = this.services.poeChecks;
    const files = options.files.map((file) => withResult(file, checks?.resultOf(file.id)));
    const result = await this.services.lifecycle.dispute(ref, lifecycleCallerOf(writer), options.justification, files);
    if (result.ok) {
      const filed = result.value.value;
      // A check still running (or ended as the dispute was filed) records its result on the claim now.
      for (const file of filed.poe)
        if (files.some((f) => f.id === file.id && !f.check))
          checks?.startAfterTurn(context, this.services, filed, file, caller.locale);
      await sayDone(context, caller, this.services, 'status.disputed', filed);
      return;
    }
    await this.discard(context, options.claimId, fileIds);
    await sayProblems(context, caller, result.error);
  }

  /**
   * Deletes files stored for a dispute that was not filed. The store refuses any the claim
   * records (a filing that won a race with this cancel); a failure only leaves a file
   * behind, which is not worth failing the user's turn over.
   */
  private async discard(context: TurnContext, claimId: string, fileIds: readonly string[]): Promise<void> {
    const partnerId = callerOf(context).tenantId;
    for (const poeId of fileIds) {
      try {
        await this.services.evidence.discardUnrecorded(partnerId, claimId, poeId);
      } catch (e) {
        this.services.log('warn', 'dispute.fileNotDiscarded', { claimId, poeId, error: errorName(e) });
      }
    }
  }

  /** Stores one attached file as new PoE; a refusal is told and the file left out. */
  private async store(context: TurnContext, claimId: string, attachment: Attachment): Promise<PoeFile | undefined> {
    const caller = callerOf(context);
    const writer = writerOf(caller);
    const claim = writer ? await claimInOrganisation(this.services, writer.org, claimId) : undefined;
    if (!writer || !claim) {
      await context.sendActivity(plainTextMessage(t(caller.locale, writer ? 'errors.notFound' : 'manage.notAllowed')));
      return undefined;
    }
    const fileName = attachment.name ?? '';
    const content = asRecord(attachment.content);
    const downloadUrl = typeof content?.downloadUrl === 'string' ? content.downloadUrl : '';
    const fileType = typeof content?.fileType === 'string' ? content.fileType : undefined;
    // An expired or refused Teams link concerns this file only.
    let refusal = 'poeUploadFailed';
    const opened =
      downloadUrl === ''
        ? undefined
        : await this.services.files.open(downloadUrl, fileType).catch((e: unknown) => {
            if (e instanceof DomainError) refusal = e.code;
            return undefined;
          });
    if (!opened) {
      await this.sayFile(context, caller.locale, refusalKey(refusal), fileName);
      return undefined;
    }
    const declaredType = opened.declaredType ?? fileType;
    let stored: PoeFile;
    try {
      stored = await this.services.evidence.put({
        partnerId: claim.partnerId,
        claimId: claim.id,
        poeId: this.services.newId(),
        fileName,
        ...(declaredType ? { declaredType } : {}),
        content: opened.stream,
        uploadedBy: writer.actor,
      });
    } catch (e) {
      if (!(e instanceof EvidenceRejected)) throw e;
      await this.sayFile(context, caller.locale, refusalKey(e.code), fileName);
      return undefined;
    }
    await this.sayFile(context, caller.locale, 'poe.received', stored.fileName, stored.sizeBytes);
    // Read after this turn, and the card below updated then; a client collecting the replies gets it read now.
    const checks = checksAfterTurn(context, this.services);
    if (checks) {
      checks.startAfterTurn(context, this.services, claim, stored, caller.locale);
      return stored;
    }
    const check = await checkPoe(this.services, claim, stored, caller.locale);
    return check ? { ...stored, check } : stored;
  }

  /** The caller's own claim, for the checklist; undefined when it cannot be read. */
  private async claimOf(context: TurnContext, claimId: string): Promise<Claim | undefined> {
    const writer = writerOf(callerOf(context));
    return writer ? claimInOrganisation(this.services, writer.org, claimId).catch(() => undefined) : undefined;
  }

  private async sayFile(
    context: TurnContext,
    locale: Locale,
    key: MessageKey,
    fileName: string,
    sizeBytes?: number,
  ): Promise<void> {
    const maxSize = formatFileSize(locale, this.services.evidenceMaxBytes);
    const size = sizeBytes === undefined ? '' : formatFileSize(locale, sizeBytes);
    await context.sendActivity(plainTextMessage(t(locale, key, { fileName, maxSize, size })));
  }

  protected async showHelp(context: TurnContext): Promise<void> {
    const caller: Caller = callerOf(context);
    await context.sendActivity(
      cardMessage(
        renderHelpCard(
          {
            canCreate: caller.isIncentivesAdmin,
            isReviewer: caller.isReviewer,
            optOutWindow: this.services.lifecycle.optOutWindow,
          },
          caller.locale,
        ),
      ),
    );
  }

  protected claimIdOf(innerDc: DialogContext): string {
    const claimId = flowMemoryOf(innerDc, this.id)?.[CLAIM_ID_KEY];
    return typeof claimId === 'string' ? claimId : '';
  }

  /** Nothing is filed, and the files stored for this dispute are deleted. */
  protected async onCancel(innerDc: DialogContext): Promise<DialogTurnResult> {
    const memory = flowMemoryOf(innerDc, this.id);
    const fileIds = memory?.[FILE_IDS_KEY];
    await this.discard(
      innerDc.context,
      this.claimIdOf(innerDc),
      Array.isArray(fileIds) ? fileIds.filter((id): id is string => typeof id === 'string') : [],
    );
    await innerDc.context.sendActivity(plainTextMessage(t(callerOf(innerDc.context).locale, 'manage.disputeStopped')));
    await innerDc.cancelAllDialogs();
    return { status: DialogTurnStatus.complete };
  }
}
