import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { parseConfig } from '../../../bot/app/config';
import { createLogger } from '../../../bot/app/logger';
import { connectStorage } from '../../../bot/app/storageConnections';
import { freshCosmosDatabase } from '../../support/cosmosTestDatabase';
import { standIns } from '../../support/rootHooks';

describe('connectStorage in local mode on stand-ins someone else runs', () => {
  it('uses them (no embedded stack), and closing leaves them running for the other processes', async () => {
    const { cosmos, azurite } = standIns();
    const db = await freshCosmosDatabase();
    const poeContainer = `poe-${randomUUID()}`;
    const config = parseConfig(
      {
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_KEY: cosmos.key,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        COSMOS_DATABASE: db.databaseId,
        POE_CONTAINER: poeContainer,
      },
      { localSigningKey: () => 'k'.repeat(32) },
    );
    assert.equal(config.mode, 'local');

    const storage = await connectStorage(config, createLogger('silent'));
    try {
      assert.equal(storage.localStack, undefined, 'no stand-ins of its own');
      await storage.poeContainer.create();
      await storage.database.container('claims').items.upsert({ id: 'written-by-the-app', partnerId: 'p-1' });
    } finally {
      await storage.close();
    }

    const { resource } = await db.container('claims').item('written-by-the-app', 'p-1').read<{ id: string }>();
    assert.equal(resource?.id, 'written-by-the-app', 'the same store the test reads, still answering after close');
    assert.equal(
      await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(poeContainer).exists(),
      true,
    );
  });
});
