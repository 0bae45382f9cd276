/**
 * The end of the flow (issue 12 points 3 and 6): the summary is the only confirmation and
 * carries the optional comment; its Submit submits and a receipt card follows, whose View
 * status opens that claim's status through the status verb (refused to another
 * organisation). Conversations saved while they waited on the retired comments card or
 * confirm card still resume, and end on the summary.
 */
import assert from 'node:assert/strict';
import { renderReceiptCard } from '../../../cards/render';
import { ClaimLifecycle } from '../../../claims/lifecycle';
import { LOCALES, formatWindowLength, t, type Locale } from '../../../locales/i18n';
import { OTHER_ORG, ORG, callerFor } from '../../support/botHarness';
import { ManageChat, adminChat, cardWith, manageWorld, storeClaim, type ManageWorld } from '../manage/manageHarness';
import {
  ADMIN_ID,
  Chat,
  adminCaller,
  cardOf,
  cardStrings,
  inputOf,
  newClaimSetting,
  onlyClaimOf,
  submitActions,
  rewriteSavedState,
  textsOf,
  type Card,
} from './newClaimHarness';
import { assertCard, assertReceipt, fillStart, submitFromSummary, upToReview } from './newClaimSteps';

const COMMENT = 'Signed by the CIO on 28 February.';

/**
 * Rewrites the saved conversation as an older bot left it: the summary dialog waiting on
 * its comments card (stage `comment`) or confirm card (stage `confirm`), with that card's verbs.
 */
function asIfWaitingOn(chat: Chat, stage: 'comment' | 'confirm'): void {
  const verbs = stage === 'comment' ? ['commentEntered', 'commentSkipped'] : ['confirmSubmit', 'backToReview'];
  let rewritten = 0;
  rewriteSavedState(chat, (record) => {
    const values = record.values as Record<string, unknown> | undefined;
    if (values && 'typedNotice' in values && (values.stage === undefined || values.stage === 'review')) {
      values.stage = stage;
      rewritten++;
    }
    const validations = record.validations as Record<string, unknown> | undefined;
    if (validations && Array.isArray(validations.verbs) && validations.verbs.includes('submitClaim'))
      validations.verbs = verbs;
  });
  assert.equal(rewritten, 1, 'the summary step waiting on its card');
}

/** The summary card's data for a button of a retired card: same claim and nonce, the old verb. */
const oldCardPress = (chat: Chat, verb: string, inputs: Record<string, string> = {}) => {
  const data = submitActions(chat.lastCard()).find((a) => a.data.verb === 'saveDraft')?.data ?? {};
  return chat.send({ type: 'message', value: { ...data, verb, ...inputs } });
};

describe('NewClaimDialog summary, receipt and old saved conversations', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: one confirmation: the summary's Submit adds the typed comment, submits, and a receipt follows; the summary collapses`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      const summary = chat.lastCard();
      assert.equal(inputOf(summary, 'comment')?.isMultiline, true, 'the comment box is on the summary');
      const warning = t(locale, 'summary.finalWarning', { window: formatWindowLength(locale, '5') });
      const warnings = JSON.stringify(summary).split(warning).length - 1;
      assert.equal(warnings, 1, 'the warning once');
      assert.ok(JSON.stringify(summary).includes('"style":"warning"'), 'in a tinted container');
      const replies = await submitFromSummary(chat, COMMENT);
      assert.deepEqual(textsOf(replies), [t(locale, 'comments.added')]);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.status, 'submitted');
      assert.deepEqual(
        claim.comments.map((c) => [c.text, c.author.id]),
        [[COMMENT, ADMIN_ID]],
      );
      assertReceipt(locale, replies, claim);
      const collapsed = chat.updates.map(cardOf).at(-1);
      assert.ok(collapsed);
      assert.equal(submitActions(collapsed).length, 0);
      assert.ok(
        cardStrings(collapsed).some((text) => text.includes(`${claim.name} · ${t(locale, 'statuses.submitted')}`)),
        'the summary reads as one line: the claim and its status',
      );
    });

    it(`${locale}: the receipt says the customer's window as configured (OPT_OUT_WINDOW=PT2M), not a fixed 5 business days`, async () => {
      const { services } = s.world;
      const lifecycle = new ClaimLifecycle({ ...services, optOutWindow: 'PT2M' });
      const chat = new Chat({ ...s.world, services: { ...services, lifecycle } }, adminCaller(s.org, locale));
      await upToReview(chat);
      const strings = cardStrings(cardOf((await submitFromSummary(chat)).at(-1)));
      const window = formatWindowLength(locale, 'PT2M');
      assert.match(window, /2/);
      assert.ok(strings.includes(t(locale, 'receipt.nextConsent', { window })), strings.join('\n'));
      assert.ok(!strings.some((text) => text.includes(formatWindowLength(locale, '5'))));
    });

    it(`${locale}: a comment over its limit keeps the summary, the text and Submit; nothing is submitted`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      const long = 'x'.repeat(2001);
      await submitFromSummary(chat, long);
      assertCard(chat, 'summary.title');
      assert.equal(inputOf(chat.lastCard(), 'comment')?.value, long);
      assert.ok(submitActions(chat.lastCard()).some((a) => a.data.verb === 'submitClaim'));
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.status, claim.comments.length], ['draft', 0]);
    });

    it(`${locale}: a comment typed before Edit is still in the box when the summary comes back`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      await chat.clickEdit('claimName', { comment: COMMENT });
      await fillStart(chat, { name: 'Contoso rollout, phase 2' });
      assertCard(chat, 'summary.title');
      assert.equal(inputOf(chat.lastCard(), 'comment')?.value, COMMENT);
      assert.equal((await onlyClaimOf(s.world, s.org)).comments.length, 0, 'not added before the partner says so');
    });

    it(`${locale}: a conversation saved on the old comments card resumes: its comment is added, then the summary`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      asIfWaitingOn(chat, 'comment');
      const replies = await oldCardPress(chat, 'commentEntered', { comment: COMMENT });
      assert.deepEqual(textsOf(replies), [t(locale, 'comments.added')]);
      assertCard(chat, 'summary.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        claim.comments.map((c) => c.text),
        [COMMENT],
      );
      await submitFromSummary(chat);
      assert.equal((await onlyClaimOf(s.world, s.org)).status, 'submitted');
    });

    it(`${locale}: a conversation saved on the old comments card: No comment goes to the summary`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(chat);
      asIfWaitingOn(chat, 'comment');
      await oldCardPress(chat, 'commentSkipped');
      assertCard(chat, 'summary.title');
      assert.equal((await onlyClaimOf(s.world, s.org)).comments.length, 0);
    });

    it(`${locale}: a conversation saved on the old confirm card: Yes submits with a receipt, Not yet shows the summary`, async () => {
      const back = new Chat(s.world, adminCaller(s.org, locale));
      await upToReview(back);
      asIfWaitingOn(back, 'confirm');
      await oldCardPress(back, 'backToReview');
      assertCard(back, 'summary.title');
      assert.equal((await onlyClaimOf(s.world, s.org)).status, 'draft');

      asIfWaitingOn(back, 'confirm');
      const replies = await oldCardPress(back, 'confirmSubmit');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.status, 'submitted');
      assertReceipt(locale, replies, claim);
    });
  }
});

describe("the receipt's View status", () => {
  let world: ManageWorld;
  before(async () => {
    world = await manageWorld();
  });

  const viewStatusOf = (receipt: Card): Record<string, unknown> => {
    const action = submitActions(receipt).find((a) => a.data.verb === 'viewClaim');
    assert.ok(action, 'View status');
    return action.data;
  };

  for (const locale of LOCALES) {
    it(`${locale}: opens that claim's status card through the status verb`, async () => {
      const claim = await storeClaim(world, { status: 'submitted', name: 'Contoso rollout' });
      const receipt = renderReceiptCard({ claim, resubmitted: false, window: '5' }, locale as Locale);
      const status = cardWith(
        await adminChat(world, locale).press(viewStatusOf(receipt.content as Card)),
        'viewHistory',
      );
      const strings = cardStrings(status);
      assert.ok(strings.includes('Contoso rollout'));
      assert.ok(strings.some((text) => text.includes(t(locale, 'statuses.submitted'))));
    });
  }

  it('is refused to an admin of another organisation, who learns nothing of the claim', async () => {
    const claim = await storeClaim(world, { status: 'submitted', name: 'Contoso rollout' });
    const receipt = renderReceiptCard({ claim, resubmitted: false, window: '5' }, 'en-US');
    const stranger = new ManageChat(world, callerFor(OTHER_ORG, 'aad-other-admin'));
    const replies = await stranger.press(viewStatusOf(receipt.content as Card));
    assert.deepEqual(textsOf(replies), [t('en-US', 'errors.notFound')]);
    assert.equal(replies.map(cardOf).filter(Boolean).length, 0);
    assert.equal(ORG.id, claim.partnerId);
  });
});
