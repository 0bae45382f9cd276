/**
 * Another organisation's claim ids, tried on everything that takes a claim, as users of
 * HOME through the composed bot over HTTP: every typed command word of every language
 * followed by the id (and by the claim's name and customer), every Action.Submit verb
 * (cards/verbs.ts) with the id and the other organisation's partner id in the data, at
 * the top of the conversation and in the middle of a new claim, and every Action.Execute
 * verb the bot registers (read from its router, so new ones are covered). The rival's
 * claims are in every status a verb could act on. The answer is "not found", a stale
 * card or a refusal; nothing of the rival's claim (name, customer, products, contacts)
 * appears in any answer; its Cosmos documents are exactly as before. Also: a reviewer's
 * action by a partner on their own claim, and the customer's consent buttons pressed by
 * someone who is not the customer contact.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CARD_VERBS } from '../../cards/verbs';
import type { Claim, ClaimStatus } from '../../claims/model';
import { consentTokenFor } from '../../bot/consent/consentLinks';
import { mainRequestOf } from '../../dialogs/mainRequests';
import { COMMANDS, LOCALES, productName, t, type Locale } from '../../locales/i18n';
import { messageList } from '../../locales/translator';
import { HostileChat } from './hostileChat';
import {
  ADMIN,
  FOREIGN,
  HOME,
  MONDAY,
  VIEWER,
  hostileWorld,
  type HostileWorld,
  type InvokeAnswer,
  type Reply,
  type User,
} from './hostileWorld';
import {
  assertLocalizedCard,
  assertLocalizedReplies,
  cardsOf,
  textBlocks,
  textRuns,
  textsOf,
  type Card,
} from './replies';

const WEEK_LATER = new Date(MONDAY.getTime() + 7 * 86_400_000).toISOString();

/** The rival's claims: one in each status a verb could act on, with names and a customer nobody else has. */
const STATUSES: readonly ClaimStatus[] = [
  'draft',
  'submitted',
  'underReview',
  'partnerActionRequired',
  'approvedCustomerNotified',
  'associated',
  'rejected',
];

const rivalClaim = (status: ClaimStatus): Partial<Claim> => ({
  status,
  name: `Rival secret deal ${status}`,
  customerDomain: 'rival-secret-customer.example',
  solutionArea: 'businessApplications',
  activity: 'usageOrPresales',
  productIds: ['dynamics365FieldService'],
  customerContact: { name: 'Rita Rivalcustomer', title: 'CFO', email: 'rita@rival-secret-customer.example' },
  technicalContact: { name: 'Tom Rivaltech', title: 'IT', email: 'tom@rival-secret-customer.example' },
  ...(status === 'draft' ? {} : { submittedAt: MONDAY.toISOString() }),
  ...(status === 'partnerActionRequired'
    ? { infoRequest: { reasonCodes: ['missingAllPoe'], note: 'Rival note', deadlineAt: WEEK_LATER } }
    : {}),
  ...(status === 'approvedCustomerNotified' ? { windowClosesAt: WEEK_LATER } : {}),
  ...(status === 'rejected'
    ? { rejection: { reason: 'insufficientPoe', at: MONDAY.toISOString(), note: 'Rival rejection note' } }
    : {}),
});

describe("hostile input: another organisation's claim ids on every command and card action", function () {
  this.timeout(60_000);
  let world: HostileWorld;
  let rivals: Claim[];
  let secrets: string[];

  before(async () => {
    world = await hostileWorld();
    rivals = [];
    for (const status of STATUSES) rivals.push(await world.seed(FOREIGN, rivalClaim(status)));
    const sample = rivals[0] as Claim;
    secrets = [
      ...rivals.map((c) => c.name),
      sample.customerDomain,
      ...rivals.map((c) => c.customerTenantId),
      productName('dynamics365FieldService'),
      'Rita Rivalcustomer',
      'rita@rival-secret-customer.example',
      'Tom Rivaltech',
      'Rival note',
      'Rival rejection note',
    ];
  });
  after(async () => {
    await world?.close();
  });

  /** The genuine consent token of a rival claim awaiting its customer (what the customer's email link carries). */
  const rivalToken = (claim: Claim): string | undefined =>
    consentTokenFor(world.tokens, claim, 'customerConsentRequest');

  /** Every text and card of the answers, as one string to search. */
  const shown = (replies: readonly (Reply | Card)[]): string => JSON.stringify(replies);

  function assertNothingLeaks(answer: readonly (Reply | Card)[], where: string): void {
    const text = shown(answer);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `${where}: the answer shows ${JSON.stringify(secret)}`);
  }

  async function assertRivalsUntouched(where: string): Promise<void> {
    for (const claim of rivals) {
      const now = await world.read(claim);
      assert.deepEqual(now.value, claim, `${where}: the rival's ${claim.status} claim changed`);
    }
    assert.deepEqual(world.takeFailures(), [], where);
  }

  const claimData = (claim: Claim): Record<string, unknown> => ({
    claimId: claim.id,
    partnerId: FOREIGN.id,
    seenStatus: claim.status,
    nonce: 'x',
    section: 'products',
    justification: 'We influenced this deal.',
    reason: 'No longer ours.',
    comment: 'Hello from another organisation',
    commentId: randomUUID(),
    audience: 'partner',
    infoReasons: 'missingAllPoe',
    infoNote: 'note',
    rejectReason: 'insufficientPoe',
    rejectNote: 'note',
  });

  for (const user of [ADMIN, VIEWER]) {
    it(`${user.name}: every typed command word followed by the rival's id, name or customer finds nothing of it`, async () => {
      for (const locale of LOCALES) {
        const who = { ...user, id: `${user.id}-typed-${locale}` };
        for (const command of COMMANDS) {
          // Only status and history take an argument: they get all three; the others one each, in turn.
          const target = rivals[1] as Claim;
          const candidates = [target.id, target.name, target.customerDomain];
          for (const [i, word] of messageList(locale, `commands.${command}`).entries()) {
            for (const argument of command === 'status' || command === 'history'
              ? candidates
              : [candidates[i % candidates.length]]) {
              world.newConversation(who);
              const where = `"${word} ${argument}" (${locale})`;
              const replies = await world.message(who, { text: `${word} ${argument}` }, locale);
              assertLocalizedReplies(replies, locale, where);
              assertNothingLeaks(replies, where);
            }
          }
        }
      }
      await assertRivalsUntouched('typed commands');
    });

    it(`${user.name}: every Action.Submit verb naming a rival claim is not found, and changes nothing`, async () => {
      for (const claim of rivals) {
        for (const verb of CARD_VERBS) {
          const locale: Locale = LOCALES[CARD_VERBS.indexOf(verb) % LOCALES.length] ?? 'en-US';
          const who = { ...user, id: `${user.id}-${locale}` };
          world.newConversation(who);
          const value = { verb, ...claimData(claim) };
          const where = `${verb} on the rival's ${claim.status} claim (${locale})`;
          const replies = await world.message(who, { value }, locale);
          assertLocalizedReplies(replies, locale, where);
          assertNothingLeaks(replies, where);
          // A request about a claim (by its id) is answered "not found", or refused before anything is looked up.
          const request = mainRequestOf({ value });
          const notFoundOrRefused = ['errors.notFound', 'access.notAllowed', 'manage.notAllowed'] as const;
          if ('claimId' in request && request.claimId === claim.id) {
            assert.ok(
              notFoundOrRefused.some((key) => textsOf(replies).join('|') === t(locale, key)),
              `${where}: ${textsOf(replies).join('|')}`,
            );
            assert.equal(cardsOf(replies).length, 0, `${where}: a card about it`);
          }
          if (['newClaim', 'resumeDraft'].includes(verb))
            await world.message(who, { text: messageList(locale, 'commands.cancel')[0] }, locale);
        }
      }
      await assertRivalsUntouched('Action.Submit verbs');
    });
  }

  it('in the middle of a new claim, every Action.Submit verb naming a rival claim is a stale card', async () => {
    for (const locale of LOCALES) {
      const chat = new HostileChat(world, { ...ADMIN, id: `${ADMIN.id}-flow-${locale}` }, locale);
      await chat.toReview();
      for (const verb of CARD_VERBS) {
        const claim = rivals[CARD_VERBS.indexOf(verb) % rivals.length] as Claim;
        const where = `${verb} in a flow (${locale})`;
        const replies = await chat.submitValue({ verb, ...claimData(claim) });
        assertLocalizedReplies(replies, locale, where);
        assertNothingLeaks(replies, where);
        // Help and the language card work at any moment; anything else from another claim's card is out of date.
        // The help and welcome cards' buttons that start a flow wait for this one instead.
        const expected = ['newClaim', 'continueDraft', 'myClaims'].includes(verb)
          ? 'conversation.flowRunning'
          : 'conversation.staleCard';
        if (!['help', 'chooseLanguage'].includes(verb)) assert.equal(textsOf(replies)[0], t(locale, expected), where);
        if (!verb.endsWith('Language')) assert.ok(chat.isOn('summary.title'), `${where}: the review card again`);
      }
    }
    await assertRivalsUntouched('Action.Submit verbs in a flow');
  });

  /** The sentences an Action.Execute refusal may say: not found, not a reviewer, or one of the consent card's. */
  const refusals = (locale: Locale): string[] => [
    t(locale, 'errors.notFound'),
    t(locale, 'access.notReviewer'),
    // The role cards name an organisation, never a claim: data without the caller's own one is refused.
    t(locale, 'members.notAllowed'),
    t(locale, 'organisations.notAllowed'),
    t(locale, 'problems.accessRequestNotAllowed'),
    ...['malformed', 'forged', 'notFound', 'superseded', 'closed', 'notYourCard'].map((key) =>
      t(locale, `consent.errors.${key}` as Parameters<typeof t>[1]),
    ),
  ];

  function assertRefused(answer: InvokeAnswer, locale: Locale, where: string): void {
    assert.ok([200, 400, 403].includes(answer.status), `${where}: HTTP ${answer.status}`);
    if (answer.status !== 200) return;
    const card = answer.body.value as Card;
    assertLocalizedCard(card, locale, where);
    const said = [...textBlocks(card), ...textRuns(card)];
    assert.ok(
      said.some((line) => refusals(locale).includes(line)),
      `${where}: ${JSON.stringify(said).slice(0, 300)}`,
    );
  }

  for (const user of [ADMIN, VIEWER]) {
    it(`${user.name}: every registered Action.Execute verb naming a rival claim is refused, and changes nothing`, async () => {
      const verbs = world.bot.cardActionVerbs;
      assert.ok(verbs.length >= 10, verbs.join(', '));
      for (const claim of rivals) {
        for (const verb of verbs) {
          for (const audience of ['partner', 'reviewer']) {
            const locale: Locale = LOCALES[verbs.indexOf(verb) % LOCALES.length] ?? 'en-US';
            const where = `${verb} (${audience}) on the rival's ${claim.status} claim (${locale})`;
            const answer = await world.invoke(
              user,
              verb,
              { ...claimData(claim), audience, token: rivalToken(claim) },
              locale,
            );
            assertRefused(answer, locale, where);
            assertNothingLeaks([answer.body as Card], where);
          }
        }
      }
      await assertRivalsUntouched('Action.Execute verbs');
    });
  }

  it("a reviewer's action pressed by a partner admin on their own claim is refused, and changes nothing", async () => {
    const own = await world.seed(HOME, { status: 'underReview', submittedAt: MONDAY.toISOString() });
    const before = await world.read(own);
    for (const verb of world.bot.cardActionVerbs.filter((v) => v.startsWith('review'))) {
      for (const locale of LOCALES) {
        const answer = await world.invoke(ADMIN, verb, { ...claimData(own), partnerId: HOME.id }, locale);
        assertRefused(answer, locale, `${verb} by a partner (${locale})`);
        assert.ok(
          JSON.stringify(answer.body).includes(JSON.stringify(t(locale, 'access.notReviewer')).slice(1, -1)),
          verb,
        );
      }
    }
    const reviewerComment = await world.invoke(
      ADMIN,
      'addComment',
      { ...claimData(own), partnerId: HOME.id, audience: 'reviewer' },
      'en-US',
    );
    assertRefused(reviewerComment, 'en-US', 'a comment as reviewer by a partner');
    assert.deepEqual(await world.read(own), before);
  });

  it("the customer's consent buttons pressed by someone else (a partner, with the rival claim's genuine token) are refused", async () => {
    const awaiting = rivals.find((c) => c.status === 'approvedCustomerNotified') as Claim;
    const token = rivalToken(awaiting);
    assert.ok(token);
    for (const user of [ADMIN, VIEWER] as User[]) {
      for (const verb of ['customerApprove', 'customerOptOut', 'customerOptOutConfirm', 'customerConsentBack']) {
        for (const locale of LOCALES) {
          const answer = await world.invoke(user, verb, { claimId: awaiting.id, token }, locale);
          assert.equal(answer.status, 403, `${verb} by ${user.name}`);
          assert.deepEqual(answer.body.value, { code: 'Forbidden', message: t(locale, 'consent.errors.notYourCard') });
          assertNothingLeaks([answer.body as Card], verb);
        }
      }
    }
    await assertRivalsUntouched('consent buttons');
  });
});
