/**
 * The customer's consent page in headless Chromium, as the customer meets it: the link
 * from the email opens the consent card (rendered by the adaptivecards script the bot
 * serves), Opt out is clicked and only asks (what opting out means, an optional reason),
 * Confirm opt-out records it: the claim is rejected as customer declined in the Cosmos
 * stand-in with the reason on its history, and the same link opened again says it was
 * used. The confirmation's own language links and Back are followed too.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec, ensureCosmosSchema } from '../../storage/cosmosSchema';
import { startCosmosStandIn, type CosmosStandIn } from '../../storage/standIns';
import { claimIn, engineOn, newPartner, read, type Engine, type Partner } from '../claims/engineHarness';
import { startConsentApp, type ConsentApp } from '../support/consentApp';
import { blockNonLoopbackRequests, launchBrowser } from './support/browser';

describe('consent page in the browser', function () {
  let cosmos: CosmosStandIn;
  let engine: Engine;
  let partner: Partner;
  let app: ConsentApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** CSP violations and script errors the page reported. */
  const problems: string[] = [];

  before(async function () {
    this.timeout(60_000);
    cosmos = await startCosmosStandIn();
    const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
    const databaseId = `db-${randomUUID()}`;
    const database = await ensureCosmosSchema(client, databaseId);
    engine = await engineOn({ client, databaseId, container: (name) => database.container(containerSpec(name).id) });
    partner = await newPartner(engine);
    app = await startConsentApp(engine);
    browser = await launchBrowser();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-US' });
    await blockNonLoopbackRequests(context);
    page = await context.newPage();
    problems.length = 0;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const folder = await mkdtemp(path.join(tmpdir(), 'cpor-e2e-failures-'));
      await page.screenshot({ path: path.join(folder, 'page.png'), fullPage: true }).catch(() => undefined);
      await writeFile(path.join(folder, 'page.html'), await page.content().catch(() => ''));
      await writeFile(path.join(folder, 'problems.txt'), problems.join('\n'));
      console.error(`e2e failure artifacts: ${folder}`);
    }
    await context.close();
  });

  after(async function () {
    this.timeout(30_000);
    await browser?.close();
    await app?.close();
    await cosmos?.close();
  });

  it('renders the card, asks to confirm Opt out, records it with the reason, and refuses the same link afterwards', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const link = app.linkFor(claim);

    const opened = await page.goto(link);
    assert.equal(opened?.status(), 200);
    const card = page.locator('#card-host .ac-adaptiveCard');
    await card.waitFor();
    const cardText = await card.innerText();
    assert.match(cardText, /Fabrikam Consulting has asked Microsoft to record it as the partner/);
    assert.match(cardText, /Exchange Online/);
    assert.match(cardText, /If you do nothing, the association becomes official on/);
    assert.equal(await page.locator('#plain-buttons').isHidden(), true, 'the plain buttons give way to the card');

    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      card.getByRole('button', { name: 'Opt out' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Opt out of this association?' }).waitFor();
    assert.match(await page.locator('main').innerText(), /If you opt out, Fabrikam Consulting won't be recorded/);
    assert.equal(
      (await read(engine, claim)).value.status,
      'approvedCustomerNotified',
      'the first click decides nothing',
    );

    const reason = 'We never worked with <b>them</b>';
    await page.getByLabel('Reason (optional)').fill(reason);
    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Confirm opt-out' }).click(),
    ]);
    await page.getByRole('heading', { name: 'You opted out' }).waitFor();
    assert.match(
      await page.locator('main').innerText(),
      /You opted out of the association with Fabrikam Consulting\. The claim was rejected/,
    );

    const stored = (await read(engine, claim)).value;
    assert.equal(stored.status, 'rejected');
    assert.equal(stored.rejection?.reason, 'customerDeclined');
    assert.deepEqual(stored.heldKeys, []);
    assert.deepEqual(
      stored.history.filter((h) => h.event.startsWith('customer')).map((h) => [h.event, h.actor.role, h.note]),
      [['customerOptOut', 'customer', reason]],
    );

    assert.deepEqual(problems, [], 'no CSP violation or script error');

    const again = await page.goto(link);
    assert.equal(again?.status(), 409);
    await page.getByRole('heading', { name: 'This link has already been used' }).waitFor();
    assert.match(await page.locator('main').innerText(), /opted out of this association on .*can't be changed/);
    assert.equal(await page.locator('.ac-adaptiveCard, form').count(), 0, 'no card and no form to answer again');
  });

  it('renders the card in Korean for a Korean browser, and Approve makes the association official', async () => {
    await context.close();
    context = await browser.newContext({ locale: 'ko-KR', extraHTTPHeaders: { 'Accept-Language': 'ko-KR,ko;q=0.9' } });
    await blockNonLoopbackRequests(context);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    await page.goto(app.linkFor(claim));
    const card = page.locator('#card-host .ac-adaptiveCard');
    await card.waitFor();
    assert.match(await card.innerText(), /고객 연결이 공식적으로 적용됩니다/);
    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      card.getByRole('button', { name: '승인' }).click(),
    ]);
    await page.getByRole('heading', { name: '고객 연결이 승인되었습니다' }).waitFor();
    assert.equal((await read(engine, claim)).value.status, 'associated');
    assert.deepEqual(problems, [], 'no CSP violation or script error');
  });

  it("the confirmation's language links keep the step, Back returns to the card, and confirming in Korean records it", async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    await page.goto(app.linkFor(claim));
    const card = page.locator('#card-host .ac-adaptiveCard');
    await card.waitFor();
    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      card.getByRole('button', { name: 'Opt out' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Opt out of this association?' }).waitFor();
    await Promise.all([page.waitForURL(/lang=ko-KR&step=optOut/), page.getByRole('link', { name: '한국어' }).click()]);
    await page.getByRole('heading', { name: '이 고객 연결에 대해 옵트아웃하시겠습니까?' }).waitFor();
    await Promise.all([page.waitForURL(/lang=ko-KR$/), page.getByRole('link', { name: '돌아가기' }).click()]);
    await card.waitFor();
    assert.match(await card.innerText(), /고객 연결이 공식적으로 적용됩니다/);
    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      card.getByRole('button', { name: '옵트아웃' }).click(),
    ]);
    await page.getByLabel('사유(선택 사항)').fill('거래한 적이 없습니다');
    await Promise.all([
      page.waitForURL(/\/consent\//, { waitUntil: 'load' }),
      page.getByRole('button', { name: '옵트아웃 확인' }).click(),
    ]);
    await page.getByRole('heading', { name: '옵트아웃 완료' }).waitFor();
    const stored = (await read(engine, claim)).value;
    assert.equal(stored.status, 'rejected');
    assert.equal(stored.history.at(-1)?.note, '거래한 적이 없습니다');
    assert.deepEqual(problems, [], 'no CSP violation or script error');
  });
});
