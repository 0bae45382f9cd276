/**
 * Every card field of the new-claim conversation, fuzzed through the composed bot over
 * HTTP: a partner admin edits one section of a claim from the review card and sends
 * hostile text, the wrong types, extra and prototype keys, or no object at all; then the
 * PoE card gets attachments of every wrong shape. Whatever arrives, the turn succeeds,
 * the answer is the locale's own text or card, the card the partner is on is shown
 * again (or the next one, when the input was valid), nothing invalid is stored, and no
 * prototype changed.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CardVerb, SummarySection } from '../../cards/verbs';
import { FILE_DOWNLOAD_INFO } from '../../dialogs/cardPrompt';
import { LOCALES, type Locale, type MessageKey } from '../../locales/i18n';
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
import { CONTACTS, CUSTOMER_TENANT, HostileChat, REVENUE, SUBSCRIPTION } from './hostileChat';
import { ADMIN, HOME, hostileWorld, type HostileWorld, type Reply } from './hostileWorld';
import { assertLocalizedReplies, assertUnpolluted, cardOf, prototypeSnapshot } from './replies';

type ClaimKind = 'microsoft365' | 'revenue';

interface Target {
  name: string;
  claim: ClaimKind;
  section: SummarySection;
  title: MessageKey;
  verb: CardVerb;
  /** Valid values for every input of the card; a run replaces some of them. */
  inputs: Record<string, string>;
  /** Fields of the submit a run may replace: the inputs, and data a client could change. */
  fields: string[];
  /** Other valid values per field, so runs also go on to the next card. */
  valid?: Record<string, string[]>;
}

/** Valid values for every input of the start card. */
const START_INPUTS = {
  mpnId: '1234567',
  customerDomain: 'contoso.onmicrosoft.com',
  customerTenantId: CUSTOMER_TENANT,
  areaActivity: 'microsoft365/usage',
  name: 'Contoso rollout',
};

/**
 * The start card, reached from the review with the Edit menu's `section`: one target per
 * group of its inputs, so each gets as many hostile runs as it had when it was a card of its own.
 */
const startTarget = (
  name: string,
  section: SummarySection,
  fields: (keyof typeof START_INPUTS)[],
  valid?: Record<string, string[]>,
): Target => ({
  name: `start card, ${name}`,
  claim: 'microsoft365',
  section,
  title: 'start.title',
  verb: 'startEntered',
  inputs: START_INPUTS,
  fields,
  ...(valid ? { valid } : {}),
});

const TARGETS: Target[] = [
  startTarget('partner location', 'location', ['mpnId'], { mpnId: ['7654321', '１２３４５６７', '5550001', ''] }),
  startTarget('customer domain and tenant id', 'customer', ['customerDomain', 'customerTenantId'], {
    customerDomain: ['contoso.com', 'unknown-customer.example', 'fabrikam.com', 'outlook.com'],
    customerTenantId: [`{${CUSTOMER_TENANT.toUpperCase()}}`, ''],
  }),
  startTarget('solution area and activity', 'solution', ['areaActivity']),
  startTarget('claim name', 'claimName', ['name'], { name: ['', 'Contoso rollout, phase 2'] }),
  startTarget('every input at once', 'customer', Object.keys(START_INPUTS) as (keyof typeof START_INPUTS)[]),
  {
    name: 'revenue association details',
    claim: 'revenue',
    section: 'revenue',
    title: 'revenue.title',
    verb: 'revenueEntered',
    inputs: REVENUE,
    fields: Object.keys(REVENUE),
  },
  {
    name: 'products',
    claim: 'microsoft365',
    section: 'products',
    title: 'products.title',
    verb: 'productsChosen',
    inputs: { productIds: 'exchangeOnline' },
    fields: ['productIds'],
    valid: { productIds: ['exchangeOnline,oneDrive', 'hosting', 'exchangeOnline,exchangeOnline', 'dynamics365Sales'] },
  },
  {
    name: 'subscription ids',
    claim: 'revenue',
    section: 'subscriptions',
    title: 'subscriptions.title',
    verb: 'subscriptionsEntered',
    inputs: { multiple_dynamics365Sales: 'true', ids_dynamics365Sales: SUBSCRIPTION },
    fields: ['multiple_dynamics365Sales', 'ids_dynamics365Sales', 'productIds'],
    valid: { multiple_dynamics365Sales: ['false'], ids_dynamics365Sales: [`${SUBSCRIPTION}\n${SUBSCRIPTION}`, ''] },
  },
  {
    name: 'contacts (customer, technical, partner)',
    claim: 'revenue',
    section: 'contacts',
    title: 'contacts.title',
    verb: 'contactsEntered',
    inputs: CONTACTS,
    fields: Object.keys(CONTACTS),
  },
  {
    // The comment box is on the summary; Edit carries what was typed in it back to the summary.
    name: "comment (the summary's comment box)",
    claim: 'microsoft365',
    section: 'comments',
    title: 'summary.title',
    verb: 'editSection',
    inputs: { comment: 'Signed by the CIO.', section: 'comments' },
    fields: ['comment'],
  },
];

/** The PoE card, reached with the review's Edit button like the others (its card has no text fields). */
const POE: Target = {
  name: 'PoE',
  claim: 'microsoft365',
  section: 'poe',
  title: 'poe.title',
  verb: 'poeDone',
  inputs: {},
  fields: [],
};

/** How a run shapes the submit: the card's data with fuzzed fields, data whose routing is broken, or no object. */
type Shape = 'card' | 'routing' | 'notAnObject';

interface Run {
  locale: Locale;
  shape: Shape;
  overrides: Record<string, unknown>;
  extra: [string, unknown][];
  routing: Record<string, unknown>;
  raw: unknown;
}

const runOf = (target: Target): fc.Arbitrary<Run> =>
  fc.record({
    locale: fc.constantFrom(...LOCALES),
    shape: fc.constantFrom<Shape>('card', 'card', 'card', 'card', 'routing', 'notAnObject'),
    overrides: fc.record(Object.fromEntries(target.fields.map((f) => [f, fieldValue(target.valid?.[f])])), {
      requiredKeys: [],
    }),
    extra: extraEntries,
    routing: fc.record(
      {
        verb: fc.oneof(wrongType, hostileString, fc.constant(target.verb)),
        claimId: fc.oneof(wrongType, hostileString),
        nonce: fc.oneof(wrongType, hostileString),
      },
      { requiredKeys: [] },
    ),
    raw: notAnObject,
  });

/** One chat per language and claim kind, kept across runs and rebuilt only when a run leaves it somewhere unexpected. */
class Chats {
  private readonly chats = new Map<string, { chat: HostileChat; claimId: string }>();
  constructor(private readonly world: HostileWorld) {}

  private async fresh(kind: ClaimKind, locale: Locale): Promise<{ chat: HostileChat; claimId: string }> {
    const chat = new HostileChat(this.world, ADMIN, locale);
    await chat.toReview(kind);
    const entry = { chat, claimId: String(chat.actionData('saveDraft').claimId) };
    this.chats.set(`${kind}/${locale}`, entry);
    return entry;
  }

  /** A chat on the target's card: from the review (Edit), from the unknown-domain warning (Change), or afresh. */
  async on(target: Target, locale: Locale): Promise<{ chat: HostileChat; claimId: string }> {
    let entry = this.chats.get(`${target.claim}/${locale}`) ?? (await this.fresh(target.claim, locale));
    for (let attempt = 0; attempt < 3 && !entry.chat.isOn(target.title); attempt++) {
      const { chat } = entry;
      if (chat.isOn('summary.title')) await chat.click('editSection', { section: target.section });
      else if (hasVerb(chat, 'customerChange')) await chat.click('customerChange');
      else entry = await this.fresh(target.claim, locale);
    }
    assert.ok(entry.chat.isOn(target.title), `could not get to the ${target.title} card`);
    return entry;
  }
}

const hasVerb = (chat: HostileChat, verb: string): boolean =>
  JSON.stringify(chat.lastCard()).includes(`"verb":"${verb}"`);

describe('hostile input: every field of the new-claim cards', function () {
  this.timeout(120_000);
  let world: HostileWorld;
  let chats: Chats;
  const prototypes = prototypeSnapshot();

  before(async () => {
    world = await hostileWorld();
    chats = new Chats(world);
  });
  after(async () => {
    await world?.close();
  });

  /** What every run must leave behind. */
  async function checkRun(replies: Reply[], locale: Locale, claimId: string, where: string): Promise<void> {
    assert.deepEqual(world.takeFailures(), [], where);
    assertLocalizedReplies(replies, locale, where);
    assert.ok(cardOf(replies.at(-1)), `${where}: the answer ends with the card to go on with`);
    assertUnpolluted(prototypes, where);
    assertClaimValid((await world.read({ partnerId: HOME.id, id: claimId })).value, HOME, where);
  }

  for (const target of TARGETS) {
    it(`${target.name}: hostile text, wrong types and stray keys get a localized answer and store nothing invalid`, async () => {
      await fc.assert(
        fc.asyncProperty(runOf(target), async (run) => {
          const { chat, claimId } = await chats.on(target, run.locale);
          const data = chat.actionData(target.verb);
          const value =
            run.shape === 'notAnObject'
              ? run.raw
              : run.shape === 'routing'
                ? { ...target.inputs, ...run.routing }
                : { ...data, ...target.inputs, ...run.overrides, ...recordOf(run.extra) };
          const replies = await chat.submitValue(value);
          await checkRun(replies, run.locale, claimId, `${target.name} (${run.locale}, ${run.shape})`);
        }),
        fuzzRuns(30),
      );
    });
  }

  it('PoE: attachments of every wrong shape are refused one by one, and nothing is stored', async () => {
    const attachment = fc.oneof(
      fc.record({
        contentType: fc.constant(FILE_DOWNLOAD_INFO),
        name: fc.oneof(hostileString, wrongType),
        content: fc.oneof(wrongType, hostileString),
      }),
      fc.record({
        contentType: fc.constant(FILE_DOWNLOAD_INFO),
        name: fc.oneof(hostileString, wrongType),
        content: fc.record(
          {
            downloadUrl: fc.oneof(
              wrongType,
              hostileString,
              fc.constantFrom(
                'file:///etc/passwd',
                'ftp://127.0.0.1/x',
                'data:application/pdf;base64,JVBERi0=',
                'javascript:alert(1)',
                'http://127.0.0.1:1/x',
                'https://user:pw@127.0.0.1:1/x',
                'https://[::1]:1/x',
              ),
            ),
            fileType: fc.oneof(wrongType, hostileString, fc.constant('pdf')),
            uniqueId: fc.oneof(wrongType, hostileString),
          },
          { requiredKeys: [] },
        ),
      }),
      fc.record(
        {
          contentType: fc.oneof(
            hostileString,
            fc.constantFrom('image/png', 'text/html', 'application/vnd.microsoft.card.adaptive'),
          ),
          content: fc.oneof(wrongType, hostileString),
          contentUrl: fc.oneof(wrongType, hostileString),
        },
        { requiredKeys: ['contentType'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOCALES),
        fc.array(attachment, { minLength: 1, maxLength: 3 }),
        async (locale, attachments) => {
          const { chat, claimId } = await chats.on(POE, locale);
          const ref = { partnerId: HOME.id, id: claimId };
          const [recorded, stored] = [(await world.read(ref)).value.poe, await world.blobsOf(ref)];
          const replies = await chat.send({ attachments });
          const where = `PoE attachments (${locale})`;
          await checkRun(replies, locale, claimId, where);
          assert.deepEqual((await world.read(ref)).value.poe, recorded, `${where}: a file was recorded`);
          assert.deepEqual(await world.blobsOf(ref), stored, `${where}: a file was stored`);
        },
      ),
      fuzzRuns(30),
    );
  });
});
