/**
 * The conversation outside the new-claim flow, fuzzed through the composed bot over
 * HTTP: typed text (alone or after a command word of the user's language), every
 * Action.Submit verb with hostile and wrongly typed fields (claim ids, the claims
 * list's filter and paging token, sections, reasons, the language choice), and the
 * free text of the status card's forms: the dispute justification and the reason for
 * ending an association. Each run gets a localized answer, never a failed turn; the
 * organisation's claims stay valid, the other organisation's claims are untouched, and
 * no prototype changed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CARD_VERBS } from '../../cards/verbs';
import type { Claim } from '../../claims/model';
import { COMMANDS, LOCALES, isLocale, t, type Locale } from '../../locales/i18n';
import { messageList } from '../../locales/translator';
import { assertClaimValid } from './claimInvariants';
import { fieldValue, fuzzRuns, hostileString, wrongType } from './hostileArbitraries';
import { ADMIN, FOREIGN, HOME, MONDAY, VIEWER, hostileWorld, type HostileWorld, type User } from './hostileWorld';
import { assertLocalizedReplies, assertUnpolluted, prototypeSnapshot, textsOf } from './replies';

/** The user in one language: the language preference is kept per Teams user id, so each language gets its own. */
const userIn = (user: User, locale: Locale): User => ({ ...user, id: `${user.id}-${locale}` });

describe('hostile input: commands, card buttons and the status card forms', function () {
  this.timeout(120_000);
  let world: HostileWorld;
  const own: Claim[] = [];
  let foreign: Claim[] = [];
  let tokens: string[] = [];
  const prototypes = prototypeSnapshot();

  before(async () => {
    world = await hostileWorld();
    // Enough claims for a second page, in several statuses, and a rival's.
    for (let i = 0; i < 12; i++)
      own.push(
        await world.seed(HOME, {
          status: i % 3 === 0 ? 'draft' : 'submitted',
          createdBy: { role: 'partnerAdmin', id: ADMIN.aadObjectId },
        }),
      );
    foreign = [
      await world.seed(FOREIGN, { status: 'submitted', name: 'Rival secret deal' }),
      await world.seed(FOREIGN, { status: 'draft' }),
    ];
    tokens = await pagingTokens(world);
  });
  after(async () => {
    await world?.close();
  });

  async function checkRun(
    replies: Awaited<ReturnType<HostileWorld['message']>>,
    locale: Locale,
    where: string,
  ): Promise<void> {
    assert.deepEqual(world.takeFailures(), [], where);
    assertLocalizedReplies(replies, locale, where);
    assertUnpolluted(prototypes, where);
    for (const claim of own) assertClaimValid((await world.read(claim)).value, HOME, where);
    for (const claim of foreign)
      assert.deepEqual((await world.read(claim)).value, claim, `${where}: the other organisation's claim changed`);
  }

  it('typed text, alone or after a command word, gets a localized answer', async () => {
    const typed = (locale: Locale) =>
      fc.oneof(
        hostileString,
        fc
          .tuple(fc.constantFrom(...COMMANDS.flatMap((c) => messageList(locale, `commands.${c}`))), hostileString)
          .map(([word, rest]) => `${word} ${rest}`),
      );
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...LOCALES)
          .chain((locale) => fc.tuple(fc.constant(locale), fc.constantFrom(ADMIN, VIEWER), typed(locale))),
        async ([locale, user, text]) => {
          const who = userIn(user, locale);
          world.newConversation(who);
          await checkRun(
            await world.message(who, { text }, locale),
            locale,
            `typed ${JSON.stringify(text.slice(0, 80))} (${locale})`,
          );
        },
      ),
      fuzzRuns(40),
    );
  });

  it('every card button with hostile or wrongly typed data gets a localized answer', async () => {
    const ids = () => [...own, ...foreign].map((c) => c.id);
    const submit = fc.record(
      {
        verb: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...CARD_VERBS) },
          { weight: 1, arbitrary: fc.oneof(hostileString, wrongType) },
        ),
        claimId: fc.oneof(fc.constantFrom(...ids()), hostileString, wrongType),
        nonce: fieldValue(),
        filterStatus: fieldValue(['submitted,draft', 'rejected,bogus', 'draft,draft']),
        filterArea: fieldValue(['microsoft365', 'businessApplications']),
        filterCustomer: fieldValue(['contoso', 'aaaaaaaa']),
        continuationToken: fc.oneof(fc.constantFrom(...tokens), hostileString, wrongType),
        page: fc.oneof(fc.integer(), fc.double(), hostileString, wrongType, fc.constant('2')),
        section: fieldValue(['products', 'poe']),
        justification: fieldValue(['The customer signed in January.']),
        reason: fieldValue(['The customer moved to another partner.']),
        language: fieldValue(['teams']).filter((v) => !isLocale(v)),
      },
      { requiredKeys: ['verb'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.constantFrom(ADMIN, VIEWER),
        submit,
        async (locale, user, value) => {
          const who = userIn(user, locale);
          world.newConversation(who);
          const replies = await world.message(who, { value }, locale);
          await checkRun(replies, locale, `${JSON.stringify(value).slice(0, 200)} (${locale})`);
        },
      ),
      fuzzRuns(50),
    );
  });

  it('a paging token with the right fingerprint but a Cosmos token that is not ours starts over on the first page', async () => {
    for (const locale of LOCALES) {
      for (const token of tokens.slice(1, 4)) {
        const who = userIn(VIEWER, locale);
        world.newConversation(who);
        const replies = await world.message(
          who,
          { value: { verb: 'claimsPage', continuationToken: token, page: 2 } },
          locale,
        );
        await checkRun(replies, locale, `claimsPage with ${token.slice(0, 40)}… (${locale})`);
      }
    }
  });

  it('the dispute justification and the reason for ending an association: refused with the reason why, or recorded valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.constantFrom('disputeClaim', 'disassociateClaim'),
        fieldValue(['The customer signed the SOW in January; see the new PoE.', 'Customer moved to another partner.']),
        async (locale, verb, text) => {
          const rejected = {
            status: 'rejected' as const,
            submittedAt: MONDAY.toISOString(),
            rejection: { reason: 'insufficientPoe' as const, at: MONDAY.toISOString() },
          };
          const claim = await world.seed(
            HOME,
            verb === 'disputeClaim' ? rejected : { status: 'associated', submittedAt: MONDAY.toISOString() },
          );
          own.push(claim);
          const who = userIn(ADMIN, locale);
          world.newConversation(who);
          const where = `${verb} ${JSON.stringify(text).slice(0, 100)} (${locale})`;
          const replies = await world.message(
            who,
            { value: { verb, claimId: claim.id, [verb === 'disputeClaim' ? 'justification' : 'reason']: text } },
            locale,
          );
          await checkRun(replies, locale, where);
          const after = (await world.read(claim)).value;
          if (verb === 'disputeClaim' && textsOf(replies).length === 0) {
            // Judged fileable: the flow asks for new PoE. Stopping it files nothing.
            const stopped = await world.message(who, { text: messageList(locale, 'commands.cancel')[0] }, locale);
            await checkRun(stopped, locale, where);
            assert.deepEqual(textsOf(stopped), [t(locale, 'manage.disputeStopped')], where);
            assert.equal((await world.read(claim)).value.status, 'rejected', where);
          } else if (after.status !== claim.status) {
            assert.equal(after.status, 'rejectedFinal', `${where}: only a valid reason ends the association`);
            assert.equal(typeof text, 'string', where);
          }
        },
      ),
      fuzzRuns(40),
    );
  });
});

/**
 * Paging tokens a card could carry: the real one of HOME's first page, one whose query
 * fingerprint is right (it is no secret) but whose Cosmos token is garbage, and one of
 * the other organisation's list.
 */
async function pagingTokens(world: HostileWorld): Promise<string[]> {
  const real = (await world.h.claims.listByPartner(HOME.id, {}, 10)).continuationToken;
  assert.ok(real, 'HOME has a second page');
  const { f } = JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as { f: string };
  const forged = (c: string) => Buffer.from(JSON.stringify({ f, c })).toString('base64url');
  const rival = (await world.h.claims.listByPartner(FOREIGN.id, {}, 1)).continuationToken ?? 'none';
  return [
    real,
    forged('garbage'),
    forged('{"token":null,"range":{"min":"","max":"FF"}}'),
    forged('x'.repeat(20_000)),
    rival,
  ];
}
