/**
 * Drafts, edits and cancel, in every locale: a draft is saved as each part completes
 * and resumes at its first missing field; Edit re-runs one part and returns to the
 * review; cancel asks keep or discard once a draft exists; a claim waiting for the
 * partner's action allows only its permitted edits and is resubmitted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../../claims/model';
import { LOCALES, problemMessage, t, type Locale } from '../../../locales/i18n';
import { buildClaim } from '../../support/claimFactory';
import {
  ADMIN_ID,
  Chat,
  adminCaller,
  cardStrings,
  claimsOf,
  inputOf,
  newClaimSetting,
  newOrganisation,
  onlyClaimOf,
  sha256,
  textsOf,
} from './newClaimHarness';
import {
  CONTACTS,
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  SIGNED_SOW,
  assertCard,
  attachSignedSow,
  chooseProducts,
  enterContacts,
  poeDone,
  fillStart,
  start,
  submitFromSummary,
  assertReceipt,
  upToPoe,
  upToProducts,
  upToReview,
} from './newClaimSteps';

const OTHER_DOMAIN = 'fabrikam-customer.com';
const OTHER_TENANT = '6b1d2c3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/** The word for "cancel" people type in this locale (the first command word). */
const CANCEL_WORDS: Record<Locale, string> = { 'en-US': 'cancel', 'ko-KR': '취소', 'ja-JP': 'キャンセル' };

describe('NewClaimDialog drafts, edits and cancel', function () {
  this.timeout(60_000);
  const s = newClaimSetting();
  before(() => {
    s.world.directory.set(OTHER_DOMAIN, OTHER_TENANT);
  });

  /** A claim of this organisation as the reviewer left it: waiting for the partner's action. */
  async function claimAwaitingAction(): Promise<Claim> {
    const claim = buildClaim({
      id: randomUUID(),
      partnerId: s.org.id,
      status: 'partnerActionRequired',
      createdBy: { role: 'partnerAdmin', id: ADMIN_ID },
      infoRequest: { reasonCodes: ['missingProducts'], deadlineAt: '2025-03-21T09:00:00.000Z' },
      poe: [
        {
          id: randomUUID(),
          fileName: 'sow.pdf',
          kind: 'pdf',
          contentType: 'application/pdf',
          sizeBytes: SIGNED_SOW.length,
          sha256: sha256(SIGNED_SOW),
          blobName: 'x',
          uploadedAt: '2025-03-01T09:00:00.000Z',
          uploadedBy: { role: 'partnerAdmin', id: ADMIN_ID },
        },
      ],
    });
    await s.world.claims.create(claim);
    return claim;
  }

  for (const locale of LOCALES) {
    it(`${locale}: Save draft ends the conversation with the draft kept as it is`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      const replies = await chat.click('saveDraft');
      assert.deepEqual(textsOf(replies), [t(locale, 'drafts.saved')]);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(chat.status, 'complete');
      assert.deepEqual(chat.result, { outcome: 'saved', claimId: claim.id });
      assert.equal(claim.status, 'draft');
      assert.equal(claim.poe.length, 1);
    });

    it(`${locale}: cancel before the draft exists stops with nothing saved`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      const replies = await chat.send(CANCEL_WORDS[locale]);
      assert.deepEqual(textsOf(replies), [t(locale, 'cancel.stopped')]);
      assert.deepEqual(chat.result, { outcome: 'stopped' });
      assert.deepEqual(await claimsOf(s.world, s.org), []);
    });

    it(`${locale}: cancel after the draft exists asks keep or discard; Back returns to the step; Keep keeps the draft`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(chat);
      const products = chat.lastCard();
      await chat.send(CANCEL_WORDS[locale]);
      assertCard(chat, 'cancel.title');
      assert.ok(cardStrings(chat.lastCard()).includes('Contoso rollout'), 'names the draft');
      const back = await chat.click('cancelBack');
      assert.deepEqual(back.length, 1);
      assert.deepEqual(chat.lastCard(), products, 'the very step the partner was at');

      await chat.click('cancel');
      const kept = await chat.click('cancelKeep');
      assert.deepEqual(textsOf(kept), [t(locale, 'cancel.kept')]);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(chat.result, { outcome: 'kept', claimId: claim.id });
      assert.equal(claim.status, 'draft');
    });

    it(`${locale}: discard deletes the draft and its PoE files`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      await attachSignedSow(chat);
      const [file] = (await onlyClaimOf(s.world, s.org)).poe;
      assert.ok(file && (await s.world.evidence.exists(file.blobName)));
      await chat.click('cancel');
      const replies = await chat.click('cancelDiscard');
      assert.deepEqual(textsOf(replies), [t(locale, 'cancel.discarded')]);
      assert.equal((chat.result as { outcome: string }).outcome, 'discarded');
      assert.deepEqual(await claimsOf(s.world, s.org), []);
      assert.equal(await s.world.evidence.exists(file.blobName), false);
    });

    it(`${locale}: "continue draft" resumes at the first missing part and completes the claim`, async () => {
      const first = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(first);
      await chooseProducts(first, ['intune']);
      await first.click('cancel');
      await first.click('cancelKeep');
      const { id } = await onlyClaimOf(s.world, s.org);

      const later = new Chat(s.world, adminCaller(s.org, locale), { claimId: id });
      const resumed = await later.send('continue draft');
      assert.deepEqual(textsOf(resumed), [t(locale, 'drafts.resumed')]);
      assertCard(later, 'contacts.title');
      await enterContacts(later);
      await attachSignedSow(later);
      await poeDone(later);
      await submitFromSummary(later);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.status, 'submitted');
      assert.deepEqual(claim.productIds, ['intune']);
    });

    it(`${locale}: Edit re-runs a filled part prefilled, stores the change and returns to the review`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      await chat.clickEdit('customer');
      assertCard(chat, 'start.title');
      assert.equal(inputOf(chat.lastCard(), 'customerDomain')?.value, CUSTOMER_DOMAIN);
      assert.equal(inputOf(chat.lastCard(), 'customerTenantId')?.value, CUSTOMER_TENANT);
      await fillStart(chat, { domain: OTHER_DOMAIN, tenantId: OTHER_TENANT });
      assertCard(chat, 'summary.title');
      assert.ok(JSON.stringify(chat.lastCard()).includes(OTHER_DOMAIN));
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.customerDomain, claim.customerTenantId], [OTHER_DOMAIN, OTHER_TENANT]);
      assert.equal(claim.productIds.length, 1, 'the other parts stay as they were');
    });

    it(`${locale}: an edited solution area asks again for what it invalidates (products, contacts), then returns to the review`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      await chat.clickEdit('solution');
      await fillStart(chat, { area: 'businessApplications', activity: 'usageOrPresales' });
      // Exchange Online is no Business Applications product: the products part asks again.
      assertCard(chat, 'products.title');
      await chooseProducts(chat, ['dynamics365CustomerService']);
      await chat.click('subscriptionsEntered', { multiple_dynamics365CustomerService: 'false' });
      // Dynamics 365 needs the technical contact the claim lacks.
      assertCard(chat, 'contacts.title');
      assert.equal(
        inputOf(chat.lastCard(), 'customerEmail')?.value,
        CONTACTS.customerEmail,
        'what was entered before is prefilled',
      );
      await chat.click('contactsEntered', {
        ...CONTACTS,
        technicalName: 'Sam',
        technicalTitle: 'Admin',
        technicalEmail: 'sam@contoso.com',
      });
      assertCard(chat, 'summary.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        [claim.solutionArea, claim.productIds, claim.technicalContact?.email],
        ['businessApplications', ['dynamics365CustomerService'], 'sam@contoso.com'],
      );
    });

    it(`${locale}: started with { claimId, edit } goes straight to that part, then to the review`, async () => {
      const first = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(first);
      await first.click('saveDraft');
      const { id } = await onlyClaimOf(s.world, s.org);

      const chat = new Chat(s.world, adminCaller(s.org, locale), { claimId: id, edit: 'claimName' });
      await chat.send('edit');
      assertCard(chat, 'start.title');
      assert.equal(inputOf(chat.lastCard(), 'name')?.value, 'Contoso rollout');
      await fillStart(chat, { name: 'Contoso rollout, phase 2' });
      // No comments card any more: the summary follows, with its comment box.
      assertCard(chat, 'summary.title');
      assert.equal(inputOf(chat.lastCard(), 'comment')?.value, '');
      await chat.click('saveDraft', { comment: 'Signed by the CIO on 28 February.' });
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.name, 'Contoso rollout, phase 2');
      assert.deepEqual(
        claim.comments.map((c) => [c.text, c.author.id]),
        [['Signed by the CIO on 28 February.', ADMIN_ID]],
      );
    });

    it(`${locale}: a claim waiting for the partner's action allows its permitted edits only, then is resubmitted`, async () => {
      const waiting = await claimAwaitingAction();
      const chat = new Chat(s.world, adminCaller(s.org, locale), { claimId: waiting.id });
      await chat.send('respond');
      await chat.clickEdit('customer');
      assertCard(chat, 'summary.title');
      const locked = problemMessage(locale, {
        code: 'claimLocked',
        field: 'customerDomain',
        params: { status: 'partnerActionRequired' },
      });
      assert.ok(cardStrings(chat.lastCard()).includes(locked));

      await chat.clickEdit('products');
      await chooseProducts(chat, ['exchangeOnline', 'oneDrive']);
      assertCard(chat, 'summary.title');
      const replies = await submitFromSummary(chat);
      // The receipt card replaces the one line of text (issue 12 point 3).
      assertReceipt(locale, replies, { id: waiting.id, name: waiting.name, status: 'submitted' }, true);
      assert.deepEqual(chat.result, { outcome: 'resubmitted', claimId: waiting.id });
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        [claim.status, claim.productIds, claim.customerDomain],
        ['submitted', ['exchangeOnline', 'oneDrive'], waiting.customerDomain],
      );
      assert.deepEqual(
        claim.history.slice(-2).map((h) => h.event),
        ['edited', 'resubmit'],
      );
    });

    it(`${locale}: refuses to continue a submitted claim, and one that does not exist`, async () => {
      const submitted = buildClaim({ id: randomUUID(), partnerId: s.org.id, status: 'submitted' });
      await s.world.claims.create(submitted);
      const chat = new Chat(s.world, adminCaller(s.org, locale), { claimId: submitted.id });
      assert.deepEqual(textsOf(await chat.send('continue')), [t(locale, 'errors.notEditable')]);
      assert.deepEqual(chat.result, { outcome: 'notEditable', claimId: submitted.id });

      const missing = new Chat(s.world, adminCaller(s.org, locale), { claimId: randomUUID() });
      assert.deepEqual(textsOf(await missing.send('continue')), [t(locale, 'errors.notFound')]);
    });

    it(`${locale}: another organisation's draft is not found, even by its id`, async () => {
      const theirs = await newOrganisation(s.world);
      const draft = buildClaim({ id: randomUUID(), partnerId: theirs.id });
      await s.world.claims.create(draft);
      const chat = new Chat(s.world, adminCaller(s.org, locale), { claimId: draft.id });
      assert.deepEqual(textsOf(await chat.send('continue')), [t(locale, 'errors.notFound')]);
      assert.equal((await s.world.claims.get(theirs.id, draft.id))?.value.updatedAt, draft.updatedAt);
    });
  }
});
