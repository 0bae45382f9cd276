/**
 * Proof of execution: files attached in the chat (Teams `file.download.info`), each
 * opened from its short-lived download URL in the same turn and streamed into
 * private storage, then recorded on the draft. Several files are welcome; none is
 * required yet (a draft may be saved without), since submission checks it.
 * "Get the PoE template" sends a filled-in document behind a short-lived link.
 */
import type { Attachment } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { fileChecklists } from '../../cards/poeChecklist';
import { renderPoeCard } from '../../cards/render';
import { DomainError, EvidenceRejected } from '../../claims/errors';
import { errorName } from '../../claims/notifications';
import type { Claim, PoeFile } from '../../claims/model';
import { formatFileSize, problemMessages, t, type MessageKey } from '../../locales/i18n';
import { callerOf } from '../caller';
import { asRecord, FILE_DOWNLOAD_INFO, type CardSubmission } from '../cardPrompt';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { AttachedFile, ClaimServices, SamplePoeSource } from '../services';
import { checkPoe } from '../poeReading';
import type { WriteStop } from './claimDraft';

export const POE_DIALOG = 'newClaim.poe';

/** How long the PoE template link works. */
export const TEMPLATE_LINK_SECONDS = 900;
const REFUSALS: Readonly<Record<string, MessageKey>> = {
  poeTooLarge: 'poe.tooLargeLimit',
  poeTypeNotAllowed: 'poe.typeNotAllowed',
  poeTypeMismatch: 'poe.typeMismatch',
  poeEmpty: 'poe.empty',
  poeUploadFailed: 'poe.uploadFailed',
  poeSourceRefused: 'poe.sourceRefused',
  poeLocked: 'poe.locked',
};

/** Teams mobile sometimes hands over the sharing page instead of the file. */
const looksLikeSharingPage = (declaredType: string | undefined): boolean => /html/i.test(declaredType ?? '');

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
    const pastedImage = attachments.some((a) => a.contentType.startsWith('image/')) && !attachments.some((a) => a.contentType === FILE_DOWNLOAD_INFO);
    if (activity.type === 'message' && activity.value === undefined && pastedImage) {
      await innerDc.context.sendActivity(t(callerOf(innerDc.context).locale, 'poe.inlineImage'));
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(innerDc);
  }

  protected ask(turn: Turn, options: SectionOptions): CardAsk | Next {
    if (turn.work.claimId === undefined) return { kind: 'restart', work: turn.work };
    const templateUrl = options.memo?.templateUrl;
    const offerSample = turn.services.samplePoe !== undefined;
    return {
      verbs: offerSample ? ['poeDone', 'poeTemplate', 'poeSample'] : ['poeDone', 'poeTemplate'],
      acceptFiles: true,
      typedNotice: 'conversation.expectedFile',
      card: (step) =>
        renderPoeCard(
          {
            ...step,
            files: turn.claim.poe,
            maxSizeBytes: turn.services.evidenceMaxBytes,
            ...(templateUrl ? { templateUrl } : {}),
            offerSample,
            problems: options.problems ?? [],
            checklist: fileChecklists(turn.claim, turn.claim.poe, turn.locale, { evidence: true, fix: true, ...(turn.services.poeMaxAgeMonths ? { maxAgeMonths: turn.services.poeMaxAgeMonths } : {}) }),
          },
          turn.locale,
        ),
    };
  }

  protected async answer(turn: Turn, options: SectionOptions, _stage: string | undefined, submission: CardSubmission): Promise<Next> {
    if (submission.verb === 'poeDone') return this.done(turn);
    if (submission.verb === 'poeTemplate') {
      const document = await turn.services.documents.poeTemplate(turn.claim, turn.locale);
      const { fileName, contentType, bytes } = document;
      const url = await turn.services.links.publish({ partnerId: turn.claim.partnerId, fileName, contentType, bytes }, TEMPLATE_LINK_SECONDS);
      await this.say(turn, 'poe.templateReady', { minutes: Math.round(TEMPLATE_LINK_SECONDS / 60) });
      return this.askAgain(options, undefined, [], { memo: { ...options.memo, templateUrl: url } });
    }
    if (submission.verb === 'poeSample' && turn.services.samplePoe) {
      const stop = await this.receiveSample(turn, turn.services.samplePoe);
      return stop ? this.stop(turn, stop) : this.askAgain(options, undefined, []);
    }
    for (const file of submission.files) {
      const stop = await this.receive(turn, file);
      if (stop) return this.stop(turn, stop);
    }
    return this.askAgain(options, undefined, []);
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
    const fileName = attachment.name ?? '';
    const content = asRecord(attachment.content);
    const downloadUrl = typeof content?.downloadUrl === 'string' ? content.downloadUrl : '';
    const fileType = typeof content?.fileType === 'string' ? content.fileType : undefined;
    if (downloadUrl === '') {
      await this.say(turn, 'poe.notAFile');
      return undefined;
    }
    let opened: AttachedFile;
    try {
      opened = await turn.services.files.open(downloadUrl, fileType);
    } catch (e) {
      // The link expired or Teams refused it: only this file is affected.
      await this.refuse(turn, fileName, e instanceof DomainError ? e.code : 'poeUploadFailed', undefined);
      return undefined;
    }
    const declaredType = opened.declaredType ?? fileType;
    let stored: PoeFile;
    try {
      stored = await turn.services.evidence.put({
        partnerId: turn.claim.partnerId,
        claimId: turn.claim.id,
        poeId: turn.services.newId(),
        fileName,
        ...(declaredType ? { declaredType } : {}),
        content: opened.stream,
        uploadedBy: turn.writer.actor,
      });
    } catch (e) {
      if (!(e instanceof EvidenceRejected)) throw e;
      await this.refuse(turn, fileName, e.code, declaredType);
      return undefined;
    }
    const saved = await this.draft.save(turn.context, turn.writer, turn.work, { addPoe: [stored] }).catch(async (e: unknown) => {
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
    await this.sayPlain(turn, t(turn.locale, 'poe.received', { fileName: stored.fileName, size: formatFileSize(turn.locale, stored.sizeBytes) }));
    await this.recordCheck(turn, stored);
    return undefined;
  }

  /**
   * Reads the file after it was acknowledged and records what a reviewer would find;
   * the card shown next carries the checklist. A check that cannot be recorded only
   * means the card shows none: the file itself is safely stored and recorded.
   */
  private async recordCheck(turn: Turn, file: PoeFile): Promise<void> {
    const check = await checkPoe(turn.services, turn.claim, file);
    if (!check) return;
    try {
      const saved = await this.draft.save(turn.context, turn.writer, turn.work, { poeChecks: [{ poeId: file.id, check }] });
      if (saved.ok) turn.claim = saved.claim;
    } catch (e) {
      turn.services.log('warn', 'poeCheckNotRecorded', { claimId: turn.claim.id, poeId: file.id, error: errorName(e) });
    }
  }

  private async refuse(turn: Turn, fileName: string, code: string, declaredType: string | undefined): Promise<void> {
    const typeRefused = code === 'poeTypeNotAllowed' || code === 'poeTypeMismatch';
    const key = typeRefused && looksLikeSharingPage(declaredType) ? 'poe.sharePage' : (REFUSALS[code] ?? 'poe.uploadFailed');
    const maxSize = formatFileSize(turn.locale, turn.services.evidenceMaxBytes);
    await this.sayPlain(turn, t(turn.locale, key, { fileName, maxSize }));
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

