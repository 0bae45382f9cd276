import assert from 'node:assert/strict';
import type { Claim } from '../../../claims/model';
import { t } from '../../../locales/i18n';
import { objectsOfType } from '../../cards/cardChecks';
import {
  ADMIN,
  actionData,
  OTHER_ADMIN,
  REVIEWER,
  reviewWorld,
  verbsOf,
  VIEWER,
  type ReviewWorld,
} from '../../support/reviewHarness';

describe('comments thread, both sides', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
  });

  const reviewerCard = (claim: Claim) =>
    w.invoke(REVIEWER, 'reviewOpen', { claimId: claim.id, partnerId: claim.partnerId });
  const partnerCard = (claim: Claim, user = ADMIN) => w.invoke(user, 'viewComments', { claimId: claim.id });

  it('a reviewer comments from the review card; the partner sees it with the author role and adds a reply the reviewer sees', async () => {
    const claim = await w.seed({ status: 'underReview' });
    const opened = await reviewerCard(claim);
    const afterReviewer = await w.invoke(
      REVIEWER,
      'addComment',
      actionData(opened.card, 'addComment', { comment: 'Is the SOW signed by the customer?' }),
    );
    assert.ok(afterReviewer.text.includes(t('en-US', 'comments.added')));
    assert.ok(afterReviewer.text.includes('Is the SOW signed by the customer?'), 'in the timeline');

    const thread = await partnerCard(claim);
    assert.ok(thread.text.includes('Is the SOW signed by the customer?'));
    assert.ok(
      thread.text.some((line) => line.startsWith('Microsoft reviewer (Rae Reviewer) · ')),
      thread.text.join('\n'),
    );
    const replied = await w.invoke(
      ADMIN,
      'addComment',
      actionData(thread.card, 'addComment', { comment: 'Yes, page 2.' }),
    );
    assert.ok(replied.text.includes('Yes, page 2.') && replied.text.includes(t('en-US', 'comments.added')));

    const stored = (await w.read(claim)).value;
    assert.deepEqual(
      stored.comments.map((c) => [c.author.role, c.author.id, c.text]),
      [
        ['reviewer', REVIEWER.aadObjectId, 'Is the SOW signed by the customer?'],
        ['partnerAdmin', ADMIN.aadObjectId, 'Yes, page 2.'],
      ],
    );
    assert.equal(stored.status, 'underReview');
    const reopened = await reviewerCard(claim);
    assert.ok(
      reopened.text.includes('Yes, page 2.') &&
        reopened.text.some((line) => line.startsWith('Incentives admin (Ada Admin) · ')),
    );
  });

  it('a comment clicked twice is added once, from either side', async () => {
    const claim = await w.seed();
    const thread = await partnerCard(claim);
    const data = actionData(thread.card, 'addComment', { comment: 'Once only' });
    await w.invoke(ADMIN, 'addComment', data);
    await w.invoke(ADMIN, 'addComment', data);
    const review = actionData((await reviewerCard(claim)).card, 'addComment', { comment: 'Reviewer once' });
    await Promise.all([w.invoke(REVIEWER, 'addComment', review), w.invoke(REVIEWER, 'addComment', review)]);
    assert.deepEqual(
      (await w.read(claim)).value.comments.map((c) => c.text),
      ['Once only', 'Reviewer once'],
    );
  });

  it('keeps comment text as plain data, never markdown or template source', async () => {
    const claim = await w.seed();
    const hostile = '**bold** [x](https://evil.example) ${$root.labels.title}';
    await w.invoke(
      ADMIN,
      'addComment',
      actionData((await partnerCard(claim)).card, 'addComment', { comment: hostile }),
    );
    for (const answer of [await partnerCard(claim), await reviewerCard(claim)]) {
      const runs = [...objectsOfType(answer.card, 'TextRun')].filter((run) => String(run.text).includes(hostile));
      assert.equal(runs.length, 1);
      assert.ok(![...objectsOfType(answer.card, 'TextBlock')].some((block) => String(block.text).includes('evil')));
    }
  });

  it('refuses an empty comment with the reason, and stores nothing', async () => {
    const claim = await w.seed();
    const answer = await w.invoke(
      ADMIN,
      'addComment',
      actionData((await partnerCard(claim)).card, 'addComment', { comment: '   ' }),
    );
    assert.ok(answer.text.includes('Comment is required.'), answer.text.join('\n'));
    assert.deepEqual((await w.read(claim)).value.comments, []);
  });

  it('shows partner users the thread read-only and refuses their forged comment', async () => {
    const claim = await w.seed({
      comments: [{ id: 'c-0', author: { role: 'reviewer', id: 'r' }, text: 'Hello', at: '2026-03-02T17:00:00.000Z' }],
    });
    const thread = await partnerCard(claim, VIEWER);
    assert.ok(thread.text.includes('Hello') && thread.text.includes(t('en-US', 'comments.viewOnly')));
    assert.deepEqual(verbsOf(thread.card), []);
    const forged = await w.invoke(VIEWER, 'addComment', { claimId: claim.id, audience: 'partner', comment: 'sneaky' });
    assert.ok(forged.text.includes(t('en-US', 'comments.viewOnly')));
    assert.deepEqual(
      (await w.read(claim)).value.comments.map((c) => c.text),
      ['Hello'],
    );
  });

  it("never lets another organisation's partner see or add to the thread, whatever partner id the data names", async () => {
    const claim = await w.seed({
      comments: [
        {
          id: 'c-0',
          author: { role: 'partnerAdmin', id: 'aad-admin' },
          text: 'Private note',
          at: '2026-03-02T17:00:00.000Z',
        },
      ],
    });
    const seen = await w.invoke(OTHER_ADMIN, 'viewComments', { claimId: claim.id, partnerId: claim.partnerId });
    assert.deepEqual(seen.text, [t('en-US', 'errors.notFound')]);
    const added = await w.invoke(OTHER_ADMIN, 'addComment', {
      claimId: claim.id,
      partnerId: claim.partnerId,
      audience: 'partner',
      comment: 'hi',
    });
    assert.deepEqual(added.text, [t('en-US', 'errors.notFound')]);
    const asReviewer = await w.invoke(OTHER_ADMIN, 'addComment', {
      claimId: claim.id,
      partnerId: claim.partnerId,
      audience: 'reviewer',
      seenStatus: 'submitted',
      comment: 'hi',
    });
    assert.deepEqual(asReviewer.text, [t('en-US', 'access.notReviewer')]);
    const ownAdminAsReviewer = await w.invoke(ADMIN, 'addComment', {
      claimId: claim.id,
      partnerId: claim.partnerId,
      audience: 'reviewer',
      comment: 'hi',
    });
    assert.deepEqual(
      ownAdminAsReviewer.text,
      [t('en-US', 'access.notReviewer')],
      'the audience names a card, not a role',
    );
    assert.deepEqual(
      (await w.read(claim)).value.comments.map((c) => c.text),
      ['Private note'],
    );
  });

  it('speaks the partner’s language on the thread card', async () => {
    const claim = await w.seed();
    const thread = await w.invoke(ADMIN, 'viewComments', { claimId: claim.id }, 'ja-JP');
    assert.ok(
      thread.text.includes(t('ja-JP', 'comments.threadIntro')) && thread.text.includes(t('ja-JP', 'comments.empty')),
    );
  });
});
