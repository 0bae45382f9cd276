/**
 * Reviewers belong to the operator organisation only, and never decide their own: the
 * attempts a hostile partner made under the old trust model (a partner's admin listed
 * as a reviewer of their own organisation), and the separation of duties, through the
 * composed bot.
 */
import assert from 'node:assert/strict';
import { t, type Locale } from '../../../locales/i18n';
import { OTHER_ORG, ORG } from '../../support/botHarness';
import {
  ADMIN,
  OPERATOR,
  OTHER_ADMIN,
  REVIEWER,
  reviewWorld,
  withPoe,
  type ReviewWorld,
} from '../../support/reviewHarness';

describe('reviewers are the operator’s, and never decide their own', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
    // The old demo seed: the partner's incentives admin listed among its own organisation's reviewers.
    await w.h.partners.upsert({ ...ORG, reviewers: [ADMIN.aadObjectId] });
  });
  after(async () => {
    await w.h.partners.upsert(ORG);
  });

  it('refuses a partner admin listed as reviewer in their own entry: queue, detail, PoE link, start review, comment, approve', async () => {
    const rival = (
      await withPoe(
        w,
        await w.seed({ partnerId: OTHER_ORG.id, createdBy: { role: 'partnerAdmin', id: OTHER_ADMIN.aadObjectId } }),
      )
    ).claim;
    const own = await w.seed({ status: 'underReview' });
    const before = await Promise.all([w.read(rival), w.read(own)]);
    const [typed] = await w.send(ADMIN, { text: 'review queue' }, 'ko-KR');
    assert.equal(typed.text, t('ko-KR', 'access.notReviewer'));
    const attempts: [string, Record<string, unknown>][] = [
      ['reviewQueue', { page: 1 }],
      ['reviewOpen', { claimId: rival.id, partnerId: rival.partnerId }],
      ['reviewStart', { claimId: rival.id, partnerId: rival.partnerId, seenStatus: 'submitted' }],
      [
        'addComment',
        { claimId: rival.id, partnerId: rival.partnerId, audience: 'reviewer', comment: 'mine now', commentId: 'c-1' },
      ],
      ['reviewApprove', { claimId: own.id, partnerId: own.partnerId, seenStatus: 'underReview' }],
      ['reviewApprove', { claimId: rival.id, partnerId: rival.partnerId, seenStatus: 'submitted' }],
    ];
    for (const [verb, data] of attempts) {
      const answer = await w.invoke(ADMIN, verb, data, 'ja-JP');
      assert.deepEqual(answer.text, [t('ja-JP', 'access.notReviewer')], verb);
      const shown = JSON.stringify(answer.card);
      for (const secret of [rival.customerTenantId, rival.customerContact?.email ?? '', 'sig=', OTHER_ORG.name])
        assert.ok(!shown.includes(secret), `${verb} shows nothing of the claim`);
    }
    const after = await Promise.all([w.read(rival), w.read(own)]);
    assert.deepEqual(
      after.map((c) => c.etag),
      before.map((c) => c.etag),
      'nothing written',
    );
    assert.deepEqual(after[1].value.outbox, [], 'no customer email queued');
  });

  it("refuses the operator's reviewer a decision on a claim of the operator's own tenant, in the reviewer's language, writing nothing", async () => {
    const own = await w.seed({ partnerId: OPERATOR.id, status: 'underReview' });
    const before = await w.read(own);
    for (const locale of ['en-US', 'ko-KR', 'ja-JP'] as Locale[]) {
      const answer = await w.invoke(
        REVIEWER,
        'reviewApprove',
        { claimId: own.id, partnerId: own.partnerId, seenStatus: 'underReview' },
        locale,
      );
      assert.ok(answer.text.includes(t(locale, 'reviewer.refused')), answer.text.join('\n'));
      assert.ok(answer.text.includes(t(locale, 'problems.reviewOwnOrganisation')), answer.text.join('\n'));
    }
    assert.equal((await w.read(own)).etag, before.etag);
  });

  it('refuses the reviewer a decision or comment on a claim they filed, writing nothing', async () => {
    const filed = await w.seed({
      status: 'underReview',
      createdBy: { role: 'partnerAdmin', id: REVIEWER.aadObjectId },
    });
    const before = await w.read(filed);
    const base = { claimId: filed.id, partnerId: filed.partnerId, seenStatus: 'underReview' };
    for (const [verb, data] of [
      ['reviewApprove', base],
      ['reviewReject', { ...base, rejectReason: 'insufficientPoe', rejectNote: 'x' }],
      ['reviewRequestInfo', { ...base, infoReasons: 'missingAllPoe' }],
      ['addComment', { ...base, audience: 'reviewer', comment: 'fine', commentId: 'c-2' }],
    ] as const) {
      const answer = await w.invoke(REVIEWER, verb, data, 'ko-KR');
      assert.ok(answer.text.includes(t('ko-KR', 'problems.reviewOwnClaim')), `${verb}: ${answer.text.join('\n')}`);
    }
    assert.equal((await w.read(filed)).etag, before.etag);
  });
});
