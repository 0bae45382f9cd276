import assert from 'node:assert/strict';
import {
  ACTIVITIES_BY_AREA,
  PRODUCTS,
  SOLUTION_AREAS,
  coopProgramFor,
  isActivityAllowed,
  productById,
  productsFor,
  programsFor,
} from '../../claims/catalog';

describe('claims/catalog', () => {
  it('gives every product a unique camelCase id and a known solution area', () => {
    const ids = PRODUCTS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const product of PRODUCTS) {
      assert.match(product.id, /^[a-z][A-Za-z0-9]*$/, product.id);
      assert.ok(SOLUTION_AREAS.includes(product.solutionArea), product.id);
    }
  });

  it('keys Microsoft 365 by workload and Business Applications by subscription', () => {
    for (const p of productsFor('microsoft365')) {
      assert.equal(p.associationBasis, 'workload', p.id);
      assert.equal(p.dynamics365, false, p.id);
    }
    for (const p of productsFor('businessApplications')) assert.equal(p.associationBasis, 'subscription', p.id);
  });

  it('marks Dynamics 365 products and keeps legacy validity for Dynamics 365 and Power BI only', () => {
    assert.equal(productById('dynamics365Sales')?.dynamics365, true);
    assert.equal(productById('dynamics365BusinessCentral')?.dynamics365, true);
    assert.equal(productById('powerBI')?.dynamics365, false);
    const legacy = PRODUCTS.filter((p) => p.legacyValidUntilExpiry).map((p) => p.id);
    assert.ok(legacy.includes('powerBI'));
    assert.ok(legacy.every((id) => id === 'powerBI' || productById(id)?.dynamics365));
    assert.ok(PRODUCTS.filter((p) => p.dynamics365).every((p) => p.legacyValidUntilExpiry));
  });

  it('names the products the spec lists', () => {
    for (const id of [
      'exchangeOnline',
      'sharePointOnline',
      'microsoftTeams',
      'oneDrive',
      'microsoft365Apps',
      'intune',
      'entraId',
      'defenderForOffice365',
      'defenderForEndpoint',
      'dynamics365Sales',
      'dynamics365CustomerService',
      'dynamics365FieldService',
      'dynamics365Finance',
      'dynamics365SupplyChainManagement',
      'dynamics365BusinessCentral',
      'powerBI',
      'powerApps',
      'powerAutomate',
    ]) {
      assert.ok(productById(id), id);
    }
    assert.equal(productById('azure'), undefined);
  });

  it('offers usage for Microsoft 365 and two activities for Business Applications', () => {
    assert.deepEqual(ACTIVITIES_BY_AREA.microsoft365, ['usage']);
    assert.deepEqual(ACTIVITIES_BY_AREA.businessApplications, ['usageOrPresales', 'revenueAssociation']);
    assert.equal(isActivityAllowed('microsoft365', 'revenueAssociation'), false);
    assert.equal(isActivityAllowed('businessApplications', 'usage'), false);
  });

  it('maps area and activity to the programs in scope', () => {
    assert.deepEqual(programsFor('microsoft365', 'usage'), ['osuMicrosoft365']);
    assert.deepEqual(programsFor('businessApplications', 'revenueAssociation'), ['osa']);
    assert.deepEqual(programsFor('microsoft365', 'revenueAssociation'), []);
  });

  const coopCases: [string, string | undefined][] = [
    ['CSP', 'cloudSolutionProvider'],
    ['I want to claim Cloud-Solution  Provider co-op', 'cloudSolutionProvider'],
    ['ＣＳＰ', 'cloudSolutionProvider'],
    ['cloudSolutionProvider', 'cloudSolutionProvider'],
    ['managed reseller funds', 'managedReseller'],
    ['SPLA hosting', 'hosting'],
    ['Surface Laptop co-op', 'surface'],
    ['서피스 협력 클레임', 'surface'],
    ['ホスティングのco-op', 'hosting'],
    ['cspx', undefined],
    ['Exchange Online usage', undefined],
    ['', undefined],
    ['${process.exit()}', undefined],
  ];
  for (const [text, expected] of coopCases) {
    it(`recognises the co-op program in ${JSON.stringify(text)} as ${expected ?? 'none'}`, () => {
      assert.equal(coopProgramFor(text)?.id, expected);
    });
  }
});
