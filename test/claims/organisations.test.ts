import assert from 'node:assert/strict';
import type { PartnerOrganisation } from '../../claims/model';
import {
  bindMember,
  decideAccess,
  grantRole,
  importChanges,
  memberKeyOf,
  onboardPartner,
  organisationProblems,
  requestAccess,
  revokeRole,
  rolesOf,
  setSuspended,
  type RoleActor,
} from '../../claims/organisations';

const OP = '0e9e7a70-0000-4000-8000-000000000001';
const P = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
const OWNER = 'aaaaaaaa-0000-4000-8000-000000000001';
const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000002';
const OP_ADMIN = 'aaaaaaaa-0000-4000-8000-000000000003';
const AT = new Date('2026-03-02T17:00:00.000Z');

const partner: PartnerOrganisation = {
  id: P,
  type: 'partner',
  name: 'Contoso',
  locations: [{ mpnId: '1234567', name: 'HQ' }],
  owners: [OWNER],
  incentivesAdmins: [ADMIN],
  viewers: ['vic@contoso.example'],
  reviewers: [],
};
const operator: PartnerOrganisation = {
  id: OP,
  type: 'operator',
  name: 'Operator',
  locations: [],
  incentivesAdmins: [],
  reviewers: ['rae'],
  operatorAdmins: [OP_ADMIN],
};
const owner: RoleActor = { tenantId: P, aadObjectId: OWNER, name: 'Owen' };
const opAdmin: RoleActor = { tenantId: OP, aadObjectId: OP_ADMIN };
const codesOf = (result: { ok: boolean; error?: { code: string }[] }): string[] =>
  result.ok ? [] : (result.error ?? []).map((p) => p.code);

describe('claims/organisations: who holds which role, and who may change it', () => {
  it('reads roles from the caller’s own entry: operator roles only in the configured operator tenant, none in a suspended partner', () => {
    assert.deepEqual(rolesOf(partner, { aadObjectId: OWNER }, OP), ['owner']);
    assert.deepEqual(
      rolesOf(partner, { aadObjectId: 'x', email: 'VIC@contoso.example' }, OP),
      ['viewer'],
      'an email member matches the profile email',
    );
    assert.deepEqual(
      rolesOf({ ...partner, reviewers: [OWNER] }, { aadObjectId: OWNER }, OP),
      ['owner'],
      'a partner lists no reviewers',
    );
    assert.deepEqual(rolesOf(operator, { aadObjectId: 'rae' }, OP), ['reviewer']);
    assert.deepEqual(
      rolesOf(operator, { aadObjectId: 'rae' }, P),
      [],
      'an operator entry under another tenant grants nothing',
    );
    assert.deepEqual(rolesOf(operator, { aadObjectId: 'rae' }, ''), [], 'no operator configured: no reviewers');
    assert.deepEqual(
      rolesOf({ ...partner, id: OP }, { aadObjectId: OWNER }, OP),
      [],
      'the operator tenant is no partner',
    );
    assert.deepEqual(rolesOf({ ...partner, suspended: true }, { aadObjectId: OWNER }, OP), []);
    assert.deepEqual(rolesOf(undefined, { aadObjectId: OWNER }, OP), []);
  });

  it('lets owners grant and revoke partner roles in their own organisation only, recording who, whom, what and when', () => {
    const granted = grantRole(partner, 'incentivesAdmin', ' New@Contoso.example ', owner, OP, AT);
    assert.ok(granted.ok && granted.value !== 'unchanged');
    assert.deepEqual(granted.value.incentivesAdmins, [ADMIN, 'new@contoso.example']);
    assert.deepEqual(granted.value.roleLog, [
      {
        at: AT.toISOString(),
        by: OWNER,
        byName: 'Owen',
        action: 'grant',
        role: 'incentivesAdmin',
        whom: 'new@contoso.example',
      },
    ]);
    assert.deepEqual(grantRole(granted.value, 'incentivesAdmin', 'new@contoso.example', owner, OP, AT), {
      ok: true,
      value: 'unchanged',
    });
    assert.deepEqual(
      codesOf(grantRole(partner, 'viewer', 'x@y.example', { tenantId: P, aadObjectId: ADMIN }, OP, AT)),
      ['roleChangeNotAllowed'],
    );
    assert.deepEqual(
      codesOf(grantRole(partner, 'viewer', 'x@y.example', { ...owner, tenantId: OP }, OP, AT)),
      ['roleChangeNotAllowed'],
      'from another tenant',
    );
    assert.deepEqual(codesOf(grantRole(partner, 'reviewer', 'x@y.example', owner, OP, AT)), ['roleNotInOrganisation']);
    assert.deepEqual(codesOf(grantRole(partner, 'viewer', 'not a person', owner, OP, AT)), ['memberInvalid']);
    assert.deepEqual(codesOf(revokeRole(partner, 'owner', OWNER, owner, OP, AT)), ['lastMember']);
    const revoked = revokeRole(partner, 'incentivesAdmin', ADMIN.toUpperCase(), owner, OP, AT);
    assert.ok(revoked.ok && revoked.value !== 'unchanged');
    assert.deepEqual(revoked.value.incentivesAdmins, []);
    assert.equal(revoked.value.roleLog?.[0]?.action, 'revoke');
  });

  it('lets operator admins manage reviewers and operator admins, never the last operator admin', () => {
    const added = grantRole(operator, 'reviewer', 'aaaaaaaa-0000-4000-8000-00000000000a', opAdmin, OP, AT);
    assert.ok(
      added.ok && added.value !== 'unchanged' && added.value.reviewers.includes('aaaaaaaa-0000-4000-8000-00000000000a'),
    );
    assert.deepEqual(
      codesOf(grantRole(operator, 'reviewer', 'a@b.example', { tenantId: OP, aadObjectId: 'rae' }, OP, AT)),
      ['roleChangeNotAllowed'],
    );
    assert.deepEqual(codesOf(revokeRole(operator, 'operatorAdmin', OP_ADMIN, opAdmin, OP, AT)), ['lastMember']);
    assert.deepEqual(codesOf(grantRole(operator, 'owner', 'a@b.example', opAdmin, OP, AT)), ['roleNotInOrganisation']);
  });

  it('onboards a partner with its first owners, once, only for an operator admin, by the rules the seed shares', () => {
    const input = {
      tenantId: P.toUpperCase(),
      name: ' Contoso ',
      locations: [{ mpnId: '1234567', name: 'HQ', country: 'us' }],
      owners: ['Owner@Contoso.example', OWNER],
    };
    const done = onboardPartner(input, opAdmin, operator, OP, undefined, AT);
    assert.ok(done.ok);
    assert.equal(done.value.id, P);
    assert.deepEqual(done.value.owners, ['owner@contoso.example', OWNER]);
    assert.deepEqual(done.value.locations, [{ mpnId: '1234567', name: 'HQ', country: 'US' }]);
    assert.deepEqual(
      done.value.roleLog?.map((c) => c.action),
      ['onboard', 'grant', 'grant'],
    );
    assert.deepEqual(organisationProblems(done.value), []);
    assert.deepEqual(codesOf(onboardPartner(input, opAdmin, operator, OP, partner, AT)), ['organisationExists']);
    assert.deepEqual(codesOf(onboardPartner({ ...input, tenantId: OP }, opAdmin, operator, OP, undefined, AT)), [
      'tenantIsOperator',
    ]);
    assert.deepEqual(
      codesOf(onboardPartner(input, { tenantId: OP, aadObjectId: 'rae' }, operator, OP, undefined, AT)),
      ['roleChangeNotAllowed'],
    );
    assert.deepEqual(codesOf(onboardPartner(input, { ...opAdmin, tenantId: P }, operator, OP, undefined, AT)), [
      'roleChangeNotAllowed',
    ]);
    assert.deepEqual(
      codesOf(
        onboardPartner(
          {
            tenantId: 'x',
            name: '',
            locations: [
              { mpnId: '12', name: '' },
              { mpnId: '12', name: 'B', country: 'USA' },
            ],
            owners: ['nobody'],
          },
          opAdmin,
          operator,
          OP,
          undefined,
          AT,
        ),
      ).sort(),
      [
        'locationCountryInvalid',
        'locationNameInvalid',
        'memberInvalid',
        'mpnIdInvalid',
        'mpnIdInvalid',
        'organisationNameInvalid',
        'organisationTenantInvalid',
        'ownerRequired',
      ].sort(),
    );
  });

  it('suspends and reinstates partners only, by operator admins only', () => {
    const suspended = setSuspended(partner, true, opAdmin, operator, OP, AT);
    assert.ok(suspended.ok && suspended.value !== 'unchanged' && suspended.value.suspended === true);
    assert.deepEqual(codesOf(setSuspended(partner, true, owner, operator, OP, AT)), ['roleChangeNotAllowed']);
    assert.deepEqual(codesOf(setSuspended(operator, true, opAdmin, operator, OP, AT)), ['roleNotInOrganisation']);
    assert.deepEqual(setSuspended(partner, false, opAdmin, operator, OP, AT), { ok: true, value: 'unchanged' });
  });

  it('takes one waiting request per role-less user and lets an owner grant or decline it', () => {
    const asker: RoleActor = {
      tenantId: P,
      aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000001',
      name: 'Ann',
      email: 'Ann@Contoso.example',
    };
    const asked = requestAccess(partner, asker, 'viewer', 'r1', OP, AT);
    assert.ok(asked.ok);
    const again = requestAccess(asked.value.org, asker, 'incentivesAdmin', 'r2', OP, AT);
    assert.ok(again.ok);
    assert.deepEqual(
      again.value.org.accessRequests?.map((r) => [r.id, r.role, r.email]),
      [['r2', 'incentivesAdmin', 'ann@contoso.example']],
    );
    assert.deepEqual(codesOf(requestAccess(partner, owner, 'viewer', 'r3', OP, AT)), ['accessAlreadyGranted']);
    assert.deepEqual(codesOf(requestAccess(partner, { ...asker, tenantId: OP }, 'viewer', 'r3', OP, AT)), [
      'accessRequestNotAllowed',
    ]);
    assert.deepEqual(codesOf(requestAccess({ ...partner, suspended: true }, asker, 'viewer', 'r3', OP, AT)), [
      'organisationSuspended',
    ]);
    assert.deepEqual(codesOf(decideAccess(again.value.org, 'r2', true, asker, OP, AT)), ['roleChangeNotAllowed']);
    const granted = decideAccess(again.value.org, 'r2', true, owner, OP, AT);
    assert.ok(granted.ok);
    assert.ok(granted.value.org.incentivesAdmins.includes(asker.aadObjectId));
    assert.deepEqual(granted.value.org.accessRequests, []);
    assert.deepEqual(codesOf(decideAccess(granted.value.org, 'r2', true, owner, OP, AT)), ['accessRequestGone']);
    const declined = decideAccess(again.value.org, 'r2', false, owner, OP, AT);
    assert.ok(declined.ok);
    assert.deepEqual(
      declined.value.org.roleLog?.map((c) => [c.action, c.whom, c.whomName]),
      [['declineAccess', asker.aadObjectId, 'Ann']],
    );
  });

  it('binds email members to the account on first sight, and records a bulk import’s changes', () => {
    assert.deepEqual(bindMember(partner, { aadObjectId: 'V-ID', email: 'vic@contoso.example' })?.viewers, ['v-id']);
    assert.equal(bindMember(partner, { aadObjectId: OWNER }), undefined);
    const imported = importChanges(partner, { ...partner, owners: [OWNER, ADMIN], viewers: [] }, 'seed', AT);
    assert.deepEqual(
      imported.roleLog?.map((c) => [c.by, c.action, c.role, c.whom]),
      [
        ['seed', 'grant', 'owner', ADMIN],
        ['seed', 'revoke', 'viewer', 'vic@contoso.example'],
      ],
    );
    assert.equal(memberKeyOf('NAME@EXAMPLE.COM'), 'name@example.com');
    assert.equal(memberKeyOf('someone'), undefined);
  });
});
