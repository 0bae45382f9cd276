/**
 * Connects to Cosmos DB and Blob storage: the embedded local stack in local mode,
 * Azure otherwise (managed identity through DefaultAzureCredential; a key or
 * connection string only when one is configured for an emulator you run yourself,
 * which local mode also accepts on loopback: several bot processes on one store).
 */
import type { CosmosClient, Database } from '@azure/cosmos';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { BlobReadSigner } from '../../storage/blobSas';
import { connectBlobStorage } from '../../storage/blobConnection';
import { createCosmosClient, type CosmosConnectionOptions } from '../../storage/cosmosConnection';
import { CONTAINERS } from '../../storage/cosmosSchema';
import { startLocalStack, type LocalStack } from '../../storage/localStack';
import type { Config } from './config';
import type { HealthProbe } from '../http/health';
import type { Logger } from './logger';

export interface StorageConnections {
  /** How to reach Cosmos DB; botbuilder-azure's state storage builds its own client from it. */
  cosmosConnection: CosmosConnectionOptions;
  cosmos: CosmosClient;
  database: Database;
  blobService: BlobServiceClient;
  /** Signs short-lived PoE read links: with the account key locally, a user delegation key in Azure. */
  blobSigner: BlobReadSigner;
  poeContainer: ContainerClient;
  /** What `/healthz` asks. */
  probes: HealthProbe[];
  /** Present in local mode. */
  localStack?: LocalStack;
  /** Stops the local stack (saving its snapshot) and releases the clients. */
  close(): Promise<void>;
}

export async function connectStorage(config: Config, logger: Logger): Promise<StorageConnections> {
  // Local mode with COSMOS_ENDPOINT: stand-ins someone else runs (and prepared), reached like Azure with keys.
  if (config.mode === 'local' && !config.cosmos.endpoint) {
    const localStack = await startLocalStack({
      dataDir: config.dataDir,
      databaseId: config.cosmos.databaseId,
      poeContainer: config.blob.poeContainer,
      cosmosPort: config.cosmos.localPort,
      blobPort: config.blob.localPort,
      logger: logger.child({ component: 'localStack' }),
    });
    try {
      return connections(
        config,
        { endpoint: localStack.cosmos.endpoint, key: localStack.cosmos.key },
        { connectionString: localStack.blob.connectionString },
        localStack,
      );
    } catch (e) {
      await localStack.stop();
      throw e;
    }
  }
  // Keys only for an emulator or Azurite someone runs themselves; Azure uses the managed identity.
  let credential: TokenCredential | undefined;
  const managedIdentity = () =>
    (credential ??= new DefaultAzureCredential({ managedIdentityClientId: config.azureClientId }));
  const cosmosConnection: CosmosConnectionOptions = config.cosmos.key
    ? { endpoint: config.cosmos.endpoint ?? '', key: config.cosmos.key }
    : { endpoint: config.cosmos.endpoint ?? '', credential: managedIdentity() };
  const blob = config.blob.connectionString
    ? { connectionString: config.blob.connectionString }
    : { accountUrl: config.blob.accountUrl, credential: managedIdentity() };
  const result = connections(config, cosmosConnection, blob, undefined);
  await reportMissingContainers(result.database, logger);
  return result;
}

/**
 * Clients for a Cosmos DB and a Blob service that are already running (Azure, or
 * stand-ins someone else started, as the bench does in their own processes).
 */
export function connections(
  config: Config,
  cosmosConnection: CosmosConnectionOptions,
  blob: Parameters<typeof connectBlobStorage>[0],
  localStack: LocalStack | undefined,
): StorageConnections {
  const cosmos = createCosmosClient(cosmosConnection);
  const database = cosmos.database(config.cosmos.databaseId);
  const { service: blobService, signer: blobSigner } = connectBlobStorage(blob);
  const poeContainer = blobService.getContainerClient(config.blob.poeContainer);
  return {
    cosmosConnection,
    cosmos,
    database,
    blobService,
    blobSigner,
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
    if (missing.length)
      logger.error({ database: database.id, missing }, 'Cosmos DB containers are missing; deploy infra/main.bicep');
  } catch (e) {
    logger.error({ err: e, database: database.id }, 'could not list the Cosmos DB containers at start-up');
  }
}
