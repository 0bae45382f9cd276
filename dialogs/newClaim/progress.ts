/**
 * Where the partner is in the new-claim conversation, for the header of every step
 * card ("Step 3 of 5"). One row per step a person sees, in order; a step that the
 * claim does not need (no Dynamics 365 product) is not counted,
 * so the total a partner reads is the number of cards they will answer.
 */
import { productById } from '../../claims/catalog';
import type { Claim } from '../../claims/model';

export type ProgressStep = 'start' | 'products' | 'subscriptions' | 'contacts' | 'poe' | 'summary';

const STEPS: readonly {
  step: ProgressStep;
  shown: (claim: Pick<Claim, 'productIds'>) => boolean;
}[] = [
  // Location, customer, solution and name: one card (revenue association's details are its second).
  { step: 'start', shown: () => true },
  { step: 'products', shown: () => true },
  { step: 'subscriptions', shown: (claim) => claim.productIds.some((id) => productById(id)?.dynamics365 === true) },
  { step: 'contacts', shown: () => true },
  { step: 'poe', shown: () => true },
  { step: 'summary', shown: () => true },
];

/** The step's number among the steps this claim shows, and how many there are. */
export function progressOf(step: ProgressStep, claim: Pick<Claim, 'productIds'>): { step: number; total: number } {
  const shown = STEPS.filter((s) => s.step === step || s.shown(claim));
  return { step: shown.findIndex((s) => s.step === step) + 1, total: shown.length };
}
