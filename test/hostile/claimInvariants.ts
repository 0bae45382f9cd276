/**
 * What must hold of every stored claim, whatever was typed: each field that is filled
 * passes the validator the dialogs are supposed to apply, and every free text the
 * lifecycle recorded (comments, notes, reasons) obeys the text rules. The fuzzers read
 * the claims back after each run and check this, so "refused with a message" also
 * means "nothing invalid written".
 */
import assert from 'node:assert/strict';
import { isActivityAllowed, isSolutionArea } from '../../claims/catalog';
import type { Problem } from '../../claims/errors';
import { INFO_REQUEST_REASONS, REJECTION_REASONS, type Claim, type PartnerOrganisation } from '../../claims/model';
import {
  COMMENT_MAX,
  validateClaimName,
  validateComment,
  validateContact,
  validateDomain,
  validateMpnId,
  validateRevenue,
  validateSection,
  validateTenantId,
  validateText,
} from '../../claims/validation';

const noteProblem = (note: string | undefined, field: string): Problem | undefined =>
  validateText(note, field, { max: COMMENT_MAX, multiline: true, required: false });

/** Every way this stored claim breaks the validation rules (empty when it keeps them). */
export function claimViolations(claim: Claim, org: PartnerOrganisation): string[] {
  const problems: (Problem | undefined)[] = [validateClaimName(claim.name)];
  if (claim.mpnId !== '') {
    problems.push(validateMpnId(claim.mpnId));
    if (!org.locations.some((l) => l.mpnId === claim.mpnId)) problems.push({ code: 'mpnIdNotOurs', field: 'mpnId' });
  }
  if (claim.customerDomain !== '') problems.push(validateDomain(claim.customerDomain));
  if (claim.customerTenantId !== '') problems.push(validateTenantId(claim.customerTenantId));
  if (
    claim.solutionArea !== undefined &&
    (!isSolutionArea(claim.solutionArea) ||
      claim.activity === undefined ||
      !isActivityAllowed(claim.solutionArea, claim.activity))
  ) {
    problems.push({ code: 'areaActivity', field: 'solutionArea' });
  }
  if (claim.revenue !== undefined) problems.push(...validateRevenue(claim.revenue));
  if (claim.productIds.length > 0) problems.push(...validateSection(claim, 'products'));
  problems.push(...validateSection(claim, 'subscriptions'));
  if (claim.customerContact) problems.push(...validateContact(claim.customerContact, 'customerContact', true));
  if (claim.technicalContact) problems.push(...validateContact(claim.technicalContact, 'technicalContact', true));
  if (claim.partnerContact) problems.push(...validateContact(claim.partnerContact, 'partnerContact', false));
  for (const comment of claim.comments) problems.push(validateComment(comment.text));
  problems.push(
    noteProblem(claim.infoRequest?.note, 'infoRequest.note'),
    noteProblem(claim.rejection?.note, 'rejection.note'),
  );
  for (const code of claim.infoRequest?.reasonCodes ?? [])
    if (!(INFO_REQUEST_REASONS as readonly string[]).includes(code)) problems.push({ code: 'reasonCode', field: code });
  if (claim.rejection && !(REJECTION_REASONS as readonly string[]).includes(claim.rejection.reason))
    problems.push({ code: 'rejectionReason', field: claim.rejection.reason });
  for (const entry of claim.history) problems.push(noteProblem(entry.note, `history.${entry.event}.note`));
  return problems.filter((p): p is Problem => p !== undefined).map((p) => `${p.field}: ${p.code}`);
}

export function assertClaimValid(claim: Claim, org: PartnerOrganisation, where = ''): void {
  assert.deepEqual(claimViolations(claim, org), [], `${where}: claim ${claim.id} was stored with invalid fields`);
}
