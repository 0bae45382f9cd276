/**
 * Connects to Cosmos DB and Blob storage: the embedded local stack in local mode,
 * Azure otherwise (managed identity through DefaultAzureCredential; a key or
 * connection string only when one is configured for an emulator you run yourself).
 */
import type { CosmosClient, Database } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createCosmosClient } from '../storage/cosmosConnection';
import { CONTAINERS } from '../storage/cosmosSchema';
import { startLocalStack, type LocalStack } from '../storage/localStack';
import type { Config } from './config';
import type { HealthProbe } from './health';
import type { Logger } from './logger';

export interface StorageConnections {
  cosmos: CosmosClient;
  database: Database;
  blobService: BlobServiceClient;
  poeContainer: ContainerClient;
  /** What `/healthz` asks. */
  probes: HealthProbe[];
  /** Present in local mode. */
  localStack?: LocalStack;
  /** Stops the local stack (saving its snapshot) and releases the clients. */
  close(): Promise<void>;
}

export async function connectStorage(config: Config, logger: Logger): Promise<StorageConnections> {
  if (config.mode === 'local') {
    const localStack = await startLocalStack({
      dataDir: config.dataDir,
      databaseId: config.cosmos.databaseId,
      poeContainer: config.blob.poeContainer,
      cosmosPort: config.cosmos.localPort,
      blobPort: config.blob.localPort,
      logger: logger.child({ component: 'localStack' }),
    });
    const cosmos = createCosmosClient(localStack.cosmos);
    const blobService = BlobServiceClient.fromConnectionString(localStack.blob.connectionString);
    return connections(config, cosmos, blobService, localStack);
  }
  const credential = needsCredential(config) ? new DefaultAzureCredential({ managedIdentityClientId: config.azureClientId }) : undefined;
  const cosmos = createCosmosClient({
    endpoint: config.cosmos.endpoint ?? '',
    key: config.cosmos.key,
    credential: config.cosmos.key ? undefined : credential,
  });
  const blobService = config.blob.connectionString
    ? BlobServiceClient.fromConnectionString(config.blob.connectionString)
    : new BlobServiceClient(config.blob.accountUrl ?? '', credential);
  const result = connections(config, cosmos, blobService, undefined);
  await reportMissingContainers(result.database, logger);
  return result;
}

function needsCredential(config: Config): boolean {
  return !config.cosmos.key || !config.blob.connectionString;
}

function connections(config: Config, cosmos: CosmosClient, blobService: BlobServiceClient, localStack: LocalStack | undefined): StorageConnections {
  const database = cosmos.database(config.cosmos.databaseId);
  const poeContainer = blobService.getContainerClient(config.blob.poeContainer);
  return {
    cosmos,
    database,
    blobService,
    poeContainer,
    localStack,
    probes: [
      { name: 'cosmos', check: (abortSignal) => database.read({ abortSignal }) },
      { name: 'blob', check: (abortSignal) => poeContainer.getProperties({ abortSignal }) },
    ],
    close: async () => {
      await localStack?.stop();
      cosmos.dispose();
    },
  };
}

/**
 * In Azure the Bicep template creates the containers and the app's identity may not
 * create any; a missing one is a deployment mistake worth a loud log line, but the
 * app still starts so that /healthz and the logs can tell the operator.
 */
async function reportMissingContainers(database: Database, logger: Logger): Promise<void> {
  try {
    const { resources } = await database.containers.readAll().fetchAll();
    const present = new Set(resources.map((c) => c.id));
    const missing = CONTAINERS.filter((c) => !present.has(c.id)).map((c) => c.id);
    if (missing.length) logger.error({ database: database.id, missing }, 'Cosmos DB containers are missing; deploy infra/main.bicep');
  } catch (e) {
    logger.error({ err: e, database: database.id }, 'could not list the Cosmos DB containers at start-up');
  }
}
