/**
 * The Cosmos DB stand-in and Azurite for the bench, away from the bot: this process
 * runs the Cosmos stand-in (storage/standIns.ts) and starts Azurite (a process of its
 * own), prints their endpoints, and counts every request the stand-in answers.
 *
 * Counting here, at the HTTP boundary the SDK talks to, sees every Cosmos operation of
 * every client in the bot: the repositories' and botbuilder-azure's bot state alike,
 * retries included. Documents read are counted from the answers: one per successful
 * point read, `x-ms-item-count` per query page.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startAzurite, startCosmosStandIn } from '../storage/standIns';
import { startFaultProxy, type FaultProxy } from '../test/support/faultProxy';
import { serveParent } from './ipc';

export interface CosmosCounters {
  /** Document operations by `container.kind`, e.g. `botState.read`, `claims.query`. */
  operations: Record<string, number>;
  /** Database, container and partition key range requests the SDK makes for itself. */
  metadata: number;
  /** Documents returned by point reads and queries, by container. */
  documentsRead: Record<string, number>;
}

const counters: CosmosCounters = { operations: {}, metadata: 0, documentsRead: {} };
let countedPort = -1;

const bump = (table: Record<string, number>, key: string, by = 1): void => {
  table[key] = (table[key] ?? 0) + by;
};

/** `/dbs/{db}/colls/{container}/docs[/{id}]` → container and whether an id follows. */
function documentPath(url: string): { container: string; item: boolean } | undefined {
  const parts = url.split('?')[0].split('/');
  if (parts[1] !== 'dbs' || parts[3] !== 'colls' || parts[5] !== 'docs') return undefined;
  return { container: decodeURIComponent(parts[4] ?? ''), item: parts.length > 6 && parts[6] !== '' };
}

const isTrue = (request: IncomingMessage, header: string): boolean =>
  String(request.headers[header] ?? '').toLowerCase() === 'true';

function kindOf(request: IncomingMessage, item: boolean): string {
  const method = request.method ?? 'GET';
  if (item) return { GET: 'read', PUT: 'replace', DELETE: 'delete', PATCH: 'patch' }[method] ?? method.toLowerCase();
  if (method === 'GET') return 'readFeed';
  // The SDK asks for a plan before a cross-partition ORDER BY or TOP query; Azure's gateway
  // answers with a plan, the stand-in runs the query. Either way it reads no documents for us.
  if (isTrue(request, 'x-ms-cosmos-is-query-plan-request')) return 'queryPlan';
  if (isTrue(request, 'x-ms-documentdb-isquery')) return 'query';
  if (isTrue(request, 'x-ms-cosmos-is-batch-request')) return 'batch';
  if (isTrue(request, 'x-ms-documentdb-is-upsert')) return 'upsert';
  return 'create';
}

function count(request: IncomingMessage, response: ServerResponse): void {
  // Only the stand-in's own answers: a latency proxy in this process answers the same paths.
  if (request.socket.localPort !== countedPort) return;
  const target = documentPath(request.url ?? '');
  if (!target) {
    counters.metadata += 1;
    return;
  }
  const kind = kindOf(request, target.item);
  bump(counters.operations, `${target.container}.${kind}`);
  if (response.statusCode !== 200) return;
  if (kind === 'read') bump(counters.documentsRead, target.container);
  if (kind === 'query' || kind === 'readFeed')
    bump(counters.documentsRead, target.container, Number(response.getHeader('x-ms-item-count') ?? 0));
}

/**
 * The stand-in's query engine (@zeit/cosmosdb-query) compiles `FROM c` into a reduce that
 * copies its accumulator for every document (`[...$, { c }]`): quadratic, about 4 s for
 * 22,000 documents and minutes for the scheduler's 110,000. Azure answers that query from
 * its index. The bench rewrites the copy into a push (same result, linear), here in the
 * stand-in's process only, so the scheduler is not measured against a quadratic scan.
 */
function makeStandInQueriesLinear(): void {
  const engine = require('@zeit/cosmosdb-query') as { default: (query: string) => { code: string } };
  const compile = engine.default;
  const copyingAppend = /\[\.\.\.\$, \{\s*(\w+): (\w+)\s*\}\]/g;
  engine.default = (query: string) => {
    const compiled = compile(query);
    Object.defineProperty(compiled, 'code', {
      value: compiled.code.replace(copyingAppend, '($$.push({ $1: $2 }), $$)'),
    });
    return compiled;
  };
}

async function main(): Promise<void> {
  makeStandInQueriesLinear();
  subscribe('http.server.response.finish', (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    count(request, response);
  });
  const cosmos = await startCosmosStandIn(0, '127.0.0.1', { keepAlive: true });
  countedPort = cosmos.port;
  const azurite = await startAzurite();
  const proxies: FaultProxy[] = [];
  /**
   * A proxy in front of the Cosmos DB stand-in adding `ms` to every request, as a
   * same-region round trip would; here, so its work is not the bot's or the load generator's.
   */
  const latencyProxy = async (request: Record<string, unknown>): Promise<{ endpoint: string }> => {
    const ms = Number(request.ms);
    if (!(ms >= 0)) throw new Error('latencyProxy needs ms >= 0');
    const proxy = await startFaultProxy(cosmos.endpoint, { log: false });
    proxy.inject({ fault: { kind: 'delay', ms }, times: Infinity });
    proxies.push(proxy);
    return { endpoint: proxy.endpoint };
  };
  const stop = async (): Promise<void> => {
    await Promise.all([cosmos.close(), azurite.close(), ...proxies.map((p) => p.close())]);
  };
  process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
  const endpoints = {
    cosmosEndpoint: cosmos.endpoint,
    cosmosKey: cosmos.key,
    blobConnectionString: azurite.connectionString,
    azuritePid: azurite.process.pid,
  };
  process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  serveParent(endpoints, { counters: () => structuredClone(counters), latencyProxy }, stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`stand-ins failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
