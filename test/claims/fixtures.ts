/** Claims and people for the domain tests: one complete, submittable claim to vary from. */
import type { Actor, Claim, PartnerOrganisation, PoeFile } from '../../claims/model';

export const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const SUBSCRIPTION_A = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
export const SUBSCRIPTION_B = '6ba7b811-9dad-41d1-80b4-00c04fd430c8';
export const T0 = new Date('2026-03-02T17:00:00.000Z');

export const admin: Actor = { role: 'partnerAdmin', id: 'aad-admin', name: 'Ada Admin' };
export const partnerUser: Actor = { role: 'partnerUser', id: 'aad-user' };
export const reviewer: Actor = { role: 'reviewer', id: 'aad-reviewer' };
export const customer: Actor = { role: 'customer', id: 'it@contoso.com' };
export const system: Actor = { role: 'system', id: 'scheduler' };

export const org: PartnerOrganisation = {
  id: 'partner-tenant',
  type: 'partner',
  name: 'Fabrikam Consulting',
  locations: [
    { mpnId: '1234567', name: 'Seattle' },
    { mpnId: '7654321', name: 'Seoul' },
  ],
  incentivesAdmins: ['aad-admin'],
  reviewers: [],
};

export function poeFile(id = 'poe-1'): PoeFile {
  return {
    id,
    fileName: 'sow.pdf',
    kind: 'pdf',
    contentType: 'application/pdf',
    sizeBytes: 1024,
    sha256: 'a'.repeat(64),
    blobName: `claim-1/${id}`,
    uploadedAt: T0.toISOString(),
    uploadedBy: admin,
  };
}

/** A draft Dynamics 365 claim that passes submission validation. */
export function validClaim(overrides: Partial<Claim> = {}): Claim {
  return {
    id: 'claim-1',
    partnerId: org.id,
    type: 'claim',
    name: 'Contoso CRM roll-out',
    mpnId: '1234567',
    customerDomain: 'contoso.onmicrosoft.com',
    customerTenantId: TENANT,
    solutionArea: 'businessApplications',
    activity: 'usageOrPresales',
    productIds: ['dynamics365Sales'],
    subscriptions: [{ productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A] }],
    customerContact: { name: 'Chris Customer', title: 'CIO', email: 'chris@contoso.com' },
    technicalContact: { name: 'Tess Tech', title: 'IT lead', email: 'tess@contoso.com' },
    partnerContact: { name: 'Pat Partner', email: 'pat@fabrikam.com' },
    poe: [poeFile()],
    comments: [],
    status: 'draft',
    history: [{ at: T0.toISOString(), actor: admin, event: 'created', from: null, to: 'draft' }],
    createdBy: admin,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    disputed: false,
    heldKeys: [],
    outbox: [],
    ...overrides,
  };
}

/** A Microsoft 365 usage claim that passes submission validation. */
export function validM365Claim(overrides: Partial<Claim> = {}): Claim {
  return validClaim({
    solutionArea: 'microsoft365',
    activity: 'usage',
    productIds: ['exchangeOnline', 'microsoftTeams'],
    subscriptions: [],
    technicalContact: undefined,
    ...overrides,
  });
}
