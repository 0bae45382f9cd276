/**
 * A loopback HTTP proxy that hands each request to the next of its targets in turn, as
 * a load balancer without session affinity does (App Service with ARR affinity off):
 * with two bot processes behind it, one conversation's turns alternate between them.
 * With a single target it is a tap: it forwards everything and tells `onRequest` what
 * went through (e.g. the Cosmos DB queries one bot process makes).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardedRequest {
  /** Index in `targets` of the one that got it. */
  target: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RoundRobinProxy {
  /** Where to send requests instead, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request, in the order they arrived. */
  readonly forwarded: readonly ForwardedRequest[];
  close(): Promise<void>;
}

export interface RoundRobinOptions {
  onRequest?: (request: ForwardedRequest) => void;
}

/** Hop-by-hop headers are the proxy's own business on each side (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

export async function startRoundRobinProxy(
  targets: readonly string[],
  options: RoundRobinOptions = {},
): Promise<RoundRobinProxy> {
  if (targets.length === 0) throw new RangeError('a proxy needs at least one target');
  const upstreams = targets.map((target) => new URL(target));
  const agent = new http.Agent({ keepAlive: true });
  const forwarded: ForwardedRequest[] = [];
  let next = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = next;
      next = (next + 1) % upstreams.length;
      const upstream = upstreams[target] as URL;
      const request: ForwardedRequest = {
        target,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      forwarded.push(request);
      options.onRequest?.(request);
      const outbound = http.request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.path,
          headers: { ...endToEnd(req.headers), host: upstream.host, 'content-length': String(request.body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
          answer.pipe(res);
        },
      );
      // The target went away mid-request: the caller sees what a load balancer would answer.
      outbound.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      outbound.end(request.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
