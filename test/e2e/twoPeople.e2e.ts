/**
 * Two people in two tenants, as `npm run playground` gives them: the real bot (as
 * `npm start` runs it, seeded with the demo partner and the demo operator), the
 * partner's Playground with its built-in user, and the operator reviewer's Playground
 * with its own tenant and user (playground/operator/.m365agentsplayground.yml). A claim
 * of the partner is submitted (through the domain lifecycle on the bot's own database,
 * to keep the test short; newClaim.e2e.ts files claims through the cards); the partner
 * may not open the review queue; the reviewer opens it in the other Playground, starts
 * the review and approves; the partner hears both, unprompted, in theirs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Caller } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import { t } from '../../locales/i18n';
import { validM365Claim } from '../claims/fixtures';
import { lifecycleOnTheBot } from './support/botDatabase';
import { startBotProcess, type BotProcess } from './support/botProcess';
import {
  launchBrowser,
  openChat,
  startPlayground,
  type PlaygroundChat,
  type RunningPlayground,
} from './support/playground';

const DEMO_PARTNER = '00000000-0000-0000-0000-0000000000001';
const ADMIN: Caller = {
  actor: { role: 'partnerAdmin', id: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' },
  tenantId: DEMO_PARTNER,
};
const OPERATOR_CONFIG = path.join(__dirname, '..', '..', 'playground', 'operator', '.m365agentsplayground.yml');

describe('two people, two tenants: the partner files, the operator reviews', () => {
  let bot: BotProcess | undefined;
  let browser: Browser | undefined;
  const playgrounds: RunningPlayground[] = [];
  let partner: PlaygroundChat;
  let operator: PlaygroundChat;

  before(async function () {
    this.timeout(180_000);
    bot = await startBotProcess({});
    playgrounds.push(await startPlayground({ botEndpoint: bot.endpoint }));
    playgrounds.push(await startPlayground({ botEndpoint: bot.endpoint, configFile: OPERATOR_CONFIG }));
    browser = await launchBrowser();
    partner = await openChat(browser, playgrounds[0]);
    operator = await openChat(browser, playgrounds[1]);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    console.error(`--- bot output ---\n${bot?.output() ?? ''}`);
    for (const chat of [partner, operator])
      if (chat)
        console.error(`e2e failure artifacts: ${await chat.saveFailureArtifacts(this.currentTest.fullTitle())}`);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    for (const playground of playgrounds) await playground.stop();
    await bot?.stop();
  });

  async function submittedClaim(running: BotProcess): Promise<Claim> {
    const { claims, lifecycle } = lifecycleOnTheBot(running);
    const draft = validM365Claim({
      id: randomUUID(),
      partnerId: DEMO_PARTNER,
      name: `Two people ${randomUUID().slice(0, 8)}`,
      // The seeded directory's Contoso tenant, so the contacts' domains check out at approval.
      customerTenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      customerDomain: 'contoso.onmicrosoft.com',
      customerContact: { name: 'Chris Customer', title: 'CIO', email: 'chris@contoso.com' },
      partnerContact: { name: 'Alex Wilber', email: 'alexw@example.com' },
      createdBy: ADMIN.actor,
    });
    await claims.create({ ...draft, history: [{ ...draft.history[0], actor: ADMIN.actor }] });
    const submitted = await lifecycle.submit({ partnerId: DEMO_PARTNER, claimId: draft.id }, ADMIN);
    assert.ok(submitted.ok, JSON.stringify(submitted));
    return submitted.value.value;
  }

  it('each Playground is its own person: the partner is no reviewer, the operator files no claims', async () => {
    await partner.sendText('review queue');
    await partner.waitForBotText(t('en-US', 'access.notReviewer'));
    await partner.sendText('members');
    const members = await partner.waitForCardContaining(t('en-US', 'members.title'));
    assert.match(await members.text(), /Contoso Partners \(demo\)/);
    await operator.sendText('new claim');
    await operator.waitForBotText(t('en-US', 'access.operatorHasNoClaims'));
  });

  it("the reviewer opens the partner's claim in the other Playground, starts the review and approves; the partner hears both", async () => {
    const claim = await submittedClaim(bot as BotProcess);
    await operator.sendText('review queue');
    const queue = await operator.waitForCardContaining(claim.name);
    // The reviewer's buttons are Action.Execute: each answer replaces the clicked card in place.
    const inPlace = { includeEarlier: true };
    await queue.clickAction(t('en-US', 'claimsList.open'));
    const detail = await operator.waitForCardContaining(t('en-US', 'reviewer.startReview'), inPlace);
    assert.match(await detail.text(), /Contoso Partners \(demo\)/);
    await detail.clickAction(t('en-US', 'reviewer.startReview'));
    const started = await operator.waitForCardContaining(t('en-US', 'reviewer.started'), inPlace);
    await started.clickAction(t('en-US', 'reviewer.approve'));
    await started.clickAction(t('en-US', 'reviewer.approveConfirm'));
    await operator.waitForCardContaining(t('en-US', 'statuses.approvedCustomerNotified'), inPlace);

    await partner.waitForCardContaining(t('en-US', 'notify.reviewStarted', { name: claim.name }), {
      timeoutMs: 30_000,
      includeEarlier: true,
    });
    await partner.waitForCardContaining(claim.name, { timeoutMs: 30_000, includeEarlier: true });
  });
});
