import assert from 'node:assert/strict';
import {
  associationKeys,
  contestedKeys,
  findExclusivityViolations,
  legacyRuleFor,
  legacyStatus,
  parseAssociationKey,
} from '../../claims/associations';
import type { AssociationHold } from '../../claims/ports';
import { SUBSCRIPTION_A, SUBSCRIPTION_B, TENANT, T0, validClaim, validM365Claim } from './fixtures';

const hold = (key: string, partnerId: string, extra: Partial<AssociationHold> = {}): AssociationHold => ({
  key,
  partnerId,
  claimId: `claim-of-${partnerId}`,
  state: 'held',
  legacy: false,
  createdAt: T0.toISOString(),
  ...extra,
});

describe('claims/associations', () => {
  describe('associationKeys', () => {
    it('keys Microsoft 365 workloads by tenant and workload, sorted', () => {
      const claim = validM365Claim({
        customerTenantId: `{${TENANT.toUpperCase()}}`,
        productIds: ['microsoftTeams', 'exchangeOnline'],
      });
      assert.deepEqual(associationKeys(claim), [`m365|${TENANT}|exchangeOnline`, `m365|${TENANT}|microsoftTeams`]);
    });

    it('keys Business Applications by each stated subscription, lower case and de-duplicated', () => {
      const claim = validClaim({
        productIds: ['dynamics365Sales', 'dynamics365Finance'],
        subscriptions: [
          {
            productId: 'dynamics365Sales',
            multiple: true,
            subscriptionIds: [SUBSCRIPTION_B.toUpperCase(), SUBSCRIPTION_A],
          },
          { productId: 'dynamics365Finance', multiple: true, subscriptionIds: [SUBSCRIPTION_A] },
        ],
      });
      assert.deepEqual(associationKeys(claim), [`sub|${TENANT}|${SUBSCRIPTION_A}`, `sub|${TENANT}|${SUBSCRIPTION_B}`]);
    });

    it('keys a single unnamed subscription by product', () => {
      const claim = validClaim({
        productIds: ['powerBI', 'dynamics365Sales'],
        subscriptions: [{ productId: 'dynamics365Sales', multiple: false, subscriptionIds: [] }],
      });
      assert.deepEqual(associationKeys(claim), [`sub|${TENANT}|dynamics365Sales`, `sub|${TENANT}|powerBI`]);
    });

    it('skips unknown products and subscriptions of products not claimed', () => {
      const claim = validClaim({
        productIds: ['mystery', 'dynamics365Sales'],
        subscriptions: [
          { productId: 'dynamics365Finance', multiple: true, subscriptionIds: [SUBSCRIPTION_B] },
          { productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A] },
        ],
      });
      assert.deepEqual(associationKeys(claim), [`sub|${TENANT}|${SUBSCRIPTION_A}`]);
    });

    it('parses the keys it makes and nothing else', () => {
      assert.deepEqual(parseAssociationKey(`m365|${TENANT}|intune`), {
        basis: 'workload',
        tenantId: TENANT,
        ref: 'intune',
      });
      assert.deepEqual(parseAssociationKey(`sub|${TENANT}|${SUBSCRIPTION_A}`), {
        basis: 'subscription',
        tenantId: TENANT,
        ref: SUBSCRIPTION_A,
      });
      for (const bad of ['', 'm365|x', `azure|${TENANT}|x`, `m365|${TENANT}|a|b`])
        assert.equal(parseAssociationKey(bad), undefined, bad);
    });
  });

  describe('exclusivity', () => {
    const key = `sub|${TENANT}|${SUBSCRIPTION_A}`;

    it('finds a key that two partners hold, naming both', () => {
      const violations = findExclusivityViolations(
        [hold(key, 'p2'), hold(key, 'p1', { state: 'pending' }), hold(`m365|${TENANT}|intune`, 'p1')],
        T0,
      );
      assert.deepEqual(violations, [
        {
          key,
          holders: [
            { partnerId: 'p1', claimId: 'claim-of-p1' },
            { partnerId: 'p2', claimId: 'claim-of-p2' },
          ],
        },
      ]);
    });

    it('accepts one partner per key, even with several customers and keys', () => {
      assert.deepEqual(
        findExclusivityViolations(
          [hold(key, 'p1'), hold(`sub|${TENANT}|${SUBSCRIPTION_B}`, 'p2'), hold(`m365|${TENANT}|intune`, 'p2')],
          T0,
        ),
        [],
      );
    });

    it('ignores expired and must-reassociate legacy holds', () => {
      const expired = hold(key, 'p1', { legacy: true, claimId: undefined, expiresAt: '2026-01-01T00:00:00Z' });
      const oldM365 = hold(`m365|${TENANT}|intune`, 'p1', { legacy: true, claimId: undefined });
      assert.deepEqual(
        findExclusivityViolations([expired, hold(key, 'p2'), oldM365, hold(`m365|${TENANT}|intune`, 'p2')], T0),
        [],
      );
      assert.equal(
        findExclusivityViolations([{ ...expired, expiresAt: '2027-01-01T00:00:00Z' }, hold(key, 'p2')], T0).length,
        1,
      );
    });

    it('lists the keys another partner holds, not our own', () => {
      const holds = [hold(key, 'p2'), hold(`m365|${TENANT}|intune`, 'p1')];
      assert.deepEqual(contestedKeys([key, `m365|${TENANT}|intune`], 'p1', holds, T0), [key]);
    });
  });

  describe('legacy associations', () => {
    const legacy = (key: string, expiresAt?: string) => ({ key, legacy: true, expiresAt });
    const cases: [string, { key: string; legacy: boolean; expiresAt?: string }, string][] = [
      ['a claim hold', { key: `m365|${TENANT}|intune`, legacy: false }, 'current'],
      ['legacy Microsoft 365', legacy(`m365|${TENANT}|exchangeOnline`), 'mustReassociate'],
      [
        'legacy Dynamics 365 subscription before expiry',
        legacy(`sub|${TENANT}|${SUBSCRIPTION_A}`, '2026-06-30T00:00:00Z'),
        'validUntilExpiry',
      ],
      ['legacy subscription at expiry', legacy(`sub|${TENANT}|${SUBSCRIPTION_A}`, T0.toISOString()), 'expired'],
      [
        'legacy Power BI single subscription',
        legacy(`sub|${TENANT}|powerBI`, '2026-06-30T00:00:00Z'),
        'validUntilExpiry',
      ],
      [
        'legacy Power Apps single subscription',
        legacy(`sub|${TENANT}|powerApps`, '2026-06-30T00:00:00Z'),
        'mustReassociate',
      ],
      ['legacy with an unreadable key', legacy('garbage'), 'mustReassociate'],
    ];
    for (const [label, given, expected] of cases) {
      it(`says ${expected} for ${label}`, () => {
        assert.equal(legacyStatus(given, T0), expected);
      });
    }

    it('gives each product its legacy rule', () => {
      assert.equal(legacyRuleFor('dynamics365Finance'), 'validUntilSubscriptionExpires');
      assert.equal(legacyRuleFor('powerBI'), 'validUntilSubscriptionExpires');
      assert.equal(legacyRuleFor('sharePointOnline'), 'mustReassociate');
      assert.equal(legacyRuleFor('unknown'), 'mustReassociate');
    });
  });
});
