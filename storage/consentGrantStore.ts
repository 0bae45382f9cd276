/**
 * Consent grants by their opaque id, in `consentNonces` beside the used-nonce records
 * (`grant-` documents; partition = the id). A link names only the id; the claim, the
 * partner, the contact, the window and the nonce stay here. Documents expire by TTL a
 * while after their window closed, like the nonces.
 */
import type { Container } from '@azure/cosmos';
import type { ConsentGrant } from '../claims/consentToken';
import { systemClock, type Clock, type ConsentGrantStore } from '../claims/ports';
import { fromStored } from './cosmosConnection';

interface GrantDocument extends ConsentGrant {
  id: string;
  type: 'consentGrant';
  ttl: number;
}

const KEEP_AFTER_EXPIRY_SECONDS = 30 * 86_400;
const documentId = (grantId: string): string => `grant-${grantId}`;

export class CosmosConsentGrantStore implements ConsentGrantStore {
  constructor(
    private readonly container: Container,
    private readonly clock: Clock = systemClock,
  ) {}

  async save(grantId: string, grant: ConsentGrant): Promise<void> {
    const untilExpiry = Math.ceil((Date.parse(grant.expiresAt) - this.clock.now().getTime()) / 1000);
    const document: GrantDocument = {
      ...grant,
      id: documentId(grantId),
      type: 'consentGrant',
      ttl: Math.max(0, Number.isFinite(untilExpiry) ? untilExpiry : 0) + KEEP_AFTER_EXPIRY_SECONDS,
    };
    await this.container.items.upsert(document);
  }

  async get(grantId: string): Promise<ConsentGrant | undefined> {
    const id = documentId(grantId);
    const { resource } = await this.container.item(id, id).read<GrantDocument>();
    if (!resource || resource.type !== 'consentGrant') return undefined;
    const { value } = fromStored(resource);
    return {
      claimId: value.claimId,
      partnerId: value.partnerId,
      contactEmail: value.contactEmail,
      purpose: value.purpose,
      expiresAt: value.expiresAt,
      nonce: value.nonce,
    };
  }
}
