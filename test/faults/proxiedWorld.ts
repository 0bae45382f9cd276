/**
 * The new-claim world with the dialogs' Cosmos DB traffic going through a fault proxy:
 * the same database, reached by a client of its own (short request timeout, so a held
 * answer fails fast), while the test itself reads the truth straight from the stand-in.
 */
import { ClaimLifecycle } from '../../claims/lifecycle';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec } from '../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import type { World } from '../dialogs/newClaimHarness';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { standIns } from '../support/rootHooks';

/** Long enough for any request to the local stand-in, short enough to keep held answers cheap. */
export const PROXIED_REQUEST_TIMEOUT_MS = 1_500;

export interface ProxiedWorld {
  /** What the dialogs use: every Cosmos port through the proxy. */
  world: World;
  proxy: FaultProxy;
  close(): Promise<void>;
}

export async function proxiedCosmos(world: World): Promise<ProxiedWorld> {
  const { cosmos } = standIns();
  const proxy = await startFaultProxy(cosmos.endpoint);
  const client = createCosmosClient({ endpoint: proxy.endpoint, key: cosmos.key, requestTimeoutMs: PROXIED_REQUEST_TIMEOUT_MS });
  const database = client.database(world.db.databaseId);
  const container = (name: Parameters<typeof containerSpec>[0]) => database.container(containerSpec(name).id);
  const { clock, calendar } = world.services;
  const claims = new CosmosClaimRepository(container('claims'));
  const associations = new CosmosAssociationStore(container('associations'), { clock });
  const partners = new CosmosPartnerDirectory(container('partners'));
  const lifecycle = new ClaimLifecycle({ claims, associations, partners, calendar, clock });
  return {
    world: { ...world, services: { ...world.services, claims, associations, partners, lifecycle } },
    proxy,
    close: async () => {
      client.dispose();
      await proxy.close();
    },
  };
}
