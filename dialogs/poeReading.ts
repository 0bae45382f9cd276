/**
 * Reads a stored PoE file and checks it against the claim: the one place the
 * conversation turns a file into the reviewers' checklist. A failure to read is an
 * answer too ("a reviewer will look at it"), never an error for the partner.
 */
import type { ChecklistOptions } from '../cards/poeChecklist';
import type { Claim, PoeFile, PoeFileCheck } from '../claims/model';
import { checkPoeText } from '../claims/poeCheck';
import type { EvidenceText } from '../claims/ports';
import type { ClaimServices } from './services';

/** The partner organisation's and its locations' names: how a PoE names the partner. */
export async function partnerNamesOf(services: ClaimServices, partnerId: string): Promise<string[]> {
  const org = await services.partners.get(partnerId).catch(() => undefined);
  return org ? [org.name, ...org.locations.map((l) => l.name)] : [];
}

/**
 * The file's text, or why a machine cannot read it; storage failures count as "damaged"
 * here. `locale` is the user's: a picture is read in their language and English.
 */
export async function readPoe(
  services: ClaimServices,
  file: PoeFile,
  locale?: string,
): Promise<EvidenceText | undefined> {
  if (!services.evidenceText) return undefined;
  return services.evidenceText
    .textOf(file, { locale })
    .catch((): EvidenceText => ({ status: 'unreadable', why: 'damaged' }));
}

/** The check of one stored file, or undefined when this deployment reads no files. */
export async function checkPoe(
  services: ClaimServices,
  claim: Claim,
  file: PoeFile,
  locale?: string,
): Promise<PoeFileCheck | undefined> {
  const text = await readPoe(services, file, locale);
  if (!text) return undefined;
  const now = services.clock.now();
  if (text.status === 'unreadable') return { status: 'unreadable', checkedAt: now.toISOString(), why: text.why };
  const partnerNames = await partnerNamesOf(services, claim.partnerId);
  return checkPoeText(text.text, claim, {
    now,
    partnerNames,
    ...(services.poeMaxAgeMonths ? { maxAgeMonths: services.poeMaxAgeMonths } : {}),
  });
}

/** The checklist on the partner's own cards (the PoE step, a dispute): with its evidence and how to fix what is missing. */
export const partnerChecklistOptions = (services: ClaimServices): ChecklistOptions => ({
  evidence: true,
  fix: true,
  ...(services.poeMaxAgeMonths ? { maxAgeMonths: services.poeMaxAgeMonths } : {}),
});
