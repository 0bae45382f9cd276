/**
 * Exclusivity while choosing (docs/RULES.md, rule 1) and programs outside CPOR (rule 5), in
 * every locale: held workloads and subscriptions are refused on the spot without
 * naming the other partner; the partner's own legacy association and expired ones
 * do not block; a co-op program typed or sent gets the co-op guidance.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LOCALES, problemMessage, t, type Locale } from '../../../locales/i18n';
import { buildClaim } from '../../support/claimFactory';
import { Chat, adminCaller, cardOf, cardStrings, inputOf, newClaimSetting, onlyClaimOf } from './newClaimHarness';
import { answerSubscriptions, assertCard, chooseProducts, fillStart, start } from './newClaimSteps';

const OTHER_PARTNER = 'other-partner-7f3a';
const OTHER_CLAIM = 'other-claim-91c2';

describe('NewClaimDialog exclusivity and co-op programs', function () {
  this.timeout(60_000);
  const s = newClaimSetting();
  // Each test has a customer of its own, so holds made by one test never meet another.
  let tenant: string;
  let domain: string;
  beforeEach(() => {
    tenant = randomUUID();
    domain = `c${tenant.slice(0, 8)}.onmicrosoft.com`;
    s.world.directory.set(domain, tenant);
  });

  async function toProducts(locale: Locale, area: 'microsoft365' | 'businessApplications'): Promise<Chat> {
    const chat = new Chat(s.world, adminCaller(s.org, locale));
    await start(chat);
    await fillStart(chat, { domain, tenantId: tenant, area });
    return chat;
  }

  /** Nothing the bot said anywhere names the partner or the claim holding the key. */
  function assertHolderNeverNamed(chat: Chat): void {
    const everything = JSON.stringify(chat.transcript);
    assert.ok(!everything.includes(OTHER_PARTNER) && !everything.includes(OTHER_CLAIM));
  }

  for (const locale of LOCALES) {
    it(`${locale}: refuses a workload another partner holds, unticks it, and goes on with the rest`, async () => {
      await s.world.associations.acquire(OTHER_PARTNER, OTHER_CLAIM, [`m365|${tenant}|exchangeOnline`]);
      const chat = await toProducts(locale, 'microsoft365');
      await chooseProducts(chat, ['exchangeOnline', 'microsoftTeams']);
      assertCard(chat, 'products.title');
      assert.ok(
        cardStrings(chat.lastCard()).includes(t(locale, 'products.alreadyAssociated', { product: 'Exchange Online' })),
      );
      assert.equal(inputOf(chat.lastCard(), 'productIds')?.value, 'microsoftTeams');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, []);
      assertHolderNeverNamed(chat);

      await chooseProducts(chat, ['microsoftTeams']);
      assertCard(chat, 'contacts.title');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, ['microsoftTeams']);
    });

    it(`${locale}: tells a workload held by the partner's own other claim apart`, async () => {
      await s.world.associations.acquire(s.org.id, OTHER_CLAIM, [`m365|${tenant}|microsoftTeams`]);
      const chat = await toProducts(locale, 'microsoft365');
      await chooseProducts(chat, ['microsoftTeams']);
      assertCard(chat, 'products.title');
      const sentence = problemMessage(locale, {
        code: 'keyHeldByOwnClaim',
        field: 'productIds',
        params: { key: `m365|${tenant}|microsoftTeams` },
      });
      assert.ok(cardStrings(chat.lastCard()).includes(sentence));
    });

    it(`${locale}: names the partner's own official claim holding the workload, and says it can't be withdrawn`, async () => {
      const official = (
        await s.world.claims.create(
          buildClaim({
            partnerId: s.org.id,
            name: 'Teams rollout 2025',
            status: 'associated',
            customerTenantId: tenant,
            productIds: ['microsoftTeams'],
          }),
        )
      ).value;
      const key = `m365|${tenant}|microsoftTeams`;
      await s.world.associations.acquire(s.org.id, official.id, [key]);
      const chat = await toProducts(locale, 'microsoft365');
      await chooseProducts(chat, ['microsoftTeams']);
      assertCard(chat, 'products.title');
      const sentence = t(locale, 'conflictAdvice.official', {
        item: 'Microsoft Teams',
        name: official.name,
        claimId: official.id,
      });
      assert.ok(cardStrings(chat.lastCard()).includes(sentence), cardStrings(chat.lastCard()).join('\n'));
    });

    it(`${locale}: lets the partner's own legacy association and another's expired one give way`, async () => {
      // Both would still count (Power BI and Dynamics 365 legacy holds last until expiry) if not own or expired.
      await s.world.associations.importLegacy({
        key: `sub|${tenant}|powerBI`,
        partnerId: s.org.id,
        expiresAt: '2026-12-31T00:00:00.000Z',
      });
      await s.world.associations.importLegacy({
        key: `sub|${tenant}|dynamics365Sales`,
        partnerId: OTHER_PARTNER,
        expiresAt: '2025-01-01T00:00:00.000Z',
      });
      const chat = await toProducts(locale, 'businessApplications');
      await chooseProducts(chat, ['powerBI', 'dynamics365Sales']);
      await answerSubscriptions(chat, [{ productId: 'dynamics365Sales', multiple: false }]);
      assertCard(chat, 'contacts.title');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, ['powerBI', 'dynamics365Sales']);
    });

    it(`${locale}: refuses a Dynamics 365 subscription another partner holds, naming the subscription`, async () => {
      const held = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
      await s.world.associations.importLegacy({
        key: `sub|${tenant}|${held}`,
        partnerId: OTHER_PARTNER,
        expiresAt: '2026-12-31T00:00:00.000Z',
      });
      const chat = await toProducts(locale, 'businessApplications');
      await chooseProducts(chat, ['dynamics365Sales']);
      await answerSubscriptions(chat, [{ productId: 'dynamics365Sales', multiple: true, ids: [held.toUpperCase()] }]);
      assertCard(chat, 'subscriptions.title');
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'products.subscriptionTaken', { subscriptionId: held, product: 'Dynamics 365 Sales' }),
        ),
      );
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).subscriptions, []);
      assertHolderNeverNamed(chat);

      const free = '3f2504e0-4f89-41d3-9a0c-0305e82c3302';
      await answerSubscriptions(chat, [{ productId: 'dynamics365Sales', multiple: true, ids: [free] }]);
      assertCard(chat, 'contacts.title');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).subscriptions, [
        { productId: 'dynamics365Sales', multiple: true, subscriptionIds: [free] },
      ]);
    });

    it(`${locale}: refuses a product whose only subscription another partner holds`, async () => {
      await s.world.associations.acquire(OTHER_PARTNER, OTHER_CLAIM, [`sub|${tenant}|dynamics365Finance`]);
      const chat = await toProducts(locale, 'businessApplications');
      await chooseProducts(chat, ['dynamics365Finance']);
      assertCard(chat, 'products.title');
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'products.alreadyAssociated', { product: 'Dynamics 365 Finance' }),
        ),
      );
      assertHolderNeverNamed(chat);
    });

    it(`${locale}: answers a co-op program typed at the products card with the co-op guidance, then the same card`, async () => {
      const chat = await toProducts(locale, 'microsoft365');
      const products = chat.lastCard();
      const replies = await chat.send(locale === 'ko-KR' ? '호스팅' : locale === 'ja-JP' ? 'ホスティング' : 'CSP');
      const [guidance, again] = replies.map(cardOf);
      assert.equal(replies.length, 2);
      assert.ok(cardStrings(guidance).includes(t(locale, 'coop.title')));
      assert.ok(cardStrings(guidance).includes(t(locale, 'coop.howTo')));
      assert.deepEqual(again, products, 'the products card again, as it was');
      await chooseProducts(chat, ['intune']);
      assertCard(chat, 'contacts.title');
    });

    it(`${locale}: answers a co-op program sent as a product with the guidance and keeps the real products ticked`, async () => {
      const chat = await toProducts(locale, 'microsoft365');
      const replies = await chooseProducts(chat, ['intune', 'surface']);
      assert.ok(cardStrings(cardOf(replies[0])).includes(t(locale, 'coop.title')));
      assertCard(chat, 'products.title');
      assert.equal(inputOf(chat.lastCard(), 'productIds')?.value, 'intune');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, []);
    });
  }
});
