/**
 * Bad input at every card of the new-claim conversation, in every locale: the same
 * card comes back with the localized problems and with what the partner typed, and
 * nothing wrong is stored; the corrected answer then moves the conversation on.
 */
import assert from 'node:assert/strict';
import type { Problem } from '../../../claims/errors';
import type { Claim } from '../../../claims/model';
import { LOCALES, problemMessage, t, type Locale, type MessageKey } from '../../../locales/i18n';
import { Chat, adminCaller, cardStrings, claimsOf, inputOf, newClaimSetting, onlyClaimOf } from './newClaimHarness';
import {
  CONTACTS,
  enterContacts,
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  TECHNICAL,
  assertCard,
  chooseLocation,
  chooseProducts,
  chooseSolution,
  enterCustomer,
  enterName,
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

const toLocation = async (chat: Chat) => {
  await start(chat);
};
const toCustomer = async (chat: Chat) => {
  await start(chat);
  await chooseLocation(chat);
};
const toSolution = async (chat: Chat) => {
  await toCustomer(chat);
  await enterCustomer(chat);
};
const toName = async (chat: Chat) => {
  await toSolution(chat);
  await chooseSolution(chat, 'microsoft365', 'usage');
};
const toRevenue = async (chat: Chat) => {
  await toSolution(chat);
  await chooseSolution(chat, 'businessApplications', 'revenueAssociation');
};
const toSubscriptions = async (chat: Chat) => {
  await upToProducts(chat, 'businessApplications');
  await chooseProducts(chat, ['dynamics365Sales', 'dynamics365Finance']);
};
const toContacts = async (chat: Chat) => {
  await upToProducts(chat);
  await chooseProducts(chat, ['exchangeOnline']);
};
const toDynamicsContacts = async (chat: Chat) => {
  await upToProducts(chat, 'businessApplications');
  await chooseProducts(chat, ['powerBI', 'dynamics365Sales']);
  await chat.click('subscriptionsEntered', { multiple_dynamics365Sales: 'false', ids_dynamics365Sales: '' });
};

const HUGE = 'x'.repeat(10_000);

const CASES: BadInput[] = [
  {
    what: 'an MPN ID that is not digits',
    reach: toLocation,
    card: 'mpn.title',
    verb: 'mpnChosen',
    inputs: { mpnId: '12ab' },
    problems: () => [{ code: 'mpnIdInvalid', field: 'mpnId' }],
    fix: { mpnId: '1234567' },
    next: 'customer.title',
  },
  {
    what: "an MPN ID that is not one of the organisation's locations",
    reach: toLocation,
    card: 'mpn.title',
    verb: 'mpnChosen',
    inputs: { mpnId: '9999999' },
    problems: () => [{ code: 'mpnIdUnknown', field: 'mpnId' }],
    fix: { mpnId: '7654321' },
    next: 'customer.title',
  },
  {
    what: 'a URL for a domain and a tenant ID that is not a GUID',
    reach: toCustomer,
    card: 'customer.title',
    verb: 'customerEntered',
    inputs: { customerDomain: 'https://contoso.com/admin', customerTenantId: 'contoso-tenant' },
    problems: () => [
      { code: 'domainInvalid', field: 'customerDomain', params: { hint: 'url' } },
      { code: 'tenantIdInvalid', field: 'customerTenantId' },
    ],
    fix: { customerDomain: CUSTOMER_DOMAIN, customerTenantId: CUSTOMER_TENANT },
    next: 'solution.title',
  },
  {
    what: 'an empty customer card',
    reach: toCustomer,
    card: 'customer.title',
    verb: 'customerEntered',
    inputs: { customerDomain: '  ', customerTenantId: '' },
    // The tenant ID may stay empty: the directory finds it from the domain.
    problems: () => [{ code: 'required', field: 'customerDomain' }],
    kept: {},
    fix: { customerDomain: CUSTOMER_DOMAIN.toUpperCase(), customerTenantId: `{${CUSTOMER_TENANT.toUpperCase()}}` },
    next: 'solution.title',
  },
  {
    what: 'a bare host name, an email address for a domain and the all-zero tenant',
    reach: toCustomer,
    card: 'customer.title',
    verb: 'customerEntered',
    inputs: { customerDomain: 'contoso', customerTenantId: '00000000-0000-0000-0000-000000000000' },
    problems: () => [
      { code: 'domainNotQualified', field: 'customerDomain' },
      { code: 'tenantIdInvalid', field: 'customerTenantId' },
    ],
    fix: { customerDomain: CUSTOMER_DOMAIN, customerTenantId: CUSTOMER_TENANT },
    next: 'solution.title',
  },
  {
    what: 'a tenant ID the directory gives to another tenant than the domain (mismatch)',
    reach: toCustomer,
    card: 'customer.title',
    verb: 'customerEntered',
    inputs: { customerDomain: ` ${CUSTOMER_DOMAIN} `, customerTenantId: GUID_1 },
    problems: (locale) => [t(locale, 'customer.mismatch', { domain: CUSTOMER_DOMAIN, tenantId: GUID_1 })],
    fix: { customerDomain: CUSTOMER_DOMAIN, customerTenantId: CUSTOMER_TENANT },
    next: 'solution.title',
  },
  {
    what: 'an activity the area does not offer',
    reach: toSolution,
    card: 'solution.title',
    verb: 'solutionChosen',
    inputs: { areaActivity: 'microsoft365/revenueAssociation' },
    problems: (locale) => [t(locale, 'solution.error')],
    kept: {},
    fix: { areaActivity: 'microsoft365/usage' },
    next: 'claimName.title',
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
    next: 'claimName.title',
  },
  {
    what: 'a 10,000-character claim name',
    reach: toName,
    card: 'claimName.title',
    verb: 'nameEntered',
    inputs: { name: HUGE },
    problems: () => [{ code: 'tooLong', field: 'name', params: { max: 100, length: 10_000 } }],
    fix: { name: 'Contoso rollout' },
    next: 'products.title',
  },
  {
    what: 'a claim name with a right-to-left override and a line break',
    reach: toName,
    card: 'claimName.title',
    verb: 'nameEntered',
    inputs: { name: 'Contoso \u202Etxt.exe\nrollout' },
    problems: () => [{ code: 'invalidCharacters', field: 'name' }],
    fix: { name: 'Contoso rollout' },
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

    it(`${locale}: a domain the directory knows needs no tenant ID: the card shows the tenant found and asks only to confirm`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await toCustomer(chat);
      await chat.click('customerEntered', {
        customerDomain: ` ${CUSTOMER_DOMAIN.toUpperCase()} `,
        customerTenantId: '',
      });
      const shown = cardStrings(chat.lastCard());
      assert.ok(
        shown.includes(
          t(locale, 'customer.found', { domain: CUSTOMER_DOMAIN.toUpperCase(), tenantId: CUSTOMER_TENANT }),
        ),
        shown.join('|'),
      );
      assert.equal(inputOf(chat.lastCard(), 'customerTenantId'), undefined, 'nothing to type');
      // "Change" brings back the domain only: the tenant was the directory's, not typed.
      await chat.click('customerChange');
      assert.deepEqual(
        [inputOf(chat.lastCard(), 'customerDomain')?.value, inputOf(chat.lastCard(), 'customerTenantId')?.value],
        [CUSTOMER_DOMAIN.toUpperCase(), ''],
      );
      await chat.click('customerEntered', { customerDomain: CUSTOMER_DOMAIN, customerTenantId: '' });
      await chat.click('customerConfirmed');
      assertCard(chat, 'solution.title');
      await chooseSolution(chat, 'microsoft365', 'usage');
      await enterName(chat);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.customerDomain, claim.customerTenantId], [CUSTOMER_DOMAIN, CUSTOMER_TENANT]);
    });

    it(`${locale}: a personal-mail domain is no customer, and a domain the directory cannot find needs the tenant ID typed`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await toCustomer(chat);
      await chat.click('customerEntered', { customerDomain: 'outlook.com', customerTenantId: '' });
      assertCard(chat, 'customer.title');
      assert.ok(cardStrings(chat.lastCard()).includes(t(locale, 'customer.consumerDomain', { domain: 'outlook.com' })));
      await chat.click('customerEntered', { customerDomain: 'northwind-traders.com', customerTenantId: '' });
      assertCard(chat, 'customer.title');
      assert.ok(
        cardStrings(chat.lastCard()).includes(t(locale, 'customer.tenantNeeded', { domain: 'northwind-traders.com' })),
      );
      assert.equal(
        inputOf(chat.lastCard(), 'customerDomain')?.value,
        'northwind-traders.com',
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

    it(`${locale}: an unknown domain may go on after a warning; "change" brings back the card with the values`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await toCustomer(chat);
      const typed = { customerDomain: 'northwind-traders.com', customerTenantId: GUID_1 };
      const warned = await chat.click('customerEntered', typed);
      assert.equal(warned.length, 1);
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'customer.unknownDomain', { domain: typed.customerDomain, tenantId: GUID_1 }),
        ),
      );
      await chat.click('customerChange');
      assertCard(chat, 'customer.title');
      assert.deepEqual(
        [inputOf(chat.lastCard(), 'customerDomain')?.value, inputOf(chat.lastCard(), 'customerTenantId')?.value],
        [typed.customerDomain, GUID_1],
      );
      await chat.click('customerEntered', typed);
      await chat.click('customerConfirmed');
      assertCard(chat, 'solution.title');
      await chooseSolution(chat, 'microsoft365', 'usage');
      await enterName(chat);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.customerDomain, claim.customerTenantId], ['northwind-traders.com', GUID_1]);
    });
  }
});
