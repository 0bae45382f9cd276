import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { findConflicts } from '../../claims/reviewConflicts';
import {
  claimIn,
  draft,
  newPartner,
  useEngine,
  value,
  refOf,
  REVIEWER,
  type Engine,
  type Partner,
} from './engineHarness';
import { SUBSCRIPTION_A, validClaim } from './fixtures';

describe('review conflicts', () => {
  let engine: Engine;
  let partner: Partner;
  useEngine((fixture) => ({ engine, partner } = fixture));

  const conflictsOf = async (claim: Parameters<typeof findConflicts>[0]) =>
    findConflicts(claim, engine, engine.clock.now());

  it('finds none for a claim alone on its keys, and none with its own holds once approved', async () => {
    const claim = await claimIn(engine, partner, 'submitted');
    assert.deepEqual(await conflictsOf(claim), []);
    const approved = await claimIn(engine, partner, 'approvedCustomerNotified');
    assert.deepEqual(await conflictsOf(approved), []);
  });

  it('flags each key another partner holds, naming that partner and claim by id', async () => {
    const rival = await newPartner(engine);
    const tenant = randomUUID();
    const held = await claimIn(engine, rival, 'approvedCustomerNotified', {
      customerTenantId: tenant,
      productIds: ['exchangeOnline'],
    });
    const mine = await claimIn(engine, partner, 'underReview', {
      customerTenantId: tenant,
      productIds: ['exchangeOnline', 'microsoftTeams'],
    });
    assert.deepEqual(await conflictsOf(mine), [
      { key: `m365|${tenant}|exchangeOnline`, kind: 'heldByAnotherPartner', partnerId: rival.org.id, claimId: held.id },
    ]);
  });

  it("tells the partner's own other claim apart", async () => {
    const tenant = randomUUID();
    const first = await claimIn(engine, partner, 'associated', {
      customerTenantId: tenant,
      productIds: ['microsoftTeams'],
    });
    const second = await claimIn(engine, partner, 'submitted', {
      customerTenantId: tenant,
      productIds: ['microsoftTeams'],
    });
    assert.deepEqual(await conflictsOf(second), [
      { key: `m365|${tenant}|microsoftTeams`, kind: 'heldByOwnClaim', partnerId: partner.org.id, claimId: first.id },
    ]);
  });

  it('flags open claims of any partner that want the same key, but not the claim itself nor decided claims', async () => {
    const rival = await newPartner(engine);
    const tenant = ` ${randomUUID().toUpperCase()} `;
    const canonical = tenant.trim().toLowerCase();
    const competitor = await claimIn(engine, rival, 'submitted', {
      customerTenantId: canonical,
      productIds: ['exchangeOnline', 'intune'],
    });
    await claimIn(engine, rival, 'rejected', { customerTenantId: canonical, productIds: ['exchangeOnline'] });
    await draft(engine, rival, { customerTenantId: canonical, productIds: ['exchangeOnline'] });
    const mine = await claimIn(engine, partner, 'underReview', {
      customerTenantId: canonical,
      productIds: ['exchangeOnline', 'microsoftTeams'],
    });
    assert.deepEqual(await conflictsOf({ ...mine, customerTenantId: tenant }), [
      {
        key: `m365|${canonical}|exchangeOnline`,
        kind: 'claimedByAnotherClaim',
        partnerId: rival.org.id,
        claimId: competitor.id,
      },
    ]);
  });

  it('counts live legacy associations of others, not expired ones nor the partner’s own', async () => {
    const rival = await newPartner(engine);
    const tenant = randomUUID();
    const key = `sub|${tenant}|${SUBSCRIPTION_A}`;
    const claim = validClaim({
      id: randomUUID(),
      partnerId: partner.org.id,
      customerTenantId: tenant,
      status: 'underReview',
    });
    const future = new Date(engine.clock.now().getTime() + 86_400_000 * 90).toISOString();
    await engine.associations.importLegacy({ key, partnerId: rival.org.id, expiresAt: future });
    assert.deepEqual(await conflictsOf(claim), [{ key, kind: 'heldByAnotherPartner', partnerId: rival.org.id }]);

    const ownTenant = randomUUID();
    await engine.associations.importLegacy({
      key: `sub|${ownTenant}|${SUBSCRIPTION_A}`,
      partnerId: partner.org.id,
      expiresAt: future,
    });
    assert.deepEqual(await conflictsOf({ ...claim, customerTenantId: ownTenant }), [], 'own legacy');

    engine.clock.advance(86_400_000 * 91);
    assert.deepEqual(await conflictsOf(claim), [], 'expired');
  });
});

describe('ClaimLifecycle.comment', () => {
  let engine: Engine;
  let partner: Partner;
  useEngine((fixture) => ({ engine, partner } = fixture));

  it('adds comments of both sides with author and time, and a repeated comment id only once', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    value(await engine.lifecycle.comment(refOf(claim), partner.admin, '  Signed SOW attached.  ', 'c-1'));
    engine.clock.advance(60_000);
    value(await engine.lifecycle.comment(refOf(claim), REVIEWER, 'Thanks, looking.', 'c-2'));
    const stored = value(await engine.lifecycle.comment(refOf(claim), REVIEWER, 'Thanks, looking.', 'c-2')).value;
    assert.deepEqual(
      stored.comments.map((c) => [c.id, c.author.role, c.author.id, c.text, c.at]),
      [
        ['c-1', 'partnerAdmin', partner.admin.actor.id, 'Signed SOW attached.', '2026-03-02T17:00:00.000Z'],
        ['c-2', 'reviewer', 'aad-reviewer', 'Thanks, looking.', '2026-03-02T17:01:00.000Z'],
      ],
    );
    assert.equal(stored.status, 'underReview', 'a comment is not a transition');
    assert.equal(stored.history.length, claim.history.length);
  });

  it('refuses partner users, other organisations, unlisted reviewers, reviewers on drafts and empty text', async () => {
    const claim = await claimIn(engine, partner, 'submitted');
    const ref = refOf(claim);
    const user = { actor: { role: 'partnerUser' as const, id: 'aad-user' }, tenantId: partner.org.id };
    const rival = await newPartner(engine);
    const fakeReviewer = { actor: { role: 'reviewer' as const, id: 'aad-not-listed' }, tenantId: REVIEWER.tenantId };
    const results = {
      user: await engine.lifecycle.comment(ref, user, 'hi'),
      otherOrganisation: await engine.lifecycle.comment(ref, rival.admin, 'hi'),
      unlistedReviewer: await engine.lifecycle.comment(ref, fakeReviewer, 'hi'),
      empty: await engine.lifecycle.comment(ref, partner.admin, '   '),
      onDraft: await engine.lifecycle.comment(refOf(await draft(engine, partner)), REVIEWER, 'hi'),
    };
    const codes = Object.fromEntries(
      Object.entries(results).map(([k, r]) => [k, r.ok ? [] : r.error.map((p) => p.code)]),
    );
    assert.deepEqual(codes, {
      user: ['roleNotAllowed'],
      otherOrganisation: ['notFound'],
      unlistedReviewer: ['roleNotAllowed'],
      empty: ['required'],
      onDraft: ['roleNotAllowed'],
    });
    assert.deepEqual((await engine.claims.get(claim.partnerId, claim.id))?.value.comments, []);
  });
});
