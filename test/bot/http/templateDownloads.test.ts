/**
 * The PoE template route: a signed link opens the claim's Word template, made then from
 * the claim as stored (Cosmos DB stand-in); damaged, forged, expired and orphaned links
 * get a page in the link's language and the status that says why; a storage failure 503.
 */
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { createAdapter } from '../../../bot/http/adapter';
import { escapeHtml } from '../../../bot/http/html';
import { createServer, type BotServer } from '../../../bot/http/server';
import {
  SignedTemplateLinks,
  TEMPLATE_LINK_SECONDS,
  TEMPLATE_PATH,
  templateDownloadRoutes,
} from '../../../bot/http/templateDownloads';
import { createLogger } from '../../../bot/app/logger';
import { noTelemetry } from '../../../bot/app/telemetry';
import type { ClaimRepository } from '../../../claims/ports';
import { TemplateLinkTokens } from '../../../claims/templateLinkToken';
import { DOCX_CONTENT_TYPE } from '../../../documents/poeTemplate';
import { t } from '../../../locales/i18n';
import { botHarness, ORG, type Harness } from '../../support/botHarness';
import { buildClaim } from '../../support/claimFactory';

const PUBLIC_URL = 'https://cpor.example.net';

describe('PoE template links', () => {
  let harness: Harness;
  let app: BotServer;
  let origin: string;
  let now = new Date('2026-12-02T09:00:00Z');
  const clock = { now: () => now };
  let tokens: TemplateLinkTokens;
  let links: SignedTemplateLinks;
  let failReads = false;
  const logged: { facts: Record<string, unknown>; message: string }[] = [];

  before(async () => {
    harness = await botHarness({ clock });
    tokens = new TemplateLinkTokens('the template link key of the route tests, 32+', clock);
    links = new SignedTemplateLinks(PUBLIC_URL, tokens);
    const claims: Pick<ClaimRepository, 'get'> = {
      get: (partnerId, claimId) =>
        failReads ? Promise.reject(new Error('Cosmos DB is down')) : harness.claims.get(partnerId, claimId),
    };
    const record = (facts: Record<string, unknown>, message: string) => void logged.push({ facts, message });
    const logger = createLogger('silent');
    app = createServer({
      publicUrl: PUBLIC_URL,
      logger,
      adapter: createAdapter({ appId: '', appType: 'SingleTenant', tenantId: '' }, { logger, telemetry: noTelemetry }),
      bot: { run: async () => undefined },
      health: [],
      routes: templateDownloadRoutes({
        tokens,
        claims,
        documents: harness.documents,
        log: { info: record, warn: record },
      }),
    });
    origin = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
  });

  after(async () => {
    await app.close(0);
  });

  beforeEach(() => {
    now = new Date('2026-12-02T09:00:00Z');
    failReads = false;
    logged.length = 0;
  });

  /** The link's path on this test server. */
  const open = (link: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}${new URL(link).pathname}${new URL(link).search}`, { headers });

  async function storedClaim(name = 'Contoso Exchange rollout') {
    const claim = buildClaim({ partnerId: ORG.id, name });
    await harness.claims.create(claim);
    return claim;
  }

  it('opens the Word template of the claim as it is stored when opened, in the link’s language', async () => {
    const claim = await storedClaim();
    const link = links.poeTemplate(claim, 'ko-KR');
    assert.ok(link.startsWith(`${PUBLIC_URL}${TEMPLATE_PATH}?link=t1.`), link);
    // Renamed after the card was drawn: the template shows the name it has now.
    const stored = await harness.claims.get(ORG.id, claim.id);
    await harness.claims.replace({ ...stored!.value, name: 'Contoso Teams phase 2' }, stored!.etag);
    const res = await open(link, { 'accept-language': 'en-US' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), DOCX_CONTENT_TYPE);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="poe-template-${claim.id}.docx"`);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const body = (await zip.file('word/document.xml')!.async('string')).replace(/<\/w:t>.*?<w:t(?: [^>]*)?>/g, '');
    assert.ok(body.includes('Contoso Teams phase 2'), 'the current name');
    assert.ok(body.includes(t('ko-KR', 'poeTemplate.title').split('(')[0]!.trim()), 'in Korean');
    assert.deepEqual(logged.at(-1)?.facts.outcome, 'served');
  });

  it('refuses a damaged link (400), a forged one (403) and an expired one (410), with a page in the browser’s language saying what to do', async () => {
    const claim = await storedClaim();
    const link = links.poeTemplate(claim, 'ja-JP');
    const token = new URL(link).searchParams.get('link')!;
    const [version, payload] = token.split('.');
    const otherKey = new TemplateLinkTokens('another deployment’s key, also 32 characters', clock);
    const cases: [string, number, string, string][] = [
      [`${PUBLIC_URL}${TEMPLATE_PATH}?link=${token.slice(0, -3)}~~~`, 400, 'poeTemplate.linkInvalid', 'en-US'],
      [`${PUBLIC_URL}${TEMPLATE_PATH}?link=${version}.${payload}`, 400, 'poeTemplate.linkInvalid', 'en-US'],
      [`${PUBLIC_URL}${TEMPLATE_PATH}`, 400, 'poeTemplate.linkInvalid', 'en-US'],
      [
        new SignedTemplateLinks(PUBLIC_URL, otherKey).poeTemplate(claim, 'ja-JP'),
        403,
        'poeTemplate.linkInvalid',
        'en-US',
      ],
    ];
    for (const [url, status, message, locale] of cases) {
      const res = await open(url, { 'accept-language': 'en-US' });
      assert.equal(res.status, status, url);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      const html = await res.text();
      assert.ok(html.includes(escapeHtml(t(locale as 'en-US', message as 'poeTemplate.linkInvalid'))), html);
    }
    now = new Date(now.getTime() + TEMPLATE_LINK_SECONDS * 1000);
    const expired = await open(link, { 'accept-language': 'en-US' });
    assert.equal(expired.status, 410);
    assert.ok((await expired.text()).includes(escapeHtml(t('en-US', 'poeTemplate.linkExpired'))));
    // The logs name the outcome, never the token.
    assert.ok(logged.every((entry) => !JSON.stringify(entry).includes(payload!)));
  });

  it('says the claim is gone (404) for a deleted claim, and asks to try again (503) when storage fails, in the link’s language', async () => {
    const claim = await storedClaim();
    const link = links.poeTemplate(claim, 'ja-JP');
    failReads = true;
    const down = await open(link);
    assert.equal(down.status, 503);
    assert.ok((await down.text()).includes(escapeHtml(t('ja-JP', 'poeTemplate.unavailable'))));
    assert.deepEqual(logged.at(-1)?.facts, { claimId: claim.id, outcome: 'unavailable', error: 'Error' });
    failReads = false;
    const stored = await harness.claims.get(ORG.id, claim.id);
    await harness.claims.delete(ORG.id, claim.id, stored!.etag);
    const gone = await open(link);
    assert.equal(gone.status, 404);
    const html = await gone.text();
    assert.ok(html.includes(escapeHtml(t('ja-JP', 'poeTemplate.claimGone'))));
    assert.match(html, /<html lang="ja">/);
  });

  it('opens only the claim it was signed for: another partner’s claim id under this partner finds nothing', async () => {
    const theirs = buildClaim({ partnerId: '77777777-7777-4777-8777-777777777777' });
    await harness.claims.create(theirs);
    // A link signed for this partner naming another partner's claim id reads this partner's partition.
    const link = links.poeTemplate({ id: theirs.id, partnerId: ORG.id }, 'en-US');
    assert.equal((await open(link)).status, 404);
  });
});
