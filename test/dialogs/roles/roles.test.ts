/**
 * Roles managed from Teams, end to end through the composed bot on the stand-ins:
 * onboarding by an operator admin, owners granting and revoking, access requests told
 * proactively (real CloudAdapter and ProactiveSender against a recording connector),
 * suspension, the audit trail on the members card, and every refusal writing nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { PartnerOrganisation } from '../../../claims/model';
import { createAdapter } from '../../../bot/http/adapter';
import { createLogger } from '../../../bot/app/logger';
import { noTelemetry } from '../../../bot/app/telemetry';
import { ProactiveSender } from '../../../bot/notifications/proactiveSender';
import { RoleNotifier } from '../../../bot/notifications/roleNotifier';
import { t, type Locale } from '../../../locales/i18n';
import { CosmosConversationReferenceStore } from '../../../storage/conversationReferenceStore';
import { OPERATOR, ORG, OTHER_ORG, TIME_ZONE } from '../../support/botHarness';
import { objectsOfType } from '../../cards/cardChecks';
import { personalReference, RecordingConnector } from '../../support/recordingConnector';
import {
  ADMIN,
  actionData,
  MONDAY,
  OTHER_ADMIN,
  REVIEWER,
  reviewWorld,
  shownText,
  verbsOf,
  VIEWER,
  type ReviewWorld,
  type User,
} from '../../support/reviewHarness';

const OPERATOR_ADMIN: User = {
  id: '29:opadmin',
  aadObjectId: 'aad-operator-admin',
  name: 'Olga Operator',
  tenantId: OPERATOR.id,
};
const OWNER: User = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Owen Owner', tenantId: ORG.id };
const NEWCOMER_TENANT = 'abcdef01-2345-4678-9abc-def012345678';
const NEWCOMER_OWNER: User = {
  id: '29:newowner',
  aadObjectId: 'aad-new-owner',
  name: 'Nia New',
  tenantId: NEWCOMER_TENANT,
};
const EMAILS: Record<string, string> = {
  'aad-new-owner': 'nia@newcomer.example',
  'aad-stranger': 'sam@contoso.example',
};

describe('roles managed from Teams, with an audit trail', () => {
  let w: ReviewWorld;
  let connector: RecordingConnector;
  let references: CosmosConversationReferenceStore;

  before(async () => {
    connector = await new RecordingConnector().start();
    // The real proactive path: CloudAdapter without an app id (as locally), references in Cosmos, the recording connector on loopback.
    const adapter = createAdapter(
      { appId: '', appType: 'SingleTenant', tenantId: '' },
      { logger: createLogger('silent'), telemetry: noTelemetry },
    );
    // The world's reference store exists only once the world does: the notifier reaches it through this holder.
    const refs: { store?: CosmosConversationReferenceStore } = {};
    const store = (): CosmosConversationReferenceStore => refs.store as CosmosConversationReferenceStore;
    const lazyRefs = {
      get: (tenantId: string, id: string) => store().get(tenantId, id),
      findByEmail: (email: string, tenantId?: string) => store().findByEmail(email, tenantId),
      markDead: (tenantId: string, id: string) => store().markDead(tenantId, id),
    };
    const sender = new ProactiveSender({ adapter, botAppId: '', references: lazyRefs, allowHttpServiceUrl: true });
    w = await reviewWorld({
      emailOf: (id) => EMAILS[id],
      roleNotices: new RoleNotifier({ sender, references: lazyRefs, timeZone: TIME_ZONE }),
    });
    refs.store = w.h.references;
    references = w.h.references;
  });
  after(() => connector.stop());
  beforeEach(async () => {
    w.clock.at = MONDAY;
    for (const org of [ORG, OTHER_ORG, OPERATOR]) await w.h.partners.upsert(org);
  });

  /** Makes `user` reachable proactively at the recording connector; returns the conversation id. */
  async function reachable(user: User, locale: Locale = 'en-US'): Promise<string> {
    const reference = personalReference(
      connector.url,
      { id: user.id, aadObjectId: user.aadObjectId },
      user.tenantId,
      locale,
    );
    await references.save({
      tenantId: user.tenantId,
      aadObjectId: user.aadObjectId,
      locale,
      reference,
      updatedAt: MONDAY.toISOString(),
      dead: false,
    });
    return String((reference.conversation as { id: string }).id);
  }

  const stored = async (id: string): Promise<PartnerOrganisation> => {
    const org = await w.h.partners.get(id);
    assert.ok(org, `organisation ${id}`);
    return org;
  };

  const cardOf = (replies: Awaited<ReturnType<ReviewWorld['send']>>): Record<string, unknown> => {
    const content = (replies[0]?.attachments?.[0] as { content?: Record<string, unknown> } | undefined)?.content;
    assert.ok(content, `expected a card, got ${JSON.stringify(replies[0])}`);
    return content;
  };

  describe('onboarding by an operator admin', () => {
    it('from the organisations card: mistakes are told with everything typed kept; then the partner exists with its owner and its audit trail', async () => {
      const list = cardOf(await w.send(OPERATOR_ADMIN, { text: 'organisations' }));
      assert.ok(verbsOf(list).includes('orgOnboardForm'));
      const form = await w.invoke(OPERATOR_ADMIN, 'orgOnboardForm', actionData(list, 'orgOnboardForm'), 'ko-KR');
      const typed = {
        orgName: 'Newcomer Ltd',
        orgTenantId: 'not-a-tenant',
        orgLocations: '12, HQ, USA\nnonsense',
        orgOwners: 'nobody',
      };
      const refused = await w.invoke(OPERATOR_ADMIN, 'orgOnboard', actionData(form.card, 'orgOnboard', typed), 'ko-KR');
      assert.ok(
        refused.text.includes(t('ko-KR', 'onboarding.locationLineInvalid', { line: 2 })),
        refused.text.join('\n'),
      );
      const inputs = Object.fromEntries([...objectsWithIds(refused.card)].map((i) => [i.id, i.value]));
      assert.deepEqual(inputs, typed, 'nothing typed is lost');
      const refusedAgain = await w.invoke(
        OPERATOR_ADMIN,
        'orgOnboard',
        { ...typed, orgLocations: '12, HQ, USA' },
        'ko-KR',
      );
      for (const line of [
        t('ko-KR', 'problems.organisationTenantInvalid'),
        t('ko-KR', 'problems.memberInvalid'),
        t('ko-KR', 'problems.locationCountryInvalid', { value: 'USA' }),
      ]) {
        assert.ok(refusedAgain.text.includes(line), `${line} in ${refusedAgain.text.join('\n')}`);
      }
      assert.equal(await w.h.partners.get(NEWCOMER_TENANT), undefined, 'nothing written');

      const done = await w.invoke(OPERATOR_ADMIN, 'orgOnboard', {
        orgName: 'Newcomer Ltd',
        orgTenantId: NEWCOMER_TENANT.toUpperCase(),
        orgLocations: '1234567, Newcomer Seattle, US\n7654321; Newcomer Tokyo; jp',
        orgOwners: 'Nia@Newcomer.example',
      });
      assert.ok(
        done.text.includes(t('en-US', 'organisations.onboarded', { organisation: 'Newcomer Ltd' })),
        done.text.join('\n'),
      );
      const org = await stored(NEWCOMER_TENANT);
      assert.deepEqual(org.locations, [
        { mpnId: '1234567', name: 'Newcomer Seattle', country: 'US' },
        { mpnId: '7654321', name: 'Newcomer Tokyo', country: 'JP' },
      ]);
      assert.deepEqual(org.owners, ['nia@newcomer.example']);
      assert.deepEqual(
        org.roleLog?.map((c) => [c.by, c.action, c.role, c.whom]),
        [
          ['aad-operator-admin', 'onboard', undefined, undefined],
          ['aad-operator-admin', 'grant', 'owner', 'nia@newcomer.example'],
        ],
      );
      const twice = await w.invoke(OPERATOR_ADMIN, 'orgOnboard', {
        orgName: 'Again',
        orgTenantId: NEWCOMER_TENANT,
        orgLocations: '1234567, X',
        orgOwners: 'a@b.example',
      });
      assert.ok(twice.text.includes(t('en-US', 'problems.organisationExists')));

      // The owner named by email speaks from the new tenant: bound to their account, an owner, with the trail to see.
      const members = cardOf(await w.send(NEWCOMER_OWNER, { text: 'members' }, 'ja-JP'));
      const lines = shownText(members);
      assert.ok(lines.includes('Newcomer Ltd'));
      assert.ok(
        lines.some((line) => line.includes('Olga Operator')),
        'the trail names who onboarded',
      );
      assert.ok(verbsOf(members).includes('roleGrant'), 'an owner may add members');
      assert.deepEqual((await stored(NEWCOMER_TENANT)).owners, ['aad-new-owner']);
    });

    it('is refused to everyone but operator admins, writing nothing', async () => {
      const data = {
        orgName: 'Sneaky',
        orgTenantId: randomUUID(),
        orgLocations: '1234567, HQ',
        orgOwners: 'me@sneaky.example',
      };
      for (const user of [ADMIN, OWNER, REVIEWER, OTHER_ADMIN]) {
        for (const verb of ['orgList', 'orgOnboardForm', 'orgOnboard']) {
          const answer = await w.invoke(user, verb, data, 'ja-JP');
          assert.deepEqual(answer.text, [t('ja-JP', 'organisations.notAllowed')], `${user.name} ${verb}`);
        }
        const [typed] = await w.send(user, { text: 'organisations' });
        assert.equal(typed.text, t('en-US', 'organisations.notAllowed'));
      }
      assert.equal(await w.h.partners.get(data.orgTenantId), undefined);
    });
  });

  describe('suspension', () => {
    it('stops every user of the partner on their next turn, until reinstated; only operator admins may, and it is recorded', async () => {
      const refused = await w.invoke(OWNER, 'orgSuspend', { orgId: ORG.id, suspend: 'true' });
      assert.deepEqual(refused.text, [t('en-US', 'organisations.notAllowed')]);
      assert.equal((await stored(ORG.id)).suspended, undefined);
      const done = await w.invoke(OPERATOR_ADMIN, 'orgSuspend', { orgId: ORG.id, suspend: 'true' }, 'ko-KR');
      assert.ok(done.text.includes(t('ko-KR', 'organisations.suspended', { organisation: ORG.name })));
      const [stopped] = await w.send(ADMIN, { text: 'my claims' }, 'ja-JP');
      assert.equal(stopped.text, t('ja-JP', 'access.organisationSuspended'));
      const viewComments = await w.invoke(VIEWER, 'viewComments', { claimId: (await w.seed()).id });
      assert.deepEqual(viewComments.text, [t('en-US', 'errors.notFound')]);
      await w.invoke(OPERATOR_ADMIN, 'orgSuspend', { orgId: ORG.id, suspend: 'false' });
      const back = await w.send(ADMIN, { text: 'my claims' });
      assert.ok(shownText(cardOf(back)).includes(t('en-US', 'claimsList.title')));
      assert.deepEqual(
        (await stored(ORG.id)).roleLog?.map((c) => c.action),
        ['suspend', 'reinstate'],
      );
    });
  });

  describe('owners grant and revoke', () => {
    it('an incentives admin granted by an owner may file claims on their very next turn; revoked, they may not', async () => {
      const newcomer: User = { id: '29:n', aadObjectId: randomUUID(), name: 'Nat Newcomer', tenantId: ORG.id };
      const card = cardOf(await w.send(OWNER, { text: 'members' }));
      const [before] = await w.send(newcomer, { text: 'new claim' });
      assert.ok(JSON.stringify(before).includes(t('en-US', 'accessRequest.askTitle')), 'no role yet: the access offer');
      const granted = await w.invoke(
        OWNER,
        'roleGrant',
        actionData(card, 'roleGrant', { memberToAdd: newcomer.aadObjectId, roleToGrant: 'incentivesAdmin' }),
      );
      assert.ok(
        granted.text.includes(
          t('en-US', 'members.granted', { whom: newcomer.aadObjectId, role: t('en-US', 'roles.incentivesAdmin') }),
        ),
        granted.text.join('\n'),
      );
      const [allowed] = await w.send(newcomer, { text: 'new claim' });
      assert.notEqual(allowed.text, t('en-US', 'access.notAllowed'));
      assert.ok(!JSON.stringify(allowed).includes(t('en-US', 'accessRequest.askTitle')));

      const remove = [...objectsOfType(granted.card, 'Action.Execute')].find(
        (a) => a.verb === 'roleRevoke' && (a.data as { whom?: string }).whom === newcomer.aadObjectId,
      );
      assert.ok(remove, 'a Remove button for the new member');
      const revoked = await w.invoke(OWNER, 'roleRevoke', remove.data as Record<string, unknown>);
      assert.ok(
        revoked.text.includes(
          t('en-US', 'members.revoked', { whom: newcomer.aadObjectId, role: t('en-US', 'roles.incentivesAdmin') }),
        ),
      );
      // Mid-flow now, the next turn is a card action: refused, the role is gone.
      const after = await w.invoke(newcomer, 'members', { orgId: ORG.id });
      assert.deepEqual(after.text, [t('en-US', 'members.notAllowed')], 'the role is gone on the next turn');
      const log = (await stored(ORG.id)).roleLog ?? [];
      assert.deepEqual(
        log.map((c) => [c.by, c.byName, c.action, c.role, c.whom, c.at]),
        [
          ['aad-owner', 'Owen Owner', 'grant', 'incentivesAdmin', newcomer.aadObjectId, MONDAY.toISOString()],
          ['aad-owner', 'Owen Owner', 'revoke', 'incentivesAdmin', newcomer.aadObjectId, MONDAY.toISOString()],
        ],
      );
      assert.ok(
        shownText(revoked.card).some((line) => line.includes('Owen Owner') && line.includes(newcomer.aadObjectId)),
        'the trail is on the members card',
      );
    });

    it('refuses anyone but an owner of that very organisation, and the last owner, writing nothing', async () => {
      const before = await w.h.partners.getVersioned(ORG.id);
      const grant = { orgId: ORG.id, memberToAdd: 'x@contoso.example', roleToGrant: 'owner' };
      for (const user of [ADMIN, VIEWER]) {
        const answer = await w.invoke(user, 'roleGrant', grant, 'ko-KR');
        assert.ok(
          answer.text.includes(t('ko-KR', 'problems.roleChangeNotAllowed', { role: t('ko-KR', 'roles.owner') })),
          `${user.name}: ${answer.text.join('\n')}`,
        );
        const revoke = await w.invoke(
          user,
          'roleRevoke',
          { orgId: ORG.id, role: 'incentivesAdmin', whom: 'aad-admin' },
          'ko-KR',
        );
        assert.ok(
          revoke.text.includes(
            t('ko-KR', 'problems.roleChangeNotAllowed', { role: t('ko-KR', 'roles.incentivesAdmin') }),
          ),
        );
      }
      // Another organisation's owner naming this one, and the operator's admin: the data's orgId is not theirs.
      for (const user of [OTHER_ADMIN, OPERATOR_ADMIN, { ...OWNER, tenantId: OTHER_ORG.id }]) {
        const answer = await w.invoke(user, 'roleGrant', grant, 'ja-JP');
        assert.deepEqual(answer.text, [t('ja-JP', 'members.notAllowed')], user.name);
      }
      const reviewerRole = await w.invoke(OWNER, 'roleGrant', { ...grant, roleToGrant: 'reviewer' }, 'ja-JP');
      assert.ok(
        reviewerRole.text.includes(
          t('ja-JP', 'problems.roleNotInOrganisation', { role: t('ja-JP', 'roles.reviewer') }),
        ),
        'no reviewers in a partner',
      );
      const last = await w.invoke(OWNER, 'roleRevoke', { orgId: ORG.id, role: 'owner', whom: 'aad-owner' });
      assert.ok(last.text.includes(t('en-US', 'problems.lastMember', { role: t('en-US', 'roles.owner') })));
      const bad = await w.invoke(OWNER, 'roleGrant', { ...grant, memberToAdd: 'not a person' });
      assert.ok(bad.text.includes(t('en-US', 'problems.memberInvalid')));
      assert.equal(JSON.stringify(bad.card).includes('not a person'), true, 'what was typed is kept');
      assert.equal((await w.h.partners.getVersioned(ORG.id))?.etag, before?.etag, 'nothing written');
    });

    it('lets operator admins manage reviewers and operator admins, and a new reviewer reviews on their next turn', async () => {
      const reviewer: User = { id: '29:r2', aadObjectId: randomUUID(), name: 'Rob Reviewer', tenantId: OPERATOR.id };
      const [before] = await w.send(reviewer, { text: 'review queue' });
      assert.equal(before.text, t('en-US', 'access.notReviewer'));
      const card = cardOf(await w.send(OPERATOR_ADMIN, { text: 'members' }));
      assert.deepEqual(
        verbsOf(card).filter((v) => v === 'roleRevoke').length,
        2,
        'the reviewer and the operator admin',
      );
      await w.invoke(
        OPERATOR_ADMIN,
        'roleGrant',
        actionData(card, 'roleGrant', { memberToAdd: reviewer.aadObjectId, roleToGrant: 'reviewer' }),
      );
      cardOf(await w.send(reviewer, { text: 'review queue' }));
      assert.ok(
        (await w.invoke(reviewer, 'reviewQueue', { page: 1 })).text.every(
          (line) => line !== t('en-US', 'access.notReviewer'),
        ),
      );
      // A reviewer is no operator admin.
      const refused = await w.invoke(REVIEWER, 'roleGrant', {
        orgId: OPERATOR.id,
        memberToAdd: 'x@op.example',
        roleToGrant: 'operatorAdmin',
      });
      assert.ok(
        refused.text.includes(t('en-US', 'problems.roleChangeNotAllowed', { role: t('en-US', 'roles.operatorAdmin') })),
      );
      const lastAdmin = await w.invoke(OPERATOR_ADMIN, 'roleRevoke', {
        orgId: OPERATOR.id,
        role: 'operatorAdmin',
        whom: OPERATOR_ADMIN.aadObjectId,
      });
      assert.ok(
        lastAdmin.text.includes(t('en-US', 'problems.lastMember', { role: t('en-US', 'roles.operatorAdmin') })),
      );
      await w.invoke(OPERATOR_ADMIN, 'roleRevoke', {
        orgId: OPERATOR.id,
        role: 'reviewer',
        whom: reviewer.aadObjectId,
      });
      assert.deepEqual((await w.invoke(reviewer, 'reviewQueue', { page: 1 })).text, [t('en-US', 'access.notReviewer')]);
    });

    it('shows the members card to every role holder, with management only for owners; nothing to users without a role', async () => {
      const viewerCard = cardOf(await w.send(VIEWER, { text: 'members' }));
      assert.ok(!verbsOf(viewerCard).includes('roleGrant'));
      assert.ok(!verbsOf(viewerCard).includes('roleRevoke'));
      const stranger: User = { id: '29:s', aadObjectId: 'aad-stranger', name: 'Sam', tenantId: ORG.id };
      const answer = await w.invoke(stranger, 'members', { orgId: ORG.id });
      assert.deepEqual(answer.text, [t('en-US', 'members.notAllowed')]);
    });
  });

  describe('access requests', () => {
    it('a role-less user asks; the owners get Grant / Decline proactively; the requester hears the answer and has the role on the next turn', async () => {
      const ownerConversation = await reachable(OWNER, 'ko-KR');
      const requester: User = { id: '29:req', aadObjectId: randomUUID(), name: 'Rita Request', tenantId: ORG.id };
      const offer = cardOf(await w.send(requester, { text: 'my claims' }, 'ja-JP'));
      assert.ok(shownText(offer).includes(t('ja-JP', 'access.noRole', { organisation: ORG.name })));
      const requesterConversation = await reachable(requester, 'ja-JP');

      const sent = await w.invoke(
        requester,
        'accessRequest',
        actionData(offer, 'accessRequest', { requestedRole: 'incentivesAdmin' }),
        'ja-JP',
      );
      assert.deepEqual(sent.text, [t('ja-JP', 'accessRequest.sent', { organisation: ORG.name })]);
      const toOwner = connector.received.filter((r) => r.conversationId === ownerConversation).at(-1);
      assert.ok(toOwner, 'the owner got the request');
      const ownerCard = (toOwner.activity.attachments as { content: Record<string, unknown> }[])[0].content;
      assert.ok(
        shownText(ownerCard).some(
          (line) => line.includes('Rita Request') && line.includes(t('ko-KR', 'roles.incentivesAdmin')),
        ),
        'in the owner’s language',
      );
      assert.equal((await stored(ORG.id)).accessRequests?.length, 1);

      // Someone else pressing the owner's Grant (the requester themselves) is refused.
      const forged = await w.invoke(requester, 'accessDecide', actionData(ownerCard, 'accessDecide'));
      assert.ok(
        forged.text.some(
          (line) => line === t('en-US', 'problems.roleChangeNotAllowed', { role: t('en-US', 'roles.incentivesAdmin') }),
        ),
        forged.text.join('\n'),
      );
      assert.equal((await stored(ORG.id)).incentivesAdmins.includes(requester.aadObjectId), false);

      const decided = await w.invoke(OWNER, 'accessDecide', actionData(ownerCard, 'accessDecide'));
      assert.ok(
        decided.text.includes(
          t('en-US', 'members.requestGranted', { whom: 'Rita Request', role: t('en-US', 'roles.incentivesAdmin') }),
        ),
        decided.text.join('\n'),
      );
      const told = connector.received.filter((r) => r.conversationId === requesterConversation).at(-1);
      assert.equal(
        told?.activity.text,
        t('ja-JP', 'accessRequest.grantedYou', { organisation: ORG.name, role: t('ja-JP', 'roles.incentivesAdmin') }),
      );
      const org = await stored(ORG.id);
      assert.ok(org.incentivesAdmins.includes(requester.aadObjectId));
      assert.deepEqual(org.accessRequests, []);
      assert.deepEqual(
        org.roleLog?.map((c) => [c.by, c.action, c.role, c.whom]),
        [['aad-owner', 'grant', 'incentivesAdmin', requester.aadObjectId]],
      );
      const again = await w.invoke(OWNER, 'accessDecide', actionData(ownerCard, 'accessDecide'));
      assert.ok(again.text.includes(t('en-US', 'problems.accessRequestGone')), 'a second click changes nothing');
      const [filing] = await w.send(requester, { text: 'new claim' });
      assert.ok(!JSON.stringify(filing).includes(t('en-US', 'accessRequest.askTitle')));
    });

    it('a declined request is recorded and told; no owner reachable still leaves it on the members card', async () => {
      const requester: User = { id: '29:req2', aadObjectId: randomUUID(), name: 'Dee Decline', tenantId: ORG.id };
      const requesterConversation = await reachable(requester);
      await references.markDead(OWNER.tenantId, OWNER.aadObjectId);
      const sent = await w.invoke(requester, 'accessRequest', { orgId: ORG.id, requestedRole: 'owner' });
      assert.deepEqual(sent.text, [
        t('en-US', 'accessRequest.sent', { organisation: ORG.name }),
        t('en-US', 'accessRequest.noOwnerReached', { organisation: ORG.name }),
      ]);
      const request = (await stored(ORG.id)).accessRequests?.[0];
      assert.equal(request?.role, 'viewer', 'ownership cannot be asked for: a forged role becomes viewer');
      const members = cardOf(await w.send(OWNER, { text: 'members' }));
      assert.ok(verbsOf(members).includes('accessDecide'));
      const declined = await w.invoke(OWNER, 'accessDecide', {
        orgId: ORG.id,
        requestId: request?.id,
        decision: 'decline',
      });
      assert.ok(declined.text.includes(t('en-US', 'members.requestDeclined', { whom: 'Dee Decline' })));
      assert.equal(
        connector.received.filter((r) => r.conversationId === requesterConversation).at(-1)?.activity.text,
        t('en-US', 'accessRequest.declinedYou', { organisation: ORG.name }),
      );
      const org = await stored(ORG.id);
      assert.equal(org.viewers?.includes(requester.aadObjectId), false);
      assert.deepEqual(
        org.roleLog?.map((c) => [c.action, c.whom]),
        [['declineAccess', requester.aadObjectId]],
      );
    });

    it('is refused to role holders, other tenants and the operator, writing nothing', async () => {
      const before = await w.h.partners.getVersioned(ORG.id);
      const held = await w.invoke(ADMIN, 'accessRequest', { orgId: ORG.id, requestedRole: 'viewer' }, 'ko-KR');
      assert.deepEqual(held.text, [t('ko-KR', 'problems.accessAlreadyGranted')]);
      for (const user of [OTHER_ADMIN, REVIEWER]) {
        const answer = await w.invoke(user, 'accessRequest', { orgId: ORG.id, requestedRole: 'viewer' });
        assert.deepEqual(answer.text, [t('en-US', 'problems.accessRequestNotAllowed')], user.name);
      }
      assert.equal((await w.h.partners.getVersioned(ORG.id))?.etag, before?.etag);
    });
  });
});

/** The inputs of a card, with their ids and values. */
function* objectsWithIds(card: Record<string, unknown>): Generator<{ id: string; value: unknown }> {
  const stack: unknown[] = [card];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string')
        yield { id: record.id, value: record.value };
      stack.push(...Object.values(record));
    }
  }
}
