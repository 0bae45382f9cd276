/**
 * Turns of one conversation racing, over HTTP through the composed bot and the real
 * BotState path on the Cosmos stand-in: the start card submitted three times at
 * once creates one claim, the conversation's state is the winner's (it names that
 * claim and goes on), and every other submit is answered, never lost in silence.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BotServer } from '../../../bot/http/server';
import { t } from '../../../locales/i18n';
import { botHarness, composedBotOverHttp, ORG, type Harness } from '../../support/botHarness';
import { LoopbackFiles, TeamsHttpChat } from '../../support/teamsHttpChat';
import { cardOf, cardStrings, submitActions, type Reply } from '../../dialogs/newClaim/newClaimHarness';
import { assertCard, start } from '../../dialogs/newClaim/newClaimSteps';

describe('two or more turns of one conversation at once', function () {
  this.timeout(60_000);
  let h: Harness;
  let server: BotServer;
  let files: LoopbackFiles;
  let endpoint = '';

  before(async () => {
    h = await botHarness();
    ({ endpoint, server } = await composedBotOverHttp(h.botServices));
    files = await new LoopbackFiles().start();
  });
  after(async () => {
    await server.close(1000);
    await files.close();
  });

  const claimsOfOrg = async () => (await h.claims.listByPartner(ORG.id, {}, 100)).items;

  it("create one claim from three parallel submits of the start card, keep the winner's state and answer the others", async () => {
    const chat = new TeamsHttpChat({
      endpoint,
      serviceUrl: 'http://127.0.0.1:9/',
      user: { tenantId: ORG.id, aadObjectId: 'aad-admin', name: 'Ada Admin' },
      locale: 'en-US',
      files,
    });
    await start(chat);
    assertCard(chat, 'start.title');
    const before = (await claimsOfOrg()).length;
    const name = `Parallel ${randomUUID().slice(0, 8)}`;
    const action =
      submitActions(chat.lastCard()).find((a) => a.data.verb === 'startEntered') ?? assert.fail('no start button');
    // One location: the card shows it and sends no MPN ID.
    const inputs = {
      mpnId: '',
      customerDomain: 'contoso.com',
      customerTenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      areaActivity: 'microsoft365/usage',
      name,
    };
    const answers = await Promise.all([1, 2, 3].map(() => chat.send({ value: { ...action.data, ...inputs } })));

    const created = (await claimsOfOrg()).filter((c) => c.name === name);
    assert.equal(created.length, 1, 'one claim, no orphans');
    assert.equal((await claimsOfOrg()).length, before + 1);

    const texts = (replies: Reply[]) => replies.map((r) => r.text).filter((x): x is string => typeof x === 'string');
    const handledElsewhere = [t('en-US', 'conversation.alreadyHandled'), t('en-US', 'conversation.staleCard')];
    const winners = answers.filter((replies) => !texts(replies).some((x) => handledElsewhere.includes(x)));
    const others = answers.filter((replies) => texts(replies).some((x) => handledElsewhere.includes(x)));
    assert.equal(winners.length, 1, JSON.stringify(answers.map(texts)));
    assert.equal(others.length, 2, 'each other submit was answered');

    // The state kept is the winner's: its products card takes the next answer for that claim.
    const productsCard =
      winners
        .flatMap((replies) => replies.map(cardOf))
        .filter((c) => c !== undefined)
        .at(-1) ?? assert.fail('the winner showed a card');
    assert.ok(cardStrings(productsCard).includes(t('en-US', 'products.title')));
    const choose =
      submitActions(productsCard).find((a) => a.data.verb === 'productsChosen') ?? assert.fail('no products button');
    assert.equal(choose.data.claimId, created[0]?.id);
    const next = await chat.send({ value: { ...choose.data, productIds: 'exchangeOnline' } });
    assert.ok(!texts(next).some((x) => handledElsewhere.includes(x)), JSON.stringify(texts(next)));
    const [claim] = (await claimsOfOrg()).filter((c) => c.name === name);
    assert.deepEqual(claim?.productIds, ['exchangeOnline']);
  });
});
