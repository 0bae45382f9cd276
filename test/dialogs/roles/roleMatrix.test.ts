/**
 * Every role against every typed command, through the composed bot: what each person
 * may ask and what they are told instead, and that none of the refusals writes anything
 * (no claim, no directory change). Role holders of the partner, a role-less user of the
 * partner's tenant, the operator's reviewer and the operator's admin.
 */
import assert from 'node:assert/strict';
import type { Command } from '../../../locales/catalogs';
import { t } from '../../../locales/i18n';
import { messageList } from '../../../locales/translator';
import { OPERATOR, ORG } from '../../support/botHarness';
import {
  MONDAY,
  REVIEWER,
  VIEWER,
  reviewWorld,
  shownText,
  verbsOf,
  type ReviewWorld,
  type User,
} from '../../support/reviewHarness';

const OWNER: User = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Owen Owner', tenantId: ORG.id };
const STRANGER: User = { id: '29:stranger', aadObjectId: 'aad-stranger', name: 'Sam Stranger', tenantId: ORG.id };
const OPERATOR_ADMIN: User = {
  id: '29:opadmin',
  aadObjectId: 'aad-operator-admin',
  name: 'Olga Operator',
  tenantId: OPERATOR.id,
};

type Reply = { text?: string; card?: Record<string, unknown> };
type Expect = (reply: Reply) => void;

const says =
  (key: Parameters<typeof t>[1]): Expect =>
  (reply) =>
    assert.equal(reply.text, t('en-US', key));
const card =
  (title: Parameters<typeof t>[1], verbs: { with?: string[]; without?: string[] } = {}): Expect =>
  (reply) => {
    assert.ok(reply.card, `expected a card, got ${reply.text ?? 'nothing'}`);
    assert.ok(shownText(reply.card).includes(t('en-US', title)), `${title} in ${shownText(reply.card).join(' | ')}`);
    for (const verb of verbs.with ?? []) assert.ok(verbsOf(reply.card).includes(verb), `offers ${verb}`);
    for (const verb of verbs.without ?? []) assert.ok(!verbsOf(reply.card).includes(verb), `does not offer ${verb}`);
  };
const accessOffer: Expect = card('accessRequest.askTitle', { with: ['accessRequest'] });
const claimsList = card('claimsList.title');
const whichClaim = says('conversation.whichClaim');

/** What each person is answered, command by command ('export' and 'newClaim' of incentives admins are covered by their own suites). */
const MATRIX: [User, Partial<Record<Command, Expect>>][] = [
  [
    OWNER,
    {
      newClaim: says('access.notAllowed'),
      continueDraft: says('access.notAllowed'),
      myClaims: claimsList,
      status: whichClaim,
      history: whichClaim,
      reviewQueue: says('access.notReviewer'),
      members: card('members.title', { with: ['roleGrant', 'roleRevoke'], without: ['orgList'] }),
      organisations: says('organisations.notAllowed'),
      cancel: says('cancel.nothingToCancel'),
      help: card('help.title'),
    },
  ],
  [
    VIEWER,
    {
      newClaim: says('access.notAllowed'),
      continueDraft: says('access.notAllowed'),
      myClaims: claimsList,
      status: whichClaim,
      reviewQueue: says('access.notReviewer'),
      members: card('members.title', { without: ['roleGrant', 'roleRevoke', 'accessDecide'] }),
      organisations: says('organisations.notAllowed'),
      help: card('help.title'),
    },
  ],
  [
    STRANGER,
    {
      newClaim: accessOffer,
      continueDraft: accessOffer,
      myClaims: accessOffer,
      status: accessOffer,
      history: accessOffer,
      export: accessOffer,
      help: accessOffer,
      reviewQueue: says('access.notReviewer'),
      members: says('members.notAllowed'),
      organisations: says('organisations.notAllowed'),
    },
  ],
  [
    REVIEWER,
    {
      newClaim: says('access.operatorHasNoClaims'),
      continueDraft: says('access.operatorHasNoClaims'),
      myClaims: says('access.operatorHasNoClaims'),
      status: says('access.operatorHasNoClaims'),
      export: says('access.operatorHasNoClaims'),
      reviewQueue: card('reviewer.queueTitle'),
      members: card('members.title', { without: ['roleGrant', 'orgList'] }),
      organisations: says('organisations.notAllowed'),
      help: card('help.reviewQueue'),
    },
  ],
  [
    OPERATOR_ADMIN,
    {
      newClaim: says('access.operatorHasNoClaims'),
      myClaims: says('access.operatorHasNoClaims'),
      reviewQueue: says('access.notReviewer'),
      members: card('members.title', { with: ['roleGrant', 'roleRevoke', 'orgList'] }),
      organisations: card('organisations.title', { with: ['orgOnboardForm', 'orgSuspend'] }),
      help: card('help.organisations'),
    },
  ],
];

describe('every role against every typed command', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
    w.clock.at = MONDAY;
  });

  for (const [user, expectations] of MATRIX) {
    it(`${user.name}: each command answered or refused as the role allows, and nothing written`, async () => {
      const before = await Promise.all([ORG.id, OPERATOR.id].map((id) => w.h.partners.getVersioned(id)));
      const claimsBefore = (await w.h.claims.listByPartner(ORG.id, {}, 100)).items.length;
      for (const [command, expect] of Object.entries(expectations) as [Command, Expect][]) {
        const [reply] = await w.send(user, { text: messageList('en-US', `commands.${command}`)[0] });
        const content = (reply?.attachments?.[0] as { content?: Record<string, unknown> } | undefined)?.content;
        try {
          expect({ text: reply?.text, card: content });
        } catch (e) {
          throw new Error(`${user.name} "${command}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      const after = await Promise.all([ORG.id, OPERATOR.id].map((id) => w.h.partners.getVersioned(id)));
      assert.deepEqual(
        after.map((v) => v?.etag),
        before.map((v) => v?.etag),
        'no directory change',
      );
      assert.equal((await w.h.claims.listByPartner(ORG.id, {}, 100)).items.length, claimsBefore, 'no claim written');
    });
  }
});
