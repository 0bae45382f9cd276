import assert from 'node:assert/strict';
import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { standIns } from '../support/rootHooks';

describe('embedded stand-ins', () => {
  it('serve the Cosmos DB NoSQL API to @azure/cosmos', async () => {
    const { cosmos } = standIns();
    const client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { database } = await client.databases.createIfNotExists({ id: 'standin-probe' });
    assert.equal(database.id, 'standin-probe');
  });

  it('serve the Blob API to @azure/storage-blob', async () => {
    const { azurite } = standIns();
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('standin-probe');
    await container.createIfNotExists();
    await container.getBlockBlobClient('x').upload('hello', 5);
    const body = await container.getBlockBlobClient('x').downloadToBuffer();
    assert.equal(body.toString(), 'hello');
  });
});
