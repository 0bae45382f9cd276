/**
 * The used consent-link nonces, one document each in `consentNonces` (id = the nonce,
 * partition = the id), so creating it is the atomic act of using the link: a 409 means
 * it was used already. Documents expire by TTL a while after their link would anyway.
 *
 * How this pairs with the decision (the claim is the authority, the nonce the link's
 * "used" mark; two documents, no transaction between them):
 *
 *   1. record the decision: `ClaimLifecycle.customerDecision`, idempotent (the same
 *      answer again changes nothing; a different one is refused);
 *   2. then burn the nonce here, saying which decision it was used for.
 *
 * A crash between 1 and 2 leaves a decision with an unburnt nonce. Harmless: a retry
 * with the same answer passes step 1 unchanged and burns the nonce; a different answer
 * is refused by step 1 and the page shows the recorded one; a GET sees the decision in
 * the claim's history. The other order would be worse: a burnt nonce without a decision
 * would turn a customer's retried opt-out away while the window quietly made the
 * association official. So a decision never depends on the burn succeeding, and a burn
 * never happens without the decision it names.
 */
import type { Container } from '@azure/cosmos';
import type { CustomerDecision } from '../claims/lifecycle';
import {
  systemClock,
  type Clock,
  type ConsentNonceStore,
  type ConsentNonceUse,
  type UsedConsentNonce,
} from '../claims/ports';
import { cosmosErrorCode, fromStored } from './cosmosConnection';

export type { ConsentNonceStore, ConsentNonceUse, UsedConsentNonce } from '../claims/ports';

export interface CosmosConsentNonceStoreOptions {
  clock?: Clock;
  /** How long the "used" record outlives the link's expiry. Default 30 days. */
  keepAfterExpirySeconds?: number;
}

interface NonceDocument extends ConsentNonceUse {
  id: string;
  usedAt: string;
  /** Seconds, read by Cosmos DB's TTL (the container has it on with no default). */
  ttl: number;
}

const DEFAULT_KEEP_SECONDS = 30 * 86_400;
const DECISIONS: readonly CustomerDecision[] = ['approve', 'optOut'];

export class CosmosConsentNonceStore implements ConsentNonceStore {
  private readonly clock: Clock;
  private readonly keepAfterExpirySeconds: number;

  constructor(
    private readonly container: Container,
    options: CosmosConsentNonceStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.keepAfterExpirySeconds = options.keepAfterExpirySeconds ?? DEFAULT_KEEP_SECONDS;
    if (!Number.isInteger(this.keepAfterExpirySeconds) || this.keepAfterExpirySeconds < 1) {
      throw new RangeError('keepAfterExpirySeconds must be a positive whole number of seconds');
    }
  }

  async consume(nonce: string, expiresAt: Date | string, use: ConsentNonceUse): Promise<'consumed' | 'alreadyUsed'> {
    const now = this.clock.now();
    const untilExpiry = Math.ceil((new Date(expiresAt).getTime() - now.getTime()) / 1000);
    const document: NonceDocument = {
      id: nonce,
      claimId: use.claimId,
      partnerId: use.partnerId,
      decision: use.decision,
      usedAt: now.toISOString(),
      ttl: Math.max(0, Number.isFinite(untilExpiry) ? untilExpiry : 0) + this.keepAfterExpirySeconds,
    };
    try {
      await this.container.items.create(document);
      return 'consumed';
    } catch (e) {
      if (cosmosErrorCode(e) === 409) return 'alreadyUsed';
      throw e;
    }
  }

  async find(nonce: string): Promise<UsedConsentNonce | undefined> {
    const { resource } = await this.container.item(nonce, nonce).read<NonceDocument>();
    if (!resource) return undefined;
    const { value } = fromStored(resource);
    if (!DECISIONS.includes(value.decision)) return undefined;
    return {
      nonce: value.id,
      claimId: value.claimId,
      partnerId: value.partnerId,
      decision: value.decision,
      usedAt: value.usedAt,
    };
  }
}
