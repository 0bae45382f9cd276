/**
 * The embedded stand-ins for Azure: a Cosmos DB NoSQL server (@vercel/cosmosdb-server,
 * in this process) and Azurite Blob (its own process). They speak the real protocols,
 * so the same SDK code runs against them and against Azure. Local mode and tests only:
 * both packages are dev dependencies and are loaded lazily.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/** Any base64 string is accepted as the Cosmos stand-in's key. */
export const COSMOS_STAND_IN_KEY = 'bG9jYWwtc3RhbmQtaW4ta2V5';

export interface CosmosStandIn {
  endpoint: string;
  key: string;
  port: number;
  close(): Promise<void>;
}

export interface CosmosStandInOptions {
  /**
   * Keep connections open between requests, as Azure does. Off by default: the stand-in
   * then closes each connection after its answer. The bench turns it on so connection
   * churn does not count as the bot's cost.
   */
  keepAlive?: boolean;
}

export async function startCosmosStandIn(
  port = 0,
  host = '127.0.0.1',
  options: CosmosStandInOptions = {},
): Promise<CosmosStandIn> {
  const { createHttpServer } = await import('@vercel/cosmosdb-server');
  const server: Server = createHttpServer(options.keepAlive ? { keepAlive: true } : {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${actual}`,
    key: COSMOS_STAND_IN_KEY,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface AzuriteStandIn {
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  connectionString: string;
  port: number;
  process: ChildProcess;
  close(): Promise<void>;
}

export interface AzuriteOptions {
  port?: number;
  host?: string;
  /** Folder for Azurite's own persistence; in-memory when absent. */
  location?: string;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteStandIn> {
  const host = options.host ?? '127.0.0.1';
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const args = [
    main,
    '--blobHost',
    host,
    '--blobPort',
    String(options.port ?? 0),
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const blobEndpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${seen}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /successfully listens on (http:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(`${match[1]}/${AZURITE_ACCOUNT}`);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}: ${seen}`));
    });
  });
  const port = Number(new URL(blobEndpoint).port);
  return {
    blobEndpoint,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    port,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
