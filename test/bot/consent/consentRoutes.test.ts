import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ConsentTokens } from '../../../claims/consentToken';
import type { Claim } from '../../../claims/model';
import {
  DAY,
  claimIn,
  customerOf,
  read,
  refOf,
  useEngine,
  value,
  type Engine,
  type Partner,
} from '../../claims/engineHarness';
import { SIGNING_KEY, startConsentApp, type ConsentApp } from '../../support/consentApp';

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

interface Opened extends Page {
  /** `name=value` of the CSRF cookie the page set. */
  cookie: string;
  csrf: string;
}

const csrfOf = (page: Page): string => /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';

async function fetchPage(url: string, init: RequestInit = {}): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const customerDecisions = (claim: Claim) =>
  claim.history.filter((h) => h.event === 'customerApprove' || h.event === 'customerOptOut');

describe('consent page routes', () => {
  let engine: Engine;
  let partner: Partner;
  let app: ConsentApp;
  useEngine((fixture) => {
    engine = fixture.engine;
    partner = fixture.partner;
  });
  beforeEach(async () => {
    app = await startConsentApp(engine);
  });
  afterEach(async () => {
    await app.close();
  });

  const awaitingCustomer = () => claimIn(engine, partner, 'approvedCustomerNotified');
  const link = (token: string, query = '') => `${app.url}/consent/${token}${query}`;

  async function open(token: string, headers: Record<string, string> = {}): Promise<Opened> {
    const page = await fetchPage(link(token), { headers });
    assert.equal(page.status, 200, page.html);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { ...page, cookie, csrf: csrfOf(page) };
  }

  function answer(token: string, form: Record<string, string>, cookie = '', query = ''): Promise<Page> {
    return fetchPage(link(token, query), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Approve, or Opt out through its confirmation (no reason). */
  async function openAndAnswer(token: string, verb: 'customerApprove' | 'customerOptOut'): Promise<Page> {
    const page = await open(token);
    if (verb === 'customerApprove') return answer(token, { csrf: page.csrf, verb }, page.cookie);
    const confirmation = await answer(token, { csrf: page.csrf, verb }, page.cookie);
    assert.equal(confirmation.status, 200, confirmation.html);
    return answer(token, { csrf: csrfOf(confirmation), verb: 'customerOptOutConfirm' }, page.cookie);
  }

  describe('GET', () => {
    it('serves the card page with a strict nonce CSP, no framing, no caching and an HttpOnly SameSite=Strict CSRF cookie', async () => {
      const claim = await awaitingCustomer();
      const page = await open(app.tokenFor(claim));
      assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      const csp = page.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /form-action 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.match(
        page.headers.get('set-cookie') ?? '',
        /^consent_[\w-]{16}=[\w-]+; Path=\/consent; Max-Age=3600; HttpOnly; SameSite=Strict$/,
      );
      const scripts = [...page.html.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '');
      assert.deepEqual(
        scripts
          .filter((attrs) => !attrs.includes('application/json'))
          .map((attrs) => attrs.includes(`nonce="${nonce}"`)),
        [true, true],
      );
      assert.ok(page.html.includes('src="/static/adaptivecards.js"'));
      assert.doesNotMatch(page.html, /https?:\/\/(?!adaptivecards\.io\/schemas)/, 'nothing loads from elsewhere');
    });

    it('embeds the consent card with the partner, products, Approve and Opt out as Action.Execute', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      const json = /<script type="application\/json" id="consent-card">([^<]*)<\/script>/.exec(page.html)?.[1] ?? '';
      const card = JSON.parse(json) as { actions: { type: string; verb: string; data: Record<string, string> }[] };
      assert.deepEqual(
        card.actions.map((a) => [a.type, a.verb, a.data.token, a.data.claimId]),
        [
          ['Action.Execute', 'customerApprove', token, claim.id],
          ['Action.Execute', 'customerOptOut', token, claim.id],
        ],
      );
      assert.match(json, /Fabrikam Consulting has asked Microsoft/);
      assert.match(json, /Exchange Online/);
    });

    it('changes nothing: the claim and the nonce are as they were after three GETs', async () => {
      const claim = await awaitingCustomer();
      const before = await read(engine, claim);
      const token = app.tokenFor(claim);
      for (let i = 0; i < 3; i++) await open(token);
      const after = await read(engine, claim);
      assert.equal(after.etag, before.etag);
      assert.deepEqual(after.value, before.value);
      const grant = app.tokens.verify(token);
      assert.ok(grant.ok);
      assert.equal(await app.nonces.find(grant.value.nonce), undefined);
    });

    it('serves the official renderer from the local package', async () => {
      const response = await fetch(`${app.url}/static/adaptivecards.js`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
      const body = Buffer.from(await response.arrayBuffer());
      assert.ok(body.equals(readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'))));
    });

    it("speaks the browser's language, and the page's language switch wins", async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const korean = await open(token, { 'accept-language': 'fr-FR;q=0.9, ko-KR;q=0.8, en;q=0.5' });
      assert.match(korean.html, /<html lang="ko">/);
      assert.match(korean.html, /고객 연결/);
      assert.equal(korean.headers.get('content-language'), 'ko-KR');
      const japanese = await fetchPage(link(token, '?lang=ja-JP'), { headers: { 'accept-language': 'ko' } });
      assert.match(japanese.html, /<html lang="ja">/);
      assert.match(japanese.html, /顧客の関連付け/);
      assert.match((await open(token, { 'accept-language': 'de-DE' })).html, /<html lang="en">/);
    });
  });

  describe('POST', () => {
    it('Approve makes the association official at once, as the customer contact, and burns the link', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await openAndAnswer(token, 'customerApprove');
      assert.equal(page.status, 200);
      assert.match(page.html, /You approved the association with Fabrikam Consulting\. It is now official\./);
      assert.match(page.headers.get('set-cookie') ?? '', /Max-Age=0/);
      const after = (await read(engine, claim)).value;
      assert.equal(after.status, 'associated');
      const decisions = customerDecisions(after);
      assert.deepEqual(
        decisions.map((h) => [h.event, h.actor.role, h.actor.id]),
        [['customerApprove', 'customer', 'chris@contoso.com']],
      );
      const grant = app.tokens.verify(token);
      assert.ok(grant.ok);
      assert.equal((await app.nonces.find(grant.value.nonce))?.decision, 'approve');
    });

    it('Opt out rejects the claim (customer declined) and releases its association holds', async () => {
      const claim = await awaitingCustomer();
      assert.ok(claim.heldKeys.length > 0);
      const page = await openAndAnswer(app.tokenFor(claim), 'customerOptOut');
      assert.equal(page.status, 200);
      assert.match(page.html, /You opted out of the association with Fabrikam Consulting/);
      const after = (await read(engine, claim)).value;
      assert.equal(after.status, 'rejected');
      assert.equal(after.rejection?.reason, 'customerDeclined');
      assert.deepEqual(after.heldKeys, []);
      for (const key of claim.heldKeys) assert.equal(await engine.associations.holderOf(key), undefined, key);
    });

    it('is idempotent: a double click shows the same confirmation and records one decision', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      const confirm = { csrf: page.csrf, verb: 'customerOptOutConfirm', reason: 'Not our partner' };
      const first = await answer(token, confirm, page.cookie);
      const second = await answer(token, confirm, page.cookie);
      assert.deepEqual([first.status, second.status], [200, 200]);
      assert.equal(second.html.replace(/nonce="[^"]+"/g, ''), first.html.replace(/nonce="[^"]+"/g, ''));
      assert.equal(customerDecisions((await read(engine, claim)).value).length, 1);
    });

    it('refuses a different answer after the first (a replay) with the recorded one, and records nothing more', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      assert.equal((await answer(token, { csrf: page.csrf, verb: 'customerOptOutConfirm' }, page.cookie)).status, 200);
      const replay = await answer(token, { csrf: page.csrf, verb: 'customerApprove' }, page.cookie);
      assert.equal(replay.status, 409);
      assert.match(replay.html, /This link has already been used/);
      assert.match(replay.html, /opted out of this association on .*The answer can&#39;t be changed\./);
      const after = (await read(engine, claim)).value;
      assert.equal(after.status, 'rejected');
      assert.deepEqual(
        customerDecisions(after).map((h) => h.event),
        ['customerOptOut'],
      );
    });

    it('after the answer, opening the link shows it was used and offers no card', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      await openAndAnswer(token, 'customerApprove');
      const again = await fetchPage(link(token));
      assert.equal(again.status, 409);
      assert.match(again.html, /This link has already been used/);
      assert.match(again.html, /approved this association on/);
      assert.doesNotMatch(again.html, /consent-card|<form/);
      assert.equal(again.headers.get('set-cookie'), null);
    });

    it('shows the answer given elsewhere (the Teams card) when the link is opened afterwards', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      value(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve'));
      const late = await answer(token, { csrf: page.csrf, verb: 'customerOptOutConfirm' }, page.cookie);
      assert.equal(late.status, 409);
      assert.match(late.html, /approved this association on/);
      assert.equal((await read(engine, claim)).value.status, 'associated');
    });

    it("refuses an answer without the CSRF token, with another page's token, or without the cookie (403), recording nothing", async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      const other = await open(token);
      const attempts = [
        await answer(token, { verb: 'customerOptOut' }, page.cookie),
        await answer(token, { csrf: other.csrf, verb: 'customerOptOut' }, page.cookie),
        await answer(token, { csrf: page.csrf, verb: 'customerOptOut' }),
      ];
      for (const attempt of attempts) {
        assert.equal(attempt.status, 403);
        assert.match(attempt.html, /couldn&#39;t confirm that the answer came from this page/);
      }
      assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
    });

    it('refuses an unknown verb (400) and an oversize form (413), recording nothing', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token);
      assert.equal((await answer(token, { csrf: page.csrf, verb: 'approve' }, page.cookie)).status, 400);
      const big = await answer(
        token,
        { csrf: page.csrf, verb: 'customerOptOut', padding: 'x'.repeat(10_000) },
        page.cookie,
      );
      assert.equal(big.status, 413);
      assert.match(big.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
    });

    it("answers in the page's language", async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const page = await open(token, { 'accept-language': 'ja' });
      const done = await answer(token, { csrf: page.csrf, verb: 'customerApprove' }, page.cookie, '?lang=ja-JP');
      assert.equal(done.status, 200);
      assert.match(done.html, /Fabrikam Consulting との関連付けを承認しました/);
    });
  });

  describe('the language (?lang=, outside the signed token)', () => {
    it('is honoured over the browser, keeps the signature check, and every page links to the others with the same token', async () => {
      const claim = await awaitingCustomer();
      const token = await app.grantTokenFor(claim);
      const korean = await fetchPage(link(token, '?lang=ko-KR'), { headers: { 'accept-language': 'en' } });
      assert.equal(korean.status, 200, korean.html);
      assert.equal(korean.headers.get('content-language'), 'ko-KR');
      assert.match(korean.html, /<form id="consent-form" method="post" action="\?lang=ko-KR">/);
      // Relative links: the path (the signed token) stays, only the language changes.
      assert.match(korean.html, /<a href="\?lang=en-US" lang="en" hreflang="en">English<\/a>/);
      assert.match(korean.html, /<a href="\?lang=ja-JP" lang="ja" hreflang="ja">日本語<\/a>/);
      const [version, grantId] = token.split('.');
      const forged = `${version}.${grantId}.${Buffer.alloc(32, 7).toString('base64url')}`;
      assert.equal((await fetchPage(link(forged, '?lang=ko-KR'))).status, 403, 'a language does not make a link valid');
    });

    it('is checked against the language table: anything else falls back to the browser and is never echoed', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      for (const lang of ['xx-XX', 'ko-KR%22%3E%3Cscript%3E', 'fr']) {
        const page = await fetchPage(link(token, `?lang=${lang}`), { headers: { 'accept-language': 'ja' } });
        assert.equal(page.status, 200, lang);
        assert.equal(page.headers.get('content-language'), 'ja-JP', lang);
        assert.doesNotMatch(page.html, /xx-XX|<script>|lang=fr/, lang);
      }
    });
  });

  describe('opting out takes a confirmation', () => {
    const optOutStep = async (token: string, query = '') => {
      const page = await open(token);
      const confirmation = await answer(token, { csrf: page.csrf, verb: 'customerOptOut' }, page.cookie, query);
      return { page, confirmation };
    };

    it('the first POST only shows what opting out means, with an optional reason: nothing is recorded', async () => {
      const claim = await awaitingCustomer();
      const before = await read(engine, claim);
      const token = app.tokenFor(claim);
      const { confirmation } = await optOutStep(token);
      assert.equal(confirmation.status, 200);
      assert.match(confirmation.html, /Opt out of this association\?/);
      assert.match(confirmation.html, /If you opt out, Fabrikam Consulting won&#39;t be recorded/);
      assert.match(confirmation.html, /<textarea id="reason" name="reason"[^>]*maxlength="500"/);
      assert.match(confirmation.html, /value="customerOptOutConfirm"/);
      assert.match(confirmation.html, /<a href="\?lang=ko-KR&amp;step=optOut"/);
      assert.equal((await read(engine, claim)).etag, before.etag, 'the claim is untouched');
      const grant = app.tokens.verify(token);
      assert.ok(grant.ok);
      assert.equal(await app.nonces.find(grant.value.nonce), undefined, 'the link is not used');
    });

    it('the confirming POST opts out, with the reason on the history entry, stored as typed', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      const { page, confirmation } = await optOutStep(token);
      const reason = '  We never worked with <b>them</b> & "Co"  ';
      const done = await answer(
        token,
        { csrf: csrfOf(confirmation), verb: 'customerOptOutConfirm', reason },
        page.cookie,
      );
      assert.equal(done.status, 200, done.html);
      assert.match(done.html, /You opted out of the association with Fabrikam Consulting/);
      const after = (await read(engine, claim)).value;
      assert.equal(after.status, 'rejected');
      const entry = customerDecisions(after).at(-1);
      assert.deepEqual([entry?.event, entry?.note], ['customerOptOut', 'We never worked with <b>them</b> & "Co"']);
    });

    it('without a reason opts out all the same', async () => {
      const claim = await awaitingCustomer();
      const done = await openAndAnswer(app.tokenFor(claim), 'customerOptOut');
      assert.equal(done.status, 200);
      const entry = customerDecisions((await read(engine, claim)).value).at(-1);
      assert.equal(entry?.event, 'customerOptOut');
      assert.equal(entry?.note, undefined);
    });

    it("refuses a reason over the limit with a message in the page's language, keeping the typed text (escaped)", async () => {
      const claim = await awaitingCustomer();
      const before = await read(engine, claim);
      const token = app.tokenFor(claim);
      const { page, confirmation } = await optOutStep(token, '?lang=ko-KR');
      assert.match(confirmation.html, /이 고객 연결에 대해 옵트아웃하시겠습니까\?/);
      const reason = `<i>거래한 적이 없습니다</i>${'가'.repeat(520)}`;
      const refused = await answer(
        token,
        { csrf: csrfOf(confirmation), verb: 'customerOptOutConfirm', reason },
        page.cookie,
        '?lang=ko-KR',
      );
      assert.equal(refused.status, 400, refused.html);
      assert.match(refused.html, /사유가 너무 깁니다\. 현재 538자이며 최대 500자까지 입력할 수 있습니다\./);
      assert.ok(refused.html.includes(`&lt;i&gt;거래한 적이 없습니다&lt;/i&gt;${'가'.repeat(520)}</textarea>`));
      assert.doesNotMatch(refused.html, /<i>/);
      assert.equal((await read(engine, claim)).etag, before.etag, 'nothing recorded');
      // Shortened, the same form goes through.
      const shortened = await answer(
        token,
        { csrf: csrfOf(refused), verb: 'customerOptOutConfirm', reason: '거래한 적이 없습니다' },
        page.cookie,
        '?lang=ko-KR',
      );
      assert.equal(shortened.status, 200, shortened.html);
      assert.equal(customerDecisions((await read(engine, claim)).value).at(-1)?.note, '거래한 적이 없습니다');
    });

    it('opens by GET at ?step=optOut (the language links) and records nothing; the confirmation still needs the CSRF pair', async () => {
      const claim = await awaitingCustomer();
      const before = await read(engine, claim);
      const token = app.tokenFor(claim);
      const step = await fetchPage(link(token, '?lang=ja-JP&step=optOut'));
      assert.equal(step.status, 200);
      assert.match(step.html, /この関連付けをオプトアウトしますか？/);
      assert.match(step.html, /理由（任意）/);
      assert.equal((await read(engine, claim)).etag, before.etag);
      const cookie = (step.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const withoutCookie = await answer(token, { csrf: csrfOf(step), verb: 'customerOptOutConfirm' });
      assert.equal(withoutCookie.status, 403);
      assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
      const done = await answer(token, { csrf: csrfOf(step), verb: 'customerOptOutConfirm' }, cookie, '?lang=ja-JP');
      assert.equal(done.status, 200);
      assert.match(done.html, /オプトアウトしました/);
    });

    it('Back returns to the card (303 to its GET), recording nothing', async () => {
      const claim = await awaitingCustomer();
      const before = await read(engine, claim);
      const token = app.tokenFor(claim);
      const { page, confirmation } = await optOutStep(token);
      const back = await answer(
        token,
        { csrf: csrfOf(confirmation), verb: 'customerConsentBack' },
        page.cookie,
        '?lang=en-US',
      );
      assert.equal(back.status, 303);
      assert.equal(back.headers.get('location'), '?lang=en-US');
      assert.equal((await read(engine, claim)).etag, before.etag);
    });

    it('once answered, Opt out shows the recorded answer instead of asking again', async () => {
      const optedOut = await awaitingCustomer();
      const token = app.tokenFor(optedOut);
      const { page } = await optOutStep(token);
      assert.equal((await answer(token, { csrf: page.csrf, verb: 'customerOptOutConfirm' }, page.cookie)).status, 200);
      const again = await answer(token, { csrf: page.csrf, verb: 'customerOptOut' }, page.cookie);
      assert.equal(again.status, 200);
      assert.match(again.html, /You opted out of the association/);
      const approved = await awaitingCustomer();
      const approvedToken = app.tokenFor(approved);
      const opened = await open(approvedToken);
      await answer(approvedToken, { csrf: opened.csrf, verb: 'customerApprove' }, opened.cookie);
      const late = await answer(approvedToken, { csrf: opened.csrf, verb: 'customerOptOut' }, opened.cookie);
      assert.equal(late.status, 409);
      assert.doesNotMatch(late.html, /<textarea/);
    });
  });

  describe('links naming an opaque grant id (v2)', () => {
    it('carry no personal data, and answer like the old links: the server looks up claim, contact and window', async () => {
      const claim = await awaitingCustomer();
      const token = await app.grantTokenFor(claim);
      const readable = token
        .split('.')
        .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
        .join(' ');
      for (const secret of [claim.customerContact?.email ?? '@', claim.id, claim.partnerId, claim.customerDomain]) {
        assert.ok(!token.includes(secret) && !readable.includes(secret), `${secret} is not in the link`);
      }
      assert.equal(await app.grantTokenFor(claim), token, 'a re-sent message carries the same link');
      const page = await openAndAnswer(token, 'customerApprove');
      assert.equal(page.status, 200, page.html);
      assert.deepEqual(
        customerDecisions((await read(engine, claim)).value).map((h) => h.event),
        ['customerApprove'],
      );
    });

    it('keep old (v1) links of open windows working, and refuse a v2 id nobody issued or a forged signature', async () => {
      const claim = await awaitingCustomer();
      assert.equal(
        (await openAndAnswer(app.tokenFor(claim), 'customerOptOut')).status,
        200,
        'a link sent before grant ids',
      );
      const unissued = app.tokens.grantToken('AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal((await fetchPage(link(unissued))).status, 400);
      const genuine = await app.grantTokenFor(await awaitingCustomer());
      const [version, grantId] = genuine.split('.');
      const forged = `${version}.${grantId}.${Buffer.alloc(32, 7).toString('base64url')}`;
      assert.equal((await fetchPage(link(forged))).status, 403);
    });

    it('expire with their window, as the old links did', async () => {
      const claim = await awaitingCustomer();
      const token = await app.grantTokenFor(claim);
      engine.clock.at = new Date(Date.parse(claim.windowClosesAt ?? '') + 1000);
      const page = await fetchPage(link(token));
      assert.equal(page.status, 410, page.html);
    });
  });

  describe('refused links (a clear page, a 4xx, never a decision)', () => {
    async function assertRefused(token: string, status: number, text: RegExp, claim?: Claim): Promise<void> {
      const before = claim ? await read(engine, claim) : undefined;
      const get = await fetchPage(link(token));
      assert.equal(get.status, status, get.html);
      assert.match(get.html, text);
      assert.match(get.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(get.headers.get('x-frame-options'), 'DENY');
      const post = await answer(token, { csrf: 'x', verb: 'customerOptOut' });
      assert.equal(post.status, status, post.html);
      if (claim && before) assert.equal((await read(engine, claim)).etag, before.etag);
    }

    it('expired: 410 once the window has closed', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokenFor(claim);
      engine.clock.advance(30 * DAY);
      await assertRefused(token, 410, /This link has expired/, claim);
    });

    it('answered, then past its window: 409 saying what was answered, not "expired"', async () => {
      for (const [verb, text] of [
        ['customerApprove', /already been used.*approved this association/s],
        ['customerOptOut', /already been used.*opted out of this association/s],
      ] as const) {
        const claim = await awaitingCustomer();
        const token = app.tokenFor(claim);
        assert.equal((await openAndAnswer(token, verb)).status, 200);
        engine.clock.advance(30 * DAY);
        const get = await fetchPage(link(token));
        assert.equal(get.status, 409, get.html);
        assert.match(get.html, text);
        assert.doesNotMatch(get.html, /expired/);
        const post = await answer(token, { csrf: 'x', verb: 'customerOptOut' });
        assert.doesNotMatch(post.html, /expired/, 'the POST route too');
      }
    });

    it('forged with another key: 403', async () => {
      const claim = await awaitingCustomer();
      const forged = new ConsentTokens(`${SIGNING_KEY}-attacker`, engine.clock).issue({
        claimId: claim.id,
        partnerId: claim.partnerId,
        contactEmail: 'chris@contoso.com',
        expiresAt: claim.windowClosesAt ?? '',
      });
      await assertRefused(forged, 403, /This link isn&#39;t valid/, claim);
    });

    it('altered payload, keeping the signature: 403', async () => {
      const claim = await awaitingCustomer();
      const [version, payload, signature] = app.tokenFor(claim).split('.');
      const grant = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, string>;
      const altered = Buffer.from(JSON.stringify({ ...grant, expiresAt: '2099-01-01T00:00:00.000Z' })).toString(
        'base64url',
      );
      await assertRefused(`${version}.${altered}.${signature}`, 403, /This link isn&#39;t valid/, claim);
    });

    it('damaged (cut short): 400', async () => {
      const claim = await awaitingCustomer();
      await assertRefused(app.tokenFor(claim).slice(0, 40), 400, /incomplete or damaged/, claim);
    });

    it('genuine but for another contact than the claim names: 410', async () => {
      const claim = await awaitingCustomer();
      const token = app.tokens.issue({
        claimId: claim.id,
        partnerId: claim.partnerId,
        contactEmail: 'someone.else@contoso.com',
        expiresAt: claim.windowClosesAt ?? '',
      });
      await assertRefused(token, 410, /no longer valid/, claim);
    });

    it('genuine but for a claim that does not exist: 404', async () => {
      const token = app.tokens.issue({
        claimId: 'no-such-claim',
        partnerId: partner.org.id,
        contactEmail: 'chris@contoso.com',
        expiresAt: new Date(engine.clock.now().getTime() + DAY),
      });
      await assertRefused(token, 404, /can&#39;t find the request/);
    });

    it('any token text at all gets a 4xx page, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (text) => {
          const response = await fetch(link(encodeURIComponent(text)));
          await response.arrayBuffer();
          return response.status >= 400 && response.status < 500;
        }),
        { numRuns: 40 },
      );
    });
  });

  it('logs ids, outcome, address and user agent, never the token or the contact email', async () => {
    const claim = await awaitingCustomer();
    const token = app.tokenFor(claim);
    const page = await open(token, { 'user-agent': 'ConsentTest/1.0' });
    await answer(token, { csrf: page.csrf, verb: 'customerApprove' }, page.cookie);
    const recorded = app.logs.lines.find((line) => line.event === 'consent.answered');
    assert.ok(recorded, JSON.stringify(app.logs.lines));
    assert.equal(recorded.claimId, claim.id);
    assert.equal(recorded.partnerId, claim.partnerId);
    assert.equal(recorded.outcome, 'recorded');
    assert.equal(recorded.decision, 'approve');
    assert.equal(recorded.ip, '127.0.0.1');
    assert.equal(recorded.userAgent, 'node');
    assert.ok(typeof recorded.time === 'string');
    assert.ok(app.logs.lines.some((line) => line.event === 'consent.viewed' && line.userAgent === 'ConsentTest/1.0'));
    const all = JSON.stringify(app.logs.lines);
    assert.ok(!all.includes(token) && !all.includes(token.split('.')[2] ?? '-'), 'no token in the logs');
    assert.ok(!all.includes('chris@contoso.com'), 'no email in the logs');
  });
});

describe('consent page routes when storage fails', () => {
  let engine: Engine;
  let partner: Partner;
  useEngine((fixture) => {
    engine = fixture.engine;
    partner = fixture.partner;
  });

  it('answers 503 with a page asking to try again, and no stack trace', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const app = await startConsentApp(engine, {
      claims: () => ({
        get: () => Promise.reject(Object.assign(new Error('socket hang up at /secret/path'), { code: 'ECONNRESET' })),
      }),
    });
    try {
      const page = await fetchPage(`${app.url}/consent/${app.tokenFor(claim)}`);
      assert.equal(page.status, 503);
      assert.equal(page.headers.get('retry-after'), '30');
      assert.match(page.html, /couldn&#39;t be saved just now/);
      assert.doesNotMatch(page.html, /secret|ECONNRESET|at /);
      assert.ok(app.logs.lines.some((line) => line.event === 'consent.failed' && line.error === 'ECONNRESET'));
    } finally {
      await app.close();
    }
  });
});
