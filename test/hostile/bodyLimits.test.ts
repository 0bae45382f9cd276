/**
 * Oversize requests on every route, beyond what test/bot/http/server.test.ts (a body over the
 * limit with Content-Length on /api/messages) and test/bot/consent/consentRoutes.test.ts (a form
 * over 4 KB with Content-Length) show: bodies streamed without a Content-Length (chunked),
 * up to 40 MB, on the bot's endpoint and the consent page; a chunked consent form that is
 * under the server's limit but over the form's; JSON where the consent page wants a form;
 * bodies on the GET routes; types the server does not read at all; and headers too large
 * to be real (a 20 KB consent link, a 20 KB cookie). Each gets a 4xx and never reaches the
 * bot or records a decision; the server answers normally afterwards.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import { startConsentApp, type ConsentApp } from '../support/consentApp';
import {
  claimIn,
  engineOn,
  newPartner,
  read,
  SettableClock,
  START,
  type Engine,
  type Partner,
} from '../claims/engineHarness';
import { HOME, hostileWorld, type HostileWorld } from './hostileWorld';

interface RawAnswer {
  status: number;
  body: string;
}

/**
 * One request over a fresh connection. With `chunked`, the body goes out in 64 KB chunks
 * and no Content-Length, as a client streaming an endless body would send it.
 */
function raw(
  url: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    bytes?: number;
    body?: string;
    chunked?: boolean;
  },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: { connection: 'close', ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The server may answer and close before it has read everything: that is an answer, not a failure.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e),
    );
    const body = options.body ?? '';
    if (options.chunked) {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < (options.bytes ?? 0)) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      req.write(body);
      pump();
    } else {
      req.end(body);
    }
  });
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
/** A JSON activity whose text runs on for as long as the body does. */
const OPEN_ACTIVITY = '{"type":"message","channelId":"msteams","text":"';

describe('hostile input: oversize requests on every route', function () {
  this.timeout(60_000);
  let world: HostileWorld;
  let engine: Engine;
  let partner: Partner;
  let consent: ConsentApp;

  before(async () => {
    world = await hostileWorld();
    engine = await engineOn(await freshCosmosDatabase(), { clock: new SettableClock(START) });
    partner = await newPartner(engine);
    consent = await startConsentApp(engine);
  });
  after(async () => {
    await Promise.all([world?.close(), consent?.close()]);
  });

  /** A user the bot has never seen: had a turn run, their conversation reference would be stored. */
  const stranger = () => ({ aadObjectId: `aad-${randomUUID()}` });
  const activityFrom = (who: { aadObjectId: string }) =>
    `{"type":"message","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","from":{"id":"29:x","aadObjectId":"${who.aadObjectId}"},"recipient":{"id":"28:bot"},"conversation":{"id":"a:${randomUUID()}","tenantId":"${HOME.id}","conversationType":"personal"},"text":"`;

  it('/api/messages: a chunked body past the limit, and one of 40 MB, get 413 and never reach the bot', async () => {
    for (const bytes of [300 * 1024, 40 * 1024 * 1024]) {
      const who = stranger();
      const answer = await raw(world.url, {
        path: '/api/messages',
        headers: { ...json, 'transfer-encoding': 'chunked' },
        body: activityFrom(who),
        bytes,
        chunked: true,
      });
      assert.equal(answer.status, 413, `${bytes} bytes: ${answer.body.slice(0, 200)}`);
      assert.equal(await world.h.references.get(HOME.id, who.aadObjectId), undefined, 'the bot ran');
    }
    assert.deepEqual(world.takeFailures(), []);
    // Still answering: the same activity, small, runs a turn.
    const who = stranger();
    const small = await raw(world.url, {
      path: '/api/messages',
      headers: json,
      body: `${activityFrom(who)}help","deliveryMode":"expectReplies","locale":"en-US"}`,
    });
    assert.equal(small.status, 200, small.body.slice(0, 200));
    assert.ok(
      await world.h.references.get(HOME.id, who.aadObjectId),
      'a turn that runs stores the reference (so its absence above means the bot never ran)',
    );
  });

  it('/api/messages: types the server does not read (octet-stream, multipart) get 415 whatever their size, text past the limit 413', async () => {
    for (const [type, status] of [
      ['application/octet-stream', 415],
      ['multipart/form-data; boundary=x', 415],
      ['text/plain', 413],
    ] as const) {
      const answer = await raw(world.url, {
        path: '/api/messages',
        headers: { 'content-type': type, 'transfer-encoding': 'chunked' },
        body: OPEN_ACTIVITY,
        bytes: 2 * 1024 * 1024,
        chunked: true,
      });
      assert.equal(answer.status, status, `${type}: ${answer.body.slice(0, 200)}`);
    }
    assert.deepEqual(world.takeFailures(), []);
  });

  it('the consent page: chunked forms over the form limit or the server limit, and JSON, get 413 and record nothing', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const path = `/consent/${consent.tokenFor(claim)}`;
    const before = await read(engine, claim);
    const attempts: [string, Parameters<typeof raw>[1]][] = [
      [
        'an 8 KB chunked form',
        {
          path,
          headers: { ...form, 'transfer-encoding': 'chunked' },
          body: 'verb=customerOptOut&csrf=x&padding=',
          bytes: 8 * 1024,
          chunked: true,
        },
      ],
      [
        'a 300 KB chunked form',
        {
          path,
          headers: { ...form, 'transfer-encoding': 'chunked' },
          body: 'verb=customerOptOut&padding=',
          bytes: 300 * 1024,
          chunked: true,
        },
      ],
      [
        'a 40 MB chunked form',
        {
          path,
          headers: { ...form, 'transfer-encoding': 'chunked' },
          body: 'verb=customerOptOut&padding=',
          bytes: 40 * 1024 * 1024,
          chunked: true,
        },
      ],
      [
        'an 8 KB JSON body',
        {
          path,
          headers: json,
          body: JSON.stringify({ verb: 'customerOptOut', csrf: 'x', padding: 'x'.repeat(8 * 1024) }),
        },
      ],
    ];
    for (const [what, options] of attempts) {
      const answer = await raw(consent.url, options);
      assert.equal(answer.status, 413, `${what}: ${answer.body.slice(0, 200)}`);
    }
    const after = await read(engine, claim);
    assert.equal(after.etag, before.etag, 'the claim was written');
    assert.equal(after.value.status, 'approvedCustomerNotified');
    // A small answer without the page's CSRF token is still refused for that reason, not for its size.
    assert.equal((await raw(consent.url, { path, headers: form, body: 'verb=customerOptOut&csrf=x' })).status, 403);
  });

  it('the GET routes refuse a body over the limit with 413 rather than read it', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    for (const path of ['/', '/healthz', `/consent/${consent.tokenFor(claim)}`, '/static/adaptivecards.js']) {
      const answer = await raw(consent.url, {
        method: 'GET',
        path,
        headers: { ...json, 'transfer-encoding': 'chunked' },
        body: '{"x":"',
        bytes: 300 * 1024,
        chunked: true,
      });
      assert.equal(answer.status, 413, `${path}: ${answer.status}`);
    }
  });

  it('headers too large to be real (a 20 KB consent link, a 20 KB cookie) get a 4xx, never a 5xx', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const token = consent.tokenFor(claim);
    const longLink = await raw(consent.url, { method: 'GET', path: `/consent/${token}${'A'.repeat(20 * 1024)}` });
    const bigCookie = await raw(consent.url, {
      method: 'POST',
      path: `/consent/${token}`,
      headers: { ...form, cookie: `c=${'x'.repeat(20 * 1024)}` },
      body: 'verb=customerApprove&csrf=x',
    });
    for (const answer of [longLink, bigCookie])
      assert.ok(answer.status >= 400 && answer.status < 500, String(answer.status));
    assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
  });
});
