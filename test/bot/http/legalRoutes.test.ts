import assert from 'node:assert/strict';
import type { Server } from 'restify';
import { createAdapter } from '../../../bot/http/adapter';
import { allRoutes, legalPageHtml, legalRoutes } from '../../../bot/http/legalRoutes';
import { createLogger } from '../../../bot/app/logger';
import { createServer, type BotServer } from '../../../bot/http/server';
import { noTelemetry } from '../../../bot/app/telemetry';
import { LOCALES, t } from '../../../locales/i18n';

const PAGES = ['privacy', 'terms'] as const;

describe('privacy and terms pages', () => {
  let app: BotServer;
  let url: string;
  const extraRoutesRegistered: string[] = [];

  before(async () => {
    const logger = createLogger('silent');
    const recordOther = (server: Server) => {
      server.get('/other', (_req, res, next) => {
        res.send(204);
        next();
      });
      extraRoutesRegistered.push('/other');
    };
    app = createServer({
      publicUrl: 'https://cpor.example.net',
      logger,
      adapter: createAdapter({ appId: '', appType: 'SingleTenant', tenantId: '' }, { logger, telemetry: noTelemetry }),
      bot: { run: async () => undefined },
      health: [],
      routes: allRoutes(recordOther, legalRoutes),
    });
    url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
  });

  after(async () => {
    await app.close(0);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });

  for (const page of PAGES) {
    it(`GET /${page} is a 200 HTML page with the strict CSP and the security headers`, async () => {
      const response = await get(`/${page}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.match(response.headers.get('vary') ?? '', /Accept-Language/i);
      const html = await response.text();
      assert.match(html, /^<!doctype html><html lang="en">/);
      assert.ok(html.includes(`<h1>${t('en-US', `legal.${page}.title`)}</h1>`));
    });

    it(`GET /${page} follows Accept-Language by preference, and ?lang= over it`, async () => {
      const korean = await get(`/${page}`, { 'Accept-Language': 'fr-FR, ko;q=0.8, en;q=0.5' });
      assert.equal(korean.headers.get('content-language'), 'ko-KR');
      const koreanHtml = await korean.text();
      assert.match(koreanHtml, /<html lang="ko">/);
      assert.ok(koreanHtml.includes(`<h1>${t('ko-KR', `legal.${page}.title`)}</h1>`));

      const japanese = await get(`/${page}`, { 'Accept-Language': 'ja-JP' });
      assert.equal(japanese.headers.get('content-language'), 'ja-JP');
      assert.ok((await japanese.text()).includes(t('ja-JP', `legal.${page}.intro`)));

      const chosen = await get(`/${page}?lang=ja-JP`, { 'Accept-Language': 'ko' });
      assert.equal(chosen.headers.get('content-language'), 'ja-JP');
      assert.equal((await get(`/${page}`, { 'Accept-Language': 'de-DE' })).headers.get('content-language'), 'en-US');
    });

    it(`HEAD /${page} answers 200 too (link checkers use it)`, async () => {
      const response = await fetch(`${url}/${page}`, { method: 'HEAD' });
      assert.equal(response.status, 200);
    });

    it(`/${page} has no script, style, form or external resource in any language`, () => {
      for (const locale of LOCALES) {
        const html = legalPageHtml(page, locale);
        assert.doesNotMatch(html, /<script|<style|<form|<iframe|<img|\son\w+=|javascript:/i, `${page} ${locale}`);
        assert.doesNotMatch(html, /(?:href|src)="(?:https?:)?\/\//i, `${page} ${locale} links off the site`);
        assert.doesNotMatch(html, /\{[A-Za-z]+\}/, `${page} ${locale} left a placeholder`);
      }
    });
  }

  it('the privacy page says what is stored, where, who sees it, retention, no sale, and whom to ask', () => {
    const html = legalPageHtml('privacy', 'en-US');
    for (const words of [
      'Cosmos DB',
      'Blob',
      'Proof of execution',
      'Conversation references',
      'History',
      'Reviewers',
      'customer contact',
      'not sold',
      'advertising',
      'deletes',
      'operator',
    ]) {
      assert.ok(html.includes(words), words);
    }
  });

  it('escapes every catalog string: an apostrophe in the wording arrives as an entity', () => {
    const html = legalPageHtml('privacy', 'en-US');
    assert.ok(html.includes('customer&#39;s domain'));
    assert.doesNotMatch(html.replace(/<[^>]*>/g, ''), /[<>"']/, 'text outside tags holds no raw markup character');
  });

  it('links both pages and every other language, in the page language', () => {
    const html = legalPageHtml('terms', 'ko-KR');
    assert.ok(html.includes(`<a href="/privacy?lang=ko-KR">${t('ko-KR', 'legal.privacyLink')}</a>`));
    assert.match(html, /<a href="\?lang=en-US" lang="en"/);
    assert.match(html, /<a href="\?lang=ja-JP" lang="ja"/);
    assert.match(html, /<strong lang="ko">한국어<\/strong>/);
  });

  it('allRoutes registers every registrar it is given, so the consent routes still come along', async () => {
    assert.deepEqual(extraRoutesRegistered, ['/other']);
    assert.equal((await get('/other')).status, 204);
  });
});
