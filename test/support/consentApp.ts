/**
 * The consent routes on a real server (createServer on a loopback port) over a real
 * engine on the Cosmos stand-in, with the engine's settable clock driving token expiry.
 * Shared by the HTTP tests and the browser test.
 */
import { Writable } from 'node:stream';
import { ConsentTokens } from '../../claims/consentToken';
import type { Claim } from '../../claims/model';
import type { ClaimRepository } from '../../claims/ports';
import { createAdapter } from '../../bot/http/adapter';
import { consentLink, consentTokenFor, issueConsentToken } from '../../bot/consent/consentLinks';
import { CosmosConsentGrantStore } from '../../storage/consentGrantStore';
import { createConsentRoutes } from '../../bot/consent/consentRoutes';
import { createLogger } from '../../bot/app/logger';
import { createServer, type BotServer, type TurnHandler } from '../../bot/http/server';
import { noTelemetry } from '../../bot/app/telemetry';
import { CosmosConsentNonceStore } from '../../storage/consentNonceStore';
import type { Engine } from '../claims/engineHarness';

export const SIGNING_KEY = 'consent-test-signing-key-0123456789abcdef';
export const TIME_ZONE = 'America/Los_Angeles';

/** Collects the JSON log lines the server writes. */
export class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

/** The consent routes need no bot; the server wants one for /api/messages. */
const NO_TURNS: TurnHandler = { run: async () => undefined };

export interface ConsentApp {
  url: string;
  tokens: ConsentTokens;
  nonces: CosmosConsentNonceStore;
  grants: CosmosConsentGrantStore;
  logs: LogSink;
  /** The token links carry now: an opaque grant id, the grant kept by the server. */
  grantTokenFor(claim: Claim): Promise<string>;
  /** The token the consent email for this claim carries. */
  tokenFor(claim: Claim): string;
  linkFor(claim: Claim): string;
  close(): Promise<void>;
}

export interface ConsentAppOptions {
  /** Wrap the repository the routes read through, e.g. to make it fail. */
  claims?: (inner: ClaimRepository) => Pick<ClaimRepository, 'get'>;
}

export async function startConsentApp(engine: Engine, options: ConsentAppOptions = {}): Promise<ConsentApp> {
  const logs = new LogSink();
  const logger = createLogger('info', logs);
  const tokens = new ConsentTokens(SIGNING_KEY, engine.clock);
  const nonces = new CosmosConsentNonceStore(engine.db.container('consentNonces'), { clock: engine.clock });
  const grants = new CosmosConsentGrantStore(engine.db.container('consentNonces'), engine.clock);
  const routes = createConsentRoutes({
    tokens,
    grants,
    claims: options.claims ? options.claims(engine.claims) : engine.claims,
    lifecycle: engine.lifecycle,
    nonces,
    partners: engine.partners,
    log: logger,
    publicUrl: 'http://localhost',
    timeZone: TIME_ZONE,
  });
  const app: BotServer = createServer({
    publicUrl: 'http://localhost',
    logger,
    adapter: createAdapter({ appId: '', appType: 'SingleTenant', tenantId: '' }, { logger, telemetry: noTelemetry }),
    bot: NO_TURNS,
    health: [],
    routes,
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  const tokenFor = (claim: Claim) => {
    const token = consentTokenFor(tokens, claim, `${claim.history.length}.customerConsentRequest`);
    if (!token) throw new Error('the claim has no customer contact or window');
    return token;
  };
  const grantTokenFor = async (claim: Claim) => {
    const token = await issueConsentToken(tokens, claim, `${claim.history.length}.customerConsentRequest`, grants);
    if (!token) throw new Error('the claim has no customer contact or window');
    return token;
  };
  return {
    url,
    tokens,
    nonces,
    grants,
    grantTokenFor,
    logs,
    tokenFor,
    linkFor: (claim) => consentLink(url, tokenFor(claim)),
    close: async () => {
      await app.close(1000);
    },
  };
}
