/**
 * A claim started from its signed statement of work: a file attached at the first
 * cards, before the draft exists, is stored as PoE under the claim id the draft will
 * get, and read for what it says about the claim. The proposals go into the flow's
 * state and onto the customer, products and contacts cards, each for the partner to
 * check and confirm; nothing is written to the claim from the document itself.
 */
import type { Attachment } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import { errorName } from '../../claims/notifications';
import type { PoeFile } from '../../claims/model';
import { proposeFromText, type SowProposal, type WorkProposal } from '../../claims/poePrefill';
import { normalizeGuid } from '../../claims/validation';
import { plainTextMessage } from '../../cards/render';
import { formatFileSize, t } from '../../locales/i18n';
import { readPoe } from '../poeReading';
import type { ClaimWork } from './claimDraft';
import type { ClaimServices } from '../services';
import { storeAttachment } from './poeUpload';
import type { Next, SectionOptions, Turn } from './sectionDialog';

const domainOf = (email: string | undefined): string[] => {
  const domain = email?.split('@')[1]?.trim().toLowerCase();
  return domain ? [domain] : [];
};

/** The directory's word on the proposed domain and tenant (the same lookup the customer card makes). */
async function withTenantCheck(
  turn: Turn,
  proposal: SowProposal,
): Promise<SowProposal & Pick<WorkProposal, 'tenantCheck'>> {
  if (!proposal.customerDomain) return proposal;
  const found = await turn.services.tenants.lookup(proposal.customerDomain);
  // Personal mail domains, unknown domains and an unreachable directory all leave the tenant unchecked.
  if (found.kind !== 'tenant') return { ...proposal, tenantCheck: 'unknown' };
  const tenant = normalizeGuid(found.tenantId) ?? found.tenantId.toLowerCase();
  if (!proposal.customerTenantId) return { ...proposal, customerTenantId: tenant, tenantCheck: 'fromDirectory' };
  return { ...proposal, tenantCheck: tenant === proposal.customerTenantId ? 'verified' : 'mismatch' };
}

const proposesAnything = (p: SowProposal): boolean =>
  p.customerDomain !== undefined ||
  p.customerTenantId !== undefined ||
  p.contacts.length > 0 ||
  p.productIds.length > 0;

/** Stores and reads the attached files; the work to go on with, carrying the files and the proposal. */
export async function prefillFromAttachments(turn: Turn, attachments: readonly Attachment[]): Promise<ClaimWork> {
  let work = turn.work;
  for (const attachment of attachments) {
    const claimId = work.reservedClaimId ?? turn.services.newId();
    const stored: PoeFile | undefined = await storeAttachment(turn, attachment, claimId);
    if (!stored) continue;
    work = { ...work, reservedClaimId: claimId, pendingPoe: [...(work.pendingPoe ?? []), stored] };
    await turn.context.sendActivity(
      plainTextMessage(
        t(turn.locale, 'poe.received', {
          fileName: stored.fileName,
          size: formatFileSize(turn.locale, stored.sizeBytes),
        }),
      ),
    );
    const text = await readPoe(turn.services, stored, turn.locale);
    const partnerDomains = [...domainOf(turn.writer.caller.email)];
    const proposal = text?.status === 'read' ? proposeFromText(text.text, { partnerDomains }) : undefined;
    if (!proposal || !proposesAnything(proposal)) {
      await turn.context.sendActivity(
        plainTextMessage(t(turn.locale, 'prefill.nothingFound', { fileName: stored.fileName })),
      );
      continue;
    }
    work = { ...work, proposal: { ...(await withTenantCheck(turn, proposal)), fileName: stored.fileName } };
    await turn.context.sendActivity(plainTextMessage(t(turn.locale, 'prefill.found', { fileName: stored.fileName })));
  }
  return work;
}

/** Files may start a claim only before its draft exists (the first cards); later they are PoE for the PoE card. */
export const acceptsSow = (turn: Turn): boolean => turn.work.claimId === undefined;

/** The same card again, with the files stored and the proposal in the flow's work. */
export async function askAgainAfterSow(
  turn: Turn,
  options: SectionOptions,
  attachments: readonly Attachment[],
): Promise<Next> {
  const work = await prefillFromAttachments(turn, attachments);
  return { kind: 'ask', options: { ...options, work, problems: [] } };
}

/**
 * The files a flow stored before its draft existed, as the work of its innermost part
 * holds them (each part keeps the work in its waterfall's options); undefined once the
 * draft exists (then they are, or are about to be, its PoE).
 */
export function pendingSowOf(dc: DialogContext): { claimId: string; files: PoeFile[] } | undefined {
  let found: { claimId: string; files: PoeFile[] } | undefined;
  for (let at: DialogContext | undefined = dc; at; at = at.child) {
    for (const instance of at.stack) {
      const work = (instance.state as { options?: { work?: Partial<ClaimWork> } } | undefined)?.options?.work;
      if (work && typeof work === 'object' && work.claimId === undefined && work.reservedClaimId && work.pendingPoe)
        found = { claimId: work.reservedClaimId, files: work.pendingPoe };
    }
  }
  return found;
}

/**
 * Deletes the files of a flow given up on before its draft existed: no claim will ever
 * record them. The store refuses any a claim records; a failure leaves the file to the
 * scheduler's sweep of claimless files, not worth failing the partner's cancel over.
 */
export async function discardPendingSow(
  services: ClaimServices,
  partnerId: string,
  pending: { claimId: string; files: readonly PoeFile[] },
): Promise<void> {
  for (const file of pending.files) {
    try {
      await services.evidence.discardUnrecorded(partnerId, pending.claimId, file.id);
    } catch (e) {
      services.log('warn', 'sow.fileNotDiscarded', { claimId: pending.claimId, poeId: file.id, error: errorName(e) });
    }
  }
}
