/**
 * Association (exclusivity) rules. A customer may have several partners, but each
 * Microsoft 365 workload (OSU Microsoft 365) and each subscription (OSA sales, OSU
 * Business Applications) belongs to at most one partner at a time (docs/RULES.md, rule 1).
 * A claim is reduced to the keys it would hold, and the invariant is checked on keys.
 *
 * Key shapes (stable: stored as Cosmos ids):
 * - `m365|<tenant>|<productId>` for a Microsoft 365 workload;
 * - `sub|<tenant>|<subscriptionId>` for a stated subscription;
 * - `sub|<tenant>|<productId>` for the customer's only subscription of a product when
 *   no id was given (the partner said there is just one).
 * Tenant and subscription ids are canonical lower-case GUIDs.
 */
import { productById } from './catalog';
import type { Claim } from './model';
import type { AssociationHold } from './ports';
import { normalizeGuid } from './validation';

const canonical = (guid: string): string => normalizeGuid(guid) ?? guid.trim().toLowerCase();

/** The keys a claim holds once approved: deterministic, de-duplicated, sorted. Unknown products are skipped. */
export function associationKeys(claim: Pick<Claim, 'customerTenantId' | 'productIds' | 'subscriptions'>): string[] {
  const tenant = canonical(claim.customerTenantId);
  const keys = new Set<string>();
  for (const productId of claim.productIds) {
    const product = productById(productId);
    if (!product) continue;
    if (product.associationBasis === 'workload') {
      keys.add(`m365|${tenant}|${productId}`);
      continue;
    }
    const ids = claim.subscriptions.find((s) => s.productId === productId)?.subscriptionIds ?? [];
    if (ids.length === 0) keys.add(`sub|${tenant}|${productId}`);
    for (const id of ids) keys.add(`sub|${tenant}|${canonical(id)}`);
  }
  return [...keys].sort();
}

export interface ParsedKey {
  basis: 'workload' | 'subscription';
  tenantId: string;
  /** The product id (workload, or single subscription) or the subscription id. */
  ref: string;
}

export function parseAssociationKey(key: string): ParsedKey | undefined {
  const [prefix, tenantId, ref, ...rest] = key.split('|');
  if (rest.length > 0 || !tenantId || !ref) return undefined;
  if (prefix === 'm365') return { basis: 'workload', tenantId, ref };
  if (prefix === 'sub') return { basis: 'subscription', tenantId, ref };
  return undefined;
}

/**
 * What an existing (pre-CPOR) association is worth now:
 * - `current`: not legacy, a hold made by a claim;
 * - `validUntilExpiry`: legacy Dynamics 365 / Power BI, subscription not yet expired;
 * - `expired`: legacy whose subscription has expired;
 * - `mustReassociate`: legacy Microsoft 365 (and other products without the grace),
 *   which keeps nothing until the partner files a CPOR claim (docs/RULES.md, rule 4).
 */
export type LegacyStatus = 'current' | 'validUntilExpiry' | 'expired' | 'mustReassociate';

export type LegacyRule = 'validUntilSubscriptionExpires' | 'mustReassociate';

/** The legacy rule for a product; unknown products get the stricter rule. */
export function legacyRuleFor(productId: string): LegacyRule {
  return productById(productId)?.legacyValidUntilExpiry ? 'validUntilSubscriptionExpires' : 'mustReassociate';
}

export function legacyStatus(hold: Pick<AssociationHold, 'key' | 'legacy' | 'expiresAt'>, now: Date): LegacyStatus {
  if (!hold.legacy) return 'current';
  const parsed = parseAssociationKey(hold.key);
  // Workload keys are Microsoft 365 by construction; a subscription key may name its
  // product (single-subscription form) — then that product's rule applies.
  if (!parsed || parsed.basis === 'workload') return 'mustReassociate';
  if (productById(parsed.ref) && legacyRuleFor(parsed.ref) === 'mustReassociate') return 'mustReassociate';
  if (hold.expiresAt !== undefined && Date.parse(hold.expiresAt) <= now.getTime()) return 'expired';
  return 'validUntilExpiry';
}

/** Whether a hold still keeps other partners off its key. */
export function holdIsActive(hold: Pick<AssociationHold, 'key' | 'legacy' | 'expiresAt'>, now: Date): boolean {
  const status = legacyStatus(hold, now);
  return status === 'current' || status === 'validUntilExpiry';
}

export interface ExclusivityViolation {
  key: string;
  holders: { partnerId: string; claimId?: string }[];
}

/**
 * The invariant as a pure check: keys that more than one partner holds actively.
 * Pending holds count (an approval in flight already claims the key); expired or
 * must-reassociate legacy holds do not. Sorted by key; holders by partner id.
 */
export function findExclusivityViolations(holds: readonly AssociationHold[], now: Date): ExclusivityViolation[] {
  const byKey = new Map<string, AssociationHold[]>();
  for (const hold of holds) {
    if (!holdIsActive(hold, now)) continue;
    byKey.set(hold.key, [...(byKey.get(hold.key) ?? []), hold]);
  }
  const violations: ExclusivityViolation[] = [];
  for (const [key, active] of byKey) {
    if (new Set(active.map((h) => h.partnerId)).size < 2) continue;
    const holders = active
      .map((h) =>
        h.claimId === undefined ? { partnerId: h.partnerId } : { partnerId: h.partnerId, claimId: h.claimId },
      )
      .sort((a, b) => a.partnerId.localeCompare(b.partnerId) || (a.claimId ?? '').localeCompare(b.claimId ?? ''));
    violations.push({ key, holders });
  }
  return violations.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Which of `keys` another partner actively holds, to warn the partner before submission. */
export function contestedKeys(
  keys: readonly string[],
  partnerId: string,
  holds: readonly AssociationHold[],
  now: Date,
): string[] {
  const wanted = new Set(keys);
  const contested = holds
    .filter((h) => wanted.has(h.key) && h.partnerId !== partnerId && holdIsActive(h, now))
    .map((h) => h.key);
  return [...new Set(contested)].sort();
}
