/**
 * One file attached the Teams way, opened from its short-lived download URL in the same
 * turn and streamed into private storage under the claim's id. Refusals (wrong type,
 * too large, an expired link) are told to the partner per file, never thrown.
 */
import type { Attachment } from 'botbuilder';
import { DomainError, EvidenceRejected } from '../../claims/errors';
import type { PoeFile } from '../../claims/model';
import { formatFileSize, t, type MessageKey } from '../../locales/i18n';
import { plainTextMessage } from '../../cards/render';
import { asRecord } from '../cardPrompt';
import type { AttachedFile } from '../services';
import type { Turn } from './sectionDialog';

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

async function refuse(turn: Turn, fileName: string, code: string, declaredType: string | undefined): Promise<void> {
  const typeRefused = code === 'poeTypeNotAllowed' || code === 'poeTypeMismatch';
  const key =
    typeRefused && looksLikeSharingPage(declaredType) ? 'poe.sharePage' : (REFUSALS[code] ?? 'poe.uploadFailed');
  const maxSize = formatFileSize(turn.locale, turn.services.evidenceMaxBytes);
  await turn.context.sendActivity(plainTextMessage(t(turn.locale, key, { fileName, maxSize })));
}

/** The stored file, or undefined when it was refused (and the partner told why). */
export async function storeAttachment(
  turn: Turn,
  attachment: Attachment,
  claimId: string,
): Promise<PoeFile | undefined> {
  const fileName = attachment.name ?? '';
  const content = asRecord(attachment.content);
  const downloadUrl = typeof content?.downloadUrl === 'string' ? content.downloadUrl : '';
  const fileType = typeof content?.fileType === 'string' ? content.fileType : undefined;
  if (downloadUrl === '') {
    await turn.context.sendActivity(t(turn.locale, 'poe.notAFile'));
    return undefined;
  }
  let opened: AttachedFile;
  try {
    opened = await turn.services.files.open(downloadUrl, fileType);
  } catch (e) {
    // The link expired or Teams refused it: only this file is affected.
    await refuse(turn, fileName, e instanceof DomainError ? e.code : 'poeUploadFailed', undefined);
    return undefined;
  }
  const declaredType = opened.declaredType ?? fileType;
  try {
    return await turn.services.evidence.put({
      partnerId: turn.claim.partnerId,
      claimId,
      poeId: turn.services.newId(),
      fileName,
      ...(declaredType ? { declaredType } : {}),
      content: opened.stream,
      uploadedBy: turn.writer.actor,
    });
  } catch (e) {
    if (!(e instanceof EvidenceRejected)) throw e;
    await refuse(turn, fileName, e.code, declaredType);
    return undefined;
  }
}
