/**
 * Answered cards close: each card the partner answered is replaced in place by one
 * read-only line of what the step now holds, so after submitting no card above the
 * newest still offers an input or a button. Every step card says which claim it is
 * and how far the partner got.
 */
import assert from 'node:assert/strict';
import { productName, t } from '../../../locales/i18n';
import { LOCALES } from '../../../locales/i18n';
import { objectsOfType } from '../../cards/cardChecks';
import {
  Chat,
  adminCaller,
  cardOf,
  newClaimSetting,
  submitActions,
  withoutNonce,
  type Card,
  type Reply,
} from './newClaimHarness';
import { CUSTOMER_DOMAIN, assertCard, submitFromSummary, upToProducts, upToReview } from './newClaimSteps';

/** Each card message as it stands now: the last version the bot put there. */
function cardsAsTheyStand(chat: Chat): Card[] {
  const latest = new Map<string, Reply>();
  for (const update of chat.updates) if (update.id) latest.set(update.id, update);
  return chat.transcript
    .map((reply) => cardOf((reply.id && latest.get(reply.id)) || reply))
    .filter((card): card is Card => card !== undefined);
}

const offersInput = (card: Card): boolean => submitActions(card).length > 0 || JSON.stringify(card).includes('"Input.');

/** The header line above the title: the first RichTextBlock's runs. */
const headerOf = (card: Card): string => {
  const [block] = objectsOfType(card, 'RichTextBlock');
  return ((block?.inlines ?? []) as { text: string }[]).map((run) => run.text).join('');
};

describe('NewClaimDialog answered cards and progress', () => {
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: after submitting, no card above the newest offers inputs, and each answered step reads as one line`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      await submitFromSummary(chat);
      const cards = cardsAsTheyStand(chat);
      // Start, products, contacts, PoE, summary, receipt.
      assert.ok(cards.length >= 6, `${cards.length} cards`);
      assert.deepEqual(
        cards
          .slice(0, -1)
          .filter(offersInput)
          .map((card) => JSON.stringify(card).slice(0, 200)),
        [],
        'every answered card closed',
      );
      const lines = cards.map((card) => [...objectsOfType(card, 'TextRun')].map((run) => String(run.text)).join(''));
      assert.ok(
        lines.some(
          (line) =>
            line.includes(t(locale, 'start.title')) &&
            line.includes(CUSTOMER_DOMAIN) &&
            line.includes('Contoso rollout'),
        ),
        'the start card reads as its customer and name',
      );
      assert.ok(
        lines.some(
          (line) => line.includes(t(locale, 'products.title')) && line.includes(productName('exchangeOnline')),
        ),
        'the products step reads as its product',
      );
    });

    it(`${locale}: every step card names the claim and the step it is, of how many`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(chat);
      assertCard(chat, 'products.title');
      // Start, products, contacts, PoE, summary (no Dynamics 365 product: no subscriptions).
      assert.equal(headerOf(chat.lastCard()), `Contoso rollout · ${t(locale, 'progress.step', { step: 2, total: 5 })}`);
    });

    it(`${locale}: the help card's New claim pressed mid-flow says a claim is being filled, and the step comes back below`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(chat);
      const products = chat.lastCard();
      const help = await chat.send('help');
      const helpCard = cardOf(help[0]);
      assert.ok(helpCard, 'the help card');
      const pressed = await chat.click('newClaim', {}, helpCard);
      assert.equal(pressed[0]?.text, t(locale, 'conversation.flowRunning'));
      assert.deepEqual(withoutNonce(chat.lastCard()), withoutNonce(products));
    });
  }
});
