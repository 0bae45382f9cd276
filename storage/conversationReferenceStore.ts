/**
 * Where the bot can reach a user proactively: one document per user in the
 * `conversationReferences` container, partitioned by tenant, id = AAD object id.
 * Emails are stored lower-cased so the customer-contact lookup is an equality match.
 */
import type { Container } from '@azure/cosmos';
import type { ConversationReferenceStore, StoredConversationReference } from '../claims/ports';
import { fromStored, unlessStatus, type CosmosSystemFields } from './cosmosConnection';

type ReferenceDocument = StoredConversationReference & { id: string };

export class CosmosConversationReferenceStore implements ConversationReferenceStore {
  constructor(private readonly container: Container) {}

  /** Saving again (the user wrote to the bot) also revives a reference marked dead. */
  async save(ref: StoredConversationReference): Promise<void> {
    const { email, ...rest } = ref;
    const normalised = normaliseEmail(email);
    await this.container.items.upsert<ReferenceDocument>({
      ...rest,
      id: ref.aadObjectId,
      ...(normalised ? { email: normalised } : {}),
    });
  }

  async get(tenantId: string, aadObjectId: string): Promise<StoredConversationReference | undefined> {
    const { resource } = await this.container
      .item(aadObjectId, tenantId)
      .read<ReferenceDocument & CosmosSystemFields>();
    return resource ? toReference(resource) : undefined;
  }

  /**
   * The most recently updated live reference with this email: within `tenantId` when
   * given, else in any tenant. Callers that know whose contact they want must pass the
   * tenant: the same address used later by someone in another tenant would otherwise be
   * the one found, and the real contact hidden behind it.
   */
  async findByEmail(email: string, tenantId?: string): Promise<StoredConversationReference | undefined> {
    const wanted = normaliseEmail(email);
    if (!wanted) return undefined;
    const inTenant = tenantId !== undefined;
    const { resources } = await this.container.items
      .query<ReferenceDocument & CosmosSystemFields>(
        {
          query: `SELECT TOP 1 * FROM c WHERE c.email = @email AND c.dead = false${inTenant ? ' AND c.tenantId = @tenantId' : ''} ORDER BY c.updatedAt DESC`,
          parameters: [
            { name: '@email', value: wanted },
            ...(inTenant ? [{ name: '@tenantId', value: tenantId }] : []),
          ],
        },
        // One partition (the tenant) instead of a fan-out over all of them.
        inTenant ? { partitionKey: tenantId } : {},
      )
      .fetchAll();
    return resources[0] ? toReference(resources[0]) : undefined;
  }

  /** After Teams said the conversation is gone (403/404): stop trying. A missing reference is fine. */
  async markDead(tenantId: string, aadObjectId: string): Promise<void> {
    // A patch changes only `dead`, so it never overwrites a reference a concurrent save just stored.
    await unlessStatus([404], () =>
      this.container.item(aadObjectId, tenantId).patch([{ op: 'set', path: '/dead', value: true }]),
    );
  }
}

function normaliseEmail(email: string | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

function toReference(doc: ReferenceDocument & CosmosSystemFields): StoredConversationReference {
  const { id, ...ref } = fromStored<ReferenceDocument>(doc).value;
  return ref;
}
