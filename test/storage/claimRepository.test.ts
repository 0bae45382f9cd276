import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../claims/model';
import { ConcurrencyConflict, DomainError } from '../../claims/errors';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { buildClaim, minutesAfterBase } from '../support/claimFactory';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

async function freshRepository(onOperation?: (op: string) => void): Promise<CosmosClaimRepository> {
  const db = await freshCosmosDatabase();
  return new CosmosClaimRepository(db.container('claims'), { onOperation });
}

async function allPages(
  list: (token?: string) => Promise<{ items: Claim[]; continuationToken?: string }>,
): Promise<Claim[][]> {
  const pages: Claim[][] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    pages.push(page.items);
    token = page.continuationToken;
  } while (token);
  return pages;
}

describe('CosmosClaimRepository', () => {
  let repo: CosmosClaimRepository;
  // Each test works in its own partner partition, so tests in this file do not see each other.
  let partnerId: string;

  before(async () => {
    repo = await freshRepository();
  });
  beforeEach(() => {
    partnerId = randomUUID();
  });

  it('creates and reads back exactly the claim it was given, with an etag and no Cosmos fields', async () => {
    const claim = buildClaim({
      partnerId,
      comments: [{ id: 'k1', author: { role: 'reviewer', id: 'r1' }, text: 'hi', at: minutesAfterBase(1) }],
    });
    const created = await repo.create(claim);
    const read = await repo.get(partnerId, claim.id);
    assert.ok(read);
    assert.deepEqual(read.value, claim);
    assert.deepEqual(created.value, claim);
    assert.ok(read.etag.length > 0);
    assert.equal(read.etag, created.etag);
    for (const field of ['_rid', '_self', '_ts', '_etag', '_attachments'])
      assert.equal(field in read.value, false, field);
  });

  it('refuses to create a claim whose id is taken, with claimExists', async () => {
    const claim = buildClaim({ partnerId });
    await repo.create(claim);
    await assert.rejects(
      repo.create({ ...claim, name: 'other' }),
      (e: unknown) => e instanceof DomainError && e.code === 'claimExists',
    );
    assert.equal((await repo.get(partnerId, claim.id))?.value.name, claim.name);
  });

  it('replaces with the current etag and hands out a new one', async () => {
    const created = await repo.create(buildClaim({ partnerId }));
    const updated = await repo.replace({ ...created.value, name: 'renamed' }, created.etag);
    assert.notEqual(updated.etag, created.etag);
    assert.equal((await repo.get(partnerId, created.value.id))?.value.name, 'renamed');
  });

  it('gives the second of two writers holding the same version a ConcurrencyConflict and keeps the first write', async () => {
    const created = await repo.create(buildClaim({ partnerId }));
    const first = { ...created.value, name: 'first writer' };
    const second = { ...created.value, name: 'second writer', status: 'submitted' as const };
    await repo.replace(first, created.etag);
    await assert.rejects(repo.replace(second, created.etag), ConcurrencyConflict);
    assert.deepEqual((await repo.get(partnerId, created.value.id))?.value, first);
  });

  it('treats replacing a claim deleted since it was read as a ConcurrencyConflict, not a re-creation', async () => {
    const created = await repo.create(buildClaim({ partnerId }));
    await repo.delete(partnerId, created.value.id, created.etag);
    await assert.rejects(repo.replace(created.value, created.etag), ConcurrencyConflict);
    assert.equal(await repo.get(partnerId, created.value.id), undefined);
  });

  it('deletes only with the current etag, and a second delete is harmless', async () => {
    const created = await repo.create(buildClaim({ partnerId }));
    const updated = await repo.replace({ ...created.value, name: 'changed' }, created.etag);
    await assert.rejects(repo.delete(partnerId, created.value.id, created.etag), ConcurrencyConflict);
    assert.ok(await repo.get(partnerId, created.value.id));
    await repo.delete(partnerId, created.value.id, updated.etag);
    assert.equal(await repo.get(partnerId, created.value.id), undefined);
    await repo.delete(partnerId, created.value.id, updated.etag);
  });

  it("never shows one partner another partner's claim", async () => {
    const other = randomUUID();
    const claim = (await repo.create(buildClaim({ partnerId }))).value;
    assert.equal(await repo.get(other, claim.id), undefined);
    const page = await repo.listByPartner(other, {}, 10);
    assert.deepEqual(page.items, []);
    assert.deepEqual(
      (await repo.listByPartner(partnerId, {}, 10)).items.map((c) => c.id),
      [claim.id],
    );
  });

  it('pages through 25 claims 10 at a time, newest first, each claim exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const claim = buildClaim({ partnerId, updatedAt: minutesAfterBase(i) });
      ids.push(claim.id);
      await repo.create(claim);
    }
    const pages = await allPages((token) => repo.listByPartner(partnerId, {}, 10, token));
    assert.deepEqual(
      pages.map((p) => p.length),
      [10, 10, 5],
    );
    const seen = pages.flat().map((c) => c.id);
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('filters by status, solution area, customer prefix (case-insensitive, domain or tenant) and creator', async () => {
    const make = (name: string, overrides: Partial<Claim>) =>
      repo.create(buildClaim({ partnerId, name, ...overrides }));
    await make('a', { status: 'draft', customerDomain: 'Contoso.onmicrosoft.com' });
    await make('b', {
      status: 'submitted',
      solutionArea: 'businessApplications',
      activity: 'usageOrPresales',
      customerDomain: 'fabrikam.com',
    });
    await make('c', {
      status: 'rejected',
      customerTenantId: 'ABCDEF12-0000-4000-8000-000000000000',
      customerDomain: 'tailspin.com',
    });
    await make('d', {
      status: 'draft',
      createdBy: { role: 'partnerAdmin', id: 'someone-else' },
      customerDomain: 'contoso.com',
    });
    const names = async (filter: Parameters<CosmosClaimRepository['listByPartner']>[1]) =>
      (await repo.listByPartner(partnerId, filter, 10)).items.map((c) => c.name).sort();
    assert.deepEqual(await names({ statuses: ['submitted', 'rejected'] }), ['b', 'c']);
    assert.deepEqual(await names({ solutionArea: 'businessApplications' }), ['b']);
    assert.deepEqual(await names({ customer: 'CONTOSO' }), ['a', 'd']);
    assert.deepEqual(await names({ customer: 'abcdef' }), ['c']);
    assert.deepEqual(await names({ createdBy: 'someone-else' }), ['d']);
    assert.deepEqual(await names({ customer: 'contoso', statuses: ['draft'], createdBy: 'someone-else' }), ['d']);
    assert.deepEqual(await names({ statuses: [] }), ['a', 'b', 'c', 'd']);
  });

  it('treats filter text as data, never as query syntax', async () => {
    await repo.create(buildClaim({ partnerId }));
    const page = await repo.listByPartner(partnerId, { customer: "x') OR (1=1" }, 10);
    assert.deepEqual(page.items, []);
  });

  it('rejects a continuation token that belongs to another list or was tampered with', async () => {
    for (let i = 0; i < 3; i += 1) await repo.create(buildClaim({ partnerId, updatedAt: minutesAfterBase(i) }));
    const first = await repo.listByPartner(partnerId, {}, 2);
    assert.ok(first.continuationToken);
    const isBadToken = (e: unknown) => e instanceof DomainError && e.code === 'invalidContinuationToken';
    await assert.rejects(repo.listByPartner(randomUUID(), {}, 2, first.continuationToken), isBadToken);
    await assert.rejects(
      repo.listByPartner(partnerId, { statuses: ['draft'] }, 2, first.continuationToken),
      isBadToken,
    );
    await assert.rejects(repo.listByPartner(partnerId, {}, 2, 'not-a-token'), isBadToken);
    assert.equal((await repo.listByPartner(partnerId, {}, 2, first.continuationToken)).items.length, 1);
  });

  it('refuses page sizes outside 1..100', async () => {
    await assert.rejects(repo.listByPartner(partnerId, {}, 0), RangeError);
    await assert.rejects(repo.reviewQueue(101), RangeError);
  });
});

describe('CosmosClaimRepository across partners', () => {
  it('queues submitted, under-review and disputed claims of every partner, oldest submission first', async () => {
    const repo = await freshRepository();
    const expected: string[] = [];
    const statuses = ['submitted', 'underReview', 'dispute', 'draft', 'approvedCustomerNotified', 'rejected'] as const;
    // inserted in an order that is neither the queue order nor its reverse
    const submittedMinutes = [40, 5, 90, 12, 77, 3, 58, 21, 66, 8, 35, 99];
    for (let i = 0; i < submittedMinutes.length; i += 1) {
      const status = statuses[i % statuses.length];
      const claim = buildClaim({
        partnerId: `partner-${i % 3}`,
        status,
        submittedAt: minutesAfterBase(submittedMinutes[i]),
      });
      await repo.create(claim);
      if (i % statuses.length < 3) expected.push(claim.id);
    }
    const pages = await allPages((token) => repo.reviewQueue(2, token));
    const queue = pages.flat();
    assert.ok(pages.every((p) => p.length <= 2));
    assert.deepEqual(queue.map((c) => c.id).sort(), [...expected].sort());
    const times = queue.map((c) => c.submittedAt ?? '');
    assert.deepEqual(times, [...times].sort());
  });

  it('lists only claims that are due, earliest first, up to the limit, with usable etags', async () => {
    const repo = await freshRepository();
    const now = new Date(minutesAfterBase(60));
    const dueIds: string[] = [];
    for (const offset of [50, -30, 0, 45, -5, 61, 120]) {
      const claim = buildClaim({
        partnerId: `p-${offset}`,
        status: 'approvedCustomerNotified',
        dueAt: minutesAfterBase(offset),
      });
      await repo.create(claim);
      if (offset <= 60) dueIds.push(claim.id);
    }
    await repo.create(buildClaim({ status: 'associated' })); // no dueAt: never due
    const due = await repo.listDue(now, 10);
    assert.equal(due.length, dueIds.length);
    assert.deepEqual(due.map((v) => v.value.id).sort(), [...dueIds].sort());
    const times = due.map((v) => v.value.dueAt ?? '');
    assert.deepEqual(times, [...times].sort());
    assert.equal((await repo.listDue(now, 2)).length, 2);
    const [first] = due;
    await repo.replace({ ...first.value, dueAt: undefined, status: 'associated' }, first.etag);
    assert.equal((await repo.listDue(now, 10)).length, dueIds.length - 1);
  });

  it('reports every Cosmos request to the operation hook', async () => {
    const operations: string[] = [];
    const repo = await freshRepository((op) => operations.push(op));
    const created = await repo.create(buildClaim());
    await repo.get(created.value.partnerId, created.value.id);
    await repo.replace(created.value, created.etag);
    await repo.listByPartner(created.value.partnerId, {}, 5);
    assert.deepEqual(operations, ['claims.create', 'claims.read', 'claims.replace', 'claims.query']);
  });
});
