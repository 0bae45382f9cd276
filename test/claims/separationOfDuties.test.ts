import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../claims/model';
import type { Caller } from '../../claims/lifecycle';
import { isPartyTo, separationProblems } from '../../claims/separationOfDuties';
import {
  OPERATOR_TENANT,
  REVIEWER,
  START,
  codes,
  draft,
  read,
  refOf,
  useEngine,
  value,
  type Engine,
  type Partner,
} from './engineHarness';
import { poeFile } from './fixtures';

/** Every decision a reviewer can take on a waiting claim, and a reviewer's comment. */
const DECISIONS: [string, (engine: Engine, claim: Claim, by: Caller) => Promise<unknown>][] = [
  ['start review', (e, c, by) => e.lifecycle.startReview(refOf(c), by)],
  ['request information', (e, c, by) => e.lifecycle.requestInfo(refOf(c), by, ['missingAllPoe'])],
  ['approve', (e, c, by) => e.lifecycle.approve(refOf(c), by)],
  ['reject', (e, c, by) => e.lifecycle.reject(refOf(c), by, 'insufficientPoe', 'unsigned')],
  ['comment', (e, c, by) => e.lifecycle.comment(refOf(c), by, 'looks fine to me')],
];

describe('claims/separationOfDuties: no reviewer decides their own', () => {
  let engine: Engine;
  let partner: Partner;

  useEngine((fixture) => ({ engine, partner } = fixture));

  /** Asserts the decision was refused with `code`, and that nothing was written: same version, no keys taken. */
  async function refusedUnchanged(claim: Claim, by: Caller, code: string): Promise<void> {
    const before = await read(engine, claim);
    for (const [name, decide] of DECISIONS) {
      const result = (await decide(engine, claim, by)) as Parameters<typeof codes>[0];
      assert.deepEqual(codes(result), [code], name);
      assert.equal((await read(engine, claim)).etag, before.etag, `${name} wrote nothing`);
    }
    for (const key of [
      `m365|${claim.customerTenantId}|exchangeOnline`,
      `m365|${claim.customerTenantId}|microsoftTeams`,
    ]) {
      assert.equal(await engine.associations.holderOf(key), undefined, 'no key was taken');
    }
  }

  it("refuses every decision on a claim of the reviewer's own tenant, though the directory makes them a reviewer there", async () => {
    // Configuration allows it: the operator's tenant files claims too, and its reviewer is listed.
    assert.equal(await engine.partners.isReviewer(OPERATOR_TENANT, REVIEWER.actor.id), true);
    const own = await draft(engine, partner, {
      partnerId: OPERATOR_TENANT,
      status: 'submitted',
      submittedAt: START.toISOString(),
    });
    await refusedUnchanged(own, REVIEWER, 'reviewOwnOrganisation');
  });

  it('refuses every decision to the person who filed the claim, also listed as a reviewer', async () => {
    // One person is the partner's incentives admin and, by a configuration mistake, an operator reviewer.
    const person = partner.admin.actor.id;
    await engine.partners.upsert({
      id: OPERATOR_TENANT,
      type: 'operator',
      name: 'Program operator',
      locations: [],
      incentivesAdmins: [],
      reviewers: ['aad-reviewer', person],
    });
    const filed = value(await engine.lifecycle.submit(refOf(await draft(engine, partner)), partner.admin)).value;
    const asReviewer: Caller = { actor: { role: 'reviewer', id: person }, tenantId: OPERATOR_TENANT };
    assert.equal(await engine.partners.isReviewer(OPERATOR_TENANT, person), true);
    await refusedUnchanged(filed, asReviewer, 'reviewOwnClaim');
    // Another reviewer decides it as usual.
    assert.equal(value(await engine.lifecycle.startReview(refOf(filed), REVIEWER)).value.status, 'underReview');
  });

  it('refuses the person who edited the claim or added its evidence, whoever filed it', async () => {
    const editor = `aad-editor-${randomUUID()}`;
    const uploader = `aad-uploader-${randomUUID()}`;
    await engine.partners.upsert({
      id: OPERATOR_TENANT,
      type: 'operator',
      name: 'Program operator',
      locations: [],
      incentivesAdmins: [],
      reviewers: ['aad-reviewer', editor, uploader],
    });
    const edited = await draft(engine, partner, {
      status: 'submitted',
      submittedAt: START.toISOString(),
      history: [
        {
          at: START.toISOString(),
          actor: { role: 'partnerAdmin', id: editor },
          event: 'edited',
          from: 'submitted',
          to: 'submitted',
        },
      ],
      poe: [{ ...poeFile('poe-x'), uploadedBy: { role: 'partnerAdmin', id: uploader } }],
    });
    await refusedUnchanged(
      edited,
      { actor: { role: 'reviewer', id: editor }, tenantId: OPERATOR_TENANT },
      'reviewOwnClaim',
    );
    await refusedUnchanged(
      edited,
      { actor: { role: 'reviewer', id: uploader }, tenantId: OPERATOR_TENANT },
      'reviewOwnClaim',
    );
  });

  it('tells parties from others by id, case-insensitively, and ignores what reviewers and customers did', () => {
    const claim = {
      partnerId: 'p',
      createdBy: { role: 'partnerAdmin', id: 'AAD-A' },
      history: [{ actor: { role: 'reviewer', id: 'aad-r' } }, { actor: { role: 'customer', id: 'it@x.com' } }],
      poe: [],
    } as unknown as Claim;
    assert.equal(isPartyTo(claim, 'aad-a'), true);
    assert.equal(isPartyTo(claim, 'aad-r'), false);
    assert.equal(isPartyTo(claim, 'it@x.com'), false);
    assert.equal(isPartyTo(claim, ''), false);
    assert.deepEqual(separationProblems(claim, { id: 'aad-r', tenantId: 'P' }), [
      { code: 'reviewOwnOrganisation', field: 'actor' },
    ]);
    assert.deepEqual(separationProblems(claim, { id: 'aad-r', tenantId: 'q' }), []);
  });
});
