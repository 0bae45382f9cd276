/**
 * The embedded local stack behind `npm start` without Azure settings: the Cosmos DB
 * stand-in and Azurite on loopback, the schema, the private PoE container and the demo
 * partner organisations. Azurite persists under DATA_DIR by itself; the Cosmos stand-in
 * lives in memory, so its contents are restored from a snapshot file on start and
 * saved back while running and on stop.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createCosmosClient } from './cosmosConnection';
import { containerSpec, ensureCosmosSchema } from './cosmosSchema';
import { SnapshotKeeper, loadSnapshotFile, restoreSnapshot } from './cosmosSnapshot';
import { CosmosPartnerDirectory } from './partnerDirectory';
import { readSeedFile, seedPartners } from './seedPartners';
import { startAzurite, startCosmosStandIn, type AzuriteStandIn, type CosmosStandIn } from './standIns';

export const DEFAULT_LOCAL_COSMOS_PORT = 8081;
export const DEFAULT_LOCAL_BLOB_PORT = 10000;

/** The part of a pino logger the stack uses. */
export interface StackLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SeedConnection {
  cosmos: ReturnType<typeof createCosmosClient>;
  blob: BlobServiceClient;
  databaseId: string;
}

export interface LocalStackOptions {
  dataDir: string;
  databaseId: string;
  poeContainer: string;
  /** Loopback ports; 0 picks free ones (tests). */
  cosmosPort?: number;
  blobPort?: number;
  /** How often to look for changes to save; 0 turns periodic saving off. */
  snapshotIntervalMs?: number;
  /**
   * Puts the demo data in place after the schema exists; runs on every start, so it
   * must be idempotent. Default: the demo partner organisations of storage/seed/partners.json.
   */
  seed?: (connection: SeedConnection) => Promise<void>;
  logger?: StackLogger;
}

export interface LocalStack {
  cosmos: { endpoint: string; key: string };
  blob: { url: string; connectionString: string };
  /** Documents brought back from the snapshot at start. */
  restoredDocuments: number;
  /** Saves the Cosmos contents now if they changed since the last save. */
  saveSnapshot(): Promise<boolean>;
  /** Saves, then stops both stand-ins. */
  stop(): Promise<void>;
}

const silent: StackLogger = { info: () => undefined, error: () => undefined };

export function snapshotFile(dataDir: string): string {
  return path.join(dataDir, 'cosmos-snapshot.json');
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const logger = options.logger ?? silent;
  const azuriteDir = path.join(options.dataDir, 'azurite');
  mkdirSync(azuriteDir, { recursive: true });
  const started: { cosmos?: CosmosStandIn; azurite?: AzuriteStandIn } = {};
  try {
    started.cosmos = await startCosmosStandIn(options.cosmosPort ?? DEFAULT_LOCAL_COSMOS_PORT).catch((e: unknown) => {
      throw portHint(e, 'Cosmos DB stand-in', 'LOCAL_COSMOS_PORT');
    });
    started.azurite = await startAzurite({
      port: options.blobPort ?? DEFAULT_LOCAL_BLOB_PORT,
      location: azuriteDir,
    }).catch((e: unknown) => {
      throw portHint(e, 'Azurite', 'LOCAL_BLOB_PORT');
    });
    return await prepare(options, logger, started.cosmos, started.azurite);
  } catch (e) {
    await Promise.all([started.cosmos?.close(), started.azurite?.close()]);
    throw e;
  }
}

async function prepare(
  options: LocalStackOptions,
  logger: StackLogger,
  cosmosStandIn: CosmosStandIn,
  azurite: AzuriteStandIn,
): Promise<LocalStack> {
  const cosmos = createCosmosClient({ endpoint: cosmosStandIn.endpoint, key: cosmosStandIn.key });
  const file = snapshotFile(options.dataDir);
  const snapshot = await loadSnapshotFile(file);
  const restoredDocuments = snapshot ? await restoreSnapshot(cosmos, snapshot) : 0;
  const keeper = new SnapshotKeeper(cosmos, file);
  if (snapshot) keeper.markSaved(snapshot);
  await ensureCosmosSchema(cosmos, options.databaseId);

  const blob = BlobServiceClient.fromConnectionString(azurite.connectionString);
  // No public access option: the container is private, readers get short-lived SAS links.
  await blob.getContainerClient(options.poeContainer).createIfNotExists();
  await (options.seed ?? seedDemoPartners)({ cosmos, blob, databaseId: options.databaseId });
  await keeper.saveIfChanged();
  logger.info({ cosmos: cosmosStandIn.endpoint, blob: azurite.blobEndpoint, restoredDocuments }, 'local stack ready');

  const saveSnapshot = async (): Promise<boolean> => {
    const saved = await keeper.saveIfChanged();
    if (saved) logger.info({ file }, 'local Cosmos snapshot saved');
    return saved;
  };
  const interval = options.snapshotIntervalMs ?? 5000;
  const timer =
    interval > 0
      ? setInterval(
          () => void saveSnapshot().catch((e: unknown) => logger.error({ err: e }, 'local Cosmos snapshot failed')),
          interval,
        )
      : undefined;
  // A pending save must not keep the process alive after everything else has stopped.
  timer?.unref();

  let stopping: Promise<void> | undefined;
  return {
    cosmos: { endpoint: cosmosStandIn.endpoint, key: cosmosStandIn.key },
    blob: { url: azurite.blobEndpoint, connectionString: azurite.connectionString },
    restoredDocuments,
    saveSnapshot,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        try {
          await saveSnapshot();
        } finally {
          cosmos.dispose();
          await Promise.all([cosmosStandIn.close(), azurite.close()]);
          logger.info({}, 'local stack stopped');
        }
      })()),
  };
}

/**
 * Adds the demo organisations that are missing (the Agents Playground's tenant and user
 * among them), leaving any the developer has changed as they are.
 */
export async function seedDemoPartners({ cosmos, databaseId }: SeedConnection): Promise<void> {
  // Only reads and writes entries: the operator tenant plays no part in seeding.
  const directory = new CosmosPartnerDirectory(cosmos.database(databaseId).container(containerSpec('partners').id), {
    operatorTenantId: '',
  });
  const missing = [];
  for (const org of await readSeedFile()) if (!(await directory.get(org.id))) missing.push(org);
  await seedPartners(directory, missing);
}

function portHint(e: unknown, what: string, setting: string): Error {
  const code = typeof e === 'object' && e !== null ? Reflect.get(e, 'code') : undefined;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(message)) {
    return new Error(
      `${what} could not listen: its port is in use (is another local stack running on this DATA_DIR?). Set ${setting} to another port. (${message})`,
    );
  }
  return e instanceof Error ? e : new Error(message);
}
