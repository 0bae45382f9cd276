import assert from 'node:assert/strict';
import type { Claim } from '../../claims/model';
import { renderHistoryCard } from '../../cards/statusCards';
import { renderReviewDetailCard } from '../../cards/reviewDetailCard';
import { LOCALES, t } from '../../locales/i18n';
import { objectsOfType } from './cardChecks';
import { sampleClaim } from './sampleCards';

/** The customer's opt-out reason, as the partner's history card and the reviewer's timeline show it. */
describe("the customer's opt-out reason on the history", () => {
  const reason = '${claimName} <b>We never worked with them</b> **really**';
  const optedOut = (): Claim => {
    const claim = sampleClaim('C', {
      status: 'rejected',
      rejection: { reason: 'customerDeclined', at: '2025-03-07T09:00:00.000Z' },
    });
    claim.history.push({
      at: '2025-03-07T09:00:00.000Z',
      actor: { role: 'customer', id: 'chris@contoso.com' },
      event: 'customerOptOut',
      from: 'approvedCustomerNotified',
      to: 'rejected',
      reason: 'customerDeclined',
      note: reason,
    });
    return claim;
  };
  /** Every text on the card, as plain runs: Adaptive Cards' TextRun renders no Markdown and no markup. */
  const runs = (content: unknown) => [...objectsOfType(content, 'TextRun')].map((run) => String(run.text));

  it("is said to be the customer's, word for word, as plain text, in every locale (partner and reviewer)", () => {
    for (const locale of LOCALES) {
      const line = t(locale, 'history.customerReason', { reason });
      const history = renderHistoryCard({ claim: optedOut(), claimId: 'claim-1', nonce: 'n' }, locale).content;
      assert.ok(runs(history).includes(line), `${locale}: ${runs(history).join(' | ')}`);
      assert.ok(!runs(history).includes(t(locale, 'history.note', { note: reason })), 'not a plain note');
      const review = renderReviewDetailCard(
        {
          claim: optedOut(),
          partnerName: 'Contoso Partners',
          poe: [],
          linkMinutes: 5,
          conflicts: [],
          allowedEvents: [],
          commentId: 'c',
          timeZone: 'UTC',
        },
        locale,
      ).content;
      assert.ok(runs(review).includes(line), `${locale} reviewer`);
    }
  });

  it('other notes keep their label', () => {
    const claim = optedOut();
    const [last] = claim.history.slice(-1);
    assert.ok(last);
    claim.history.push({ ...last, event: 'withdraw', note: 'plain note' });
    const text = runs(renderHistoryCard({ claim, claimId: 'claim-1', nonce: 'n' }, 'en-US').content);
    assert.ok(text.includes('Note: plain note'));
  });
});
