/**
 * A fresh Cosmos database on the stand-in with every container of the schema, so a
 * test file (or a test that reads across partitions) sees only its own documents.
 */
import { randomUUID } from 'node:crypto';
import type { Container, CosmosClient } from '@azure/cosmos';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec, ensureCosmosSchema, type ContainerSpec } from '../../storage/cosmosSchema';
import { standIns } from './rootHooks';

export interface TestDatabase {
  client: CosmosClient;
  databaseId: string;
  container(name: ContainerSpec['name']): Container;
}

export async function freshCosmosDatabase(): Promise<TestDatabase> {
  const { cosmos } = standIns();
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  const databaseId = `db-${randomUUID()}`;
  const database = await ensureCosmosSchema(client, databaseId);
  return { client, databaseId, container: (name) => database.container(containerSpec(name).id) };
}
