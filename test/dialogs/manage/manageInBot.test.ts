import assert from 'node:assert/strict';
import { t } from '../../../locales/i18n';
import { objectsOfType } from '../../cards/cardChecks';
import { ADMIN, VIEWER, reviewWorld, shownText, type ReviewWorld } from '../../support/reviewHarness';

/** The whole bot as composed for Teams: the status card's buttons reach their handlers. */
describe('manage through the composed bot', () => {
  let world: ReviewWorld;

  before(async () => {
    world = await reviewWorld();
  });

  const statusCard = async (user: typeof ADMIN, claimId: string): Promise<Record<string, unknown>> => {
    const replies = await world.send(user, { value: { verb: 'viewClaim', claimId, nonce: '' } });
    const content = replies.at(-1)?.attachments?.[0]?.content as Record<string, unknown> | undefined;
    assert.ok(content, 'a status card');
    return content;
  };

  it("opens the claim's comments thread from the status card's Comments button (Action.Execute)", async () => {
    const claim = await world.seed({
      comments: [
        {
          id: 'c1',
          author: { role: 'reviewer', id: 'r', name: 'Rae Reviewer' },
          text: 'Please attach the signed SOW.',
          at: '2026-03-02T17:00:00.000Z',
        },
      ],
    });
    for (const user of [ADMIN, VIEWER]) {
      const [comments] = [...objectsOfType(await statusCard(user, claim.id), 'Action.Execute')].filter(
        (a) => a.verb === 'viewComments',
      );
      assert.ok(comments, 'a Comments button');
      const answer = await world.invoke(user, 'viewComments', comments.data as Record<string, unknown>);
      assert.equal(answer.status, 200);
      assert.ok(answer.text.includes('Please attach the signed SOW.'));
      assert.ok(answer.text.includes(t('en-US', 'comments.title')));
    }
  });

  it('answers "status" about the claim just shown, remembered in the conversation state between turns', async () => {
    const [shown] = [await world.seed(), await world.seed()];
    await statusCard(ADMIN, shown.id);
    const replies = await world.send(ADMIN, { text: 'status' });
    const card = replies.at(-1)?.attachments?.[0]?.content;
    assert.ok(card, `a status card, not ${JSON.stringify(replies.map((r) => r.text))}`);
    assert.ok(JSON.stringify(card).includes(`"verb":"viewHistory","claimId":"${shown.id}"`));
  });

  it('withdraws through a card submit in the personal chat, recorded with who and why', async () => {
    const claim = await world.seed({ status: 'underReview' });
    const replies = await world.send(ADMIN, { value: { verb: 'withdrawClaim', claimId: claim.id, nonce: '' } });
    assert.equal(replies[0]?.text, t('en-US', 'manage.withdrawn'));
    const stored = (await world.read(claim)).value;
    assert.deepEqual(
      [stored.status, stored.history.at(-1)?.event, stored.history.at(-1)?.actor.id],
      ['rejected', 'withdraw', ADMIN.aadObjectId],
    );
    assert.ok(
      !shownText(replies.at(-1)?.attachments?.[0]?.content).includes(t('en-US', 'manage.withdrawConfirm')),
      'the fresh card offers no second withdrawal',
    );
  });
});
