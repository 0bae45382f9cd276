/**
 * The Cosmos DB containers the code relies on: one declaration, used to create them
 * locally and checked against infra/main.bicep by a test, so the two cannot drift.
 */
import type { ContainerDefinition, CosmosClient, Database } from '@azure/cosmos';

export interface ContainerSpec {
  /** Logical name used in code; the physical id comes from configuration. */
  name:
    | 'claims'
    | 'associations'
    | 'partners'
    | 'conversationReferences'
    | 'botState'
    | 'consentNonces'
    | 'idempotencyRecords';
  id: string;
  partitionKeyPath: string;
  uniqueKeys: string[][];
  compositeIndexes: { path: string; order: 'ascending' | 'descending' }[][];
  /** Seconds; -1 turns TTL on with no default (documents set their own `ttl`). */
  defaultTtl?: number;
}

export const CONTAINERS: readonly ContainerSpec[] = [
  {
    name: 'claims',
    id: 'claims',
    partitionKeyPath: '/partnerId',
    uniqueKeys: [],
    compositeIndexes: [
      // reviewer queue: by status, oldest submission first
      [
        { path: '/status', order: 'ascending' },
        { path: '/submittedAt', order: 'ascending' },
      ],
      // "my claims": newest first within a partner
      [
        { path: '/partnerId', order: 'ascending' },
        { path: '/updatedAt', order: 'descending' },
      ],
    ],
  },
  // One document per association key (id = key), so creating it is the atomic claim on the key.
  { name: 'associations', id: 'associations', partitionKeyPath: '/id', uniqueKeys: [], compositeIndexes: [] },
  { name: 'partners', id: 'partners', partitionKeyPath: '/id', uniqueKeys: [], compositeIndexes: [] },
  {
    name: 'conversationReferences',
    id: 'conversationReferences',
    partitionKeyPath: '/tenantId',
    uniqueKeys: [],
    compositeIndexes: [],
  },
  // CosmosDbPartitionedStorage requires /id as the partition key.
  { name: 'botState', id: 'botState', partitionKeyPath: '/id', uniqueKeys: [], compositeIndexes: [] },
  // Single-use consent token nonces; they expire by TTL once their window has closed.
  {
    name: 'consentNonces',
    id: 'consentNonces',
    partitionKeyPath: '/id',
    uniqueKeys: [],
    compositeIndexes: [],
    defaultTtl: -1,
  },
  // Work that must happen once: redelivered activities and sent outbox messages; expire by TTL.
  {
    name: 'idempotencyRecords',
    id: 'idempotencyRecords',
    partitionKeyPath: '/id',
    uniqueKeys: [],
    compositeIndexes: [],
    defaultTtl: -1,
  },
];

export function containerSpec(name: ContainerSpec['name']): ContainerSpec {
  const spec = CONTAINERS.find((c) => c.name === name);
  if (!spec) throw new Error(`unknown container ${name}`);
  return spec;
}

export function containerDefinition(spec: ContainerSpec): ContainerDefinition {
  return {
    id: spec.id,
    partitionKey: { paths: [spec.partitionKeyPath] },
    uniqueKeyPolicy: spec.uniqueKeys.length ? { uniqueKeys: spec.uniqueKeys.map((paths) => ({ paths })) } : undefined,
    indexingPolicy: {
      indexingMode: 'consistent',
      automatic: true,
      includedPaths: [{ path: '/*' }],
      excludedPaths: [{ path: '/"_etag"/?' }],
      compositeIndexes: spec.compositeIndexes.length ? spec.compositeIndexes : undefined,
    },
    defaultTtl: spec.defaultTtl,
  };
}

/**
 * Creates the database and every container if missing. Used by the local stack and
 * tests; in Azure the Bicep template creates them and the app only checks they exist.
 */
export async function ensureCosmosSchema(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const spec of CONTAINERS) {
    await database.containers.createIfNotExists(containerDefinition(spec));
  }
  return database;
}
