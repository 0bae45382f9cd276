/**
 * Bad input at every card of the new-claim conversation, in every locale: the same
 * card comes back with the localized problems and with what the partner typed, and
 * nothing wrong is stored; the corrected answer then moves the conversation on.
 */
import assert from 'node:assert/strict';
import type { Problem } from '../../../claims/errors';
import type { Claim } from '../../../claims/model';
import { LOCALES, problemMessage, t, type Locale, type MessageKey } from '../../../locales/i18n';
import {
  Chat,
  adminCaller,
  cardStrings,
  claimsOf,
  inputOf,
  newClaimSetting,
  onlyClaimOf,
  textsOf,
  type Card,
} from './newClaimHarness';
import {
  CONTACTS,
  enterContacts,
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  TECHNICAL,
  assertCard,
  chooseProducts,
  fillStart,
  start,
  upToProducts,
} from './newClaimSteps';

const GUID_1 = '0f8fad5b-d9cb-469f-a165-70867728950e';

interface BadInput {
  what: string;
  /** Brings the conversation to the card under test. */
  reach: (chat: Chat) => Promise<void>;
  card: MessageKey;
  verb: string;
  inputs: Record<string, string>;
  /** The problems the re-shown card must state (as the validators name them, or localized sentences). */
  problems: (locale: Locale) => (Problem | string)[];
  /** Inputs the re-shown card must still hold, as typed (default: every input sent). */
  kept?: Record<string, string>;
  /** A valid answer, and the card it leads to. */
  fix: Record<string, string>;
  next: MessageKey;
  /** What the stored claim must not have taken from the bad answer (after the draft exists). */
  unchanged?: (claim: Claim) => void;
}

/** The start card as a partner fills it for a Microsoft 365 usage claim. */
const START: Record<string, string> = {
  mpnId: '1234567',
  customerDomain: CUSTOMER_DOMAIN,
  customerTenantId: CUSTOMER_TENANT,
  areaActivity: 'microsoft365/usage',
  name: 'Contoso rollout',
};
const startWith = (changes: Record<string, string>): Record<string, string> => ({ ...START, ...changes });

const toStart = async (chat: Chat) => {
  await start(chat);
};
const toRevenue = async (chat: Chat) => {
  await start(chat);
  await fillStart(chat, { area: 'businessApplications', activity: 'revenueAssociation' });
};
const toSubscriptions = async (chat: Chat) => {
  await upToProducts(chat, { area: 'businessApplications' });
  await chooseProducts(chat, ['dynamics365Sales', 'dynamics365Finance']);
};
const toContacts = async (chat: Chat) => {
  await upToProducts(chat);
  await chooseProducts(chat, ['exchangeOnline']);
};
const toDynamicsContacts = async (chat: Chat) => {
  await upToProducts(chat, { area: 'businessApplications' });
  await chooseProducts(chat, ['powerBI', 'dynamics365Sales']);
  await chat.click('subscriptionsEntered', { multiple_dynamics365Sales: 'false', ids_dynamics365Sales: '' });
};

const HUGE = 'x'.repeat(10_000);

/** The start card's input a validator's field is shown under. */
const startInputOf = (problem: Problem): string | undefined =>
  ({ solutionArea: 'areaActivity', activity: 'areaActivity' })[problem.field] ??
  (['mpnId', 'customerDomain', 'customerTenantId', 'name'].includes(problem.field) ? problem.field : undefined);

/** The sentences of the notice right under the input `id` (the start card's per-input problems). */
function problemsUnder(card: Card, id: string): string[] {
  const body = (card.body ?? []) as Card[];
  const at = body.findIndex((element) => element.id === id);
  const next = body[at + 1];
  return at >= 0 && next?.style === 'attention' ? cardStrings(next) : [];
}

const CASES: BadInput[] = [
  {
    what: 'an MPN ID that is not digits',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ mpnId: '12ab' }),
    problems: () => [{ code: 'mpnIdInvalid', field: 'mpnId' }],
    fix: START,
    next: 'products.title',
  },
  {
    what: "an MPN ID that is not one of the organisation's locations",
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ mpnId: '9999999' }),
    problems: () => [{ code: 'mpnIdUnknown', field: 'mpnId' }],
    fix: startWith({ mpnId: '7654321' }),
    next: 'products.title',
  },
  {
    what: 'a URL for a domain and a tenant ID that is not a GUID',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ customerDomain: 'https://contoso.com/admin', customerTenantId: 'contoso-tenant' }),
    problems: () => [
      { code: 'domainInvalid', field: 'customerDomain', params: { hint: 'url' } },
      { code: 'tenantIdInvalid', field: 'customerTenantId' },
    ],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'an empty customer domain',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ customerDomain: '  ', customerTenantId: '' }),
    // The tenant ID may stay empty: the directory finds it from the domain.
    problems: () => [{ code: 'required', field: 'customerDomain' }],
    fix: startWith({
      customerDomain: CUSTOMER_DOMAIN.toUpperCase(),
      customerTenantId: `{${CUSTOMER_TENANT.toUpperCase()}}`,
    }),
    next: 'products.title',
  },
  {
    what: 'a bare host name, an email address for a domain and the all-zero tenant',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ customerDomain: 'contoso', customerTenantId: '00000000-0000-0000-0000-000000000000' }),
    problems: () => [
      { code: 'domainNotQualified', field: 'customerDomain' },
      { code: 'tenantIdInvalid', field: 'customerTenantId' },
    ],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'a tenant ID the directory gives to another tenant than the domain (mismatch)',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ customerDomain: ` ${CUSTOMER_DOMAIN} `, customerTenantId: GUID_1 }),
    problems: () => [
      {
        code: 'customerTenantMismatch',
        field: 'customerTenantId',
        params: { domain: CUSTOMER_DOMAIN, tenantId: GUID_1 },
      },
    ],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'an activity the area does not offer (a forged card)',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ areaActivity: 'microsoft365/revenueAssociation' }),
    problems: () => [{ code: 'required', field: 'solutionArea' }],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'several problems at once: each under its own input, everything typed kept',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ mpnId: '12ab', customerTenantId: 'contoso-tenant', name: 'x'.repeat(101) }),
    problems: () => [
      { code: 'mpnIdInvalid', field: 'mpnId' },
      { code: 'tenantIdInvalid', field: 'customerTenantId' },
      { code: 'tooLong', field: 'name', params: { max: 100, length: 101 } },
    ],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'revenue details left empty or far too long',
    reach: toRevenue,
    card: 'revenue.title',
    verb: 'revenueEntered',
    inputs: { solutionSellerName: '', customerName: HUGE, isvSolutionName: 'Contoso Field App' },
    problems: () => [
      { code: 'required', field: 'revenue.solutionSellerName' },
      { code: 'tooLong', field: 'revenue.customerName', params: { max: 100, length: 10_000 } },
    ],
    fix: { solutionSellerName: 'Northwind', customerName: 'Contoso', isvSolutionName: 'Contoso Field App' },
    next: 'products.title',
  },
  {
    what: 'a 10,000-character claim name',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ name: HUGE }),
    problems: () => [{ code: 'tooLong', field: 'name', params: { max: 100, length: 10_000 } }],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'a claim name with a right-to-left override and a line break',
    reach: toStart,
    card: 'start.title',
    verb: 'startEntered',
    inputs: startWith({ name: 'Contoso \u202Etxt.exe\nrollout' }),
    problems: () => [{ code: 'invalidCharacters', field: 'name' }],
    fix: START,
    next: 'products.title',
  },
  {
    what: 'no product at all',
    reach: upToProducts,
    card: 'products.title',
    verb: 'productsChosen',
    inputs: { productIds: '' },
    problems: () => [{ code: 'productsRequired', field: 'productIds' }],
    kept: {},
    fix: { productIds: 'exchangeOnline,microsoftTeams' },
    next: 'contacts.title',
    unchanged: (claim) => assert.deepEqual(claim.productIds, []),
  },
  {
    what: 'a product of another solution area (a forged card)',
    reach: upToProducts,
    card: 'products.title',
    verb: 'productsChosen',
    inputs: { productIds: 'exchangeOnline,dynamics365Sales' },
    problems: () => [
      {
        code: 'productNotInArea',
        field: 'productIds',
        params: { productId: 'dynamics365Sales', solutionArea: 'microsoft365' },
      },
    ],
    kept: {},
    fix: { productIds: 'exchangeOnline' },
    next: 'contacts.title',
    unchanged: (claim) => assert.deepEqual(claim.productIds, []),
  },
  {
    what: 'several subscriptions without their IDs, and an ID that is not a GUID',
    reach: toSubscriptions,
    card: 'subscriptions.title',
    verb: 'subscriptionsEntered',
    inputs: {
      multiple_dynamics365Sales: 'true',
      ids_dynamics365Sales: '',
      multiple_dynamics365Finance: 'false',
      ids_dynamics365Finance: 'sub-1',
    },
    problems: (): Problem[] => [
      {
        code: 'subscriptionIdsRequired',
        field: 'subscriptions.dynamics365Sales',
        params: { productId: 'dynamics365Sales' },
      },
      {
        code: 'subscriptionIdInvalid',
        field: 'subscriptions.dynamics365Finance',
        params: { productId: 'dynamics365Finance', index: 0 },
      },
    ],
    fix: {
      multiple_dynamics365Sales: 'true',
      ids_dynamics365Sales: GUID_1,
      multiple_dynamics365Finance: 'false',
      ids_dynamics365Finance: '',
    },
    next: 'contacts.title',
    unchanged: (claim) => assert.deepEqual(claim.subscriptions, []),
  },
  {
    what: 'the same subscription ID twice',
    reach: toSubscriptions,
    card: 'subscriptions.title',
    verb: 'subscriptionsEntered',
    inputs: {
      multiple_dynamics365Sales: 'true',
      ids_dynamics365Sales: `${GUID_1}\n${GUID_1.toUpperCase()}`,
      multiple_dynamics365Finance: 'false',
      ids_dynamics365Finance: '',
    },
    problems: () => [
      {
        code: 'subscriptionIdDuplicate',
        field: 'subscriptions.dynamics365Sales',
        params: { productId: 'dynamics365Sales', index: 1 },
      },
    ],
    fix: {
      multiple_dynamics365Sales: 'true',
      ids_dynamics365Sales: GUID_1,
      multiple_dynamics365Finance: 'false',
      ids_dynamics365Finance: '',
    },
    next: 'contacts.title',
  },
  {
    what: 'contacts left empty',
    reach: toContacts,
    card: 'contacts.title',
    verb: 'contactsEntered',
    inputs: { customerName: '', customerTitle: '', customerEmail: '', partnerName: '', partnerEmail: '' },
    problems: () => [
      { code: 'required', field: 'customerContact.name' },
      { code: 'required', field: 'customerContact.title' },
      { code: 'required', field: 'customerContact.email' },
      { code: 'required', field: 'partnerContact.name' },
      { code: 'required', field: 'partnerContact.email' },
    ],
    fix: { ...CONTACTS },
    next: 'poe.title',
    unchanged: (claim) => assert.equal(claim.customerContact, undefined),
  },
  {
    what: 'email addresses that are not addresses',
    reach: toContacts,
    card: 'contacts.title',
    verb: 'contactsEntered',
    inputs: { ...CONTACTS, customerEmail: 'dana at contoso', partnerEmail: 'alexw@' },
    problems: () => [
      { code: 'emailInvalid', field: 'customerContact.email' },
      { code: 'emailInvalid', field: 'partnerContact.email' },
    ],
    fix: { ...CONTACTS },
    next: 'poe.title',
    unchanged: (claim) => assert.equal(claim.partnerContact, undefined),
  },
  {
    what: 'a Dynamics 365 claim without its technical contact',
    reach: toDynamicsContacts,
    card: 'contacts.title',
    verb: 'contactsEntered',
    inputs: { ...CONTACTS, technicalName: 'Sam Admin', technicalTitle: '', technicalEmail: '' },
    problems: () => [
      { code: 'required', field: 'technicalContact.title' },
      { code: 'required', field: 'technicalContact.email' },
    ],
    fix: { ...CONTACTS, ...TECHNICAL },
    next: 'poe.title',
    unchanged: (claim) => assert.equal(claim.technicalContact, undefined),
  },
];

describe('NewClaimDialog bad input', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    for (const c of CASES) {
      it(`${locale}: ${c.what} re-shows the card with the problems and the typed values, then the fix goes on`, async () => {
        const chat = new Chat(s.world, adminCaller(s.org, locale));
        await c.reach(chat);
        assertCard(chat, c.card);
        const before = await claimsOf(s.world, s.org);

        const replies = await chat.click(c.verb, c.inputs);
        assert.equal(replies.length, 1, 'the answer is the card again, nothing else');
        assertCard(chat, c.card);
        const shown = cardStrings(chat.lastCard());
        for (const problem of c.problems(locale)) {
          const sentence = typeof problem === 'string' ? problem : problemMessage(locale, problem);
          assert.ok(shown.includes(sentence), `the card should say: ${sentence}`);
          // On the start card a problem stands right under the input it is about.
          const input = c.card === 'start.title' && typeof problem !== 'string' ? startInputOf(problem) : undefined;
          if (input) assert.ok(problemsUnder(chat.lastCard(), input).includes(sentence), `${sentence} under ${input}`);
        }
        for (const [id, value] of Object.entries(c.kept ?? c.inputs)) {
          assert.equal(inputOf(chat.lastCard(), id)?.value, value, `input ${id} keeps what was typed`);
        }
        const after = await claimsOf(s.world, s.org);
        assert.deepEqual(
          after.map((claim) => claim.updatedAt),
          before.map((claim) => claim.updatedAt),
          'nothing was written',
        );
        if (c.unchanged) c.unchanged(await onlyClaimOf(s.world, s.org));

        await chat.click(c.verb, c.fix);
        assertCard(chat, c.next);
      });
    }

    it(`${locale}: a domain the directory knows needs no tenant ID: the tenant found is taken, with no card to confirm it`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      const replies = await fillStart(chat, { domain: ` ${CUSTOMER_DOMAIN.toUpperCase()} `, tenantId: '' });
      assert.deepEqual(textsOf(replies), [t(locale, 'claimName.created')]);
      assertCard(chat, 'products.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.customerDomain, claim.customerTenantId], [CUSTOMER_DOMAIN, CUSTOMER_TENANT]);
      // The answered card says which tenant was taken.
      assert.ok(cardStrings(chat.updates.at(-1)).some((line) => line.includes(CUSTOMER_TENANT)));
    });

    it(`${locale}: a personal-mail domain is no customer, and a domain the directory cannot find needs the tenant ID typed`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      await fillStart(chat, { domain: 'outlook.com', tenantId: '' });
      assertCard(chat, 'start.title');
      const consumer = problemMessage(locale, {
        code: 'customerConsumerDomain',
        field: 'customerDomain',
        params: { domain: 'outlook.com' },
      });
      assert.deepEqual(problemsUnder(chat.lastCard(), 'customerDomain'), [consumer]);
      await fillStart(chat, { domain: 'northwind-traders.com', tenantId: '', name: 'Northwind' });
      assertCard(chat, 'start.title');
      const needed = problemMessage(locale, {
        code: 'customerTenantNeeded',
        field: 'customerTenantId',
        params: { domain: 'northwind-traders.com' },
      });
      assert.deepEqual(problemsUnder(chat.lastCard(), 'customerTenantId'), [needed]);
      assert.deepEqual(
        [inputOf(chat.lastCard(), 'customerDomain')?.value, inputOf(chat.lastCard(), 'name')?.value],
        ['northwind-traders.com', 'Northwind'],
        'what was typed is kept',
      );
      assert.deepEqual(await claimsOf(s.world, s.org), []);
    });

    it(`${locale}: contacts must belong to their organisations: another tenant's or a personal address is refused, one the directory cannot tell is marked`, async () => {
      s.world.directory.set('rival.example', GUID_1);
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await toContacts(chat);
      await enterContacts(chat, { ...CONTACTS, customerEmail: 'mallory@rival.example' });
      assertCard(chat, 'contacts.title');
      const shown = cardStrings(chat.lastCard());
      assert.ok(
        shown.includes(
          problemMessage(locale, {
            code: 'contactNotCustomer',
            field: 'customerContact.email',
            params: { email: 'mallory@rival.example', domain: CUSTOMER_DOMAIN },
          }),
        ),
        shown.join('|'),
      );
      await enterContacts(chat, { ...CONTACTS, partnerEmail: 'alex@gmail.com' });
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          problemMessage(locale, {
            code: 'contactPersonalMailbox',
            field: 'partnerContact.email',
            params: { email: 'alex@gmail.com' },
          }),
        ),
      );
      assert.equal((await onlyClaimOf(s.world, s.org)).customerContact, undefined, 'nothing refused was stored');
      await enterContacts(chat, { ...CONTACTS, customerEmail: 'dana@unlisted-customer.example' });
      assertCard(chat, 'poe.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.customerContact?.email, 'dana@unlisted-customer.example');
      assert.deepEqual(claim.unverifiedContacts, ['customerContact', 'partnerContact']);
    });

    it(`${locale}: an unknown domain may go on after a warning; "change" brings back the start card with everything typed`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      const typed = { domain: 'northwind-traders.com', tenantId: GUID_1, name: 'Northwind rollout' };
      const warned = await fillStart(chat, typed);
      assert.equal(warned.length, 1);
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'customer.unknownDomain', { domain: typed.domain, tenantId: GUID_1 }),
        ),
      );
      await chat.click('customerChange');
      assertCard(chat, 'start.title');
      assert.deepEqual(
        ['mpnId', 'customerDomain', 'customerTenantId', 'areaActivity', 'name'].map(
          (id) => inputOf(chat.lastCard(), id)?.value,
        ),
        ['1234567', typed.domain, GUID_1, 'microsoft365/usage', typed.name],
      );
      await fillStart(chat, typed);
      await chat.click('customerConfirmed');
      assertCard(chat, 'products.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        [claim.customerDomain, claim.customerTenantId, claim.name],
        ['northwind-traders.com', GUID_1, typed.name],
      );
    });
  }
});
