/**
 * Where the partner is in the new-claim conversation, for the header of every step
 * card ("Step 3 of 6"). One row per step a person sees, in order; a step that the
 * claim does not need (one partner location, no Dynamics 365 product) is not counted,
 * so the total a partner reads is the number of cards they will answer.
 */
import { productById } from '../../claims/catalog';
import type { Claim, PartnerOrganisation } from '../../claims/model';

export type ProgressStep =
  'location' | 'customer' | 'solution' | 'claimName' | 'products' | 'subscriptions' | 'contacts' | 'poe' | 'summary';

const STEPS: readonly {
  step: ProgressStep;
  shown: (claim: Pick<Claim, 'productIds'>, org: Pick<PartnerOrganisation, 'locations'>) => boolean;
}[] = [
  // One location is taken without asking.
  { step: 'location', shown: (_claim, org) => org.locations.length > 1 },
  { step: 'customer', shown: () => true },
  { step: 'solution', shown: () => true },
  { step: 'claimName', shown: () => true },
  { step: 'products', shown: () => true },
  { step: 'subscriptions', shown: (claim) => claim.productIds.some((id) => productById(id)?.dynamics365 === true) },
  { step: 'contacts', shown: () => true },
  { step: 'poe', shown: () => true },
  { step: 'summary', shown: () => true },
];

/** The step's number among the steps this claim shows, and how many there are. */
export function progressOf(
  step: ProgressStep,
  claim: Pick<Claim, 'productIds'>,
  org: Pick<PartnerOrganisation, 'locations'>,
): { step: number; total: number } {
  const shown = STEPS.filter((s) => s.step === step || s.shown(claim, org));
  return { step: shown.findIndex((s) => s.step === step) + 1, total: shown.length };
}
