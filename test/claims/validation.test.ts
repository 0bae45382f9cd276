import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Problem } from '../../claims/errors';
import type { Claim } from '../../claims/model';
import {
  COMMENT_MAX,
  normalizeDomain,
  normalizeEmail,
  normalizeGuid,
  validateClaimForSubmission,
  validateClaimName,
  validateComment,
  validateDomain,
  validateEmail,
  validateMpnId,
  validateSection,
  validateSubscriptionId,
  validateTenantId,
} from '../../claims/validation';
import { SUBSCRIPTION_A, SUBSCRIPTION_B, TENANT, org, validClaim, validM365Claim } from './fixtures';

const brief = (problems: Problem[]): string[] => problems.map((p) => `${p.code}@${p.field}`);

describe('claims/validation', () => {
  describe('field validators', () => {
    const cases: [string, (v: string) => Problem | undefined, string, string | undefined][] = [
      ['tenant id lower case', validateTenantId, TENANT, undefined],
      ['tenant id upper case', validateTenantId, TENANT.toUpperCase(), undefined],
      ['tenant id in braces with spaces', validateTenantId, ` {${TENANT}} `, undefined],
      ['tenant id with full-width digits', validateTenantId, TENANT.replace('3', '３'), undefined],
      ['tenant id with one brace', validateTenantId, `{${TENANT}`, 'tenantIdInvalid'],
      ['tenant id without hyphens', validateTenantId, TENANT.replace(/-/g, ''), 'tenantIdInvalid'],
      ['all-zero tenant id', validateTenantId, '00000000-0000-0000-0000-000000000000', 'tenantIdInvalid'],
      ['tenant id with a non-hex digit', validateTenantId, TENANT.replace('f', 'g'), 'tenantIdInvalid'],
      ['blank tenant id', validateTenantId, '   ', 'required'],
      ['subscription id', validateSubscriptionId, SUBSCRIPTION_A, undefined],
      ['subscription id truncated', validateSubscriptionId, SUBSCRIPTION_A.slice(0, 30), 'subscriptionIdInvalid'],
      ['MPN id of 7 digits', validateMpnId, '1234567', undefined],
      ['MPN id of 6 digits', validateMpnId, '123456', undefined],
      ['MPN id of 10 digits', validateMpnId, '1234567890', undefined],
      ['MPN id of 5 digits', validateMpnId, '12345', 'mpnIdInvalid'],
      ['MPN id of 11 digits', validateMpnId, '12345678901', 'mpnIdInvalid'],
      ['MPN id with letters', validateMpnId, '12345a7', 'mpnIdInvalid'],
      ['empty MPN id', validateMpnId, '', 'required'],
      ['domain onmicrosoft', validateDomain, 'contoso.onmicrosoft.com', undefined],
      ['domain in upper case with trailing dot', validateDomain, 'CONTOSO.COM.', undefined],
      ['Japanese IDN domain', validateDomain, '例え。テスト', undefined],
      ['German IDN domain', validateDomain, 'bücher.de', undefined],
      ['Arabic IDN domain', validateDomain, 'مثال.إختبار', undefined],
      ['single-label domain', validateDomain, 'localhost', 'domainNotQualified'],
      ['domain with a URL scheme', validateDomain, 'https://contoso.com', 'domainInvalid'],
      ['domain with a path', validateDomain, 'contoso.com/sales', 'domainInvalid'],
      ['email instead of domain', validateDomain, 'admin@contoso.com', 'domainInvalid'],
      ['domain with an empty label', validateDomain, 'contoso..com', 'domainInvalid'],
      ['domain with a leading hyphen', validateDomain, '-contoso.com', 'domainInvalid'],
      ['domain with a trailing hyphen', validateDomain, 'contoso-.com', 'domainInvalid'],
      ['domain with an underscore', validateDomain, 'con_toso.com', 'domainInvalid'],
      ['domain with a numeric TLD', validateDomain, '10.0.0.1', 'domainInvalid'],
      ['domain with an emoji', validateDomain, '😀.com', 'domainInvalid'],
      ['domain with a zero-width space', validateDomain, 'con\u200btoso.com', 'domainInvalid'],
      ['domain with a 64-character label', validateDomain, `${'a'.repeat(64)}.com`, 'domainTooLong'],
      ['domain with a 63-character label', validateDomain, `${'a'.repeat(63)}.com`, undefined],
      ['domain over 253 characters', validateDomain, `${Array(5).fill('a'.repeat(60)).join('.')}.com`, 'domainTooLong'],
      ['blank domain', validateDomain, '', 'required'],
      ['email', validateEmail, 'chris.o+crm@contoso.com', undefined],
      ['email with an IDN domain', validateEmail, 'info@bücher.de', undefined],
      ['email without a domain', validateEmail, 'chris@', 'emailInvalid'],
      ['email without a local part', validateEmail, '@contoso.com', 'emailInvalid'],
      ['email with two dots in a row', validateEmail, 'chris..o@contoso.com', 'emailInvalid'],
      ['email with a space', validateEmail, 'chris o@contoso.com', 'emailInvalid'],
      ['email with a single-label domain', validateEmail, 'chris@contoso', 'emailInvalid'],
      ['email with a 65-character local part', validateEmail, `${'a'.repeat(65)}@contoso.com`, 'emailInvalid'],
      [
        'email over 254 characters',
        validateEmail,
        `${'a'.repeat(64)}@${Array(4).fill('b'.repeat(60)).join('.')}.com`,
        'tooLong',
      ],
      ['claim name', validateClaimName, 'Contoso 2026 🚀', undefined],
      ['claim name of 100 emoji', validateClaimName, '🚀'.repeat(100), undefined],
      ['claim name of 101 characters', validateClaimName, 'x'.repeat(101), 'tooLong'],
      ['claim name with a newline', validateClaimName, 'Contoso\nCRM', 'invalidCharacters'],
      ['claim name with a bidi override', validateClaimName, 'abc\u202edcba', 'invalidCharacters'],
      ['claim name of spaces', validateClaimName, '   ', 'required'],
      ['comment on several lines', validateComment, 'line one\nline two\ttabbed', undefined],
      ['comment over the limit', validateComment, 'x'.repeat(COMMENT_MAX + 1), 'tooLong'],
    ];
    for (const [label, validate, input, code] of cases) {
      it(`${code ? 'refuses' : 'accepts'} ${label}`, () => {
        assert.equal(validate(input)?.code, code);
      });
    }

    it('names the field it was given and the limit it broke', () => {
      assert.deepEqual(validateClaimName('x'.repeat(101), 'draftName'), {
        code: 'tooLong',
        field: 'draftName',
        params: { max: 100, length: 101 },
      });
      assert.deepEqual(validateTenantId('nope'), { code: 'tenantIdInvalid', field: 'customerTenantId' });
    });

    it('normalises GUIDs, domains and email domains to the stored form', () => {
      assert.equal(normalizeGuid(`{${TENANT.toUpperCase()}}`), TENANT);
      assert.equal(normalizeDomain(' Bücher.DE. '), 'xn--bcher-kva.de');
      assert.equal(normalizeEmail('Chris@CONTOSO.com'), 'Chris@contoso.com');
      assert.equal(normalizeDomain('contoso'), undefined);
    });
  });

  describe('claims', () => {
    it('accepts a complete Dynamics 365 claim and a complete Microsoft 365 claim', () => {
      assert.deepEqual(validateClaimForSubmission(validClaim(), org), []);
      assert.deepEqual(validateClaimForSubmission(validM365Claim(), org), []);
    });

    const claimCases: [string, Partial<Claim>, string[]][] = [
      [
        'an empty claim, all at once',
        {
          name: '',
          mpnId: '',
          customerDomain: '',
          customerTenantId: '',
          solutionArea: undefined,
          productIds: [],
          subscriptions: [],
          customerContact: undefined,
          partnerContact: undefined,
          technicalContact: undefined,
          poe: [],
        },
        [
          'required@mpnId',
          'required@customerDomain',
          'required@customerTenantId',
          'required@solutionArea',
          'required@name',
          'productsRequired@productIds',
          'required@customerContact',
          'required@partnerContact',
          'poeRequired@poe',
        ],
      ],
      ['no activity', { activity: undefined }, ['required@activity']],
      [
        'revenue association under Microsoft 365',
        { solutionArea: 'microsoft365', activity: 'revenueAssociation', productIds: ['exchangeOnline'] },
        ['activityNotAllowed@activity'],
      ],
      [
        'a Microsoft 365 product in a Business Applications claim',
        { productIds: ['dynamics365Sales', 'exchangeOnline'] },
        ['productNotInArea@productIds'],
      ],
      ['an unknown product', { productIds: ['dynamics365Sales', 'azureSentinel'] }, ['productUnknown@productIds']],
      ['a product twice', { productIds: ['dynamics365Sales', 'dynamics365Sales'] }, ['productDuplicate@productIds']],
      [
        'Dynamics 365 without a technical contact',
        { technicalContact: undefined },
        ['technicalContactRequired@technicalContact'],
      ],
      [
        'a technical contact without a title',
        { technicalContact: { name: 'Tess', email: 'tess@contoso.com' } },
        ['required@technicalContact.title'],
      ],
      [
        'a customer contact with a bad email and no title',
        { customerContact: { name: 'Chris', email: 'chris(at)contoso.com' } },
        ['required@customerContact.title', 'emailInvalid@customerContact.email'],
      ],
      [
        'a partner contact without a name',
        { partnerContact: { name: ' ', email: 'pat@fabrikam.com' } },
        ['required@partnerContact.name'],
      ],
      [
        'several subscriptions and no ids',
        { subscriptions: [{ productId: 'dynamics365Sales', multiple: true, subscriptionIds: [] }] },
        ['subscriptionIdsRequired@subscriptions.dynamics365Sales'],
      ],
      [
        'a malformed subscription id',
        {
          subscriptions: [{ productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A, 'abc'] }],
        },
        ['subscriptionIdInvalid@subscriptions.dynamics365Sales'],
      ],
      [
        'the same subscription twice in different case',
        {
          subscriptions: [
            {
              productId: 'dynamics365Sales',
              multiple: true,
              subscriptionIds: [SUBSCRIPTION_A, SUBSCRIPTION_A.toUpperCase()],
            },
          ],
        },
        ['subscriptionIdDuplicate@subscriptions.dynamics365Sales'],
      ],
      ['an MPN id of another partner', { mpnId: '9999999' }, ['mpnIdUnknown@mpnId']],
      [
        'revenue association without its details',
        {
          activity: 'revenueAssociation',
          revenue: { solutionSellerName: 'Seller', customerName: '', isvSolutionName: '' },
        },
        ['required@revenue.customerName', 'required@revenue.isvSolutionName'],
      ],
      ['no proof of execution', { poe: [] }, ['poeRequired@poe']],
    ];
    for (const [label, overrides, expected] of claimCases) {
      it(`reports ${label}`, () => {
        assert.deepEqual(brief(validateClaimForSubmission(validClaim(overrides), org)), expected);
      });
    }

    it('does not need subscription ids for a single subscription or for non-Dynamics products', () => {
      const single = validClaim({
        subscriptions: [{ productId: 'dynamics365Sales', multiple: false, subscriptionIds: [] }],
      });
      assert.deepEqual(validateClaimForSubmission(single, org), []);
      const powerBi = validClaim({
        productIds: ['powerBI'],
        technicalContact: undefined,
        subscriptions: [{ productId: 'powerBI', multiple: true, subscriptionIds: [] }],
      });
      assert.deepEqual(validateClaimForSubmission(powerBi, org), []);
    });

    it('ignores subscription entries of products no longer claimed', () => {
      const stale = validClaim({
        subscriptions: [
          { productId: 'dynamics365Sales', multiple: false, subscriptionIds: [] },
          { productId: 'dynamics365Finance', multiple: true, subscriptionIds: ['junk'] },
        ],
      });
      assert.deepEqual(validateClaimForSubmission(stale, org), []);
    });

    it('skips the MPN location check when no organisation is given', () => {
      assert.deepEqual(validateClaimForSubmission(validClaim({ mpnId: '9999999' })), []);
    });

    it('finds duplicates across products', () => {
      const claim = validClaim({
        productIds: ['dynamics365Sales', 'dynamics365Finance'],
        subscriptions: [
          { productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A] },
          { productId: 'dynamics365Finance', multiple: true, subscriptionIds: [SUBSCRIPTION_B, SUBSCRIPTION_A] },
        ],
      });
      assert.deepEqual(brief(validateClaimForSubmission(claim, org)), [
        'subscriptionIdDuplicate@subscriptions.dynamics365Finance',
      ]);
    });

    it("refuses the partner's own tenant as the customer, in any case or brace form, and at submission (rule 8)", () => {
      const own = '0f8fad5b-d9cb-469f-a165-70867728950e';
      const partnerOrg = { ...org, id: own };
      for (const typed of [own, own.toUpperCase(), `{${own}}`]) {
        const claim = validClaim({ customerTenantId: typed });
        assert.deepEqual(brief(validateSection(claim, 'customer', partnerOrg)), ['customerIsPartner@customerTenantId']);
        assert.ok(brief(validateClaimForSubmission(claim, partnerOrg)).includes('customerIsPartner@customerTenantId'));
      }
      assert.deepEqual(validateSection(validClaim(), 'customer', partnerOrg), [], 'another tenant is a customer');
      // The demo seed's organisation ids are not GUIDs: an invalid tenant is invalid, not "the partner's".
      const seeded = { ...org, id: '00000000-0000-0000-0000-0000000000001' };
      assert.deepEqual(brief(validateSection(validClaim({ customerTenantId: 'x' }), 'customer', seeded)), [
        'tenantIdInvalid@customerTenantId',
      ]);
    });

    it('validates one section at a time', () => {
      const claim = validClaim({ customerTenantId: 'x', poe: [], technicalContact: undefined });
      assert.deepEqual(brief(validateSection(claim, 'customer')), ['tenantIdInvalid@customerTenantId']);
      assert.deepEqual(brief(validateSection(claim, 'poe')), ['poeRequired@poe']);
      assert.deepEqual(brief(validateSection(claim, 'contacts')), ['technicalContactRequired@technicalContact']);
      assert.deepEqual(validateSection(claim, 'products'), []);
    });
  });

  describe('properties', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom(
        '${process.exit(1)}',
        '{{name}}',
        '<script>alert(1)</script>',
        'مرحبا\u202eabc',
        '👨‍👩‍👧‍👦'.repeat(60),
        '\u0000',
      ),
    );
    const validators = [
      validateTenantId,
      validateSubscriptionId,
      validateMpnId,
      validateDomain,
      validateEmail,
      validateClaimName,
      validateComment,
    ];

    it('never throws on arbitrary text and answers with a problem or nothing', () => {
      fc.assert(
        fc.property(hostile, (text) => {
          for (const validate of validators) {
            const result = validate(text);
            assert.ok(result === undefined || (typeof result.code === 'string' && typeof result.field === 'string'));
          }
        }),
      );
    });

    it('never throws on a claim full of arbitrary text', () => {
      fc.assert(
        fc.property(hostile, hostile, hostile, (a, b, c) => {
          const claim = validClaim({
            name: a,
            mpnId: b,
            customerDomain: c,
            customerTenantId: a,
            customerContact: { name: b, title: c, email: a },
            subscriptions: [{ productId: 'dynamics365Sales', multiple: true, subscriptionIds: [b, c] }],
          });
          assert.ok(Array.isArray(validateClaimForSubmission(claim, org)));
        }),
      );
    });

    it('accepts every GUID except the nil GUID, in any case', () => {
      fc.assert(
        fc.property(fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }), fc.boolean(), (uuid, upper) => {
          const typed = upper ? uuid.toUpperCase() : uuid;
          assert.equal(validateTenantId(typed), undefined);
          assert.equal(validateSubscriptionId(`{${typed}}`), undefined);
          assert.equal(normalizeGuid(typed), uuid.toLowerCase());
        }),
      );
    });
  });
});
