import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClaimStatus } from '../../claims/model';
import { heldConflictsOf, partnerConflictsOf, type PartnerConflict } from '../../claims/partnerConflicts';
import type { ConflictAdvice } from '../../claims/statusTraits';
import { conflictNotice, LOCALES, t } from '../../locales/i18n';
import { claimIn, draft, newPartner, useEngine, type Engine, type Partner } from './engineHarness';
import { SUBSCRIPTION_A, validClaim } from './fixtures';

describe('partner conflicts: what the partner filing a claim is told stands in its way', () => {
  let engine: Engine;
  let partner: Partner;
  useEngine((fixture) => ({ engine, partner } = fixture));

  const teamsFor = (tenant: string) => ({ customerTenantId: tenant, productIds: ['microsoftTeams'] });
  const conflictsOf = async (claim: Parameters<typeof partnerConflictsOf>[0], productIds?: string[]) =>
    partnerConflictsOf(claim, engine, engine.clock.now(), productIds);

  // The partner's own claim of each status, for the same customer and workload as a new draft.
  const OWN: [ClaimStatus, ConflictAdvice | null][] = [
    ['draft', 'finishOrDiscard'],
    ['submitted', 'waitOrWithdraw'],
    ['underReview', 'waitOrWithdraw'],
    ['partnerActionRequired', 'answerOrWithdraw'],
    ['approvedCustomerNotified', 'waitForWindow'],
    ['associated', 'official'],
    ['dispute', 'waitForDispute'],
    ['rejected', null],
    ['rejectedFinal', null],
  ];
  for (const [status, advice] of OWN) {
    it(`names the partner's own ${status} claim with ${advice ?? 'no conflict at all'}`, async () => {
      const tenant = randomUUID();
      const name = `Teams for ${status}`;
      // Approved and official claims get there through the lifecycle, holding their keys.
      const existing =
        status === 'approvedCustomerNotified' || status === 'associated'
          ? await claimIn(engine, partner, status, { ...teamsFor(tenant), name })
          : await draft(engine, partner, { ...teamsFor(tenant), name, status });
      const fresh = await draft(engine, partner, teamsFor(tenant));
      const expected: PartnerConflict[] =
        advice === null
          ? []
          : [
              {
                kind: 'ownClaim',
                key: `m365|${tenant}|microsoftTeams`,
                productId: 'microsoftTeams',
                claim: { id: existing.id, name, status },
                advice,
              },
            ];
      assert.deepEqual(await conflictsOf(fresh), expected);
      for (const conflict of expected)
        for (const locale of LOCALES) {
          const notice = conflictNotice(locale, conflict);
          assert.ok(notice.includes(name) && notice.includes(existing.id), `${locale}: ${notice}`);
          assert.ok(notice.includes('Microsoft Teams'), `${locale} names the workload: ${notice}`);
        }
    });
  }

  it('never advises withdrawing what cannot be withdrawn, and says what can be done instead', () => {
    const claim = { id: 'c-1', name: 'Contoso Teams', status: 'associated' as const };
    const notice = (advice: ConflictAdvice) =>
      conflictNotice('en-US', {
        kind: 'ownClaim',
        key: 'm365|t|microsoftTeams',
        productId: 'microsoftTeams',
        claim,
        advice,
      });
    assert.match(notice('official'), /can't be withdrawn.*End association/u);
    assert.match(notice('waitForWindow'), /can't be withdrawn/u);
    assert.match(notice('waitForDispute'), /can't be withdrawn/u);
    assert.match(notice('waitOrWithdraw'), /withdraw it/u);
    assert.match(notice('finishOrDiscard'), /discard it/u);
  });

  it('says another partner holds a key without naming the partner or its claim, in every language', async () => {
    const rival = await newPartner(engine);
    const tenant = randomUUID();
    const theirs = await claimIn(engine, rival, 'associated', { ...teamsFor(tenant), name: 'Rival secret claim' });
    const fresh = await draft(engine, partner, teamsFor(tenant));
    const conflicts = await conflictsOf(fresh);
    assert.deepEqual(conflicts, [
      { kind: 'anotherPartner', key: `m365|${tenant}|microsoftTeams`, productId: 'microsoftTeams' },
    ]);
    for (const locale of LOCALES) {
      const notice = conflictNotice(locale, conflicts[0]!);
      for (const secret of [theirs.name, theirs.id, rival.org.name, rival.org.id])
        assert.ok(!notice.includes(secret), `${locale} reveals ${secret}: ${notice}`);
    }
  });

  it("finds nothing in another partner's claims that do not hold the key yet: those are the reviewers' to weigh", async () => {
    const rival = await newPartner(engine);
    const tenant = randomUUID();
    await claimIn(engine, rival, 'underReview', teamsFor(tenant));
    await draft(engine, rival, teamsFor(tenant));
    assert.deepEqual(await conflictsOf(await draft(engine, partner, teamsFor(tenant))), []);
  });

  it('leaves out the claim itself, its own legacy association, other customers and products not asked about', async () => {
    const tenant = randomUUID();
    const approved = await claimIn(engine, partner, 'associated', teamsFor(tenant));
    assert.deepEqual(await conflictsOf(approved), [], 'its own hold');
    // A legacy Dynamics 365 association, still valid: the partner's own gives way to its claim.
    const subscription = { customerTenantId: tenant, productIds: ['dynamics365Sales'] };
    const subscriptions = [{ productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A] }];
    await engine.associations.importLegacy({ key: `sub|${tenant}|${SUBSCRIPTION_A}`, partnerId: partner.org.id });
    assert.deepEqual(await conflictsOf(await draft(engine, partner, { ...subscription, subscriptions })), []);
    await draft(engine, partner, { customerTenantId: randomUUID(), productIds: ['exchangeOnline'] });
    const both = await draft(engine, partner, { customerTenantId: tenant, productIds: ['microsoftTeams', 'intune'] });
    assert.deepEqual(await conflictsOf(both, ['intune']), [], 'only the products asked about');
    assert.deepEqual(
      (await conflictsOf(both, ['microsoftTeams'])).map((c) => c.kind === 'ownClaim' && c.claim.id),
      [approved.id],
    );
  });

  it("names another partner's subscription by its id, and the product for a workload", async () => {
    const rival = await newPartner(engine);
    const tenant = randomUUID();
    const { solutionArea, activity, technicalContact, productIds, subscriptions } = validClaim();
    const dynamics = { customerTenantId: tenant, solutionArea, activity, technicalContact, productIds, subscriptions };
    await claimIn(engine, rival, 'associated', dynamics);
    const [conflict] = await conflictsOf(await draft(engine, partner, dynamics));
    assert.ok(conflict);
    assert.equal(
      conflictNotice('en-US', conflict),
      t('en-US', 'products.subscriptionTaken', { subscriptionId: SUBSCRIPTION_A, product: 'Dynamics 365 Sales' }),
    );
  });

  it('tells only the holds apart from the claims that merely want a key (heldConflictsOf)', async () => {
    const tenant = randomUUID();
    const official = await claimIn(engine, partner, 'associated', teamsFor(tenant));
    await draft(engine, partner, { ...teamsFor(tenant), status: 'submitted' });
    const fresh = await draft(engine, partner, teamsFor(tenant));
    const held = await heldConflictsOf(fresh, engine, engine.clock.now());
    assert.deepEqual(
      held.map((c) => (c.kind === 'ownClaim' ? c.claim.id : c.kind)),
      [official.id],
    );
  });

  it('still reports a hold of its own whose claim cannot be read, without a name', async () => {
    const tenant = randomUUID();
    const key = `m365|${tenant}|microsoftTeams`;
    await engine.associations.acquire(partner.org.id, `gone-${randomUUID()}`, [key]);
    const conflicts = await conflictsOf(await draft(engine, partner, teamsFor(tenant)));
    assert.deepEqual(conflicts, [{ kind: 'ownHold', key, productId: 'microsoftTeams' }]);
    assert.equal(
      conflictNotice('ja-JP', conflicts[0]!),
      t('ja-JP', 'problems.keyHeldByOwnClaim', { item: 'Microsoft Teams' }),
    );
  });

  it('names each conflicting claim once per key, holds first', async () => {
    const tenant = randomUUID();
    const official = await claimIn(engine, partner, 'associated', teamsFor(tenant));
    const waiting = await draft(engine, partner, { ...teamsFor(tenant), status: 'submitted' });
    const fresh = await draft(engine, partner, teamsFor(tenant));
    assert.deepEqual(
      (await conflictsOf(fresh)).map((c) => (c.kind === 'ownClaim' ? [c.claim.id, c.advice] : c.kind)),
      [
        [official.id, 'official'],
        [waiting.id, 'waitOrWithdraw'],
      ],
    );
  });
});
