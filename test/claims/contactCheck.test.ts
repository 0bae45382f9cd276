/**
 * Contacts belong to their organisations, through the lifecycle on the Cosmos stand-in:
 * at submission and approval an address of another tenant or a personal mailbox is
 * refused, one the directory cannot tell about is marked unverified, and the consent
 * request cannot go to an unverified customer contact until a reviewer confirmed it
 * (recorded in the history); a changed address needs confirming again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { checkContacts, consentAddressCleared } from '../../claims/contactCheck';
import { ClaimLifecycle } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import type { TenantDirectory } from '../../claims/ports';
import { isConsumerDomain, type TenantLookup } from '../../claims/tenants';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import {
  REVIEWER,
  calendar,
  codes,
  draft,
  engineOn,
  newPartner,
  refOf,
  value,
  type Engine,
  type Partner,
} from './engineHarness';

const CUSTOMER = randomUUID();

/** The directory as the test's world knows it: the customer's domain, a rival's, and nothing else. */
function directory(partnerTenant: string): TenantDirectory {
  const known: Record<string, string> = {
    'customer.example': CUSTOMER,
    'rival.example': randomUUID(),
    'partner.example': partnerTenant,
  };
  return {
    lookup: async (domain: string): Promise<TenantLookup> => {
      if (isConsumerDomain(domain)) return { kind: 'consumer' };
      const tenantId = known[domain];
      return tenantId ? { kind: 'tenant', tenantId } : { kind: 'unverifiable' };
    },
  };
}

describe('claims/contactCheck', () => {
  let engine: Engine;
  let partner: Partner;
  let lifecycle: ClaimLifecycle;

  beforeEach(async () => {
    engine = await engineOn(await freshCosmosDatabase());
    partner = await newPartner(engine);
    lifecycle = new ClaimLifecycle({
      claims: engine.claims,
      associations: engine.associations,
      partners: engine.partners,
      calendar,
      clock: engine.clock,
      contactTenants: directory(partner.org.id),
    });
  });

  const contacts = (customer: string, partnerEmail = 'pat@partner.example'): Partial<Claim> => ({
    customerTenantId: CUSTOMER,
    customerDomain: 'customer.example',
    customerContact: { name: 'Chris Customer', title: 'CIO', email: customer },
    partnerContact: { name: 'Pat Partner', email: partnerEmail },
  });

  it('tells verified, refused and unverified addresses apart, for each contact against its own tenant', async () => {
    const claim = {
      partnerId: partner.org.id,
      ...contacts('chris@customer.example', 'pat@rival.example'),
      technicalContact: { name: 'T', title: 'IT', email: 'tess@unknown.example' },
    } as Claim;
    const checked = await checkContacts(claim, directory(partner.org.id));
    assert.deepEqual(
      checked.problems.map((p) => [p.code, p.field]),
      [['contactNotPartner', 'partnerContact.email']],
    );
    assert.deepEqual(checked.unverified, ['technicalContact']);
    const personal = await checkContacts(
      { ...claim, customerContact: { name: 'C', email: 'chris@gmail.com' }, partnerContact: undefined } as Claim,
      directory(partner.org.id),
    );
    assert.deepEqual(
      personal.problems.map((p) => p.code),
      ['contactPersonalMailbox'],
    );
  });

  it('refuses submission with a customer contact of another tenant or a personal mailbox, and changes nothing', async () => {
    for (const email of ['dana@rival.example', 'dana@outlook.com']) {
      const claim = await draft(engine, partner, contacts(email));
      const refused = await lifecycle.submit(refOf(claim), partner.admin);
      assert.deepEqual(codes(refused), [
        email.endsWith('outlook.com') ? 'contactPersonalMailbox' : 'contactNotCustomer',
      ]);
      assert.equal((await engine.claims.get(claim.partnerId, claim.id))?.value.status, 'draft');
    }
  });

  it('marks an address the directory cannot tell about, and approves only after a reviewer confirmed it, recorded in the history', async () => {
    const claim = await draft(engine, partner, contacts('chris@unknown.example'));
    const ref = refOf(claim);
    const submitted = value(await lifecycle.submit(ref, partner.admin)).value;
    assert.deepEqual(submitted.unverifiedContacts, ['customerContact']);
    value(await lifecycle.startReview(ref, REVIEWER));
    assert.deepEqual(codes(await lifecycle.approve(ref, REVIEWER)), ['contactUnconfirmed']);
    // A partner cannot confirm their own contact.
    assert.deepEqual(codes(await lifecycle.confirmContact(ref, partner.admin, 'customerContact')), ['roleNotAllowed']);
    const confirmed = value(await lifecycle.confirmContact(ref, REVIEWER, 'customerContact')).value;
    assert.equal(confirmed.history.at(-1)?.event, 'contactConfirmed');
    assert.equal(confirmed.history.at(-1)?.note, 'chris@unknown.example');
    assert.ok(consentAddressCleared(confirmed));
    const approved = value(await lifecycle.approve(ref, REVIEWER)).value;
    assert.equal(approved.status, 'approvedCustomerNotified');
  });

  it('needs the confirmation again when the address changed after it', async () => {
    const claim = await draft(engine, partner, contacts('chris@unknown.example'));
    const ref = refOf(claim);
    value(await lifecycle.submit(ref, partner.admin));
    value(await lifecycle.startReview(ref, REVIEWER));
    value(await lifecycle.confirmContact(ref, REVIEWER, 'customerContact'));
    const stored = (await engine.claims.get(claim.partnerId, claim.id)) ?? assert.fail('stored');
    await engine.claims.replace(
      {
        ...stored.value,
        customerContact: { name: 'Chris Customer', title: 'CIO', email: 'someone@other-unknown.example' },
      },
      stored.etag,
    );
    assert.deepEqual(codes(await lifecycle.approve(ref, REVIEWER)), ['contactUnconfirmed']);
  });

  it('approves a verified customer contact without any confirmation, and re-checks at approval', async () => {
    const claim = await draft(engine, partner, contacts('chris@customer.example'));
    const ref = refOf(claim);
    assert.equal(value(await lifecycle.submit(ref, partner.admin)).value.unverifiedContacts, undefined);
    value(await lifecycle.startReview(ref, REVIEWER));
    // Changed behind the lifecycle's back to a rival's address: approval checks again.
    const stored = (await engine.claims.get(claim.partnerId, claim.id)) ?? assert.fail('stored');
    await engine.claims.replace(
      { ...stored.value, customerContact: { name: 'Mallory', email: 'mallory@rival.example' } },
      stored.etag,
    );
    assert.deepEqual(codes(await lifecycle.approve(ref, REVIEWER)), ['contactNotCustomer']);
  });
});
