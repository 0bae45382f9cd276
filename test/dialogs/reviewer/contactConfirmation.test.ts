/**
 * An unverified customer contact on the reviewer's cards: marked in the review queue's
 * conflicts column and on the detail card, which offers to confirm the address; the
 * confirmation is recorded in the history and only then does approval go through (the
 * consent request would go to that address), in every locale.
 */
import assert from 'node:assert/strict';
import { LOCALES, t } from '../../../locales/i18n';
import { REVIEWER, actionData, reviewWorld, verbsOf, type ReviewWorld } from '../../support/reviewHarness';

describe('confirming a contact address the directory could not verify', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
  });

  for (const locale of LOCALES) {
    it(`${locale}: is marked in the queue and on the card, confirmed by a card action recorded in the history, and only then approved`, async () => {
      const claim = await w.seed({ status: 'underReview', unverifiedContacts: ['customerContact'] });
      const role = t(locale, 'fields.customerContact');
      const unverified = t(locale, 'reviewer.contactUnverified', { role, email: 'dana@contoso.com' });
      const queue = await w.invoke(REVIEWER, 'reviewQueue', {}, locale);
      assert.ok(queue.text.includes(unverified), queue.text.join('\n'));
      const opened = await w.invoke(REVIEWER, 'reviewOpen', { claimId: claim.id, partnerId: claim.partnerId }, locale);
      assert.ok(opened.text.includes(unverified));
      assert.ok(verbsOf(opened.card).includes('reviewConfirmContact'));

      const refused = await w.invoke(REVIEWER, 'reviewApprove', actionData(opened.card, 'reviewApprove'), locale);
      assert.ok(
        refused.text.some((line) => line.includes('dana@contoso.com')),
        refused.text.join('\n'),
      );
      assert.equal((await w.read(claim)).value.status, 'underReview');

      const confirmed = await w.invoke(
        REVIEWER,
        'reviewConfirmContact',
        actionData(opened.card, 'reviewConfirmContact'),
        locale,
      );
      assert.ok(confirmed.text.includes(t(locale, 'reviewer.contactConfirmedDone')));
      assert.ok(confirmed.text.includes(t(locale, 'reviewer.contactConfirmed', { role, email: 'dana@contoso.com' })));
      assert.ok(!verbsOf(confirmed.card).includes('reviewConfirmContact'));
      const stored = (await w.read(claim)).value;
      assert.equal(stored.history.at(-1)?.event, 'contactConfirmed');
      assert.equal(stored.confirmedContacts?.[0]?.by, REVIEWER.aadObjectId);

      const approved = await w.invoke(REVIEWER, 'reviewApprove', actionData(confirmed.card, 'reviewApprove'), locale);
      assert.equal((await w.read(claim)).value.status, 'approvedCustomerNotified', approved.text.join('\n'));
    });
  }
});
