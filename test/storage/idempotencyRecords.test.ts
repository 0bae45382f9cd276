import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../../claims/ports';
import { CosmosIdempotencyRecords, recordId } from '../../storage/idempotencyRecords';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

class Clockwork implements Clock {
  constructor(public at = new Date('2026-03-02T17:00:00.000Z')) {}
  now(): Date {
    return this.at;
  }
}

describe('CosmosIdempotencyRecords', () => {
  let container: Container;
  let clock: Clockwork;
  let records: CosmosIdempotencyRecords;
  before(async () => {
    container = (await freshCosmosDatabase()).container('idempotencyRecords');
  });
  beforeEach(() => {
    clock = new Clockwork();
    records = new CosmosIdempotencyRecords(container, { clock });
  });
  const fresh = () => recordId('activity', ['msteams', 'a:conversation/with?odd#chars', randomUUID()]);

  it('names a record by a hash of its parts: stable, safe as a Cosmos id, distinct per kind', () => {
    const parts = ['msteams', 'a:1/2?3#4', '1:abc'];
    assert.equal(recordId('activity', parts), recordId('activity', parts));
    assert.notEqual(recordId('activity', parts), recordId('delivery', parts));
    assert.notEqual(recordId('activity', parts), recordId('activity', ['msteams', 'a:1/2?3#', '41:abc']));
    assert.doesNotMatch(recordId('activity', parts), /[/\\?#]/);
  });

  it('starts work once; a second claimant is told it is in progress, then done once completed', async () => {
    const id = fresh();
    assert.equal(await records.begin(id, 'activity', 60_000, 3600), 'started');
    assert.equal(await records.begin(id, 'activity', 60_000, 3600), 'inProgress');
    await records.complete(id, 'activity', 86_400);
    assert.equal(await records.begin(id, 'activity', 60_000, 3600), 'done');
    assert.equal(await records.isDone(id), true);
    const { resource } = await container.item(id, id).read<{ ttl: number; state: string }>();
    assert.deepEqual([resource?.state, resource?.ttl], ['done', 86_400]);
  });

  it('frees abandoned work for the next claimant, and abandoning twice is harmless', async () => {
    const id = fresh();
    await records.begin(id, 'activity', 60_000, 3600);
    await records.abandon(id);
    await records.abandon(id);
    assert.equal(await records.isDone(id), false);
    assert.equal(await records.begin(id, 'activity', 60_000, 3600), 'started');
  });

  it('lets a claimant take over work whose lease ran out (its owner died), and only one of two', async () => {
    const id = fresh();
    await records.begin(id, 'activity', 60_000, 3600);
    clock.at = new Date(clock.at.getTime() + 59_000);
    assert.equal(await records.begin(id, 'activity', 60_000, 3600), 'inProgress');
    clock.at = new Date(clock.at.getTime() + 2_000);
    const outcomes = await Promise.all([1, 2, 3].map(() => records.begin(id, 'activity', 60_000, 3600)));
    assert.deepEqual(outcomes.sort(), ['inProgress', 'inProgress', 'started']);
  });

  it('lets exactly one of many simultaneous claimants start', async () => {
    const id = fresh();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => records.begin(id, 'activity', 60_000, 3600)));
    assert.equal(outcomes.filter((o) => o === 'started').length, 1);
  });

  it('records work done without a begin (a sent message), and says nothing else is done', async () => {
    const id = recordId('delivery', ['partner', 'claim', '3.approvedCustomerNotified']);
    assert.equal(await records.isDone(id), false);
    await records.complete(id, 'delivery', 30 * 86_400);
    await records.complete(id, 'delivery', 30 * 86_400);
    assert.equal(await records.isDone(id), true);
  });

  it('refuses a lease or retention that is not positive', async () => {
    await assert.rejects(records.begin(fresh(), 'activity', 0, 3600), RangeError);
    await assert.rejects(records.begin(fresh(), 'activity', 1000, -1), RangeError);
  });
});
