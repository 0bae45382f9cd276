/**
 * What stands in the way of a claim, as the partner filing it may be told (docs/RULES.md,
 * rule 1): a workload or subscription another partner holds, never naming that partner
 * or its claim; or a claim of the partner's own organisation that holds or wants the same
 * key, named (it is theirs) with the advice its status allows (`conflictAdvice` in the
 * traits table). The reviewers' view, which names every holder, is reviewConflicts.ts.
 *
 * Every read of a claim goes through the partner's own partition: another organisation's
 * claim is never read here, only its hold on a key.
 */
import { associationKeys, holdIsActive } from './associations';
import type { Claim, ClaimStatus } from './model';
import type { AssociationStore, ClaimRepository } from './ports';
import { CONFLICTING_STATUSES, STATUS_TRAITS, type ConflictAdvice } from './statusTraits';
import { normalizeGuid } from './validation';

export type PartnerConflict = { key: string; /** The claim's product the key is of. */ productId: string } &
  /** Another partner holds the key: said without naming it. */
  (
    | { kind: 'anotherPartner' }
    /** A claim of the partner's own organisation holds or wants the key. */
    | { kind: 'ownClaim'; claim: Pick<Claim, 'id' | 'name' | 'status'>; advice: ConflictAdvice }
    /** The partner's own hold whose claim can't be read (a repair pending): held all the same. */
    | { kind: 'ownHold' }
  );

export interface PartnerConflictSources {
  associations: Pick<AssociationStore, 'holderOf'>;
  claims: Pick<ClaimRepository, 'get' | 'listByPartner'>;
}

type Keyed = Pick<Claim, 'id' | 'partnerId' | 'customerTenantId' | 'productIds' | 'subscriptions'>;

/** The partner's own claims of one customer looked at; more is beyond one notice anyway. */
const OWN_CLAIMS_LIMIT = 50;

const adviceFor = (status: ClaimStatus): ConflictAdvice | null => STATUS_TRAITS[status].conflictAdvice;

/** The claim's keys for `productIds`, each with the product it is of. */
function keysByProduct(claim: Keyed, productIds: readonly string[]): { key: string; productId: string }[] {
  return productIds.flatMap((productId) =>
    associationKeys({ ...claim, productIds: [productId] }).map((key) => ({ key, productId })),
  );
}

const ownClaim = (
  key: { key: string; productId: string },
  other: Pick<Claim, 'id' | 'name' | 'status'>,
): PartnerConflict | undefined => {
  const advice = adviceFor(other.status);
  return advice === null
    ? undefined
    : { ...key, kind: 'ownClaim', claim: { id: other.id, name: other.name, status: other.status }, advice };
};

/**
 * Who holds the claim's keys for `productIds` (default: all its products) now: what keeps
 * the claim off them until that hold ends, in key order. The partner's own legacy
 * association gives way to its claim, and so does the claim's own hold.
 */
export async function heldConflictsOf(
  claim: Keyed,
  sources: PartnerConflictSources,
  now: Date,
  productIds: readonly string[] = claim.productIds,
): Promise<PartnerConflict[]> {
  const conflicts: PartnerConflict[] = [];
  for (const key of keysByProduct(claim, productIds)) {
    const hold = await sources.associations.holderOf(key.key);
    if (!hold || !holdIsActive(hold, now)) continue;
    if (hold.partnerId !== claim.partnerId) conflicts.push({ ...key, kind: 'anotherPartner' });
    else if (!hold.legacy && hold.claimId !== undefined && hold.claimId !== claim.id) {
      const holder = (await sources.claims.get(claim.partnerId, hold.claimId))?.value;
      conflicts.push((holder && ownClaim(key, holder)) ?? { ...key, kind: 'ownHold' });
    }
  }
  return conflicts;
}

/**
 * Everything in the way of the claim's keys for `productIds`, one per key and conflicting
 * claim, in key order: the holds first, then the partner's own claims that want the key
 * without holding it (drafts, claims in review), which only the partner can resolve.
 */
export async function partnerConflictsOf(
  claim: Keyed,
  sources: PartnerConflictSources,
  now: Date,
  productIds: readonly string[] = claim.productIds,
): Promise<PartnerConflict[]> {
  const keys = keysByProduct(claim, productIds);
  if (keys.length === 0) return [];
  const conflicts = await heldConflictsOf(claim, sources, now, productIds);
  const seen = new Set(conflicts.map((c) => (c.kind === 'ownClaim' ? `${c.key}|${c.claim.id}` : '')));
  const tenant = normalizeGuid(claim.customerTenantId) ?? claim.customerTenantId.trim().toLowerCase();
  const others = await sources.claims.listByPartner(
    claim.partnerId,
    { customer: tenant, statuses: [...CONFLICTING_STATUSES] },
    OWN_CLAIMS_LIMIT,
  );
  for (const other of others.items) {
    if (other.id === claim.id) continue;
    const theirs = new Set(associationKeys(other));
    for (const key of keys) {
      const conflict = theirs.has(key.key) && !seen.has(`${key.key}|${other.id}`) ? ownClaim(key, other) : undefined;
      if (conflict) conflicts.push(conflict);
    }
  }
  return conflicts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
