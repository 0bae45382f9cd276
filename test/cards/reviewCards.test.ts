import assert from 'node:assert/strict';
import type { Claim } from '../../claims/model';
import type { KeyConflict } from '../../claims/reviewConflicts';
import { renderCommentsThreadCard } from '../../cards/commentsThreadCard';
import { renderReviewDetailCard, type ReviewDetailCardModel } from '../../cards/reviewDetailCard';
import { conflictLines, renderReviewQueueCard } from '../../cards/reviewQueueCard';
import { EXECUTE_VERBS, RESERVED_INPUT_IDS, type CardAttachment } from '../../cards/render';
import { t } from '../../locales/i18n';
import { buildClaim } from '../support/claimFactory';
import { objectsOfType, parseFindings } from './cardChecks';
import { sampleClaim } from './sampleCards';

const runs = (card: CardAttachment): string[] =>
  [...objectsOfType(card.content, 'TextRun')].map((run) => String(run.text));
const executes = (card: CardAttachment) => [...objectsOfType(card.content, 'Action.Execute')];
const showCards = (card: CardAttachment) => [...objectsOfType(card.content, 'Action.ShowCard')].map((a) => a.title);

const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const held: KeyConflict = {
  key: `m365|${TENANT}|exchangeOnline`,
  kind: 'heldByAnotherPartner',
  partnerId: 'p-rival',
  claimId: 'c-9',
};
const claimed: KeyConflict = {
  key: `m365|${TENANT}|exchangeOnline`,
  kind: 'claimedByAnotherClaim',
  partnerId: 'p-rival',
  claimId: 'c-8',
};

describe('review queue card', () => {
  const row = (claim: Claim, conflicts: string[] = []) => ({
    claim,
    partnerName: 'Contoso Partners',
    ageBusinessDays: 3,
    conflicts,
  });

  it('shows each claim with partner, customer, products, status and age, and opens it by claim and partner id', () => {
    const claim = buildClaim({
      id: 'c-1',
      partnerId: 'p-1',
      name: 'Exchange rollout',
      status: 'underReview',
      productIds: ['exchangeOnline', 'microsoftTeams'],
    });
    const card = renderReviewQueueCard({ rows: [row(claim)], page: 1 }, 'en-US');
    const text = runs(card);
    for (const line of [
      'Exchange rollout',
      'Partner: Contoso Partners',
      'Customer: contoso.onmicrosoft.com',
      'Products: Exchange Online and Microsoft Teams',
      'Status: Under review',
      'Waiting for 3 business days',
    ]) {
      assert.ok(text.includes(line), `${line} in ${text.join(' | ')}`);
    }
    assert.deepEqual(
      executes(card).map((a) => [a.verb, a.data]),
      [['reviewOpen', { claimId: 'c-1', partnerId: 'p-1' }]],
    );
    assert.deepEqual(parseFindings(card.content), []);
  });

  it('pages forward with the continuation token and back to the first page', () => {
    const card = renderReviewQueueCard({ rows: [row(buildClaim())], page: 2, nextToken: 'tok-2' }, 'ja-JP');
    const paging = executes(card).filter((a) => a.verb === 'reviewQueue');
    assert.deepEqual(
      paging.map((a) => [a.title, a.data]),
      [
        [t('ja-JP', 'claimsList.next'), { continuationToken: 'tok-2', page: 3 }],
        [t('ja-JP', 'claimsList.first'), { continuationToken: '', page: 1 }],
      ],
    );
    assert.deepEqual(
      executes(renderReviewQueueCard({ rows: [row(buildClaim())], page: 1 }, 'en-US')).filter(
        (a) => a.verb === 'reviewQueue',
      ),
      [],
    );
  });

  it('flags conflicts in attention colour on their row only, and says when nothing waits', () => {
    const card = renderReviewQueueCard(
      { rows: [row(buildClaim({ name: 'A' }), ['Conflict: x']), row(buildClaim({ name: 'B' }))], page: 1 },
      'en-US',
    );
    const flagged = [...objectsOfType(card.content, 'TextRun')].filter((r) => r.color === 'Attention');
    assert.deepEqual(
      flagged.map((r) => r.text),
      ['Conflict: x'],
    );
    assert.ok(
      [...objectsOfType(renderReviewQueueCard({ rows: [], page: 1 }, 'ko-KR').content, 'TextBlock')].some(
        (b) => b.text === t('ko-KR', 'reviewer.queueEmpty'),
      ),
    );
  });
});

describe('conflict lines', () => {
  const claim = { partnerId: 'p-mine' };
  const names = new Map([['p-rival', 'Fabrikam Solutions']]);

  it("name the other partner for reviewers, and never without the reviewer's name map", () => {
    assert.deepEqual(conflictLines('en-US', claim, [held, claimed], names), [
      'Conflict: Exchange Online is already associated with Fabrikam Solutions.',
      'Conflict: Fabrikam Solutions also claims Exchange Online in a claim waiting for a decision.',
    ]);
    const hidden = conflictLines('en-US', claim, [held, claimed]);
    assert.deepEqual(hidden, [
      'Conflict: Exchange Online is already associated with another partner.',
      'Conflict: another partner also claims Exchange Online.',
    ]);
    for (const locale of ['ko-KR', 'ja-JP'] as const)
      assert.ok(
        conflictLines(locale, claim, [held, claimed]).every(
          (line) => !line.includes('Fabrikam') && !line.includes('p-rival'),
        ),
      );
  });

  it("tell the partner's own other claims apart, and an unknown holder as such", () => {
    const own: KeyConflict[] = [
      { ...held, kind: 'heldByOwnClaim', partnerId: 'p-mine' },
      { ...claimed, partnerId: 'p-mine' },
    ];
    assert.deepEqual(conflictLines('en-US', claim, own, names), [
      'Conflict: Exchange Online is already held by another claim of this partner.',
      'Conflict: Exchange Online is also claimed in another open claim of this partner.',
    ]);
    assert.deepEqual(conflictLines('en-US', claim, [{ ...held, partnerId: 'p-gone' }], names), [
      'Conflict: Exchange Online is already associated with an organisation not in the directory.',
    ]);
  });
});

describe('review detail card', () => {
  const model = (claim: Claim, allowedEvents: ReviewDetailCardModel['allowedEvents']): ReviewDetailCardModel => ({
    claim,
    partnerName: 'Contoso Partners',
    poe: claim.poe.map((file) => ({ file, url: `https://blob.example/${file.blobName}?sig=abc` })),
    linkMinutes: 5,
    conflicts: [],
    allowedEvents,
    commentId: 'comment-42',
    timeZone: 'UTC',
  });

  it('offers Start review on a submitted claim, with the status it shows in the data', () => {
    const card = renderReviewDetailCard(model(sampleClaim('C', { status: 'submitted' }), ['startReview']), 'en-US');
    assert.deepEqual(showCards(card), [t('en-US', 'status.addComment')]);
    assert.deepEqual(
      executes(card).map((a) => a.verb),
      ['reviewStart', 'addComment', 'reviewQueue'],
    );
    assert.deepEqual(executes(card)[0]?.data, {
      claimId: 'claim-1',
      partnerId: sampleClaim('C').partnerId,
      seenStatus: 'submitted',
    });
  });

  it('under review offers request information (every reason, multi-select), approve and reject (two reasons)', () => {
    const card = renderReviewDetailCard(
      model(sampleClaim('C', { status: 'underReview' }), ['requestInfo', 'approve', 'reject']),
      'en-US',
    );
    assert.deepEqual(showCards(card), ['Request more information', 'Approve', 'Reject', 'Add comment']);
    const [reasons, rejectReason] = [...objectsOfType(card.content, 'Input.ChoiceSet')];
    assert.equal(reasons?.isMultiSelect, true);
    assert.deepEqual(
      (reasons?.choices as { value: string }[]).map((c) => c.value),
      [
        'missingAllPoe',
        'missingCustomerAcknowledgement',
        'missingOrOldDates',
        'missingPartnerSolutionOrService',
        'missingProducts',
      ],
    );
    assert.deepEqual(
      (rejectReason?.choices as { value: string }[]).map((c) => c.value),
      ['insufficientPoe', 'other'],
    );
    assert.deepEqual(
      executes(card).map((a) => a.verb),
      ['reviewRequestInfo', 'reviewApprove', 'reviewReject', 'addComment', 'reviewQueue'],
    );
  });

  it('in a dispute asks no rejection reason and explains both outcomes', () => {
    const claim = sampleClaim('C', {
      status: 'dispute',
      rejection: { reason: 'insufficientPoe', at: '2025-03-06T09:00:00.000Z' },
    });
    claim.history.push({
      at: '2025-03-07T09:00:00.000Z',
      actor: { role: 'partnerAdmin', id: 'a' },
      event: 'dispute',
      from: 'rejected',
      to: 'dispute',
      note: 'The SOW is signed on page 2.',
    });
    const card = renderReviewDetailCard(model(claim, ['approve', 'reject']), 'en-US');
    assert.deepEqual([...objectsOfType(card.content, 'Input.ChoiceSet')], []);
    assert.ok(runs(card).includes('The partner disputed the rejection: The SOW is signed on page 2.'));
    assert.ok(runs(card).includes(t('en-US', 'reviewer.disputeHint')));
  });

  it('links each PoE file with its download URL and shows history and comments as one timeline', () => {
    const claim = sampleClaim('C', { status: 'underReview' });
    claim.comments = [
      {
        id: 'k',
        author: { role: 'reviewer', id: 'r', name: 'Rae' },
        text: 'Please sign page 2',
        at: '2025-03-05T10:00:00.000Z',
      },
    ];
    const card = renderReviewDetailCard(model(claim, []), 'en-US');
    assert.deepEqual(
      [...objectsOfType(card.content, 'Action.OpenUrl')].map((a) => a.url),
      ['https://blob.example/b?sig=abc'],
    );
    const text = runs(card);
    const at = (line: string) => text.indexOf(line);
    assert.ok(
      at('Please sign page 2') > at('More information requested') && at('Please sign page 2') < at('Rejected'),
      text.join(' | '),
    );
    assert.ok(text.some((line) => line.startsWith('Microsoft reviewer (Rae) · ')));
  });

  it("labels the partner's contact as such and names the customer contact who answered (three locales)", () => {
    const claim = sampleClaim('C', {
      status: 'rejected',
      customerContact: { name: 'Chris Lee', title: 'CIO', email: 'Chris.Lee@contoso.com' },
      partnerContact: { name: 'Alex Wilber', email: 'alexw@fabrikam.com' },
    });
    claim.history.push({
      at: '2025-03-07T09:00:00.000Z',
      actor: { role: 'customer', id: 'chris.lee@contoso.com' },
      event: 'customerOptOut',
      from: 'approvedCustomerNotified',
      to: 'rejected',
    });
    for (const locale of ['en-US', 'ko-KR', 'ja-JP'] as const) {
      const text = runs(renderReviewDetailCard(model(claim, []), locale));
      const partner = t(locale, 'summary.contactWithoutTitle', {
        role: t(locale, 'reviewer.partnerContact'),
        name: 'Alex Wilber',
        email: 'alexw@fabrikam.com',
      });
      assert.ok(text.includes(partner), `${partner} in ${text.join(' | ')}`);
      const by = t(locale, 'history.by', { actor: `${t(locale, 'actors.customer')} (Chris Lee)` });
      assert.ok(text.includes(by), `${by} in ${text.join(' | ')}`);
    }
  });

  it('uses only the Execute verbs of cards/verbs.ts, and no input that could overwrite the data', () => {
    const card = renderReviewDetailCard(
      model(sampleClaim('C', { status: 'underReview' }), ['requestInfo', 'approve', 'reject']),
      'en-US',
    );
    const dataKeys = new Set(executes(card).flatMap((a) => Object.keys(a.data as object)));
    for (const action of executes(card))
      assert.ok((EXECUTE_VERBS as readonly string[]).includes(String(action.verb)), String(action.verb));
    for (const type of ['Input.Text', 'Input.ChoiceSet']) {
      for (const input of objectsOfType(card.content, type)) {
        assert.ok(!dataKeys.has(String(input.id)) && !RESERVED_INPUT_IDS.includes(String(input.id)), String(input.id));
      }
    }
  });
});

describe('comments thread card', () => {
  const claim = sampleClaim('C', {
    comments: [
      {
        id: '1',
        author: { role: 'partnerAdmin', id: 'a', name: 'Ada' },
        text: 'Signed SOW attached',
        at: '2025-03-04T10:00:00.000Z',
      },
      { id: '2', author: { role: 'reviewer', id: 'r' }, text: 'Thanks', at: '2025-03-05T10:00:00.000Z' },
    ],
  });

  it('shows each comment with author role and time, and lets admins add one as the partner', () => {
    const card = renderCommentsThreadCard({ claim, canComment: true, commentId: 'next-1', timeZone: 'UTC' }, 'en-US');
    const text = runs(card);
    assert.ok(text.includes('Incentives admin (Ada) · March 4, 2025 at 10:00 AM UTC'), text.join(' | '));
    assert.ok(text.includes('Microsoft reviewer · March 5, 2025 at 10:00 AM UTC'));
    assert.deepEqual(
      executes(card).map((a) => [a.verb, a.data]),
      [['addComment', { claimId: 'claim-1', audience: 'partner', commentId: 'next-1' }]],
    );
    assert.equal([...objectsOfType(card.content, 'Input.Text')].length, 1);
  });

  it('is read-only for other partner users', () => {
    const card = renderCommentsThreadCard({ claim, canComment: false, commentId: 'x' }, 'ko-KR');
    assert.deepEqual(executes(card), []);
    assert.deepEqual([...objectsOfType(card.content, 'Input.Text')], []);
    assert.ok([...objectsOfType(card.content, 'TextBlock')].some((b) => b.text === t('ko-KR', 'comments.viewOnly')));
  });
});
