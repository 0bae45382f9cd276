/**
 * The outbox dispatcher with its DeliveryLedger (the Cosmos one): a message sent but not
 * yet removed from the outbox — the dispatcher died, or its settle write failed — is
 * settled by the next dispatcher without being sent again.
 */
import assert from 'node:assert/strict';
import type { Claim } from '../../claims/model';
import type { DeliveryLedger } from '../../claims/outboxDispatcher';
import type { ClaimRepository } from '../../claims/ports';
import { CosmosDeliveryLedger } from '../../storage/deliveryLedger';
import { CosmosIdempotencyRecords } from '../../storage/idempotencyRecords';
import type { TestDatabase } from '../support/cosmosTestDatabase';
import { MINUTE, claimIn, read, useEngine, type Engine, type Partner } from './engineHarness';

const LEASE = 2 * MINUTE;

/** The repository, except that its `n`th replace (1-based) fails before reaching Cosmos, as a crash or outage would. */
function failingReplace(n: number): (inner: ClaimRepository) => ClaimRepository {
  let calls = 0;
  return (inner) =>
    Object.assign(Object.create(inner) as ClaimRepository, {
      replace: async (claim: Claim, etag: string) => {
        calls += 1;
        if (calls === n) throw new Error(`write ${n} failed`);
        return inner.replace(claim, etag);
      },
    });
}

describe('claims/outboxDispatcher with a delivery ledger', () => {
  let db: TestDatabase;
  let engine: Engine;
  let partner: Partner;
  let ledger: DeliveryLedger;

  useEngine((fixture) => {
    ({ db, engine, partner } = fixture);
    ledger = new CosmosDeliveryLedger(new CosmosIdempotencyRecords(db.container('idempotencyRecords')));
  });

  it('does not re-send a message whose removal from the outbox was lost; the next dispatcher just settles it', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    // Write 1 leases the message, write 2 would remove it after the send.
    const dying = engine.dispatcher({ leaseMs: LEASE, delivered: ledger, claims: failingReplace(2)(engine.claims) });
    await assert.rejects(dying.dispatch(await read(engine, claim)), /write 2 failed/);
    assert.equal(engine.notifier.deliveries.length, 1);
    engine.clock.advance(LEASE);
    const report = await engine.dispatcher({ delivered: ledger }).dispatch(await read(engine, claim));
    assert.equal(report.sent, 1, 'counted as delivered');
    assert.deepEqual(engine.notifier.kindsFor(claim.id), ['reviewStarted'], 'sent once');
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
    assert.ok(engine.logs.some((l) => l.event === 'outbox.alreadyDelivered'));
  });

  it('tells apart the same kind of message from a later transition (ids are per transition)', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    await engine.dispatcher({ delivered: ledger }).dispatch(await read(engine, claim));
    assert.deepEqual(engine.notifier.kindsFor(claim.id), [
      'reviewStarted',
      'approvedCustomerNotified',
      'customerConsentRequest',
    ]);
    const other = await claimIn(engine, partner, 'approvedCustomerNotified');
    await engine.dispatcher({ delivered: ledger }).dispatch(await read(engine, other));
    assert.deepEqual(engine.notifier.kindsFor(other.id), [
      'reviewStarted',
      'approvedCustomerNotified',
      'customerConsentRequest',
    ]);
  });

  it('still settles a sent message when its record cannot be written, and says so', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const forgetful: DeliveryLedger = {
      wasDelivered: async () => false,
      recordDelivered: async () => Promise.reject(new Error('503')),
    };
    const report = await engine.dispatcher({ delivered: forgetful }).dispatch(await read(engine, claim));
    assert.equal(report.sent, 1);
    assert.deepEqual((await read(engine, claim)).value.outbox, []);
    assert.ok(engine.logs.some((l) => l.event === 'outbox.deliveryUnrecorded'));
  });

  it('sends nothing and retries later when the ledger cannot be read', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const unreadable: DeliveryLedger = {
      wasDelivered: async () => Promise.reject(new Error('503')),
      recordDelivered: async () => undefined,
    };
    const report = await engine.dispatcher({ delivered: unreadable }).dispatch(await read(engine, claim));
    assert.deepEqual([report.sent, report.retried], [0, 1]);
    assert.deepEqual(engine.notifier.deliveries, []);
    assert.equal((await read(engine, claim)).value.outbox.length, 1);
  });
});
