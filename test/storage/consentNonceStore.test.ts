import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../../claims/ports';
import { CosmosConsentNonceStore } from '../../storage/consentNonceStore';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

const NOW = new Date('2026-03-02T17:00:00.000Z');
const clock: Clock = { now: () => NOW };
const use = { claimId: 'claim-1', partnerId: 'partner-1', decision: 'optOut' as const };

describe('CosmosConsentNonceStore', () => {
  let container: Container;
  let store: CosmosConsentNonceStore;
  before(async () => {
    container = (await freshCosmosDatabase()).container('consentNonces');
  });
  beforeEach(() => {
    store = new CosmosConsentNonceStore(container, { clock, keepAfterExpirySeconds: 3600 });
  });

  it('uses a nonce once: the first consume wins, every later one is told it was used', async () => {
    const nonce = randomUUID();
    assert.equal(await store.find(nonce), undefined);
    assert.equal(await store.consume(nonce, '2026-03-09T17:00:00.000Z', use), 'consumed');
    assert.equal(await store.consume(nonce, '2026-03-09T17:00:00.000Z', use), 'alreadyUsed');
    assert.equal(
      await store.consume(nonce, '2026-03-09T17:00:00.000Z', { ...use, decision: 'approve' }),
      'alreadyUsed',
    );
  });

  it('remembers what the nonce was used for (ids and the answer, never an address) and keeps the first answer', async () => {
    const nonce = randomUUID();
    await store.consume(nonce, new Date('2026-03-09T17:00:00.000Z'), use);
    await store.consume(nonce, new Date('2026-03-09T17:00:00.000Z'), { ...use, decision: 'approve' });
    assert.deepEqual(await store.find(nonce), { nonce, ...use, usedAt: NOW.toISOString() });
    const { resource } = await container.item(nonce, nonce).read<Record<string, unknown>>();
    assert.ok(resource);
    assert.ok(!JSON.stringify(resource).includes('@'), 'no email address stored');
  });

  it('expires the record by TTL a set time after the link itself expires', async () => {
    const nonce = randomUUID();
    await store.consume(nonce, new Date(NOW.getTime() + 7 * 86_400_000), use);
    const { resource } = await container.item(nonce, nonce).read<{ ttl: number }>();
    assert.equal(resource?.ttl, 7 * 86_400 + 3600);
  });

  it('keeps a nonce used after its link expired (a late retry) for the retention time only', async () => {
    const nonce = randomUUID();
    await store.consume(nonce, new Date(NOW.getTime() - 60_000), use);
    const { resource } = await container.item(nonce, nonce).read<{ ttl: number }>();
    assert.equal(resource?.ttl, 3600);
  });

  it('lets exactly one of many simultaneous consumes through', async () => {
    const nonce = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.consume(nonce, '2026-03-09T17:00:00.000Z', { ...use, decision: i % 2 ? 'approve' : 'optOut' }),
      ),
    );
    assert.equal(outcomes.filter((o) => o === 'consumed').length, 1);
  });

  it('refuses a retention that is not a positive whole number of seconds', () => {
    assert.throws(() => new CosmosConsentNonceStore(container, { keepAfterExpirySeconds: 0 }), RangeError);
    assert.throws(() => new CosmosConsentNonceStore(container, { keepAfterExpirySeconds: 1.5 }), RangeError);
  });
});
