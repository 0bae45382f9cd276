/**
 * Separation of duties: a reviewer never decides a claim of their own tenant, nor one
 * they filed or edited. Checked on the claim itself (its partition and its history),
 * so no directory entry, role list or configuration can switch it off: an operator
 * whose tenant is also a partner's, or a person listed both as incentives admin and as
 * reviewer, still cannot approve their own work.
 */
import type { Problem } from './errors';
import type { Actor, Claim } from './model';

/** Roles whose actions make a person party to the claim. */
const PARTY_ROLES: ReadonlySet<Actor['role']> = new Set(['partnerAdmin', 'partnerUser']);

const same = (a: string, b: string): boolean => a !== '' && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether this person filed the claim, edited it, or added its evidence. */
export function isPartyTo(claim: Claim, personId: string): boolean {
  return (
    same(personId, claim.createdBy.id) ||
    claim.history.some((entry) => PARTY_ROLES.has(entry.actor.role) && same(personId, entry.actor.id)) ||
    claim.poe.some((file) => PARTY_ROLES.has(file.uploadedBy.role) && same(personId, file.uploadedBy.id))
  );
}

/** Why this reviewer may not act on this claim, if they may not; empty when they may. */
export function separationProblems(claim: Claim, reviewer: { id: string; tenantId?: string }): Problem[] {
  if (reviewer.tenantId !== undefined && same(reviewer.tenantId, claim.partnerId))
    return [{ code: 'reviewOwnOrganisation', field: 'actor' }];
  if (isPartyTo(claim, reviewer.id)) return [{ code: 'reviewOwnClaim', field: 'actor' }];
  return [];
}
