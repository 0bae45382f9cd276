/**
 * A loopback HTTP proxy to put between an Azure SDK and a stand-in (Cosmos DB or
 * Azurite) that injects the failures the cloud produces: throttling (429 with
 * `x-ms-retry-after-ms`), 503s, requests that never get an answer, and connections cut
 * mid-request. A fault may strike before the request reaches the stand-in (nothing
 * happened) or after (the stand-in acted, but its answer is lost), which is the case
 * that tells apart code that merely retries from code that retries safely.
 *
 * Faults are chosen per request: by rule (method, path, a predicate; after letting
 * `skip` matches through, for `times` matches) or at random with a seed, so a run can
 * be replayed. Held requests are released when the client gives up or the proxy closes,
 * so nothing outlives the test. A `delay` rule for every request (`times: Infinity`) makes
 * the proxy a fixed network latency, as between an app and its database in one region.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom, type Random } from './seededRandom';

export type Fault =
  /** Answered with this status without reaching the stand-in. */
  | { kind: 'status'; status: number; retryAfterMs?: number }
  /** Reaches the stand-in, which acts; the client gets this status instead of its answer. */
  | { kind: 'statusAfter'; status: number }
  /** Never reaches the stand-in and never gets an answer: the client times out. */
  | { kind: 'hold' }
  /** Reaches the stand-in, which acts; its answer never comes back: the client times out. */
  | { kind: 'holdAfter' }
  /** The connection is cut after this many bytes of the request body (default 0); nothing is forwarded. */
  | { kind: 'cut'; afterBytes?: number }
  /** Reaches the stand-in, which acts; the connection is cut instead of the answer. */
  | { kind: 'cutAfter' }
  /** Reaches the stand-in after `ms` milliseconds and gets its answer: a network round trip's latency. */
  | { kind: 'delay'; ms: number }
  /** Reaches the stand-in once `released` settles, and gets its answer: held until the test lets it go. */
  | { kind: 'until'; released: Promise<unknown> };

export interface ProxiedRequest {
  method: string;
  /** The URL path, e.g. `/dbs/db-1/colls/claims/docs/claim-1`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface RequestMatch {
  method?: string;
  path?: RegExp;
  when?: (request: ProxiedRequest) => boolean;
}

export interface FaultRule extends RequestMatch {
  fault: Fault;
  /** Matching requests let through before the fault strikes. Default 0. */
  skip?: number;
  /** Matching requests the fault strikes, after the skipped ones. Default 1; Infinity for all. */
  times?: number;
}

export interface RandomFaults extends RequestMatch {
  seed: number;
  /** The share of matching requests that fail, in [0, 1]. */
  rate: number;
  /** Drawn from uniformly for each failing request. */
  faults: readonly Fault[];
}

export interface ProxyLogEntry {
  method: string;
  path: string;
  fault?: Fault['kind'];
}

export interface RuleHandle {
  /** Requests this rule struck so far. */
  readonly struck: number;
}

export interface FaultProxy {
  /** Where to point the SDK, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  inject(rule: FaultRule): RuleHandle;
  /** Replaces any earlier random faults. */
  random(spec: RandomFaults): RuleHandle;
  /** Removes every rule and random fault; requests pass untouched again. */
  clear(): void;
  /** Every request seen, in order, with the fault it got. */
  readonly log: ProxyLogEntry[];
  close(): Promise<void>;
}

/** Cosmos DB requests that change data: creates, upserts, replaces, deletes (queries are POSTs too, so told apart). */
export function isCosmosWrite(request: ProxiedRequest): boolean {
  if (request.method === 'PUT' || request.method === 'DELETE' || request.method === 'PATCH') return true;
  return request.method === 'POST' && String(request.headers['x-ms-documentdb-isquery'] ?? '').toLowerCase() !== 'true';
}

/** A Cosmos DB document request in container `container` (any database). */
export const cosmosDocs = (container: string): RegExp => new RegExp(`^/dbs/[^/]+/colls/${container}/docs(/|$)`);

const matches = (match: RequestMatch, request: ProxiedRequest): boolean =>
  (match.method === undefined || match.method === request.method) &&
  (match.path === undefined || match.path.test(request.path)) &&
  (match.when === undefined || match.when(request));

interface ActiveRule {
  rule: FaultRule;
  skipLeft: number;
  timesLeft: number;
  struck: number;
}

interface ActiveRandom {
  spec: RandomFaults;
  random: Random;
  struck: number;
}

export interface FaultProxyOptions {
  /** Keep the request log (default true); off for a long-running latency proxy. */
  log?: boolean;
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const log: ProxyLogEntry[] = [];
  let rules: ActiveRule[] = [];
  let chaos: ActiveRandom | undefined;

  const choose = (request: ProxiedRequest): Fault | undefined => {
    for (const active of rules) {
      if (active.timesLeft <= 0 || !matches(active.rule, request)) continue;
      if (active.skipLeft > 0) {
        active.skipLeft -= 1;
        continue;
      }
      active.timesLeft -= 1;
      active.struck += 1;
      return active.rule.fault;
    }
    if (chaos && matches(chaos.spec, request) && chaos.random() < chaos.spec.rate) {
      chaos.struck += 1;
      return chaos.spec.faults[Math.floor(chaos.random() * chaos.spec.faults.length)];
    }
    return undefined;
  };

  /** Sends the request on to the stand-in; resolves with its answer, body read in full. */
  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      const outgoing = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.once('end', () =>
            resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
          );
          answer.once('error', reject);
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });

  const readBody = (req: IncomingMessage, cutAfter: number | undefined): Promise<Buffer | 'cut'> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (cutAfter !== undefined && received >= cutAfter) {
          req.socket.destroy();
          resolve('cut');
        }
      });
      req.once('end', () => {
        if (cutAfter !== undefined) {
          req.socket.destroy();
          resolve('cut');
        } else resolve(Buffer.concat(chunks));
      });
      req.once('error', reject);
    });

  const errorAnswer = (res: ServerResponse, status: number, retryAfterMs?: number): void => {
    const code = status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : 'InjectedFault';
    const body = JSON.stringify({ code, message: `injected fault: ${status}` });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(retryAfterMs !== undefined ? { 'x-ms-retry-after-ms': String(retryAfterMs) } : {}),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const request: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    const fault = choose(request);
    if (options.log !== false)
      log.push({ method: request.method, path: request.path, ...(fault ? { fault: fault.kind } : {}) });
    const body = await readBody(req, fault?.kind === 'cut' ? (fault.afterBytes ?? 0) : undefined);
    if (body === 'cut' || fault?.kind === 'hold') return;
    if (fault?.kind === 'status') return errorAnswer(res, fault.status, fault.retryAfterMs);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'until') await fault.released.catch(() => undefined);
    const answer = await forward(req, body);
    if (fault?.kind === 'holdAfter') return;
    if (fault?.kind === 'cutAfter') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'statusAfter') return errorAnswer(res, fault.status);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // The stand-in went away or the client hung up: close this exchange, as a broken network would.
      req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    inject(rule) {
      const active: ActiveRule = { rule, skipLeft: rule.skip ?? 0, timesLeft: rule.times ?? 1, struck: 0 };
      rules.push(active);
      return {
        get struck() {
          return active.struck;
        },
      };
    },
    random(spec) {
      const active: ActiveRandom = { spec, random: seededRandom(spec.seed), struck: 0 };
      chaos = active;
      return {
        get struck() {
          return active.struck;
        },
      };
    },
    clear() {
      rules = [];
      chaos = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
