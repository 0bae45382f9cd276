/**
 * The hostile-input suite's world: the bot as the composition root builds it (composeBot
 * with the reviewer, comment and consent card actions) on the Cosmos and Azurite
 * stand-ins, behind the real HTTP server and CloudAdapter (no app id, as in local mode).
 * Every activity travels as a JSON body, so what a hostile client can put in one (own
 * `__proto__` keys, numbers where strings belong) reaches the bot exactly as it would in
 * production. PoE downloads come from a loopback server through the real TeamsFileSource.
 *
 * Failures the user would never see are collected here: a turn that failed (the adapter's
 * 'turn failed' log line), an activity the adapter could not process, and any unhandled
 * promise rejection while the world is open.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { ConsentTokens } from '../../claims/consentToken';
import { ClaimLifecycle } from '../../claims/lifecycle';
import type { Claim, PartnerOrganisation, Versioned } from '../../claims/model';
import { createAdapter } from '../../bot/http/adapter';
import type { ClaimsBot } from '../../bot/teams/claimsBot';
import { composeBot } from '../../bot/app/composeBot';
import { consentCardActions } from '../../bot/consent/consentCardActions';
import { createLogger } from '../../bot/app/logger';
import { createServer, type BotServer } from '../../bot/http/server';
import { noTelemetry } from '../../bot/app/telemetry';
import type { Locale } from '../../locales/i18n';
import { connectBlobStorage } from '../../storage/blobConnection';
import { CosmosConsentNonceStore } from '../../storage/consentNonceStore';
import { StoredEvidenceReader } from '../../documents/evidenceReader';
import { BlobEvidenceStore } from '../../storage/poeStore';
import { botHarness, ORG, OTHER_ORG, TIME_ZONE, type Harness } from '../support/botHarness';
import { buildClaim } from '../support/claimFactory';
import { standIns } from '../support/rootHooks';
import {
  ADMIN,
  MONDAY,
  OPERATOR,
  OTHER_ADMIN,
  REVIEWER,
  SettableClock,
  VIEWER,
  type User,
} from '../support/reviewHarness';

export { ADMIN, MONDAY, OPERATOR, OTHER_ADMIN, REVIEWER, TIME_ZONE, VIEWER, type User };

export const CONSENT_KEY = 'hostile-suite-consent-signing-key-0123456789';
/** The bot never reaches this address: replies come back in the HTTP answer (expectReplies). */
const UNREACHABLE_SERVICE_URL = 'http://127.0.0.1:9/';

/** The partner whose admin and viewer the suite talks as: two locations, so the location card is asked. */
export const HOME: PartnerOrganisation = {
  ...ORG,
  locations: [
    { mpnId: '1234567', name: 'Seattle' },
    { mpnId: '7654321', name: 'Seoul' },
  ],
};

/** Another organisation, whose claims nobody of HOME may see or touch; OTHER_ADMIN is its incentives admin. */
export const FOREIGN: PartnerOrganisation = OTHER_ORG;

export type Reply = Partial<Activity>;

/** An Action.Execute answer: the HTTP status and the invoke response body. */
export interface InvokeAnswer {
  status: number;
  body: { statusCode?: number; type?: string; value?: unknown };
}

/** Collects the JSON log lines the server and the adapter write. */
class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

/** Files a Teams download URL would serve, on loopback (TeamsFileSource allows plain http there in tests). */
export class LoopbackFiles {
  private readonly served = new Map<string, { bytes: Buffer; contentType: string }>();
  private server: HttpServer | undefined;
  private base = '';

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      const file = this.served.get(req.url ?? '');
      // Separate calls: restify patches ServerResponse, and its writeHead does not return the response.
      if (!file) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A download URL serving these bytes with this Content-Type. */
  serve(bytes: Buffer, contentType = 'application/octet-stream'): string {
    const path = `/download/${randomUUID()}`;
    this.served.set(path, { bytes, contentType });
    return `${this.base}${path}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface HostileWorld {
  h: Harness;
  clock: SettableClock;
  bot: ClaimsBot;
  url: string;
  files: LoopbackFiles;
  tokens: ConsentTokens;
  nonces: CosmosConsentNonceStore;
  /** Sends a message activity (text, value, attachments) and returns the bot's replies. */
  message(user: User, activity: Record<string, unknown>, locale: Locale, conversationId?: string): Promise<Reply[]>;
  /** Presses an Action.Execute button: the `adaptiveCard/action` invoke. */
  invoke(user: User, verb: unknown, data: unknown, locale: Locale): Promise<InvokeAnswer>;
  /** A fresh personal chat for the user; later messages without an id go there. */
  newConversation(user: User): string;
  /** What went wrong unseen since the last call: failed turns, unprocessable activities, unhandled rejections. */
  takeFailures(): string[];
  /** Names of the PoE blobs stored under a claim (whatever the claim records). */
  blobsOf(claim: Pick<Claim, 'partnerId' | 'id'>): Promise<string[]>;
  seed(org: PartnerOrganisation, overrides?: Partial<Claim>): Promise<Claim>;
  read(claim: Pick<Claim, 'partnerId' | 'id'>): Promise<Versioned<Claim>>;
  close(): Promise<void>;
}

/** The mocha hooks of a file that needs only the world: opened before its tests, closed after them. */
export function useHostileWorld(): () => HostileWorld {
  let world: HostileWorld | undefined;
  before(async () => {
    world = await hostileWorld();
  });
  after(async () => {
    await world?.close();
  });
  return () => {
    assert.ok(world, 'the world opens in a before hook');
    return world;
  };
}

export async function hostileWorld(): Promise<HostileWorld> {
  const clock = new SettableClock(MONDAY);
  const h = await botHarness({ clock, orgs: [HOME, FOREIGN, OPERATOR] });
  const files = new LoopbackFiles();
  await files.start();
  const logs = new LogSink();
  const logger = createLogger('warn', logs);
  // The PoE store on a container whose name we know, so a test can list what landed in it.
  const { service, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString });
  const poeContainer = service.getContainerClient(`poe-hostile-${randomUUID()}`);
  const evidence = new BlobEvidenceStore({ container: poeContainer, signer, claims: h.claims });
  await evidence.ensureContainer();
  const botServices = {
    ...h.botServices,
    evidence,
    evidenceText: new StoredEvidenceReader({ evidence, maxBytes: evidence.maxBytes }),
  };
  const lifecycle = new ClaimLifecycle({ ...botServices, clock });
  const tokens = new ConsentTokens(CONSENT_KEY, clock);
  const nonces = new CosmosConsentNonceStore(h.db.container('consentNonces'), { clock });
  const consentActions = consentCardActions({
    tokens,
    claims: h.claims,
    lifecycle,
    nonces,
    partners: h.partners,
    references: h.references,
    timeZone: TIME_ZONE,
  });
  const bot = composeBot(botServices, {
    timeZone: TIME_ZONE,
    logger,
    clock,
    lifecycle,
    emailOf: async () => undefined,
    cardActions: consentActions,
  });
  const server: BotServer = createServer({
    publicUrl: 'http://localhost',
    logger,
    adapter: createAdapter({ appId: '', appType: 'SingleTenant', tenantId: '' }, { logger, telemetry: noTelemetry }),
    bot,
    health: [],
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  const rejections: string[] = [];
  const onRejection = (reason: unknown) =>
    rejections.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  process.on('unhandledRejection', onRejection);

  const conversations = new Map<string, string>();
  const newConversation = (user: User) => {
    const id = `a:${randomUUID()}`;
    conversations.set(user.aadObjectId, id);
    return id;
  };
  const envelope = (user: User, locale: Locale, conversationId?: string) => ({
    channelId: 'msteams',
    serviceUrl: UNREACHABLE_SERVICE_URL,
    locale,
    localTimezone: TIME_ZONE,
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { id: '28:bot', name: 'CPOR Claims' },
    conversation: {
      id: conversationId ?? conversations.get(user.aadObjectId) ?? newConversation(user),
      tenantId: user.tenantId,
      conversationType: 'personal',
    },
  });
  const post = (body: Record<string, unknown>) =>
    fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  let seen = 0;
  return {
    h,
    clock,
    bot,
    url,
    files,
    tokens,
    nonces,
    newConversation,
    async message(user, activity, locale, conversationId) {
      const response = await post({
        type: 'message',
        id: randomUUID(),
        ...envelope(user, locale, conversationId),
        deliveryMode: 'expectReplies',
        ...activity,
      });
      const text = await response.text();
      assert.equal(response.status, 200, `the activity was not processed: ${response.status} ${text.slice(0, 300)}`);
      return (JSON.parse(text) as { activities: Reply[] }).activities;
    },
    async invoke(user, verb, data, locale) {
      const response = await post({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        ...envelope(user, locale),
        value: { action: { type: 'Action.Execute', verb, data } },
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as InvokeAnswer['body']) };
    },
    takeFailures() {
      const failed = logs.lines
        .slice(seen)
        .filter((l) => l.level === 'error' || l.msg === 'turn failed' || l.msg === 'activity processing failed');
      seen = logs.lines.length;
      const out = [
        ...failed.map((l) => `${String(l.msg)}: ${JSON.stringify(l.err ?? l).slice(0, 600)}`),
        ...rejections.splice(0),
      ];
      return out;
    },
    async blobsOf(claim) {
      const names: string[] = [];
      for await (const blob of poeContainer.listBlobsFlat({ prefix: `${claim.partnerId}/${claim.id}/` }))
        names.push(blob.name);
      return names;
    },
    seed: async (org, overrides = {}) =>
      (
        await h.claims.create(
          buildClaim({
            partnerId: org.id,
            customerTenantId: randomUUID(),
            createdAt: MONDAY.toISOString(),
            updatedAt: MONDAY.toISOString(),
            ...overrides,
          }),
        )
      ).value,
    async read(claim) {
      const stored = await h.claims.get(claim.partnerId, claim.id);
      assert.ok(stored, `claim ${claim.id} is gone`);
      return stored;
    },
    async close() {
      process.off('unhandledRejection', onRejection);
      await server.close(1000);
      await files.stop();
    },
  };
}
