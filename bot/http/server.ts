/**
 * The HTTP surface: `POST /api/messages` (Bot Framework), `GET /healthz`, a status
 * page, and whatever routes the composition root adds. Knows nothing about storage
 * or dialogs: it gets a bot, an adapter and health probes.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response, type Next, type Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { BotAdapter } from './adapter';
import { bodyHandlers, DEFAULT_MAX_BODY_BYTES, refuseEncodedBodies } from './bodyLimits';
import { checkHealth, type HealthProbe } from './health';
import { attachTurnLogger, type Logger } from './turnLog';
import { securityHeaders } from './securityHeaders';

/** What runs a turn: an ActivityHandler, or the real bot later. */
export interface TurnHandler {
  run(context: TurnContext): Promise<void>;
}

export interface ServerDeps {
  publicUrl: string;
  logger: Logger;
  adapter: Pick<BotAdapter, 'handle'>;
  bot: TurnHandler;
  health: readonly HealthProbe[];
  healthTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Adds routes (consent pages, downloads); they get the same headers and body limits. */
  routes?: (server: Server) => void;
}

export interface BotServer {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, waits up to `graceMs` for turns in flight, then closes every connection. */
  close(graceMs: number): Promise<{ unfinishedTurns: number }>;
  turnsInFlight(): number;
}

const correlationIds = new WeakMap<Request, string>();

export function createServer(deps: ServerDeps): BotServer {
  const server = restify.createServer({ name: 'cpor-claims-bot', handleUncaughtExceptions: false });
  // Slow-loris guard; a Bot Framework request is small and sent at once.
  server.server.headersTimeout = 20_000;
  server.server.requestTimeout = 60_000;
  let closing = false;
  let inFlight = 0;
  const drained: (() => void)[] = [];

  server.pre(securityHeaders(deps.publicUrl));
  server.pre((req: Request, res: Response, next: Next) => {
    const correlationId = randomUUID();
    correlationIds.set(req, correlationId);
    res.setHeader('X-Correlation-Id', correlationId);
    logWhenFinished(req, res, deps.logger, correlationId);
    next();
  });
  server.pre(refuseEncodedBodies);
  server.use(bodyHandlers(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (closing) {
      res.setHeader('Retry-After', '5');
      res.setHeader('Connection', 'close');
      res.send(503, { code: 'ShuttingDown', message: 'the bot is restarting; retry shortly' });
      return;
    }
    const correlationId = correlationIds.get(req) ?? randomUUID();
    const requestLog = deps.logger.child({ correlationId });
    inFlight++;
    try {
      const outcome = await deps.adapter.handle(req.body, req.headers.authorization, requestLog, async (context) => {
        const log = attachTurnLogger(context, deps.logger, correlationId);
        log.info('turn started');
        await deps.bot.run(context);
      });
      if (outcome.body === undefined) res.send(outcome.status);
      else res.send(outcome.status, outcome.body);
    } finally {
      inFlight--;
      if (inFlight === 0) drained.splice(0).forEach((resolve) => resolve());
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const report = await checkHealth(deps.health, deps.healthTimeoutMs ?? 3000);
    res.send(report.status === 'ok' ? 200 : 503, report);
  });

  server.get('/', (_req: Request, res: Response, next: Next) => {
    const html =
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CPOR Claims Bot</title></head>' +
      '<body><h1>CPOR Claims Bot</h1><p>This is a Microsoft Teams bot. Chat with it in Teams; its endpoint is /api/messages.</p></body></html>';
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, html);
    next();
  });

  deps.routes?.(server);

  const waitForTurns = (graceMs: number) =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const timer = setTimeout(resolve, graceMs);
      drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  return {
    server,
    turnsInFlight: () => inFlight,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        // restify re-emits the HTTP server's errors on itself: unheard there, a port in use would crash the process.
        const refused = (e: unknown) => {
          server.server.off('error', refused);
          server.off('error', refused);
          reject(listenError(e, port));
        };
        server.server.once('error', refused);
        server.once('error', refused);
        server.listen(port, host, () => {
          server.server.off('error', refused);
          server.off('error', refused);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async (graceMs) => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      await waitForTurns(graceMs);
      const unfinishedTurns = inFlight;
      server.server.closeAllConnections();
      await closed;
      return { unfinishedTurns };
    },
  };
}

/** Why listening failed, in one line that names the setting to change. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

function listenError(e: unknown, port: number): ListenError {
  const code = typeof e === 'object' && e !== null ? Reflect.get(e, 'code') : undefined;
  const codeText = typeof code === 'string' ? code : undefined;
  if (codeText === 'EADDRINUSE')
    return new ListenError(`port ${port} is already in use by another program; set PORT to a free port`, codeText);
  if (codeText === 'EACCES')
    return new ListenError(
      `port ${port} needs privileges this process does not have; set PORT to a port above 1023`,
      codeText,
    );
  return new ListenError(`could not listen on port ${port}: ${e instanceof Error ? e.message : String(e)}`, codeText);
}

/**
 * One line per request, after it finished: route pattern (never the raw URL, which
 * could carry a token), status and duration. Health checks only at debug level.
 */
function logWhenFinished(req: Request, res: Response, logger: Logger, correlationId: string): void {
  const started = performance.now();
  res.once('finish', () => {
    const route = req.getRoute()?.path;
    const entry = {
      correlationId,
      method: req.method,
      route: typeof route === 'string' ? route : 'unmatched',
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
    };
    if (entry.route === '/healthz' && res.statusCode === 200) logger.debug(entry, 'request');
    else logger.info(entry, 'request');
  });
}
