import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { createCosmosClient } from '../../../storage/cosmosConnection';
import { startCosmosStandIn } from '../../../storage/standIns';
import { createAdapter } from '../../../bot/http/adapter';
import type { BotIdentity } from '../../../bot/app/config';
import type { HealthProbe } from '../../../bot/http/health';
import { createLogger } from '../../../bot/app/logger';
import { createServer, type BotServer, type TurnHandler } from '../../../bot/http/server';
import type { TurnContext } from 'botbuilder';
import { noTelemetry } from '../../../bot/app/telemetry';
import { standIns } from '../../support/rootHooks';

const NO_AUTH: BotIdentity = { appId: '', appType: 'SingleTenant', tenantId: '' };
const WITH_AUTH: BotIdentity = {
  appId: '11111111-2222-3333-4444-555555555555',
  appType: 'SingleTenant',
  tenantId: '66666666-7777-8888-9999-000000000000',
  password: 'not-a-real-secret',
};

/** Collects the JSON log lines the server writes. */
class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'activity-1',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: 'user-1', name: 'Ada Lovelace', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
    recipient: { id: 'bot-1' },
    conversation: { id: 'conversation-1', tenantId: '00000000-0000-0000-0000-0000000000001' },
    text: 'my secret claim text',
    locale: 'en-US',
    deliveryMode: 'expectReplies',
    ...overrides,
  };
}

function storageProbes(): HealthProbe[] {
  const { cosmos, azurite } = standIns();
  const cosmosClient = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'healthz-probe',
  );
  return [
    { name: 'cosmos', check: (abortSignal) => cosmosClient.getDatabaseAccount({ abortSignal }) },
    { name: 'blob', check: (abortSignal) => container.exists({ abortSignal }) },
  ];
}

interface Running {
  url: string;
  app: BotServer;
  logs: LogSink;
}

async function start(
  options: {
    identity?: BotIdentity;
    bot?: TurnHandler;
    health?: HealthProbe[];
    publicUrl?: string;
    maxBodyBytes?: number;
  } = {},
): Promise<Running> {
  const logs = new LogSink();
  const logger = createLogger('debug', logs);
  const adapter = createAdapter(options.identity ?? NO_AUTH, { logger, telemetry: noTelemetry });
  const app = createServer({
    publicUrl: options.publicUrl ?? 'http://localhost',
    logger,
    adapter,
    bot: options.bot ?? new SpyBot(),
    health: options.health ?? storageProbes(),
    healthTimeoutMs: 2000,
    maxBodyBytes: options.maxBodyBytes,
  });
  const address = await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${address.port}`, app, logs };
}

function postActivity(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const SPY_REPLY = 'spy bot ran';

/** A handler that records whether bot logic ever ran, and answers each message with one line. */
class SpyBot implements TurnHandler {
  runs = 0;
  async run(context: TurnContext): Promise<void> {
    this.runs++;
    if (context.activity.type === 'message') await context.sendActivity(SPY_REPLY);
  }
}

describe('bot/http/server', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.app.close(1000);
    running = undefined;
  });

  it('answers an expectReplies activity in the HTTP response when no app id is configured', async () => {
    running = await start();
    const response = await postActivity(running.url, activity());
    assert.equal(response.status, 200);
    const body = (await response.json()) as { activities: { type: string; text: string }[] };
    assert.deepEqual(
      body.activities.map((a) => a.text),
      [SPY_REPLY],
    );
  });

  it('logs each turn with a correlation id and ids only, never the message text or names', async () => {
    running = await start();
    const response = await postActivity(running.url, activity());
    await response.arrayBuffer();
    const correlationId = response.headers.get('x-correlation-id');
    assert.ok(correlationId);
    const turn = running.logs.lines.find((l) => l.msg === 'turn started');
    assert.equal(turn?.correlationId, correlationId);
    assert.equal(turn?.userAadObjectId, '00000000-0000-0000-0000-0000000000020');
    assert.equal(turn?.tenantId, '00000000-0000-0000-0000-0000000000001');
    const all = JSON.stringify(running.logs.lines);
    assert.ok(!all.includes('my secret claim text'));
    assert.ok(!all.includes('Ada Lovelace'));
  });

  it('reports healthy storage with 200', async () => {
    running = await start();
    const response = await fetch(`${running.url}/healthz`);
    assert.equal(response.status, 200);
    const report = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(report.status, 'ok');
    assert.deepEqual(Object.keys(report.checks).sort(), ['blob', 'cosmos']);
  });

  it('reports 503 naming Cosmos when Cosmos does not answer', async () => {
    const stopped = await startCosmosStandIn();
    await stopped.close();
    const deadCosmos = createCosmosClient({ endpoint: stopped.endpoint, key: stopped.key });
    const health = storageProbes().map((probe) =>
      probe.name === 'cosmos'
        ? { name: 'cosmos', check: (abortSignal: AbortSignal) => deadCosmos.getDatabaseAccount({ abortSignal }) }
        : probe,
    );
    running = await start({ health });
    const response = await fetch(`${running.url}/healthz`);
    assert.equal(response.status, 503);
    const report = (await response.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; reason?: string }>;
    };
    assert.equal(report.status, 'unavailable');
    assert.equal(report.checks.cosmos.ok, false);
    assert.equal(report.checks.blob.ok, true);
    assert.ok(!JSON.stringify(report).includes('ECONNREFUSED'), 'no error detail leaks');
  });

  describe('with an app id configured', () => {
    const unauthenticated: [string, Record<string, string>][] = [
      ['no Authorization header', {}],
      ['a malformed bearer token', { authorization: 'Bearer not.a.jwt' }],
      [
        'a bearer token from an unknown issuer',
        { authorization: `Bearer ${unsignedJwt({ iss: 'https://attacker.example', aud: WITH_AUTH.appId })}` },
      ],
      ['a non-bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ];
    it('refuses an unsigned request with 401 for a user-assigned managed identity bot too', async () => {
      const spy = new SpyBot();
      running = await start({ identity: { ...WITH_AUTH, appType: 'UserAssignedMSI', password: undefined }, bot: spy });
      const response = await postActivity(running.url, activity());
      assert.equal(response.status, 401);
      assert.equal(spy.runs, 0);
    });

    for (const [name, headers] of unauthenticated) {
      it(`refuses ${name} with 401 and never runs the bot`, async () => {
        const spy = new SpyBot();
        running = await start({ identity: WITH_AUTH, bot: spy });
        const response = await postActivity(running.url, activity(), headers);
        assert.equal(response.status, 401);
        assert.equal(spy.runs, 0);
        const refusal = running.logs.lines.find((l) => l.msg === 'request refused: no valid Bot Framework token');
        assert.equal(refusal?.correlationId, response.headers.get('x-correlation-id'));
      });
    }
  });

  it('hands the bot only well-typed fields: a text of null or a number, a non-object value, attachments that are not a list of objects are dropped', async () => {
    const seen: Record<string, unknown>[] = [];
    running = await start({ bot: { run: async (context) => void seen.push({ ...context.activity }) } });
    const odd = [
      { text: null, value: 5, attachments: 'not a list' },
      {
        text: 42,
        value: null,
        attachments: [
          null,
          'x',
          { contentType: 'application/vnd.microsoft.teams.file.download.info', content: {} },
          { content: {} },
        ],
      },
      { text: { nested: true }, locale: 7, replyToId: [], value: { verb: 'ok' } },
    ];
    for (const fields of odd) assert.equal((await postActivity(running.url, activity(fields))).status, 200);
    assert.deepEqual(
      seen.map((a) => [a.text, a.value, a.attachments, a.locale, a.replyToId]),
      [
        [undefined, undefined, undefined, 'en-US', undefined],
        [
          undefined,
          undefined,
          [{ contentType: 'application/vnd.microsoft.teams.file.download.info', content: {} }],
          'en-US',
          undefined,
        ],
        [undefined, { verb: 'ok' }, undefined, undefined, undefined],
      ],
    );
    for (const broken of [{ conversation: 'c-1' }, { from: null }, { recipient: [] }]) {
      assert.equal((await postActivity(running.url, activity(broken))).status, 400, JSON.stringify(broken));
    }
    assert.equal(seen.length, 3);
  });

  it('refuses a body over the limit with 413 before the bot sees it', async () => {
    const spy = new SpyBot();
    running = await start({ bot: spy, maxBodyBytes: 16 * 1024 });
    const response = await postActivity(running.url, activity({ text: 'x'.repeat(20 * 1024) }));
    assert.equal(response.status, 413);
    assert.equal(spy.runs, 0);
  });

  it('refuses compressed and non-JSON bodies, invalid JSON and bodies that are not activities', async () => {
    const spy = new SpyBot();
    running = await start({ bot: spy });
    const gzip = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'x',
    });
    assert.equal(gzip.status, 415);
    const text = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(text.status, 415);
    const broken = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    });
    assert.equal(broken.status, 400);
    const notAnActivity = await postActivity(running.url, { text: 'no type' });
    assert.equal(notAnActivity.status, 400);
    assert.equal(spy.runs, 0);
  });

  it('puts the security headers on every response, HSTS only behind https', async () => {
    running = await start({ publicUrl: 'https://cpor.example.com' });
    for (const path of ['/', '/healthz', '/no-such-page']) {
      const response = await fetch(`${running.url}${path}`);
      await response.arrayBuffer();
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      assert.match(
        response.headers.get('content-security-policy') ?? '',
        /default-src 'none'.*frame-ancestors 'none'/,
        path,
      );
      assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/, path);
    }
    await running.app.close(1000);
    running = await start({ publicUrl: 'http://localhost:3978' });
    const plain = await fetch(`${running.url}/`);
    assert.match(plain.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(plain.headers.get('strict-transport-security'), null);
  });

  it('turns a failing turn into a localized apology with a reference, no stack trace, and logs the detail', async () => {
    const failing: TurnHandler = { run: async () => Promise.reject(new Error('database exploded at line 42')) };
    running = await start({ bot: failing });
    const response = await postActivity(running.url, activity({ locale: 'ko-KR' }));
    assert.equal(response.status, 200);
    const correlationId = response.headers.get('x-correlation-id') ?? '';
    const body = (await response.json()) as { activities: { text: string }[] };
    const [apology] = body.activities.map((a) => a.text);
    assert.match(apology, /죄송합니다/);
    assert.ok(apology.includes(correlationId.slice(0, 8)));
    assert.ok(!apology.includes('exploded') && !apology.includes('at '), 'no internals reach the user');
    const failure = running.logs.lines.find((l) => l.msg === 'turn failed');
    assert.equal(failure?.correlationId, correlationId);
    assert.match(JSON.stringify(failure?.err), /database exploded/);
  });

  it('lets a turn in flight finish when closing, and reports none unfinished', async () => {
    let entered: () => void = () => undefined;
    const turnEntered = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => undefined;
    const slow: TurnHandler = {
      run: async (context) => {
        entered();
        await new Promise<void>((resolve) => (release = resolve));
        await context.sendActivity('done');
      },
    };
    const current = await start({ bot: slow });
    const inFlight = postActivity(current.url, activity());
    await turnEntered;
    const closing = current.app.close(10_000);
    assert.equal(current.app.turnsInFlight(), 1);
    release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.deepEqual(
      ((await response.json()) as { activities: { text: string }[] }).activities.map((a) => a.text),
      ['done'],
    );
    assert.deepEqual(await closing, { unfinishedTurns: 0 });
  });
});

function unsignedJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'unknown' })}.${part({ ...payload, exp: Math.floor(Date.now() / 1000) + 600 })}.c2lnbmF0dXJl`;
}
