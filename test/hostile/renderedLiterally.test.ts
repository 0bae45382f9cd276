/**
 * Text a user enters is shown as entered, in every card that shows it, end to end
 * through the composed bot: template expressions, markdown links, HTML, and text at
 * (or over) its length limit, typed by the partner (claim name, a customer domain that
 * is none, revenue details, contacts, comment, the PoE's file name, their Teams display
 * name) and by the reviewer (the information request's note, the rejection note, a
 * comment). Every card that shows one of them carries it exactly in a RichTextBlock text run, which Teams does not
 * render as markdown, and never in a TextBlock or a FactSet; an expression that would
 * give a tell-tale value if evaluated never does; and every card parses with the
 * official renderer without a warning. Text over its limit is refused and comes back
 * in the input exactly as typed.
 */
import assert from 'node:assert/strict';
import { LOCALES, t, type Locale } from '../../locales/i18n';
import { messageList } from '../../locales/translator';
import { parseFindings, walk } from '../cards/cardChecks';
import { textPdf } from '../support/poeDocuments';
import { CUSTOMER_DOMAIN, CUSTOMER_TENANT, HostileChat } from './hostileChat';
import { ADMIN, HOME, REVIEWER, useHostileWorld, type HostileWorld, type User } from './hostileWorld';
import { cardsOf, type Card } from './replies';

/** If any card evaluated user text as a template, this would appear. */
const EVALUATED = 'EVALUATED';
const expr = "${concat('EVAL','UATED')}";

const NAME = `${expr} [click](https://evil.example) **b** \${$root.labels.title}`;
/** Typed where the customer's domain goes: refused, and shown again as typed. */
const DOMAIN = `${expr}.[evil](https://evil.example) **b**`;
const REVENUE = {
  solutionSellerName: `[Seller](https://evil.example) ${expr}`,
  customerName: '<script>alert(1)</script> @{x} {name}',
  isvSolutionName: '${$root.secret} _it_ `code`',
};
const CONTACTS = {
  customerName: `[Dana](https://evil.example) ${expr}`,
  customerTitle: '<b>CIO</b> ${$root.labels.title}',
  customerEmail: '${x}@contoso.com',
  technicalName: '# Sam {name} $&',
  technicalTitle: '[admin](javascript:alert(1))',
  technicalEmail: 'sam@contoso.com',
  partnerName: '**Ada** ${$root}',
  partnerEmail: 'ada@home.example',
};
/** A comment at its 2,000-character limit, over several lines. */
const COMMENT = `${expr} [link](https://evil.example)\n- item\n> quote ${'x'.repeat(2000)}`.slice(0, 2000);
/** No slash: a file name keeps only its last path segment. */
const FILE_NAME = '${x} [SOW](evil) **b** <i>.pdf';
/** A line of the PoE itself: the check quotes it as evidence, so it is user text too. */
const DOCUMENT_LINE = `Approved by contoso ${expr} [sign](https://evil.example) **now** <b>x</b>`;
const INFO_NOTE = `Please re-send: ${expr}\n[here](https://evil.example) **now**`;
const REJECT_NOTE = `${expr} <img src=x onerror=alert(1)> [appeal](https://evil.example)`;
const REVIEWER_COMMENT = "${if(true,'x','y')} [c](https://evil.example) ${$root.labels.title}";
const DISPLAY_NAME = `[Ada](https://evil.example) ${expr}`;

/**
 * Where `text` may be: a text run, an input's value or choice title, an action's title
 * or data; nowhere Teams renders markdown. Returns how many text runs carry it whole.
 */
function shownLiterally(card: Card, text: string, where: string, as: 'run' | 'input' = 'run'): number {
  let runs = 0;
  for (const visit of walk(card)) {
    if (typeof visit.value !== 'string') continue;
    assert.ok(!visit.value.includes(EVALUATED), `${where}: a template was evaluated in ${visit.owner}.${visit.key}`);
    if (!visit.value.includes(text)) continue;
    if (
      as === 'run'
        ? visit.owner === 'TextRun' && visit.key === 'text'
        : visit.owner.startsWith('Input.') && visit.key === 'value' && visit.value === text
    )
      runs++;
    const plain =
      (visit.owner === 'TextRun' && visit.key === 'text') ||
      (visit.owner.startsWith('Input.') && ['value', 'title'].includes(visit.key)) ||
      // The start card's name placeholder names the proposed name, made of the typed domain:
      // Teams renders markdown only in TextBlocks and facts, a placeholder is plain text.
      (visit.owner === 'Input.Text' && visit.key === 'placeholder') ||
      visit.owner.startsWith('Action.');
    assert.ok(plain, `${where}: user text in ${visit.owners.join(' > ')}.${visit.key}`);
  }
  assert.deepEqual(parseFindings(card), [], `${where}: the official renderer complains`);
  return runs;
}

/** Each text is in a text run of one of the cards (or, `as: 'input'`, exactly the value of an input: a card asked again). */
function assertShows(cards: Card[], texts: readonly string[], where: string, as: 'run' | 'input' = 'run'): void {
  assert.ok(cards.length > 0, `${where}: no card`);
  for (const text of texts) {
    const found = cards.reduce((sum, card) => sum + shownLiterally(card, text, where, as), 0);
    assert.ok(
      found > 0,
      `${where}: ${JSON.stringify(text.slice(0, 60))} is not shown in ${as === 'run' ? 'a text run' : 'an input'}`,
    );
  }
}

const invokeCard = async (
  world: HostileWorld,
  user: User,
  verb: string,
  data: Record<string, unknown>,
  locale: Locale,
): Promise<Card> => {
  const answer = await world.invoke(user, verb, data, locale);
  assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
  return answer.body.value as Card;
};

describe('hostile input: user text rendered literally in every card that shows it', function () {
  this.timeout(60_000);
  const world = useHostileWorld();

  for (const locale of LOCALES) {
    it(`${locale}: from the partner's cards to the reviewer's and back`, async () => {
      const partner: User = { ...ADMIN, id: `${ADMIN.id}-literal-${locale}`, name: DISPLAY_NAME };
      const chat = new HostileChat(world(), partner, locale);
      const welcome = cardsOf(
        await world().message(partner, { type: 'installationUpdate', action: 'add' }, locale, chat.conversationId),
      );
      assertShows(welcome, [DISPLAY_NAME], 'welcome');

      await chat.say(t(locale, 'welcome.newClaim'));
      const startInputs = {
        mpnId: '1234567',
        customerDomain: CUSTOMER_DOMAIN,
        customerTenantId: CUSTOMER_TENANT,
        areaActivity: 'businessApplications/revenueAssociation',
      };
      // A domain that is no domain comes back in its input (and in the proposed name's placeholder, plain text too).
      assertShows(
        cardsOf(await chat.click('startEntered', { ...startInputs, customerDomain: DOMAIN, name: NAME })),
        [DOMAIN],
        'domain refused, re-shown',
        'input',
      );
      const tooLong = `${NAME}${'z'.repeat(100)}`;
      assertShows(
        cardsOf(await chat.click('startEntered', { ...startInputs, name: tooLong })),
        [tooLong],
        'name over its limit, re-shown',
        'input',
      );
      await chat.click('startEntered', { ...startInputs, name: NAME });
      assertShows(
        cardsOf(
          await chat.click('revenueEntered', { ...REVENUE, customerName: `${REVENUE.customerName}${'y'.repeat(100)}` }),
        ),
        [`${REVENUE.customerName}${'y'.repeat(100)}`],
        'revenue over its limit, re-shown',
        'input',
      );
      await chat.click('revenueEntered', REVENUE);
      await chat.click('productsChosen', { productIds: 'dynamics365Sales' });
      await chat.click('subscriptionsEntered', { multiple_dynamics365Sales: 'false', ids_dynamics365Sales: '' });
      const prefilled = chat.lastCard();
      assert.ok(
        JSON.stringify(prefilled).includes(JSON.stringify(DISPLAY_NAME).slice(1, -1)),
        'the partner contact is prefilled with the display name',
      );
      shownLiterally(prefilled, DISPLAY_NAME, 'contacts prefilled');
      await chat.click('contactsEntered', CONTACTS);
      const poeCards = cardsOf(
        await chat.attach(
          FILE_NAME,
          world().files.serve(textPdf([{ lines: [DOCUMENT_LINE] }]), 'application/pdf'),
          'pdf',
        ),
      );
      assertShows(poeCards, [DOCUMENT_LINE, FILE_NAME], 'PoE card with the checklist');
      const review = cardsOf(await chat.click('poeDone'));
      const overComment = `${COMMENT}!`;
      assertShows(
        cardsOf(await chat.click('submitClaim', { comment: overComment })),
        [overComment],
        'comment over its limit, re-shown in the summary',
        'input',
      );
      const partnerTexts = [
        NAME,
        ...Object.values(REVENUE),
        ...Object.values(CONTACTS).filter((v) => !v.endsWith('.example') && !v.startsWith('sam@')),
        FILE_NAME,
      ];
      // The document's own words were quoted on the PoE card (above); the summary gives verdicts only.
      assertShows(review, partnerTexts, 'review card');
      assertShows(
        cardsOf(await chat.say(messageList(locale, 'commands.cancel')[0] ?? 'cancel')),
        [NAME],
        'cancel question',
      );
      await chat.click('cancelBack');
      const claimId = String(chat.actionData('saveDraft').claimId);
      assertShows(
        cardsOf(
          await world().message(
            partner,
            { value: { verb: 'continueDraft' } },
            locale,
            world().newConversation(partner),
          ),
        ),
        [NAME],
        'drafts list',
      );
      // The summary is the only confirmation: Submit adds the comment and submits.
      await chat.click('submitClaim', { comment: COMMENT });

      const claim = { partnerId: ADMIN.tenantId, id: claimId };
      const reviewerData = async () => ({
        claimId,
        partnerId: claim.partnerId,
        seenStatus: (await world().read(claim)).value.status,
      });
      assertShows([await invokeCard(world(), REVIEWER, 'reviewQueue', {}, locale)], [NAME], 'review queue');
      assertShows(
        [await invokeCard(world(), REVIEWER, 'reviewOpen', await reviewerData(), locale)],
        // The reviewer sees the document's words quoted as evidence.
        [...partnerTexts, DOCUMENT_LINE],
        'reviewer card',
      );
      await invokeCard(world(), REVIEWER, 'reviewStart', await reviewerData(), locale);
      assertShows(
        [
          await invokeCard(
            world(),
            REVIEWER,
            'addComment',
            { ...(await reviewerData()), audience: 'reviewer', comment: REVIEWER_COMMENT, commentId: `c-${locale}` },
            locale,
          ),
        ],
        [REVIEWER_COMMENT, COMMENT],
        'reviewer card with comments',
      );
      assertShows(
        [
          await invokeCard(
            world(),
            REVIEWER,
            'reviewRequestInfo',
            { ...(await reviewerData()), infoReasons: 'missingAllPoe', infoNote: INFO_NOTE },
            locale,
          ),
        ],
        [INFO_NOTE],
        'reviewer card after the request',
      );

      assertShows(
        cardsOf(await world().message(partner, { value: { verb: 'viewClaim', claimId } }, locale, chat.conversationId)),
        [NAME, INFO_NOTE],
        'status card',
      );
      assertShows(
        cardsOf(
          await world().message(partner, { value: { verb: 'viewHistory', claimId } }, locale, chat.conversationId),
        ),
        [NAME, INFO_NOTE],
        'history card',
      );
      assertShows(
        cardsOf(await world().message(partner, { value: { verb: 'myClaims' } }, locale, chat.conversationId)),
        [NAME],
        'claims list',
      );
      assertShows(
        [await invokeCard(world(), partner, 'viewComments', { claimId }, locale)],
        [COMMENT, REVIEWER_COMMENT],
        'comments thread',
      );

      const rejected = await world().seed(HOME, {
        status: 'underReview',
        name: NAME,
        submittedAt: new Date().toISOString(),
      });
      await invokeCard(
        world(),
        REVIEWER,
        'reviewReject',
        {
          claimId: rejected.id,
          partnerId: rejected.partnerId,
          seenStatus: 'underReview',
          rejectReason: 'other',
          rejectNote: REJECT_NOTE,
        },
        locale,
      );
      assertShows(
        cardsOf(
          await world().message(
            partner,
            { value: { verb: 'viewClaim', claimId: rejected.id } },
            locale,
            chat.conversationId,
          ),
        ),
        [NAME, REJECT_NOTE],
        'status card of the rejection',
      );
      assert.deepEqual(world().takeFailures(), []);
    });
  }
});
