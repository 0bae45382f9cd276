/**
 * Partner organisations in the `partners` container, one document per organisation,
 * id = the partner's tenant id (also the partition key), so lookups are point reads.
 */
import type { Container } from '@azure/cosmos';
import type { PartnerOrganisation } from '../claims/model';
import type { PartnerDirectory } from '../claims/ports';
import { fromStored, type CosmosSystemFields } from './cosmosConnection';

export class CosmosPartnerDirectory implements PartnerDirectory {
  constructor(private readonly container: Container) {}

  async get(partnerId: string): Promise<PartnerOrganisation | undefined> {
    const { resource } = await this.container.item(partnerId, partnerId).read<PartnerOrganisation & CosmosSystemFields>();
    return resource ? fromStored<PartnerOrganisation>(resource).value : undefined;
  }

  async upsert(org: PartnerOrganisation): Promise<void> {
    await this.container.items.upsert<PartnerOrganisation>({ ...org, type: 'partner' });
  }

  /** Whether the organisation of `tenantId` lists this user among its reviewers. */
  async isReviewer(tenantId: string, aadObjectId: string): Promise<boolean> {
    const org = await this.get(tenantId);
    return org?.reviewers.includes(aadObjectId) ?? false;
  }
}
