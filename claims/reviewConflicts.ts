/**
 * What a reviewer must know before approving: which of the claim's association keys
 * someone else already holds, or also claims in a claim still waiting for a decision.
 * Approval itself is guarded by the association store; this is the early warning on
 * the review queue and the claim's review card.
 *
 * The result names the other organisation by id. Only reviewers may be told its name;
 * what partners see says "another partner" (see the cards).
 */
import { associationKeys, holdIsActive } from './associations';
import type { Claim } from './model';
import type { AssociationHold, AssociationStore, ClaimRepository } from './ports';
import { normalizeGuid } from './validation';

export type ConflictKind =
  /** Another organisation holds the key (an approved or official claim, or a live legacy association). */
  | 'heldByAnotherPartner'
  /** Another claim of the same organisation holds it: theirs to withdraw. */
  | 'heldByOwnClaim'
  /** Another claim waiting for a decision wants the same key. */
  | 'claimedByAnotherClaim';

export interface KeyConflict {
  key: string;
  kind: ConflictKind;
  partnerId: string;
  /** The other claim; absent for a legacy association. */
  claimId?: string;
}

export interface ConflictSources {
  associations: Pick<AssociationStore, 'holderOf'>;
  claims: Pick<ClaimRepository, 'openClaimsOfCustomer'>;
}

/** Competing claims looked at per customer; more than this is beyond a review card anyway. */
const COMPETITORS_LIMIT = 50;

/** The conflicts of one hold with the claim, if it is someone else's and still counts. */
function holdConflict(claim: Claim, hold: AssociationHold | undefined, now: Date): KeyConflict | undefined {
  if (!hold || !holdIsActive(hold, now)) return undefined;
  if (hold.claimId === claim.id && hold.partnerId === claim.partnerId) return undefined;
  const base =
    hold.claimId === undefined
      ? { key: hold.key, partnerId: hold.partnerId }
      : { key: hold.key, partnerId: hold.partnerId, claimId: hold.claimId };
  if (hold.partnerId !== claim.partnerId) return { ...base, kind: 'heldByAnotherPartner' };
  // The partner's own legacy association gives way to its CPOR claim.
  return hold.legacy ? undefined : { ...base, kind: 'heldByOwnClaim' };
}

/** Every conflict of `claim`'s keys, sorted by key, holders before competing claims. */
export async function findConflicts(claim: Claim, sources: ConflictSources, now: Date): Promise<KeyConflict[]> {
  const keys = associationKeys(claim);
  if (keys.length === 0) return [];
  const tenant = normalizeGuid(claim.customerTenantId) ?? claim.customerTenantId.trim().toLowerCase();
  const [holds, competitors] = await Promise.all([
    Promise.all(keys.map((key) => sources.associations.holderOf(key))),
    sources.claims.openClaimsOfCustomer(tenant, COMPETITORS_LIMIT),
  ]);
  const conflicts: KeyConflict[] = [];
  holds.forEach((hold) => {
    const conflict = holdConflict(claim, hold, now);
    if (conflict) conflicts.push(conflict);
  });
  const wanted = new Set(keys);
  for (const other of competitors) {
    if (other.id === claim.id && other.partnerId === claim.partnerId) continue;
    for (const key of associationKeys(other)) {
      if (wanted.has(key))
        conflicts.push({ key, kind: 'claimedByAnotherClaim', partnerId: other.partnerId, claimId: other.id });
    }
  }
  const rank = (kind: ConflictKind): number => (kind === 'claimedByAnotherClaim' ? 1 : 0);
  return conflicts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : rank(a.kind) - rank(b.kind)));
}
