/**
 * The outbox's record of sent messages (claims/outboxDispatcher's DeliveryLedger) in the
 * `idempotencyRecords` container: one document per (partner, claim, message id).
 * Message ids are stable per transition, so the record recognises a repeat of the same
 * message, never a later message of the same kind.
 */
import type { Claim, OutboxMessage } from '../claims/model';
import type { DeliveryLedger } from '../claims/outboxDispatcher';
import { recordId, type CosmosIdempotencyRecords } from './idempotencyRecords';

/** Long past any retry of the message (the dispatcher gives up within a day or so). */
const KEEP_SECONDS = 30 * 86_400;

export class CosmosDeliveryLedger implements DeliveryLedger {
  constructor(private readonly records: Pick<CosmosIdempotencyRecords, 'isDone' | 'complete'>) {}

  wasDelivered(claim: Claim, message: OutboxMessage): Promise<boolean> {
    return this.records.isDone(deliveryId(claim, message));
  }

  recordDelivered(claim: Claim, message: OutboxMessage): Promise<void> {
    return this.records.complete(deliveryId(claim, message), 'delivery', KEEP_SECONDS);
  }
}

function deliveryId(claim: Claim, message: OutboxMessage): string {
  return recordId('delivery', [claim.partnerId, claim.id, message.id]);
}
