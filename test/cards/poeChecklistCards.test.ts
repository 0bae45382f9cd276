/**
 * The PoE checklist where it is shown: the reviewer's detail card carries the same
 * result as the partner's summary, with the phrases found and the file they are from,
 * and offers the reviewer no "attach another file"; cards without checked files show none.
 */
import assert from 'node:assert/strict';
import { renderReviewDetailCard } from '../../cards/reviewDetailCard';
import { renderSummaryCard } from '../../cards/summaryCard';
import { formatDate, LOCALES, t } from '../../locales/i18n';
import { objectsOfType, walk } from './cardChecks';
import { checkedClaim, sampleClaim } from './sampleCards';

const runs = (content: Record<string, unknown>): string[] =>
  [...objectsOfType(content, 'TextRun')].map((run) => String(run.text));
const PHRASE = 'Signed: Chris Customer 2025-03-01';

describe('PoE checklist on the summary and the reviewer detail card', () => {
  for (const locale of LOCALES) {
    it(`${locale}: the reviewer sees the partner's result with the evidence phrases, and no fix`, () => {
      const claim = checkedClaim('SOW.pdf', { status: 'underReview' });
      const detail = renderReviewDetailCard(
        {
          claim,
          partnerName: 'Fabrikam',
          poe: [],
          linkMinutes: 5,
          conflicts: [],
          allowedEvents: ['approve'],
          commentId: 'c',
        },
        locale,
      );
      const summary = renderSummaryCard(
        { claimId: claim.id, nonce: 'n', claim: { ...claim, status: 'draft' }, problems: [] },
        locale,
      );
      const reviewer = runs(detail.content);
      const partner = runs(summary.content);
      assert.ok(
        reviewer.includes(t(locale, 'poeCheck.reviewerTitle')) ||
          [...walk(detail.content)].some((v) => v.value === t(locale, 'poeCheck.reviewerTitle')),
      );
      const evidence = ` ${t(locale, 'poeCheck.evidence', { phrase: 'SOW.pdf' })} ${t(locale, 'poeCheck.fromFile', { fileName: 'SOW.pdf' })}`;
      assert.ok(reviewer.includes(evidence), reviewer.join('\n'));
      const findings = (lines: string[]) =>
        lines.filter((line) =>
          [
            t(locale, 'poeCheck.acknowledgementFound'),
            t(locale, 'poeCheck.datesFound', { date: formatDate(locale, '2025-03-01T12:00:00Z', 'UTC') }),
            t(locale, 'poeCheck.partnerFound'),
            t(locale, 'poeCheck.productsMissing', { products: 'Power BI' }),
          ].includes(line),
        );
      assert.equal(findings(reviewer).length, 4, reviewer.join('\n'));
      assert.deepEqual(findings(reviewer), findings(partner));
      assert.ok(partner.includes(t(locale, 'poeCheck.fix')));
      assert.ok(!reviewer.includes(t(locale, 'poeCheck.fix')));
      assert.ok(reviewer.includes(t(locale, 'poeCheck.unreadableImage', { fileName: 'SOW.pdf' })));
    });
  }

  it('shows nothing where no file was read (files stored before the check existed)', () => {
    const claim = sampleClaim(PHRASE);
    const detail = renderReviewDetailCard(
      { claim, partnerName: 'Fabrikam', poe: [], linkMinutes: 5, conflicts: [], allowedEvents: [], commentId: 'c' },
      'en-US',
    );
    assert.ok(!JSON.stringify(detail.content).includes(t('en-US', 'poeCheck.reviewerTitle')));
    assert.ok(!JSON.stringify(detail.content).includes('poeChecklist'), 'the anchor never reaches Teams');
  });
});
