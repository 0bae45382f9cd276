/**
 * Exclusivity caught while the partner chooses, not days later in review: which of the
 * claim's association keys someone holds now (claims/partnerConflicts.ts, holds only: the
 * partner's own claims that merely want a key do not stop this claim). Another partner is
 * never named; the partner's own claim is, with what its status lets them do about it.
 */
import type { Claim } from '../../claims/model';
import { heldConflictsOf, type PartnerConflict, type PartnerConflictSources } from '../../claims/partnerConflicts';
import { conflictNotice, type Locale } from '../../locales/i18n';

export type HeldKey = PartnerConflict;

type Keyed = Pick<Claim, 'id' | 'partnerId' | 'customerTenantId' | 'productIds' | 'subscriptions'>;

/** The keys of `productIds` (default: all the claim's products) that another claim or partner holds. */
export const heldKeysOf = (
  sources: PartnerConflictSources,
  claim: Keyed,
  now: Date,
  productIds: readonly string[] = claim.productIds,
): Promise<HeldKey[]> => heldConflictsOf(claim, sources, now, productIds);

/** What to tell the partner about one held key. */
export const heldKeyMessage = (locale: Locale, held: HeldKey): string => conflictNotice(locale, held);
