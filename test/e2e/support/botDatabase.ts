/**
 * The domain lifecycle on a running bot process's own Cosmos DB stand-in, as the
 * reviewer's cards would drive it: e2e tests use it to bring a claim to a status
 * quickly, and the bot's own scheduler and notifiers take it from there.
 */
import { BusinessCalendar } from '../../../claims/calendar';
import { ClaimLifecycle } from '../../../claims/lifecycle';
import { CosmosAssociationStore } from '../../../storage/associationStore';
import { CosmosClaimRepository } from '../../../storage/claimRepository';
import { createCosmosClient } from '../../../storage/cosmosConnection';
import { containerSpec } from '../../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../../storage/partnerDirectory';
import type { BotProcess } from './botProcess';

/** The seeded demo operator (storage/seed/partners.json), OPERATOR_TENANT_ID's local default. */
export const DEMO_OPERATOR = '00000000-0000-0000-0000-0000000000090';

export function lifecycleOnTheBot(
  running: BotProcess,
  optOutWindow?: string,
): { claims: CosmosClaimRepository; lifecycle: ClaimLifecycle } {
  const database = createCosmosClient({ endpoint: running.cosmos.endpoint, key: running.cosmos.key }).database(
    running.cosmos.databaseId,
  );
  const container = (name: Parameters<typeof containerSpec>[0]) => database.container(containerSpec(name).id);
  const claims = new CosmosClaimRepository(container('claims'));
  const lifecycle = new ClaimLifecycle({
    claims,
    associations: new CosmosAssociationStore(container('associations')),
    partners: new CosmosPartnerDirectory(container('partners'), { operatorTenantId: DEMO_OPERATOR }),
    calendar: new BusinessCalendar({ country: 'US', timeZone: 'America/Los_Angeles' }),
    ...(optOutWindow ? { optOutWindow } : {}),
  });
  return { claims, lifecycle };
}
