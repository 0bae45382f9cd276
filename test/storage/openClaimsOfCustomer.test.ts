import assert from 'node:assert/strict';
import { CLAIM_STATUSES } from '../../claims/model';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { buildClaim, minutesAfterBase } from '../support/claimFactory';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

const CUSTOMER = 'aaaaaaaa-bbbb-4ccc-8ddd-000000000001';
const OTHER_CUSTOMER = 'aaaaaaaa-bbbb-4ccc-8ddd-000000000002';

describe('CosmosClaimRepository.openClaimsOfCustomer', () => {
  let repo: CosmosClaimRepository;
  const operations: string[] = [];

  before(async () => {
    const db = await freshCosmosDatabase();
    repo = new CosmosClaimRepository(db.container('claims'), { onOperation: (op) => operations.push(op) });
  });

  it("finds every partner's claims for the customer that await a decision, oldest submission first", async () => {
    const expected: string[] = [];
    let minute = 100;
    for (const status of CLAIM_STATUSES) {
      for (const partnerId of ['partner-a', 'partner-b']) {
        minute -= 7; // inserted newest first, so the order is the query's doing
        const claim = buildClaim({
          partnerId,
          status,
          customerTenantId: CUSTOMER,
          submittedAt: minutesAfterBase(minute),
        });
        await repo.create(claim);
        if (['submitted', 'underReview', 'partnerActionRequired', 'dispute'].includes(status))
          expected.unshift(claim.id);
      }
    }
    await repo.create(buildClaim({ partnerId: 'partner-a', status: 'submitted', customerTenantId: OTHER_CUSTOMER }));

    const found = await repo.openClaimsOfCustomer(CUSTOMER, 100);
    assert.deepEqual(
      found.map((c) => c.id),
      expected,
    );
    assert.deepEqual(new Set(found.map((c) => c.partnerId)), new Set(['partner-a', 'partner-b']));
  });

  it('returns at most the limit, reports its requests and refuses limits outside 1..100', async () => {
    operations.length = 0;
    assert.equal((await repo.openClaimsOfCustomer(CUSTOMER, 3)).length, 3);
    assert.ok(operations.length > 0 && operations.every((op) => op === 'claims.query'));
    assert.deepEqual(await repo.openClaimsOfCustomer('aaaaaaaa-bbbb-4ccc-8ddd-00000000ffff', 5), []);
    await assert.rejects(repo.openClaimsOfCustomer(CUSTOMER, 0), RangeError);
    await assert.rejects(repo.openClaimsOfCustomer(CUSTOMER, 101), RangeError);
  });
});
