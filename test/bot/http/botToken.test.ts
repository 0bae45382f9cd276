/**
 * Bot Framework tokens checked for real: a loopback stand-in for login.botframework.com
 * publishes a signing key, and tokens are signed with it (accepted), with another key
 * under its key id (forged), or after their expiry. Refusals are 401 with a warning,
 * never 500 and never a stack in the log.
 */
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TurnContext } from 'botbuilder';
import { createAdapter } from '../../../bot/http/adapter';
import type { BotIdentity } from '../../../bot/app/config';
import { createLogger } from '../../../bot/app/logger';
import { createServer, type BotServer } from '../../../bot/http/server';
import { noTelemetry } from '../../../bot/app/telemetry';

const IDENTITY: BotIdentity = {
  appId: '11111111-2222-3333-4444-555555555555',
  appType: 'SingleTenant',
  tenantId: '66666666-7777-8888-9999-000000000000',
  password: 'not-a-real-secret',
};
const SERVICE_URL = 'http://127.0.0.1:9/';
const KEY_ID = 'test-key-1';

class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

function signedJwt(key: KeyObject, claims: Record<string, unknown>, kid = KEY_ID): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

describe('Bot Framework tokens', () => {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let keys: Server;
  let metadataUrl = '';
  let app: BotServer | undefined;
  let logs: LogSink;
  let runs = 0;

  before(async () => {
    const jwk = signing.publicKey.export({ format: 'jwk' });
    keys = createHttpServer((req, res) => {
      const base = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/.well-known/openidconfiguration')
        res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys` }));
      else res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KEY_ID, n: jwk.n, e: jwk.e }] }));
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    metadataUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
  });
  after(() => new Promise<void>((resolve) => keys.close(() => resolve())));

  beforeEach(async () => {
    logs = new LogSink();
    runs = 0;
    const logger = createLogger('debug', logs);
    const adapter = createAdapter(IDENTITY, { logger, telemetry: noTelemetry, channelOpenIdMetadataUrl: metadataUrl });
    app = createServer({
      publicUrl: 'http://localhost',
      logger,
      adapter,
      bot: { run: async (_context: TurnContext) => void (runs += 1) },
      health: [],
    });
    await app.listen(0, '127.0.0.1');
  });
  afterEach(async () => {
    await app?.close(1000);
    app = undefined;
  });

  const post = (token: string) => {
    const port = (app?.server.address() as AddressInfo).port;
    const activity = {
      type: 'message',
      id: 'a-1',
      channelId: 'msteams',
      serviceUrl: SERVICE_URL,
      from: { id: 'u' },
      recipient: { id: 'b' },
      conversation: { id: 'c' },
      text: 'hi',
      deliveryMode: 'expectReplies',
    };
    return fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(activity),
    });
  };
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: 'https://api.botframework.com',
    aud: IDENTITY.appId,
    serviceurl: SERVICE_URL,
    nbf: now() - 60,
    exp: now() + 600,
    ...overrides,
  });

  const assertRefused = async (response: Response) => {
    assert.equal(response.status, 401);
    assert.equal(runs, 0, 'the bot never ran');
    const refusal = logs.lines.find((l) => l.msg === 'request refused: no valid Bot Framework token');
    assert.equal(refusal?.level, 'warn', 'logged as a warning');
    assert.ok(
      !logs.lines.some((l) => l.level === 'error' || JSON.stringify(l).includes('    at ')),
      'no error and no stack in the log',
    );
  };

  it('accepts a token signed with the published key (the stand-in works)', async () => {
    const response = await post(signedJwt(signing.privateKey, claims()));
    assert.equal(response.status, 200, JSON.stringify(logs.lines));
    assert.equal(runs, 1);
  });

  it('refuses a forged token (right key id, another key) with 401, not 500', async () => {
    await assertRefused(await post(signedJwt(rogue.privateKey, claims())));
  });

  it('refuses an expired token with 401 and a warning', async () => {
    await assertRefused(await post(signedJwt(signing.privateKey, claims({ nbf: now() - 7200, exp: now() - 3600 }))));
  });

  it('refuses a token with a tampered payload, an unknown key id or another audience with 401', async () => {
    const genuine = signedJwt(signing.privateKey, claims());
    const [header, , signature] = genuine.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims({ aud: 'someone-else' }))).toString('base64url')}.${signature}`;
    await assertRefused(await post(tampered));
    await assertRefused(await post(signedJwt(signing.privateKey, claims(), 'unknown-key')));
    await assertRefused(
      await post(signedJwt(signing.privateKey, claims({ aud: '99999999-2222-3333-4444-555555555555' }))),
    );
  });
});
