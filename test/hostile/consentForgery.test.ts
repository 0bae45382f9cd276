/**
 * Consent tokens forged, altered, replayed and expired: what test/claims/consentToken,
 * test/bot/consentRoutes and test/bot/customerTeamsConsent leave out.
 *  - In Teams: claim A's genuine token on a card whose data names claim B (the data is
 *    never looked at: A's contact answers A, B's contact is refused, B never changes);
 *    a token signed with the right key for another purpose; any token text or type at all.
 *  - On the page: the link of an earlier opt-out window after a new approval (superseded,
 *    nothing recorded), a token for another purpose, and any token, CSRF value and verb
 *    POSTed at all (a 4xx, never a decision).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Claim } from '../../claims/model';
import { consentTokenFor } from '../../bot/consent/consentLinks';
import { LOCALES, t } from '../../locales/i18n';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import { startConsentApp, type ConsentApp } from '../support/consentApp';
import {
  claimIn,
  DAY,
  engineOn,
  newPartner,
  read,
  SettableClock,
  START,
  type Engine,
  type Partner,
} from '../claims/engineHarness';
import { fuzzRuns, hostileString, wrongType } from './hostileArbitraries';
import { HOME, MONDAY, useHostileWorld, type User } from './hostileWorld';

const WINDOW_CLOSES = new Date(MONDAY.getTime() + 7 * DAY).toISOString();

describe('hostile input: consent tokens on the Teams consent card', function () {
  this.timeout(60_000);
  const world = useHostileWorld();

  /** A claim waiting for its customer, whose contact uses Teams in the customer's tenant (known by the stored reference's email). */
  async function awaitingCustomer(): Promise<{ claim: Claim; contact: User; token: string }> {
    const email = `contact-${randomUUID()}@customer.example`;
    const claim = await world().seed(HOME, {
      status: 'approvedCustomerNotified',
      submittedAt: MONDAY.toISOString(),
      windowClosesAt: WINDOW_CLOSES,
      customerContact: { name: 'Chris Customer', title: 'CIO', email },
    });
    const contact: User = {
      id: `29:${randomUUID()}`,
      aadObjectId: `aad-${randomUUID()}`,
      name: 'Chris Customer',
      tenantId: claim.customerTenantId,
    };
    await world().h.references.save({
      tenantId: contact.tenantId,
      aadObjectId: contact.aadObjectId,
      email,
      reference: {},
      updatedAt: MONDAY.toISOString(),
      dead: false,
    });
    const token = consentTokenFor(world().tokens, claim, 'customerConsentRequest');
    assert.ok(token);
    return { claim, contact, token };
  }

  it("claim A's token on a card naming claim B answers A for A's contact, refuses B's contact, and never touches B", async () => {
    const a = await awaitingCustomer();
    const b = await awaitingCustomer();
    const bBefore = await world().read(b.claim);

    const byB = await world().invoke(
      b.contact,
      'customerOptOut',
      { claimId: b.claim.id, partnerId: b.claim.partnerId, token: a.token },
      'ko-KR',
    );
    assert.equal(byB.status, 403);
    assert.deepEqual(byB.body.value, { code: 'Forbidden', message: t('ko-KR', 'consent.errors.notYourCard') });
    assert.equal((await world().read(a.claim)).value.status, 'approvedCustomerNotified', "B's contact cannot answer A");

    // Opt out asks first; its confirmation is what answers.
    const byA = await world().invoke(
      a.contact,
      'customerOptOutConfirm',
      { claimId: b.claim.id, partnerId: b.claim.partnerId, token: a.token },
      'en-US',
    );
    assert.equal(byA.status, 200);
    assert.equal((await world().read(a.claim)).value.status, 'rejected', 'the token decides which claim is answered');
    assert.deepEqual(await world().read(b.claim), bBefore, 'B is exactly as it was');
    assert.deepEqual(world().takeFailures(), []);
  });

  it('a token signed with the right key for another purpose is refused as forged', async () => {
    const a = await awaitingCustomer();
    const verified = world().tokens.verify(a.token);
    assert.ok(verified.ok);
    const otherPurpose = world().tokens.sign({ ...verified.value, purpose: 'passwordReset' });
    const answer = await world().invoke(
      a.contact,
      'customerApprove',
      { claimId: a.claim.id, token: otherPurpose },
      'ja-JP',
    );
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body.value, { code: 'Forbidden', message: t('ja-JP', 'consent.errors.forged') });
    assert.equal((await world().read(a.claim)).value.status, 'approvedCustomerNotified');
  });

  it('any token text or type, pressed by the contact, is a 400 or 403 and records nothing', async () => {
    const a = await awaitingCustomer();
    const before = await world().read(a.claim);
    const [version, payload, signature] = a.token.split('.') as [string, string, string];
    const mangled = fc.oneof(
      hostileString,
      wrongType,
      fc.constantFrom(
        `${version}.${payload}`,
        `${version}.${payload}.${signature}.x`,
        `v2.${payload}.${signature}`,
        `${version}.${payload}.${signature.slice(0, -1)}`,
        ` ${a.token}`,
        `${a.token}\u0000`,
        a.token.toUpperCase(),
      ),
      // One character changed anywhere, to another base64url character or to one outside the alphabet.
      fc.nat({ max: a.token.length - 1 }).chain((at) =>
        fc
          .constantFrom(...'AQgw_-09.=+/ é')
          .filter((c) => c !== a.token[at])
          .map((c) => `${a.token.slice(0, at)}${c}${a.token.slice(at + 1)}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.constantFrom('customerApprove', 'customerOptOut', 'customerOptOutConfirm', 'customerConsentBack'),
        mangled,
        async (locale, verb, token) => {
          const answer = await world().invoke(a.contact, verb, { claimId: a.claim.id, token }, locale);
          assert.ok([400, 403].includes(answer.status), `${JSON.stringify(token).slice(0, 80)}: ${answer.status}`);
          const { message } = answer.body.value as { message: string };
          assert.ok(
            [t(locale, 'consent.errors.malformed'), t(locale, 'consent.errors.forged')].includes(message),
            message,
          );
        },
      ),
      fuzzRuns(40),
    );
    assert.deepEqual(await world().read(a.claim), before);
    assert.deepEqual(world().takeFailures(), []);
  });
});

describe('hostile input: consent links on the consent page', function () {
  this.timeout(60_000);
  let engine: Engine;
  let partner: Partner;
  let app: ConsentApp;

  before(async () => {
    engine = await engineOn(await freshCosmosDatabase(), { clock: new SettableClock(START) });
    partner = await newPartner(engine);
    app = await startConsentApp(engine);
  });
  after(async () => {
    await app?.close();
  });

  const get = (token: string) =>
    fetch(`${app.url}/consent/${token}`).then(async (r) => ({ status: r.status, html: await r.text() }));
  const post = (token: string, body: string, type = 'application/x-www-form-urlencoded', cookie = '') =>
    fetch(`${app.url}/consent/${token}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(cookie ? { cookie } : {}) },
      body,
    }).then(async (r) => ({ status: r.status, html: await r.text() }));

  it('the link of an earlier window, after a new approval, is superseded: 410, and nothing is recorded', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const oldToken = app.tokenFor(claim);
    const opened = await fetch(`${app.url}/consent/${oldToken}`);
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await opened.text())?.[1] ?? '';
    // A new approval opens a new window: the claim's window moves, as the lifecycle records it.
    const current = await read(engine, claim);
    const later = new Date(Date.parse(current.value.windowClosesAt ?? '') + 3 * DAY).toISOString();
    const moved = await engine.claims.replace({ ...current.value, windowClosesAt: later }, current.etag);

    assert.equal((await get(oldToken)).status, 410);
    assert.equal(
      (await post(oldToken, new URLSearchParams({ csrf, verb: 'customerOptOut' }).toString(), undefined, cookie))
        .status,
      410,
      'even with the CSRF of the page it opened before',
    );
    const after = await read(engine, claim);
    assert.equal(after.etag, moved.etag);
    assert.equal(after.value.status, 'approvedCustomerNotified');
    const grant = app.tokens.verify(oldToken);
    assert.ok(grant.ok);
    assert.equal(await app.nonces.find(grant.value.nonce), undefined, 'the old link was not burnt either');
  });

  it('a token signed with the right key for another purpose: 403 on GET and POST', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const verified = app.tokens.verify(app.tokenFor(claim));
    assert.ok(verified.ok);
    const otherPurpose = app.tokens.sign({ ...verified.value, purpose: 'unsubscribe' });
    assert.equal((await get(otherPurpose)).status, 403);
    assert.equal((await post(otherPurpose, 'verb=customerApprove&csrf=x')).status, 403);
    assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
  });

  it('any token, CSRF value and verb POSTed, as a form or JSON, gets a 4xx and never a decision', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const genuine = app.tokenFor(claim);
    const before = await read(engine, claim);
    const token = fc.oneof(
      fc.constant(genuine),
      hostileString.map(percentEncoded),
      fc.constant(`${genuine}x`),
      fc.constant(genuine.slice(0, -2)),
    );
    const field = fc.oneof(
      hostileString,
      wrongType,
      fc.constantFrom('customerApprove', 'customerOptOut', 'customerOptOutConfirm', 'customerConsentBack'),
    );
    await fc.assert(
      fc.asyncProperty(token, field, field, fc.boolean(), async (link, verb, csrf, asJson) => {
        const answer = asJson
          ? await post(link, JSON.stringify({ verb, csrf }), 'application/json')
          : await post(link, new URLSearchParams({ verb: asText(verb), csrf: asText(csrf) }).toString());
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${answer.status} for ${JSON.stringify({ verb, csrf }).slice(0, 100)}`,
        );
        assert.doesNotMatch(answer.html, /at .*\.ts:\d+/, 'no stack trace');
      }),
      fuzzRuns(40),
    );
    const after = await read(engine, claim);
    assert.equal(after.etag, before.etag, 'no decision was recorded');
  });
});

/** A form field's text: strings as they are, anything else as its JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** Every UTF-8 byte percent-encoded: a valid URL path segment for any text, lone surrogates included. */
const percentEncoded = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
