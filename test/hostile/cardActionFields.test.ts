/**
 * The Action.Execute cards (answered outside any dialog), fuzzed through the composed
 * bot over HTTP: the reviewer's request-information reasons and note, rejection reason
 * and note, approval note; comments from the partner's thread and the reviewer's card;
 * and every verb the bot registers, pressed by every kind of user with any data at all.
 * The answer is the clicked card replaced by a localized one, or a typed 4xx: never a
 * 5xx, a 501 (no answer) or a failed turn. Stored claims stay valid, the other
 * organisation's untouched, and no prototype changed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { INFO_REQUEST_REASONS, REJECTION_REASONS, type Claim } from '../../claims/model';
import { LOCALES, t, type Locale } from '../../locales/i18n';
import { assertClaimValid } from './claimInvariants';
import {
  extraEntries,
  fieldValue,
  fuzzRuns,
  hostileString,
  notAnObject,
  recordOf,
  wrongType,
} from './hostileArbitraries';
import {
  ADMIN,
  FOREIGN,
  HOME,
  MONDAY,
  OTHER_ADMIN,
  REVIEWER,
  VIEWER,
  hostileWorld,
  type HostileWorld,
  type InvokeAnswer,
  type User,
} from './hostileWorld';
import { assertLocalizedCard, assertUnpolluted, isCatalogText, prototypeSnapshot, type Card } from './replies';

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
const ERROR_TYPE = 'application/vnd.microsoft.error';

describe('hostile input: Action.Execute cards', function () {
  this.timeout(120_000);
  let world: HostileWorld;
  let foreign: Claim[] = [];
  const prototypes = prototypeSnapshot();

  before(async () => {
    world = await hostileWorld();
    foreign = [
      await world.seed(FOREIGN, {
        status: 'underReview',
        submittedAt: MONDAY.toISOString(),
        name: 'Rival secret deal',
      }),
    ];
  });
  after(async () => {
    await world?.close();
  });

  const underReview = (): Promise<Claim> =>
    world.seed(HOME, { status: 'underReview', submittedAt: MONDAY.toISOString() });

  /** A replaced card in the locale, or a typed refusal; nothing failed unseen; `touched` (HOME's claims the run could change) still valid. */
  async function checkAnswer(
    answer: InvokeAnswer,
    locale: Locale,
    where: string,
    touched: readonly Claim[] = [],
  ): Promise<Card | undefined> {
    assert.deepEqual(world.takeFailures(), [], where);
    assert.ok(
      [200, 400, 403].includes(answer.status),
      `${where}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
    assert.equal(answer.body.statusCode, answer.status, where);
    assertUnpolluted(prototypes, where);
    for (const claim of touched) assertClaimValid((await world.read(claim)).value, HOME, where);
    for (const claim of foreign)
      assert.deepEqual((await world.read(claim)).value, claim, `${where}: the other organisation's claim changed`);
    if (answer.body.type === CARD_TYPE) {
      assert.equal(answer.status, 200, where);
      const card = answer.body.value as Card;
      assertLocalizedCard(card, locale, where);
      return card;
    }
    assert.equal(answer.body.type, ERROR_TYPE, where);
    const { code, message } = answer.body.value as { code: string; message: string };
    // The router's own refusals are protocol answers Teams shows its own error for; the consent card's are sentences.
    assert.ok(
      ['BadRequest', 'UnknownVerb'].includes(code) || isCatalogText(locale, message),
      `${where}: ${code} ${message}`,
    );
    return undefined;
  }

  it('the reviewer: request-information reasons and note, rejection reason and note, approval note', async () => {
    const reasons = fc.oneof(
      fc.subarray([...INFO_REQUEST_REASONS], { minLength: 1 }).map((r) => r.join(',')),
      hostileString,
      wrongType,
    );
    const data = fc.oneof(
      fc.record(
        {
          verb: fc.constant('reviewRequestInfo'),
          infoReasons: reasons,
          infoNote: fieldValue(['Please attach the signed SOW.']),
        },
        { requiredKeys: ['verb'] },
      ),
      fc.record(
        {
          verb: fc.constant('reviewReject'),
          rejectReason: fieldValue([...REJECTION_REASONS]),
          rejectNote: fieldValue(['The PoE is not signed.']),
        },
        { requiredKeys: ['verb'] },
      ),
      fc.record(
        { verb: fc.constant('reviewApprove'), approveNote: fieldValue(['Looks right.']) },
        { requiredKeys: ['verb'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LOCALES), data, extraEntries, async (locale, { verb, ...inputs }, extra) => {
        const claim = await underReview();
        const where = `${verb} ${JSON.stringify(inputs).slice(0, 160)} (${locale})`;
        const answer = await world.invoke(
          REVIEWER,
          verb,
          { claimId: claim.id, partnerId: claim.partnerId, seenStatus: claim.status, ...inputs, ...recordOf(extra) },
          locale,
        );
        assert.ok(await checkAnswer(answer, locale, where, [claim]), `${where}: the review card comes back`);
      }),
      fuzzRuns(40),
    );
  });

  it('comments from the partner thread and the reviewer card', async () => {
    const claim = await underReview();
    const users: [User, 'partner' | 'reviewer'][] = [
      [ADMIN, 'partner'],
      [VIEWER, 'partner'],
      [REVIEWER, 'reviewer'],
      [ADMIN, 'reviewer'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...users),
        fieldValue(['Please see the attached SOW.']),
        fc.oneof(fc.uuid(), hostileString, wrongType),
        async (locale, [user, audience], comment, commentId) => {
          const where = `${user.aadObjectId} as ${audience}: ${JSON.stringify(comment).slice(0, 100)} (${locale})`;
          const answer = await world.invoke(
            user,
            'addComment',
            { claimId: claim.id, partnerId: claim.partnerId, seenStatus: 'underReview', audience, comment, commentId },
            locale,
          );
          await checkAnswer(answer, locale, where, [claim]);
        },
      ),
      fuzzRuns(40),
    );
  });

  it('every registered verb, pressed by anyone with any data, gets a localized card or a typed refusal', async () => {
    const verbs = world.bot.cardActionVerbs;
    assert.ok(
      verbs.includes('reviewApprove') && verbs.includes('customerApprove') && verbs.includes('addComment'),
      verbs.join(', '),
    );
    const statuses = [
      'submitted',
      'underReview',
      'partnerActionRequired',
      'approvedCustomerNotified',
      'associated',
      'rejected',
    ] as const;
    const own: Claim[] = [];
    for (const status of statuses) own.push(await world.seed(HOME, { status, submittedAt: MONDAY.toISOString() }));
    const ids = [...own, ...foreign].map((c) => c.id);
    const data = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.record(
              {
                claimId: fc.oneof(fc.constantFrom(...ids), hostileString, wrongType),
                partnerId: fc.oneof(fc.constantFrom(HOME.id, FOREIGN.id), hostileString, wrongType),
                seenStatus: fieldValue(['underReview', 'submitted']),
                token: fieldValue(),
                page: fc.oneof(fc.integer(), hostileString, wrongType),
                continuationToken: fieldValue(),
                audience: fieldValue(['partner', 'reviewer']),
                comment: fieldValue(['ok']),
              },
              { requiredKeys: [] },
            ),
            extraEntries,
          )
          .map(([fields, extra]) => ({ ...fields, ...recordOf(extra) })),
      },
      { weight: 1, arbitrary: notAnObject },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.constantFrom(ADMIN, VIEWER, OTHER_ADMIN, REVIEWER),
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...verbs) },
          { weight: 1, arbitrary: fc.oneof(hostileString, wrongType) },
        ),
        data,
        async (locale, user, verb, payload) => {
          const answer = await world.invoke(user, verb, payload, locale);
          await checkAnswer(
            answer,
            locale,
            `${JSON.stringify(verb)} by ${user.aadObjectId} with ${JSON.stringify(payload).slice(0, 200)} (${locale})`,
            own,
          );
        },
      ),
      fuzzRuns(60),
    );
  });

  it('an invoke that is not an Action.Execute, or has no action, is a typed 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.oneof(
          notAnObject,
          fc.record({
            action: fc.oneof(
              notAnObject,
              fc.record({ type: fieldValue(['Action.Submit']), verb: fieldValue(['reviewOpen']) }),
            ),
          }),
        ),
        async (locale, value) => {
          const response = await fetch(`${world.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              type: 'invoke',
              name: 'adaptiveCard/action',
              channelId: 'msteams',
              serviceUrl: 'http://127.0.0.1:9/',
              locale,
              from: { id: REVIEWER.id, aadObjectId: REVIEWER.aadObjectId },
              recipient: { id: '28:bot' },
              conversation: { id: 'a:x', tenantId: REVIEWER.tenantId, conversationType: 'personal' },
              value,
            }),
          });
          const answer = { status: response.status, body: (await response.json()) as InvokeAnswer['body'] };
          await checkAnswer(answer, locale, `invoke value ${JSON.stringify(value).slice(0, 200)}`);
          assert.equal(answer.status, 400);
        },
      ),
      fuzzRuns(25),
    );
  });

  it('the review queue: a paging token with the right fingerprint but a Cosmos token that is not ours starts over', async () => {
    for (let i = 0; i < 3; i++) await underReview();
    const first = await world.h.claims.reviewQueue(1);
    assert.ok(first.continuationToken, 'the queue has a second page');
    const { f } = JSON.parse(Buffer.from(first.continuationToken, 'base64url').toString('utf8')) as { f: string };
    for (const c of ['garbage', '{"token":null,"range":{"min":"","max":"FF"}}', 'x'.repeat(20_000)]) {
      for (const locale of LOCALES) {
        const token = Buffer.from(JSON.stringify({ f, c })).toString('base64url');
        const card = await checkAnswer(
          await world.invoke(REVIEWER, 'reviewQueue', { page: 2, continuationToken: token }, locale),
          locale,
          `reviewQueue ${c.slice(0, 30)} (${locale})`,
        );
        assert.ok(
          card && JSON.stringify(card).includes(t(locale, 'reviewer.queueTitle')),
          'the first page of the queue',
        );
      }
    }
  });
});
