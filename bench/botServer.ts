/**
 * Hosting for the bench's yardstick bots (echo, state floor, peer), as the Bot Framework
 * samples host a bot: restify with its body parser, a CloudAdapter with authentication
 * off (loopback only), one POST route. Each runs in a process of its own and announces
 * its URL to bench/run.ts over IPC.
 */
import restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ActivityHandler } from 'botbuilder';
import { CosmosDbPartitionedStorage } from 'botbuilder-azure';
import { cosmosClientOptions } from '../storage/cosmosConnection';
import type { AddressInfo } from 'node:net';
import { serveParent } from './ipc';

/** What a yardstick bot reads from the environment bench/run.ts gives it: the stand-ins' endpoints. */
export function standInEnv(): {
  cosmosEndpoint: string;
  cosmosKey: string;
  databaseId: string;
  blobConnectionString: string;
  poeContainer: string;
} {
  const required = (key: string): string => {
    const value = process.env[key];
    if (!value) throw new Error(`${key} is not set (bench/run.ts sets it)`);
    return value;
  };
  return {
    cosmosEndpoint: required('BENCH_COSMOS_ENDPOINT'),
    cosmosKey: required('BENCH_COSMOS_KEY'),
    databaseId: required('BENCH_DATABASE'),
    blobConnectionString: process.env.BENCH_BLOB_CONNECTION_STRING ?? '',
    poeContainer: process.env.BENCH_POE_CONTAINER ?? '',
  };
}

/**
 * Bot state as the samples keep it in Cosmos DB: botbuilder-azure's partitioned storage,
 * in a container of its own (it creates the container, partition key /id, on first use).
 */
export function cosmosStateStorage(containerId: string): CosmosDbPartitionedStorage {
  const env = standInEnv();
  return new CosmosDbPartitionedStorage({
    cosmosDbEndpoint: env.cosmosEndpoint,
    authKey: env.cosmosKey,
    databaseId: env.databaseId,
    containerId,
    // The same client settings as the claims bot (timeouts, retries, no endpoint discovery on loopback).
    cosmosClientOptions: cosmosClientOptions({ endpoint: env.cosmosEndpoint, key: env.cosmosKey }),
  });
}

export function serveBot(bot: ActivityHandler): void {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    serveParent(
      { url: `http://127.0.0.1:${port}` },
      {},
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );
  });
}
