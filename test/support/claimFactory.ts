/**
 * Builds valid `Claim` documents for storage tests without going through the domain
 * functions (they may change, and storage tests must only depend on the model's shape).
 */
import { randomUUID } from 'node:crypto';
import { CLAIM_STATUSES, type Actor, type Claim, type ClaimStatus } from '../../claims/model';

export const DEMO_PARTNER = '00000000-0000-0000-0000-0000000000001';
export const DEMO_ADMIN: Actor = {
  role: 'partnerAdmin',
  id: '00000000-0000-0000-0000-0000000000020',
  name: 'Alex Wilber',
};

/** Every status but draft has been through submission, so the claim carries `submittedAt`. */
const SUBMITTED_STATUSES: readonly ClaimStatus[] = CLAIM_STATUSES.filter((status) => status !== 'draft');

export function buildClaim(overrides: Partial<Claim> = {}): Claim {
  const at = overrides.createdAt ?? '2025-03-03T09:00:00.000Z';
  const status = overrides.status ?? 'draft';
  const createdBy = overrides.createdBy ?? DEMO_ADMIN;
  const claim: Claim = {
    id: randomUUID(),
    partnerId: DEMO_PARTNER,
    type: 'claim',
    name: 'Contoso Exchange rollout',
    mpnId: '1234567',
    customerDomain: 'contoso.onmicrosoft.com',
    customerTenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    solutionArea: 'microsoft365',
    activity: 'usage',
    productIds: ['exchangeOnline'],
    subscriptions: [],
    customerContact: { name: 'Dana Customer', title: 'IT lead', email: 'dana@contoso.com' },
    partnerContact: { name: 'Alex Wilber', email: 'alexw@example.com' },
    poe: [],
    comments: [],
    status,
    history: [{ at, actor: createdBy, event: 'created', from: null, to: 'draft' }],
    createdBy,
    createdAt: at,
    updatedAt: at,
    ...(SUBMITTED_STATUSES.includes(status) ? { submittedAt: at } : {}),
    disputed: false,
    heldKeys: [],
    outbox: [],
  };
  return { ...claim, ...overrides };
}

/** An ISO instant `minutes` after a fixed base, so tests can order claims without a clock. */
export function minutesAfterBase(minutes: number): string {
  return new Date(Date.UTC(2025, 2, 3, 9, 0) + minutes * 60_000).toISOString();
}
