/**
 * Exclusivity caught while the partner chooses, not days later in review: which of
 * the claim's association keys someone else holds now. Another partner is never
 * named; the partner's own other claim is told apart, since it is theirs to withdraw.
 */
import { associationKeys, holdIsActive, parseAssociationKey } from '../../claims/associations';
import type { Claim } from '../../claims/model';
import type { AssociationStore } from '../../claims/ports';
import { problemMessage, productName, t, type Locale } from '../../locales/i18n';

export interface HeldKey {
  key: string;
  productId: string;
  byOwnClaim: boolean;
}

type Keyed = Pick<Claim, 'id' | 'partnerId' | 'customerTenantId' | 'productIds' | 'subscriptions'>;

/** The keys of `productIds` (default: all the claim's products) that another claim or partner holds. */
export async function heldKeysOf(
  associations: AssociationStore,
  claim: Keyed,
  now: Date,
  productIds: readonly string[] = claim.productIds,
): Promise<HeldKey[]> {
  const held: HeldKey[] = [];
  for (const productId of productIds) {
    for (const key of associationKeys({ ...claim, productIds: [productId] })) {
      const hold = await associations.holderOf(key);
      if (!hold || !holdIsActive(hold, now)) continue;
      const own = hold.partnerId === claim.partnerId;
      // The partner's own legacy association gives way to its claim; so does this claim's own hold.
      if (own && (hold.legacy || hold.claimId === claim.id)) continue;
      held.push({ key, productId, byOwnClaim: own });
    }
  }
  return held;
}

/** What to tell the partner about one held key. */
export function heldKeyMessage(locale: Locale, held: HeldKey): string {
  if (held.byOwnClaim)
    return problemMessage(locale, { code: 'keyHeldByOwnClaim', field: 'productIds', params: { key: held.key } });
  const product = productName(held.productId);
  const parsed = parseAssociationKey(held.key);
  const bySubscriptionId = parsed?.basis === 'subscription' && parsed.ref !== held.productId;
  return bySubscriptionId
    ? t(locale, 'products.subscriptionTaken', { subscriptionId: parsed.ref, product })
    : t(locale, 'products.alreadyAssociated', { product });
}
