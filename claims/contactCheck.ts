/**
 * Contacts belong to their organisation: the customer's contact and technical contact
 * must have addresses whose domain the tenant directory gives to the claim's customer
 * tenant, the partner's contact one of the partner's own tenant (a partner
 * organisation's id is its tenant id). Another tenant or a personal mailbox is
 * refused; a domain the directory cannot answer for is accepted and marked unverified,
 * and the customer's consent request goes to such an address only after a reviewer
 * confirmed it.
 */
import type { Problem } from './errors';
import type { Claim, ContactRole } from './model';
import type { TenantDirectory } from './ports';
import { belongsTo, emailDomain } from './tenants';

export interface ContactCheck {
  /** Addresses refused: another organisation's, or personal mailboxes. */
  problems: Problem[];
  /** Contacts the directory could not tell about. */
  unverified: ContactRole[];
}

type CheckedClaim = Pick<
  Claim,
  'partnerId' | 'customerTenantId' | 'customerDomain' | 'customerContact' | 'technicalContact' | 'partnerContact'
>;

const ROLES: readonly ContactRole[] = ['customerContact', 'technicalContact', 'partnerContact'];

export async function checkContacts(claim: CheckedClaim, tenants: TenantDirectory): Promise<ContactCheck> {
  const problems: Problem[] = [];
  const unverified: ContactRole[] = [];
  for (const role of ROLES) {
    const email = claim[role]?.email?.trim();
    const domain = email ? emailDomain(email) : undefined;
    if (!email || !domain) continue;
    const tenantId = role === 'partnerContact' ? claim.partnerId : claim.customerTenantId;
    const lookup = await tenants.lookup(domain);
    const verdict = tenantId ? belongsTo(lookup, tenantId) : 'unknown';
    const field = `${role}.email`;
    if (lookup.kind === 'consumer') problems.push({ code: 'contactPersonalMailbox', field, params: { email } });
    else if (verdict === 'no')
      problems.push({
        code: role === 'partnerContact' ? 'contactNotPartner' : 'contactNotCustomer',
        field,
        params: { email, domain: claim.customerDomain },
      });
    else if (verdict === 'unknown') unverified.push(role);
  }
  return { problems, unverified };
}

/** The claim with its unverified marks as just checked (none: the field is dropped). */
export function withContactMarks<T extends Pick<Claim, 'unverifiedContacts'>>(
  claim: T,
  unverified: readonly ContactRole[],
): T {
  const { unverifiedContacts: _old, ...rest } = claim;
  return (unverified.length > 0 ? { ...rest, unverifiedContacts: [...unverified] } : rest) as T;
}

/** Whether a reviewer confirmed the contact's current address. */
export function isConfirmed(claim: Pick<Claim, 'confirmedContacts' | ContactRole>, role: ContactRole): boolean {
  const email = claim[role]?.email?.trim().toLowerCase();
  return (
    email !== undefined &&
    email !== '' &&
    (claim.confirmedContacts ?? []).some((c) => c.role === role && c.email.trim().toLowerCase() === email)
  );
}

/** The consent request goes to the customer's contact: verified, or confirmed by a reviewer. */
export function consentAddressCleared(
  claim: Pick<Claim, 'unverifiedContacts' | 'confirmedContacts' | ContactRole>,
): boolean {
  return !(claim.unverifiedContacts ?? []).includes('customerContact') || isConfirmed(claim, 'customerContact');
}
