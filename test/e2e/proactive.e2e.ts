/**
 * The partner hears it in the Agents Playground: the real bot runs as `npm start` with a
 * five-second opt-out window (OPT_OUT_WINDOW=PT5S), the Playground's user (the demo
 * partner's incentives admin) opens the chat, a claim of theirs is submitted and
 * approved through the domain lifecycle straight on the bot's Cosmos DB stand-in (to keep
 * the test fast), and the bot's own scheduler delivers what follows: review started,
 * approved, and five seconds later "the association is now official", exactly once, as
 * proactive cards in the chat. Open claim on that card shows the claim's status.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import { statusLabel, t } from '../../locales/i18n';
import { validM365Claim } from '../claims/fixtures';
import { DEMO_OPERATOR, lifecycleOnTheBot } from './support/botDatabase';
import { startBotProcess, type BotProcess } from './support/botProcess';
import { usePlaygroundSession } from './support/session';

/** The seeded demo partner and operator (storage/seed/partners.json): the Playground's user is the partner's admin; the operator holds the reviewer. */
const DEMO_PARTNER = '00000000-0000-0000-0000-0000000000001';
const PLAYGROUND_USER = '00000000-0000-0000-0000-0000000000020';
const ADMIN: Caller = {
  actor: { role: 'partnerAdmin', id: PLAYGROUND_USER, name: 'Alex Wilber' },
  tenantId: DEMO_PARTNER,
};
const REVIEWER: Caller = {
  actor: { role: 'reviewer', id: '00000000-0000-0000-0000-0000000000091', name: 'Rae Reviewer' },
  tenantId: DEMO_OPERATOR,
};

describe('proactive messages in the Agents Playground', () => {
  let bot: BotProcess | undefined;
  const session = usePlaygroundSession(async () => {
    bot = await startBotProcess({ OPT_OUT_WINDOW: 'PT5S' });
    return bot;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`--- bot output ---\n${bot?.output() ?? ''}`);
  });

  it('tells the partner, unprompted, that the association is official once the five-second window closes', async () => {
    const { chat, bot: running } = session();
    // The install's welcome means the bot has stored where to reach this user.
    await chat.waitForCardContaining(t('en-US', 'welcome.title'), { includeEarlier: true });
    await chat.markAction();

    const { claims, lifecycle } = lifecycleOnTheBot(running, 'PT5S');
    const draft: Claim = validM365Claim({
      id: randomUUID(),
      partnerId: DEMO_PARTNER,
      name: `Proactive e2e ${randomUUID().slice(0, 8)}`,
      customerTenantId: randomUUID(),
      customerDomain: 'contoso.onmicrosoft.com',
      createdBy: ADMIN.actor,
    });
    await claims.create({ ...draft, history: [{ ...draft.history[0], actor: ADMIN.actor }] });
    const ref = { partnerId: DEMO_PARTNER, claimId: draft.id };
    for (const step of [
      () => lifecycle.submit(ref, ADMIN),
      () => lifecycle.startReview(ref, REVIEWER),
      () => lifecycle.approve(ref, REVIEWER),
    ]) {
      const result = await step();
      assert.ok(result.ok, JSON.stringify(result));
    }

    const params = { name: draft.name, customer: draft.customerDomain };
    await chat.waitForCardContaining(t('en-US', 'notify.reviewStarted', { name: draft.name }), { timeoutMs: 30_000 });
    const official = await chat.waitForCardContaining(t('en-US', 'notify.associationOfficial', params), {
      timeoutMs: 45_000,
    });
    assert.equal((await claims.get(DEMO_PARTNER, draft.id))?.value.status, 'associated');

    // One more sweep later, still exactly one "official" message (the outbox is leased and settled).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    // The Playground does not pass channelData on to the page: count the cards by their text.
    const officialSentence = t('en-US', 'notify.associationOfficial', params);
    const officialCards = chat
      .botActivities()
      .filter((a) => JSON.stringify(a.attachments ?? []).includes(officialSentence));
    assert.equal(officialCards.length, 1);

    await chat.markAction();
    await official.clickAction(t('en-US', 'notify.openClaim'));
    const status = await chat.waitForCardContaining(draft.name);
    assert.match(await status.text(), new RegExp(statusLabel('en-US', 'associated').replace(/[()]/g, '\\$&')));
  });
});
