/**
 * The Microsoft 365 customers each partner must re-associate (from the legacy import),
 * as one document per partner in the `partners` container: id `reassociation-<partner>`
 * (never a tenant GUID, so it cannot meet an organisation's document), read with one
 * point read when the partner opens "my claims". No new container to provision.
 * A partner's list is bounded by its legacy book (about 150 bytes a customer, so
 * thousands of customers fit Cosmos DB's 2 MB document limit).
 */
import type { Container } from '@azure/cosmos';
import { ConcurrencyConflict } from '../claims/errors';
import {
  mergeReassociations,
  type ReassociationCustomer,
  type ReassociationNotices,
} from '../claims/legacyAssociations';
import { systemClock, type Clock } from '../claims/ports';
import { fromStored, unlessStatus, type CosmosSystemFields } from './cosmosConnection';

interface NoticeDocument {
  id: string;
  type: 'reassociationNotice';
  partnerId: string;
  customers: ReassociationCustomer[];
  updatedAt: string;
}

const ATTEMPTS = 5;

export const reassociationDocumentId = (partnerId: string): string => `reassociation-${partnerId}`;

export class CosmosReassociationNotices implements ReassociationNotices {
  private readonly clock: Clock;

  /** `container` is the partners container. */
  constructor(
    private readonly container: Container,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async list(partnerId: string): Promise<ReassociationCustomer[]> {
    return (await this.read(partnerId))?.value.customers ?? [];
  }

  /** Merges under the document's ETag, so two imports at once both land. */
  async record(partnerId: string, customers: readonly ReassociationCustomer[]): Promise<void> {
    const id = reassociationDocumentId(partnerId);
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const current = await this.read(partnerId);
      const doc: NoticeDocument = {
        id,
        type: 'reassociationNotice',
        partnerId,
        customers: mergeReassociations([...(current?.value.customers ?? []), ...customers]),
        updatedAt: this.clock.now().toISOString(),
      };
      const written = current
        ? await unlessStatus([404, 412], () =>
            this.container.item(id, id).replace(doc, { accessCondition: { type: 'IfMatch', condition: current.etag } }),
          )
        : await unlessStatus([409], () => this.container.items.create(doc));
      if (written) return;
    }
    throw new ConcurrencyConflict(`re-association notice of ${partnerId}`);
  }

  private async read(partnerId: string): Promise<{ value: NoticeDocument; etag: string } | undefined> {
    const id = reassociationDocumentId(partnerId);
    const { resource } = await this.container.item(id, id).read<NoticeDocument & CosmosSystemFields>();
    return resource ? fromStored<NoticeDocument>(resource) : undefined;
  }
}
