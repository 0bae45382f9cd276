import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  readAreaActivity,
  readClaimName,
  readClaimsPage,
  readContacts,
  readCustomer,
  readEditSection,
  readMpnChoice,
  readProducts,
  readReason,
  readRevenue,
  readSubscriptions,
  renderClaimsListCard,
  renderContactsCard,
  renderProductsCard,
  renderStartCard,
  renderSummaryCard,
  renderSubscriptionsCard,
  type CardAttachment,
} from '../../cards/render';
import { objectsOfType } from './cardChecks';
import { sampleClaim } from './sampleCards';

/**
 * What Teams sends for a click: the action's data with the inputs merged over it
 * (after dropping the routing fields, as the card prompt does). Inputs must exist
 * on the card, so a renamed input id breaks the test, not production.
 */
function submit(card: CardAttachment, verb: string, inputs: Record<string, string> = {}): Record<string, unknown> {
  const ids = new Set<string>();
  for (const type of ['Input.Text', 'Input.ChoiceSet', 'Input.Toggle']) {
    for (const input of objectsOfType(card.content, type)) ids.add(String(input.id));
  }
  for (const id of Object.keys(inputs)) assert.ok(ids.has(id), `the card has no input ${id}`);
  const action = [...objectsOfType(card.content, 'Action.Submit')].find(
    (a) => (a.data as Record<string, unknown>).verb === verb,
  );
  assert.ok(action, `no ${verb} button`);
  const {
    verb: _verb,
    claimId: _claimId,
    nonce: _nonce,
    ...data
  } = { ...(action.data as Record<string, unknown>), ...inputs };
  return data;
}

const step = { claimId: 'c', nonce: 'n' };

describe('reading card submits', () => {
  const locations = [
    { mpnId: '1234567', name: 'Seattle' },
    { mpnId: '7654321', name: 'Seoul' },
  ];

  it('start: location, customer and name as typed, from the inputs of one card', () => {
    const card = renderStartCard({ ...step, locations, values: {} }, 'en-US');
    const values = submit(card, 'startEntered', {
      mpnId: '7654321',
      customerDomain: ' Contoso.com ',
      customerTenantId: '{ABC}',
      areaActivity: 'microsoft365/usage',
      name: ' Contoso rollout ',
    });
    assert.deepEqual(readMpnChoice(values), { mpnId: '7654321' });
    assert.deepEqual(readCustomer(values), { customerDomain: ' Contoso.com ', customerTenantId: '{ABC}' });
    assert.deepEqual(readClaimName(values), { name: ' Contoso rollout ' });
  });

  it('start with one location: the card has no location input, and the submit reads as no MPN ID', () => {
    const card = renderStartCard({ ...step, locations: locations.slice(0, 1), values: {} }, 'en-US');
    assert.throws(() => submit(card, 'startEntered', { mpnId: '1234567' }), /the card has no input mpnId/);
    assert.deepEqual(readMpnChoice(submit(card, 'startEntered', { customerDomain: 'contoso.com' })), { mpnId: '' });
  });

  it('start: area and activity from one choice, refusing combinations the catalog does not allow', () => {
    const card = renderStartCard({ ...step, locations, values: {} }, 'en-US');
    const choices = [...objectsOfType(card.content, 'Input.ChoiceSet')].find((c) => c.id === 'areaActivity');
    const values = (choices?.choices as { value: string }[]).map((c) => c.value);
    assert.deepEqual(
      values.map((value) => readAreaActivity(submit(card, 'startEntered', { areaActivity: value }))),
      [
        { solutionArea: 'microsoft365', activity: 'usage' },
        { solutionArea: 'businessApplications', activity: 'usageOrPresales' },
        { solutionArea: 'businessApplications', activity: 'revenueAssociation' },
      ],
    );
    for (const forged of ['microsoft365/revenueAssociation', 'azure/usage', '', 'microsoft365']) {
      assert.equal(readAreaActivity({ areaActivity: forged }), undefined, forged);
    }
  });

  it('products: the multi-select string becomes ids, duplicates kept for the validator', () => {
    const card = renderProductsCard(
      { ...step, solutionArea: 'microsoft365', products: [{ id: 'exchangeOnline', title: 'Exchange Online' }] },
      'en-US',
    );
    assert.deepEqual(
      readProducts(submit(card, 'productsChosen', { productIds: 'exchangeOnline,intune,exchangeOnline' })),
      {
        productIds: ['exchangeOnline', 'intune', 'exchangeOnline'],
      },
    );
    assert.deepEqual(readProducts({}), { productIds: [] });
  });

  it('subscriptions: one entry per product the card asked about, ids split however they were typed', () => {
    const card = renderSubscriptionsCard(
      {
        ...step,
        products: [
          { id: 'dynamics365Sales', title: 'Sales', multiple: false, subscriptionIds: [] },
          { id: 'dynamics365Finance', title: 'Finance', multiple: false, subscriptionIds: [] },
        ],
      },
      'en-US',
    );
    const values = submit(card, 'subscriptionsEntered', {
      multiple_dynamics365Sales: 'true',
      ids_dynamics365Sales: 'a1\nb2, c3；d4　e5',
      multiple_dynamics365Finance: 'false',
      ids_dynamics365Finance: '',
    });
    assert.deepEqual(readSubscriptions(values), [
      { productId: 'dynamics365Sales', multiple: true, subscriptionIds: ['a1', 'b2', 'c3', 'd4', 'e5'] },
      { productId: 'dynamics365Finance', multiple: false, subscriptionIds: [] },
    ]);
  });

  it('contacts: the technical contact only when the card asked for it', () => {
    const typed = {
      customerName: 'Dana',
      customerTitle: 'CIO',
      customerEmail: 'dana@contoso.com',
      technicalName: 'Tae',
      technicalTitle: 'Admin',
      technicalEmail: 'tae@contoso.com',
      partnerName: 'Alex',
      partnerEmail: 'alex@fabrikam.com',
    };
    const withTech = readContacts(
      submit(renderContactsCard({ ...step, needsTechnicalContact: true }, 'en-US'), 'contactsEntered', typed),
      true,
    );
    assert.deepEqual(withTech.technicalContact, { name: 'Tae', title: 'Admin', email: 'tae@contoso.com' });
    assert.deepEqual(withTech.partnerContact, { name: 'Alex', email: 'alex@fabrikam.com' });
    const { technicalName: _n, technicalTitle: _t, technicalEmail: _e, ...withoutTechInputs } = typed;
    const withoutTech = readContacts(
      submit(
        renderContactsCard({ ...step, needsTechnicalContact: false }, 'en-US'),
        'contactsEntered',
        withoutTechInputs,
      ),
      false,
    );
    assert.equal(withoutTech.technicalContact, undefined);
    assert.deepEqual(withoutTech.customerContact, { name: 'Dana', title: 'CIO', email: 'dana@contoso.com' });
  });

  it('summary: the Edit menu names the section the Edit button submits; forged sections are refused', () => {
    const card = renderSummaryCard({ ...step, claim: sampleClaim('C'), problems: [] }, 'en-US');
    const edit = [...objectsOfType(card.content, 'Action.Submit')]
      .map((a) => a.data as Record<string, unknown>)
      .find((d) => d.verb === 'editSection');
    const menu = [...objectsOfType(card.content, 'Input.ChoiceSet')].find((c) => c.id === 'section');
    assert.ok(edit && menu, 'an Edit button beside its section menu');
    // Teams merges the chosen section over the button's data.
    assert.equal(readEditSection({ ...edit, section: 'contacts' }), 'contacts');
    assert.equal(menu.value, 'location', 'the first section is chosen to begin with');
    assert.equal(readEditSection({ section: '__proto__' }), undefined);
  });

  it('claims list: the next page carries its token and number; a forged page number falls back to 1', () => {
    const card = renderClaimsListCard(
      { claims: [sampleClaim('A')], page: 1, nextToken: 'token-2', canExport: false },
      'en-US',
    );
    assert.deepEqual(readClaimsPage(submit(card, 'claimsPage')), { continuationToken: 'token-2', page: 2 });
    assert.deepEqual(readClaimsPage({ continuationToken: '', page: -4 }), { page: 1 });
  });

  it('never trusts the type of a submitted value: anything but a string reads as empty (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object()),
        ),
        (values) => {
          for (const key of ['customerDomain', 'customerTenantId']) if (key in values) return;
          assert.deepEqual(readCustomer(values), { customerDomain: '', customerTenantId: '' });
          assert.equal(readClaimName(values).name, '');
          assert.deepEqual(readRevenue(values), { solutionSellerName: '', customerName: '', isvSolutionName: '' });
          assert.equal(readReason(values, 'justification'), '');
        },
      ),
    );
  });
});
