import assert from 'node:assert/strict';
import {
  MAX_POE_FILES,
  addComment,
  applyEdit,
  createDraft,
  editableFields,
  type ClaimPatch,
  type DraftInput,
} from '../../claims/claimEdits';
import type { Problem, Result } from '../../claims/errors';
import type { Claim, ClaimStatus } from '../../claims/model';
import { SUBSCRIPTION_A, TENANT, T0, admin, org, partnerUser, poeFile, reviewer, validClaim } from './fixtures';

const NOW = new Date(T0.getTime() + 60_000);

const draftInput: DraftInput = {
  id: 'claim-42',
  partnerId: org.id,
  name: '  Contoso CRM  ',
  mpnId: '１２３４５６７',
  customerDomain: 'Bücher.DE',
  customerTenantId: `{${TENANT.toUpperCase()}}`,
  solutionArea: 'businessApplications',
  activity: 'usageOrPresales',
};

function value(result: Result<Claim, Problem[]>): Claim {
  if (!result.ok) assert.fail(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}
const codes = (result: Result<Claim, Problem[]>): string[] =>
  result.ok ? [] : result.error.map((p) => `${p.code}@${p.field}`);
const frozen = (claim: Claim): Claim =>
  JSON.parse(JSON.stringify(claim), (_k, v: unknown) => (v && typeof v === 'object' ? Object.freeze(v) : v)) as Claim;

describe('claims/claimEdits', () => {
  describe('createDraft', () => {
    it('creates a draft in canonical form with a "created" history entry', () => {
      const draft = value(createDraft(draftInput, admin, T0, org));
      assert.equal(draft.status, 'draft');
      assert.equal(draft.name, 'Contoso CRM');
      assert.equal(draft.mpnId, '1234567');
      assert.equal(draft.customerDomain, 'xn--bcher-kva.de');
      assert.equal(draft.customerTenantId, TENANT);
      assert.deepEqual(draft.history, [
        { at: T0.toISOString(), actor: admin, event: 'created', from: null, to: 'draft' },
      ]);
      assert.equal(draft.createdAt, T0.toISOString());
      assert.equal(draft.dueAt, undefined);
    });

    it('gives a draft a fresh id when none is given', () => {
      const { id: _ignored, ...withoutId } = draftInput;
      const a = value(createDraft(withoutId, admin, T0));
      const b = value(createDraft(withoutId, admin, T0));
      assert.match(a.id, /^[0-9a-f-]{36}$/);
      assert.notEqual(a.id, b.id);
    });

    it('reports every problem in the first steps at once', () => {
      const result = createDraft(
        {
          ...draftInput,
          customerTenantId: 'nope',
          customerDomain: 'contoso',
          solutionArea: 'microsoft365',
          activity: 'revenueAssociation',
          name: '',
        },
        admin,
        T0,
      );
      assert.deepEqual(codes(result), [
        'domainNotQualified@customerDomain',
        'tenantIdInvalid@customerTenantId',
        'activityNotAllowed@activity',
        'required@name',
      ]);
    });

    it('asks revenue associations for their three names', () => {
      const result = createDraft({ ...draftInput, activity: 'revenueAssociation' }, admin, T0);
      assert.deepEqual(codes(result), [
        'required@revenue.solutionSellerName',
        'required@revenue.customerName',
        'required@revenue.isvSolutionName',
      ]);
    });

    it('lets only the incentives admin create a claim', () => {
      assert.deepEqual(codes(createDraft(draftInput, partnerUser, T0)), ['roleNotAllowed@actor']);
    });
  });

  describe('applyEdit', () => {
    it('changes anything in a draft, without history noise', () => {
      const before = frozen(validClaim());
      const after = value(
        applyEdit(before, { name: 'Renamed', productIds: ['dynamics365Finance'], subscriptions: [] }, admin, NOW),
      );
      assert.equal(after.name, 'Renamed');
      assert.deepEqual(after.productIds, ['dynamics365Finance']);
      assert.equal(after.history.length, before.history.length);
      assert.equal(after.updatedAt, NOW.toISOString());
      assert.equal(before.name, 'Contoso CRM roll-out');
    });

    it('stores contacts trimmed and subscription ids canonical', () => {
      const after = value(
        applyEdit(
          validClaim(),
          {
            customerContact: { name: ' Chris ', title: ' CIO ', email: 'chris@CONTOSO.com ' },
            subscriptions: [
              { productId: 'dynamics365Sales', multiple: true, subscriptionIds: [SUBSCRIPTION_A.toUpperCase()] },
            ],
          },
          admin,
          NOW,
        ),
      );
      assert.deepEqual(after.customerContact, { name: 'Chris', title: 'CIO', email: 'chris@contoso.com' });
      assert.deepEqual(after.subscriptions[0]?.subscriptionIds, [SUBSCRIPTION_A]);
    });

    it('keeps a contact field it does not know on save (contacts are copied, not rebuilt)', () => {
      // A field added to Contact later (a phone number, say) must survive without a change to the edit code.
      const withPhone = { name: ' Chris ', title: 'CIO', email: 'chris@contoso.com', phone: '+82 2 1234 5678' };
      const after = value(
        applyEdit(validClaim(), { customerContact: withPhone, technicalContact: withPhone }, admin, NOW),
      );
      assert.deepEqual(after.customerContact, {
        name: 'Chris',
        title: 'CIO',
        email: 'chris@contoso.com',
        phone: '+82 2 1234 5678',
      });
      assert.deepEqual(after.technicalContact, {
        name: 'Chris',
        title: 'CIO',
        email: 'chris@contoso.com',
        phone: '+82 2 1234 5678',
      });
    });

    it('reports malformed values only in the fields it was given', () => {
      const claim = validClaim({ partnerContact: undefined, poe: [] });
      const result = applyEdit(
        claim,
        { customerContact: { name: 'Chris', title: 'CIO', email: 'not-an-email' }, mpnId: '12' },
        admin,
        NOW,
      );
      assert.deepEqual(codes(result), ['mpnIdInvalid@mpnId', 'emailInvalid@customerContact.email']);
    });

    it('lets a draft be unfinished: no products yet is not an edit error', () => {
      assert.equal(applyEdit(validClaim(), { productIds: [], technicalContact: undefined }, admin, NOW).ok, true);
    });

    it('checks the MPN ID against the organisation when given', () => {
      assert.deepEqual(codes(applyEdit(validClaim(), { mpnId: '9999999' }, admin, NOW, org)), ['mpnIdUnknown@mpnId']);
    });

    it('allows the info-request fields while partner action is required, and records the edit', () => {
      const claim = frozen(validClaim({ status: 'partnerActionRequired' }));
      const patch: ClaimPatch = {
        mpnId: '7654321',
        productIds: ['dynamics365Sales'],
        addPoe: [poeFile('poe-2')],
        partnerContact: { name: 'Pat', email: 'pat@fabrikam.com' },
      };
      const after = value(applyEdit(claim, patch, admin, NOW, org));
      assert.equal(after.mpnId, '7654321');
      assert.deepEqual(
        after.poe.map((f) => f.id),
        ['poe-1', 'poe-2'],
      );
      assert.deepEqual(after.history.at(-1), {
        at: NOW.toISOString(),
        actor: admin,
        event: 'edited',
        from: 'partnerActionRequired',
        to: 'partnerActionRequired',
        reasonCodes: ['mpnId', 'productIds', 'partnerContact', 'addPoe'],
      });
    });

    it('locks everything else while partner action is required', () => {
      const claim = validClaim({ status: 'partnerActionRequired' });
      assert.deepEqual(
        codes(applyEdit(claim, { name: 'x', customerTenantId: TENANT, removePoeIds: ['poe-1'] }, admin, NOW)),
        ['claimLocked@name', 'claimLocked@customerTenantId', 'claimLocked@removePoeIds'],
      );
    });

    const lockedStatuses: ClaimStatus[] = [
      'submitted',
      'underReview',
      'approvedCustomerNotified',
      'associated',
      'rejected',
      'dispute',
      'rejectedFinal',
    ];
    for (const status of lockedStatuses) {
      it(`locks a claim that is ${status}`, () => {
        assert.deepEqual(codes(applyEdit(validClaim({ status }), { mpnId: '7654321' }, admin, NOW)), [
          'claimLocked@mpnId',
        ]);
        assert.deepEqual(editableFields(status), []);
      });
    }

    it('lets only the incentives admin edit', () => {
      assert.deepEqual(codes(applyEdit(validClaim(), { name: 'x' }, reviewer, NOW)), ['roleNotAllowed@actor']);
    });

    it('refuses a PoE id twice and more than the PoE limit', () => {
      assert.deepEqual(codes(applyEdit(validClaim(), { addPoe: [poeFile('poe-1')] }, admin, NOW)), [
        'poeDuplicate@poe',
      ]);
      const many = Array.from({ length: MAX_POE_FILES }, (_, i) => poeFile(`extra-${i}`));
      assert.deepEqual(codes(applyEdit(validClaim(), { addPoe: many }, admin, NOW)), ['tooManyPoe@poe']);
    });

    it('removes PoE from a draft', () => {
      assert.deepEqual(value(applyEdit(validClaim(), { removePoeIds: ['poe-1'] }, admin, NOW)).poe, []);
    });
  });

  describe('addComment', () => {
    it('lets a reviewer and the partner admin talk once the claim is submitted, keeping text verbatim', () => {
      const text = '${x} <i>hi</i> 안녕하세요';
      const claim = frozen(validClaim({ status: 'underReview' }));
      const afterReviewer = value(addComment(claim, text, reviewer, NOW, 'c1'));
      const afterPartner = value(addComment(afterReviewer, 'Added page 3', admin, NOW, 'c2'));
      assert.deepEqual(afterPartner.comments, [
        { id: 'c1', author: reviewer, text, at: NOW.toISOString() },
        { id: 'c2', author: admin, text: 'Added page 3', at: NOW.toISOString() },
      ]);
      assert.deepEqual(claim.comments, []);
    });

    const refusals: [string, ClaimStatus, typeof admin, string, string[]][] = [
      ['a reviewer on a draft', 'draft', reviewer, 'hi', ['roleNotAllowed@actor']],
      ['a partner user', 'underReview', partnerUser, 'hi', ['roleNotAllowed@actor']],
      ['an empty comment', 'rejected', admin, ' \n ', ['required@comment']],
      ['a comment over 2000 characters', 'rejected', admin, 'x'.repeat(2001), ['tooLong@comment']],
    ];
    for (const [label, status, actor, text, expected] of refusals) {
      it(`refuses ${label}`, () => {
        assert.deepEqual(codes(addComment(validClaim({ status }), text, actor, NOW)), expected);
      });
    }
  });
});

describe('claims/claimEdits: the machine check of a recorded PoE file', () => {
  const check = { status: 'unreadable' as const, checkedAt: T0.toISOString(), why: 'image' as const };

  it('records the check on the file it is for, and on no other', () => {
    const claim = validClaim({ poe: [poeFile('a'), poeFile('b')] });
    const edited = applyEdit(claim, { poeChecks: [{ poeId: 'b', check }] }, admin, T0);
    assert.ok(edited.ok);
    assert.deepEqual(
      edited.value.poe.map((f) => f.check),
      [undefined, check],
    );
  });

  it('is not a partner edit: no history entry while the partner answers an information request', () => {
    const claim = validClaim({ status: 'partnerActionRequired', poe: [poeFile('a')] });
    const edited = applyEdit(claim, { poeChecks: [{ poeId: 'a', check }] }, admin, T0);
    assert.ok(edited.ok);
    assert.equal(edited.value.history.length, claim.history.length);
    const withFile = applyEdit(claim, { addPoe: [poeFile('b')], poeChecks: [{ poeId: 'b', check }] }, admin, T0);
    assert.ok(withFile.ok);
    assert.deepEqual(withFile.value.history.at(-1)?.reasonCodes, ['addPoe']);
  });

  it('is refused once the claim is submitted, like any change to its files', () => {
    const claim = validClaim({ status: 'submitted', poe: [poeFile('a')] });
    assert.equal(applyEdit(claim, { poeChecks: [{ poeId: 'a', check }] }, admin, T0).ok, false);
  });
});
