import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../../claims/model';
import { formatDateTime, t } from '../../../locales/i18n';
import { objectsOfType } from '../../cards/cardChecks';
import { OTHER_ORG, ORG, TIME_ZONE } from '../../support/botHarness';
import {
  ADMIN,
  actionData,
  MONDAY,
  OTHER_ADMIN,
  REVIEWER,
  reviewWorld,
  verbsOf,
  withPoe,
  type ReviewWorld,
} from '../../support/reviewHarness';

const open = (w: ReviewWorld, claim: Claim) =>
  w.invoke(REVIEWER, 'reviewOpen', { claimId: claim.id, partnerId: claim.partnerId });

/** Opens the claim, then clicks `verb` with these inputs, as a reviewer would. */
async function click(w: ReviewWorld, claim: Claim, verb: string, inputs: Record<string, unknown> = {}) {
  const card = await open(w, claim);
  return w.invoke(REVIEWER, verb, actionData(card.card, verb, inputs));
}

describe('review card and reviewer actions', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
  });
  beforeEach(() => {
    w.clock.at = MONDAY;
  });

  describe('the review card', () => {
    it('shows every field, the partner, the business days waiting and the history, with Start review on a submitted claim', async () => {
      const claim = await w.seed({
        name: 'Contoso CRM',
        solutionArea: 'businessApplications',
        activity: 'usageOrPresales',
        productIds: ['dynamics365Sales'],
        subscriptions: [
          { productId: 'dynamics365Sales', multiple: true, subscriptionIds: ['6ba7b810-9dad-41d1-80b4-00c04fd430c8'] },
        ],
        technicalContact: { name: 'Tess Tech', title: 'IT lead', email: 'tess@contoso.com' },
        submittedAt: '2026-02-26T17:00:00.000Z',
      });
      const { text, card } = await open(w, claim);
      for (const line of [
        'Contoso CRM',
        `Claim ID: ${claim.id}`,
        'Partner: Contoso Partners',
        'MPN ID: 1234567',
        'Customer domain name: contoso.onmicrosoft.com',
        `Customer directory (tenant) ID: ${claim.customerTenantId}`,
        'Solution area: Business Applications',
        'Activity: Usage and/or pre-sales',
        'Products: Dynamics 365 Sales',
        'Dynamics 365 Sales: 6ba7b810-9dad-41d1-80b4-00c04fd430c8',
        'Customer contact: Dana Customer, IT lead, dana@contoso.com',
        'Customer technical contact: Tess Tech, IT lead, tess@contoso.com',
        'Partner contact: Alex Wilber, alexw@example.com',
        'Status: Submitted',
        'Waiting for 2 business days',
        'Created',
      ]) {
        assert.ok(text.includes(line), `${line} in\n${text.join('\n')}`);
      }
      assert.deepEqual(verbsOf(card), ['reviewStart', 'addComment', 'reviewQueue']);
    });

    it('links each PoE file with a short-lived SAS URL that downloads its bytes', async () => {
      const { claim, bytes } = await withPoe(w, await w.seed());
      const { card, text } = await open(w, claim);
      const [link] = [...objectsOfType(card, 'Action.OpenUrl')].map((a) => String(a.url));
      assert.ok(link, 'a download link');
      const url = new URL(link);
      assert.ok(url.searchParams.get('sig') && url.searchParams.get('se'), 'signed, with an expiry');
      const expires = Date.parse(url.searchParams.get('se') ?? '');
      assert.ok(expires - Date.now() <= 300_000 + 60_000 && expires > Date.now(), 'about five minutes');
      assert.equal(url.searchParams.get('sp'), 'r', 'read only');
      const fetched = await fetch(link);
      assert.equal(fetched.status, 200);
      assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(bytes));
      assert.ok(text.some((line) => line.startsWith('Signed SOW.pdf (')));
      assert.ok(text.includes(t('en-US', 'reviewer.linksExpire', { minutes: 5 })));
    });

    it('answers an id that names no claim with a notice, not an error', async () => {
      for (const data of [
        { claimId: randomUUID(), partnerId: ORG.id },
        { claimId: '../etc', partnerId: ORG.id },
        { claimId: 'x' },
      ]) {
        const answer = await w.invoke(REVIEWER, 'reviewOpen', data);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.text, [t('en-US', 'errors.notFound')], JSON.stringify(data));
      }
    });
  });

  describe('actions', () => {
    it('Start review moves a submitted claim under review, records who and when, and shows the new card', async () => {
      const claim = await w.seed();
      w.clock.at = new Date(MONDAY.getTime() + 3_600_000);
      const answer = await click(w, claim, 'reviewStart');
      const stored = (await w.read(claim)).value;
      assert.equal(stored.status, 'underReview');
      assert.deepEqual(stored.history.at(-1), {
        at: w.clock.at.toISOString(),
        actor: { role: 'reviewer', id: REVIEWER.aadObjectId, name: REVIEWER.name },
        event: 'startReview',
        from: 'submitted',
        to: 'underReview',
      });
      assert.ok(answer.text.includes('Review started.') && answer.text.includes('Status: Under review'));
      assert.deepEqual(verbsOf(answer.card), [
        'reviewRequestInfo',
        'reviewApprove',
        'reviewReject',
        'addComment',
        'reviewQueue',
      ]);
    });

    it('Request more information with reasons and a note → partner action required, 14 business days to answer', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const answer = await click(w, claim, 'reviewRequestInfo', {
        infoReasons: 'missingCustomerAcknowledgement,missingOrOldDates',
        infoNote: 'Please send the signed page.',
      });
      const stored = (await w.read(claim)).value;
      const deadline = w.h.services.calendar.addBusinessDays(MONDAY, 14).toISOString();
      assert.equal(stored.status, 'partnerActionRequired');
      assert.deepEqual(stored.infoRequest, {
        reasonCodes: ['missingCustomerAcknowledgement', 'missingOrOldDates'],
        note: 'Please send the signed page.',
        deadlineAt: deadline,
      });
      assert.deepEqual(stored.history.at(-1)?.reasonCodes, ['missingCustomerAcknowledgement', 'missingOrOldDates']);
      assert.equal(stored.history.at(-1)?.event, 'requestInfo');
      assert.ok(
        stored.outbox.some((m) => m.kind === 'infoRequested'),
        'the partner is told through the outbox',
      );
      assert.ok(
        answer.text.includes(
          t('en-US', 'reviewer.infoRequested', { date: formatDateTime('en-US', deadline, TIME_ZONE) }),
        ),
        answer.text.join('\n'),
      );
      assert.ok(answer.text.includes(`• ${t('en-US', 'infoRequestReasons.missingOrOldDates')}`));
      assert.deepEqual(verbsOf(answer.card), ['addComment', 'reviewQueue'], 'the ball is in the partner’s court');
    });

    it('Request more information without a reason is refused with the reason why, and nothing changes', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const before = await w.read(claim);
      const answer = await click(w, claim, 'reviewRequestInfo', { infoReasons: '', infoNote: 'x' });
      assert.ok(answer.text.includes(t('en-US', 'reviewer.refused')));
      assert.ok(answer.text.includes('Reasons: please give a reason.'), answer.text.join('\n'));
      assert.equal((await w.read(claim)).etag, before.etag);
    });

    it('Approve takes the holds, opens the opt-out window and queues the customer notice', async () => {
      const claim = await w.seed({ status: 'underReview', productIds: ['exchangeOnline', 'microsoftTeams'] });
      const answer = await click(w, claim, 'reviewApprove', { approveNote: 'PoE signed and dated.' });
      const stored = (await w.read(claim)).value;
      const closes = w.h.services.calendar.addBusinessDays(MONDAY, 5).toISOString();
      assert.equal(stored.status, 'approvedCustomerNotified');
      assert.equal(stored.windowClosesAt, closes);
      assert.deepEqual(stored.heldKeys, [
        `m365|${claim.customerTenantId}|exchangeOnline`,
        `m365|${claim.customerTenantId}|microsoftTeams`,
      ]);
      for (const key of stored.heldKeys)
        assert.equal((await w.h.botServices.associations.holderOf(key))?.claimId, claim.id);
      assert.deepEqual(
        [stored.history.at(-1)?.event, stored.history.at(-1)?.note],
        ['approve', 'PoE signed and dated.'],
      );
      assert.ok(stored.outbox.some((m) => m.kind === 'customerConsentRequest'));
      assert.ok(
        answer.text.includes(t('en-US', 'reviewer.approved', { date: formatDateTime('en-US', closes, TIME_ZONE) })),
      );
    });

    it('Approve is refused while another partner holds a key: the card says why and who, and nothing changes', async () => {
      const tenant = randomUUID();
      const holder = await w.seed({
        partnerId: OTHER_ORG.id,
        customerTenantId: tenant,
        status: 'associated',
        productIds: ['exchangeOnline'],
      });
      await w.h.botServices.associations.acquire(OTHER_ORG.id, holder.id, [`m365|${tenant}|exchangeOnline`]);
      await w.h.botServices.associations.confirm(OTHER_ORG.id, holder.id, [`m365|${tenant}|exchangeOnline`]);
      const claim = await w.seed({
        status: 'underReview',
        customerTenantId: tenant,
        productIds: ['exchangeOnline', 'intune'],
      });
      const before = await w.read(claim);
      const answer = await click(w, claim, 'reviewApprove');
      assert.ok(
        answer.text.includes('Exchange Online is already associated with another partner for this customer.'),
        answer.text.join('\n'),
      );
      assert.ok(answer.text.includes('Conflict: Exchange Online is already associated with Fabrikam Solutions.'));
      assert.equal((await w.read(claim)).etag, before.etag, 'the claim is unchanged');
      assert.equal(await w.h.botServices.associations.holderOf(`m365|${tenant}|intune`), undefined, 'no key was kept');
      assert.ok(verbsOf(answer.card).includes('reviewApprove'), 'still under review');
    });

    it('Reject with insufficient PoE and a note → rejected, reason recorded; another reason needs a note', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const missingNote = await click(w, claim, 'reviewReject', { rejectReason: 'other', rejectNote: '' });
      assert.ok(missingNote.text.includes('Note: please give a reason.'), missingNote.text.join('\n'));
      assert.equal((await w.read(claim)).value.status, 'underReview');

      const answer = await click(w, claim, 'reviewReject', {
        rejectReason: 'insufficientPoe',
        rejectNote: 'No customer signature.',
      });
      const stored = (await w.read(claim)).value;
      assert.equal(stored.status, 'rejected');
      assert.deepEqual(
        { reason: stored.rejection?.reason, note: stored.rejection?.note },
        { reason: 'insufficientPoe', note: 'No customer signature.' },
      );
      assert.deepEqual([stored.history.at(-1)?.event, stored.history.at(-1)?.reason], ['reject', 'insufficientPoe']);
      assert.ok(answer.text.includes('The claim was rejected.'));
      assert.ok(answer.text.includes("Reviewer's note: No customer signature."));
    });

    it('a forged reason the reviewer may not give is refused', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const answer = await click(w, claim, 'reviewReject', { rejectReason: 'customerDeclined', rejectNote: 'x' });
      assert.ok(answer.text.includes(t('en-US', 'problems.reasonNotAllowed')));
      assert.equal((await w.read(claim)).value.status, 'underReview');
    });
  });

  describe('dispute decisions from the queue', () => {
    const disputed = (overrides: Partial<Claim> = {}) =>
      w.seed({
        status: 'dispute',
        disputed: true,
        rejection: { reason: 'insufficientPoe', at: '2026-02-25T17:00:00.000Z' },
        history: [
          {
            at: '2026-02-26T17:00:00.000Z',
            actor: { role: 'partnerAdmin', id: 'aad-admin' },
            event: 'dispute',
            from: 'rejected',
            to: 'dispute',
            note: 'Signature is on page 2.',
          },
        ],
        ...overrides,
      });

    it('upholding the dispute approves the claim', async () => {
      const claim = await disputed();
      const [queue] = await w.send(REVIEWER, { text: 'review queue' });
      const opened = await w.invoke(REVIEWER, 'reviewOpen', { claimId: claim.id, partnerId: claim.partnerId });
      assert.ok(
        JSON.stringify(queue?.attachments?.[0]?.content).includes(claim.id),
        'the disputed claim waits in the queue',
      );
      assert.ok(opened.text.includes('The partner disputed the rejection: Signature is on page 2.'));
      const answer = await w.invoke(REVIEWER, 'reviewApprove', actionData(opened.card, 'reviewApprove'));
      assert.equal((await w.read(claim)).value.status, 'approvedCustomerNotified');
      assert.ok(answer.text.includes('Status: Approved — customer notified'));
    });

    it('rejecting it makes the rejection final without asking a reason', async () => {
      const claim = await disputed();
      const opened = await open(w, claim);
      assert.deepEqual([...objectsOfType(opened.card, 'Input.ChoiceSet')], [], 'no reason to choose');
      const answer = await w.invoke(
        REVIEWER,
        'reviewReject',
        actionData(opened.card, 'reviewReject', { rejectNote: '' }),
      );
      const stored = (await w.read(claim)).value;
      assert.equal(stored.status, 'rejectedFinal');
      assert.equal(stored.rejection?.reason, 'disputeLost');
      assert.ok(answer.text.includes(t('en-US', 'reviewer.rejectedFinal')));
      assert.deepEqual(verbsOf(answer.card), ['addComment', 'reviewQueue']);
    });
  });

  describe('stale and double clicks', () => {
    it('a click on a card the claim has moved past changes nothing and shows the current card with a notice', async () => {
      const claim = await w.seed();
      const shown = await open(w, claim);
      await w.invoke(REVIEWER, 'reviewStart', actionData(shown.card, 'reviewStart'));
      const after = await w.read(claim);
      const again = await w.invoke(REVIEWER, 'reviewStart', actionData(shown.card, 'reviewStart'));
      assert.ok(again.text.includes(t('en-US', 'reviewer.stale', { status: 'Under review' })), again.text.join('\n'));
      assert.equal((await w.read(claim)).etag, after.etag);
      assert.equal((await w.read(claim)).value.history.filter((h) => h.event === 'startReview').length, 1);
    });

    it('an approval clicked twice approves once', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const shown = await open(w, claim);
      const data = actionData(shown.card, 'reviewApprove');
      const answers = await Promise.all([
        w.invoke(REVIEWER, 'reviewApprove', data),
        w.invoke(REVIEWER, 'reviewApprove', data),
      ]);
      const stored = (await w.read(claim)).value;
      assert.equal(stored.status, 'approvedCustomerNotified');
      assert.equal(stored.history.filter((h) => h.event === 'approve').length, 1);
      assert.equal(
        answers.filter((a) => a.text.some((line) => line.startsWith('Approved.'))).length,
        1,
        answers.map((a) => a.text[2]).join(' / '),
      );
    });
  });

  describe('who may act', () => {
    it('refuses every reviewer verb to partner admins, of the claim’s organisation or another, and changes nothing', async () => {
      const claim = await w.seed({ status: 'underReview' });
      const before = await w.read(claim);
      const data = {
        claimId: claim.id,
        partnerId: claim.partnerId,
        seenStatus: 'underReview',
        rejectReason: 'insufficientPoe',
        rejectNote: 'x',
        infoReasons: 'missingAllPoe',
      };
      for (const user of [ADMIN, OTHER_ADMIN]) {
        for (const verb of ['reviewOpen', 'reviewStart', 'reviewRequestInfo', 'reviewApprove', 'reviewReject']) {
          const answer = await w.invoke(user, verb, data, 'ja-JP');
          assert.equal(answer.status, 200);
          assert.deepEqual(answer.text, [t('ja-JP', 'access.notReviewer')], `${user.name} ${verb}`);
          assert.ok(!JSON.stringify(answer.card).includes(claim.customerTenantId), 'nothing of the claim is shown');
        }
      }
      assert.equal((await w.read(claim)).etag, before.etag);
    });

    it('speaks the reviewer’s language', async () => {
      const claim = await w.seed();
      const answer = await w.invoke(REVIEWER, 'reviewOpen', { claimId: claim.id, partnerId: claim.partnerId }, 'ko-KR');
      assert.ok(answer.text.includes(t('ko-KR', 'reviewer.detailTitle')));
      assert.ok(
        answer.text.includes(t('ko-KR', 'statuses.submitted')) ||
          answer.text.some((line) => line.includes(t('ko-KR', 'statuses.submitted'))),
      );
      assert.ok(verbsOf(answer.card).includes('reviewStart'));
    });
  });
});
