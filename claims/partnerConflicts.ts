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

export type PartnerConflict =
  /** Another partner holds the key: said without naming it. */
  | { kind: 'anotherPartner'; key: string }
  /** A claim of the partner's own organisation holds or wants the key. */
  | {
      kind: 'ownClaim';
      key: string;
      claim: Pick<Claim, 'id' | 'name' | 'status'>;
      advice: ConflictAdvice;
    };

export interface PartnerConflictSources {
  associations: Pick<AssociationStore, 'holderOf'>;
  claims: Pick<ClaimRepository, 'get' | 'listByPartner'>;
}

type Keyed = Pick<Claim, 'id' | 'partnerId' | 'customerTenantId' | 'productIds' | 'subscriptions'>;

/** The partner's own claims of one customer looked at; more is beyond one notice anyway. */
const OWN_CLAIMS_LIMIT = 50;

const adviceFor = (status: ClaimStatus): ConflictAdvice | null => STATUS_TRAITS[status].conflictAdvice;

/**
 * The conflicts of the claim's keys for `productIds` (default: all its products), one per
 * key and conflicting claim, sorted by key: holds first, then the partner's own claims
 * that want the key without holding it (drafts, claims in review).
 */
export async function partnerConflictsOf(
  claim: Keyed,
  sources: PartnerConflictSources,
  now: Date,
  productIds: readonly string[] = claim.productIds,
): Promise<PartnerConflict[]> {
  const keys = associationKeys({ ...claim, productIds: [...productIds] });
  if (keys.length === 0) return [];
  const conflicts: PartnerConflict[] = [];
  const seen = new Set<string>();
  const own = (key: string, other: Pick<Claim, 'id' | 'name' | 'status'>): void => {
    const advice = adviceFor(other.status);
    if (advice === null || seen.has(`${key}|${other.id}`)) return;
    seen.add(`${key}|${other.id}`);
    conflicts.push({ kind: 'ownClaim', key, claim: { id: other.id, name: other.name, status: other.status }, advice });
  };
  for (const key of keys) {
    const hold = await sources.associations.holderOf(key);
    if (!hold || !holdIsActive(hold, now)) continue;
    if (hold.partnerId !== claim.partnerId) {
      conflicts.push({ kind: 'anotherPartner', key });
      continue;
    }
    // The partner's own legacy association gives way to its claim; so does this claim's own hold.
    if (hold.legacy || hold.claimId === undefined || hold.claimId === claim.id) continue;
    const holder = (await sources.claims.get(claim.partnerId, hold.claimId))?.value;
    if (holder) own(key, holder);
  }
  const tenant = normalizeGuid(claim.customerTenantId) ?? claim.customerTenantId.trim().toLowerCase();
  const others = await sources.claims.listByPartner(
    claim.partnerId,
    { customer: tenant, statuses: [...CONFLICTING_STATUSES] },
    OWN_CLAIMS_LIMIT,
  );
  const wanted = new Set(keys);
  for (const other of others.items) {
    if (other.id === claim.id) continue;
    for (const key of associationKeys(other)) if (wanted.has(key)) own(key, other);
  }
  return conflicts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
