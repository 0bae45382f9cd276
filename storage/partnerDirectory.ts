/**
 * Organisations in the `partners` container, one document per organisation (partners
 * and the program operator), id = the tenant id (also the partition key), so lookups
 * are point reads. Role changes replace a document only if it still has the ETag they
 * read, so two owners clicking at once never lose one another's change or its record.
 */
import type { Container } from '@azure/cosmos';
import { ConcurrencyConflict, DomainError } from '../claims/errors';
import type { PartnerOrganisation, Versioned } from '../claims/model';
import { hasRole } from '../claims/organisations';
import type { OrganisationStore } from '../claims/ports';
import { cosmosErrorCode, fromStored, type CosmosSystemFields } from './cosmosConnection';
import { sharedInTurn, writtenInTurn } from './turnReads';

export interface PartnerDirectoryOptions {
  /** The program operator's tenant (configuration): only its entry's reviewers review. */
  operatorTenantId: string;
}

/** Entries written before organisations had a type are partners. */
const normalised = (org: PartnerOrganisation): PartnerOrganisation => ({
  ...org,
  type: org.type === 'operator' ? 'operator' : 'partner',
});

export class CosmosPartnerDirectory implements OrganisationStore {
  readonly operatorTenantId: string;

  constructor(
    private readonly container: Container,
    options: PartnerDirectoryOptions,
  ) {
    this.operatorTenantId = options.operatorTenantId;
  }

  async get(partnerId: string): Promise<PartnerOrganisation | undefined> {
    return (await this.getVersioned(partnerId))?.value;
  }

  /** Read once per turn (see turnReads): the turn's first read is fresh, the rest of the turn shares it. */
  getVersioned(id: string): Promise<Versioned<PartnerOrganisation> | undefined> {
    return sharedInTurn(this.turnKey(id), () => this.readVersioned(id));
  }

  private async readVersioned(id: string): Promise<Versioned<PartnerOrganisation> | undefined> {
    const { resource } = await this.container.item(id, id).read<PartnerOrganisation & CosmosSystemFields>();
    // The partition key confines the read; the check keeps a mis-keyed document from answering for another tenant.
    if (!resource || resource.id !== id) return undefined;
    const { value, etag } = fromStored<PartnerOrganisation>(resource);
    return { value: normalised(value), etag };
  }

  /** Bulk import (seed): writes the entry as given. */
  async upsert(org: PartnerOrganisation): Promise<void> {
    writtenInTurn(this.turnKey(org.id), undefined);
    await this.container.items.upsert<PartnerOrganisation>(normalised(org));
  }

  async create(org: PartnerOrganisation): Promise<Versioned<PartnerOrganisation>> {
    try {
      const { resource } = await this.container.items.create<PartnerOrganisation>(normalised(org));
      if (!resource) throw new Error(`organisation ${org.id} was not written`);
      return this.written({
        value: normalised(fromStored<PartnerOrganisation>(resource).value),
        etag: resource._etag ?? '',
      });
    } catch (e) {
      if (cosmosErrorCode(e) === 409)
        throw new DomainError('organisationExists', `organisation ${org.id} already exists`);
      throw e;
    }
  }

  async replace(org: PartnerOrganisation, etag: string): Promise<Versioned<PartnerOrganisation>> {
    try {
      const { resource } = await this.container
        .item(org.id, org.id)
        .replace<PartnerOrganisation>(normalised(org), { accessCondition: { type: 'IfMatch', condition: etag } });
      if (!resource) throw new ConcurrencyConflict(`organisation ${org.id}`);
      return this.written({
        value: normalised(fromStored<PartnerOrganisation>(resource).value),
        etag: resource._etag ?? '',
      });
    } catch (e) {
      const code = cosmosErrorCode(e);
      if (code === 412 || code === 404) {
        // Someone else changed it: the rest of this turn reads it again rather than trust what it had.
        writtenInTurn(this.turnKey(org.id), undefined);
        throw new ConcurrencyConflict(`organisation ${org.id}`);
      }
      throw e;
    }
  }

  /** Every organisation, by name (the operator admin's list; a directory holds hundreds, not millions). */
  async list(): Promise<PartnerOrganisation[]> {
    const { resources } = await this.container.items
      .query<PartnerOrganisation & CosmosSystemFields>('SELECT * FROM c')
      .fetchAll();
    return resources
      .map((doc) => normalised(fromStored<PartnerOrganisation>(doc).value))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The container's address with the id: two directories on different databases share nothing. */
  private turnKey(id: string): string {
    return `${this.container.url}/${id}`;
  }

  private written(entry: Versioned<PartnerOrganisation>): Versioned<PartnerOrganisation> {
    writtenInTurn(this.turnKey(entry.value.id), entry);
    return entry;
  }

  /** Whether this user is a reviewer of the operator organisation, asking from its tenant. */
  async isReviewer(tenantId: string, aadObjectId: string): Promise<boolean> {
    if (!tenantId || !aadObjectId || tenantId !== this.operatorTenantId) return false;
    return hasRole(await this.get(tenantId), { aadObjectId }, 'reviewer', this.operatorTenantId);
  }
}
