/**
 * Mocha root hooks: one Cosmos DB stand-in and one Azurite for the whole run,
 * started on free loopback ports. Tests reach them through `standIns()`.
 */
import { startAzurite, startCosmosStandIn, type AzuriteStandIn, type CosmosStandIn } from '../../storage/standIns';

let cosmos: CosmosStandIn | undefined;
let azurite: AzuriteStandIn | undefined;

export function standIns(): { cosmos: CosmosStandIn; azurite: AzuriteStandIn } {
  if (!cosmos || !azurite) throw new Error('stand-ins are not running (rootHooks did not run)');
  return { cosmos, azurite };
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    [cosmos, azurite] = await Promise.all([startCosmosStandIn(), startAzurite()]);
  },
  async afterAll() {
    await Promise.all([cosmos?.close(), azurite?.close()]);
  },
};
