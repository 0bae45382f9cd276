/**
 * The PoE is read as it arrives: once each file is checked (after its turn) the PoE card lists what a
 * reviewer would find and what they may ask for, in the partner's language; the
 * summary shows the result over all files; the claim keeps only short phrases.
 */
import assert from 'node:assert/strict';
import { formatDate, formatFileSize, formatList, LOCALES, t, type Locale } from '../../../locales/i18n';
import { PNG_1X1 } from '../../support/evidenceSamples';
import { textPdf } from '../../support/poeDocuments';
import { fontsFor, pngOf, textImage } from '../../support/textImage';
import { Chat, adminCaller, cardStrings, newClaimSetting, onlyClaimOf, textsOf } from './newClaimHarness';
import { assertCard, poeDone, upToPoe } from './newClaimSteps';

/** The harness's today is 2025-03-03: a SOW signed on 2025-02-20 is recent. */
const COMPLETE = textPdf([
  { lines: ['Statement of Work', 'Fabrikam Seattle deployed Exchange Online for Contoso.'] },
  {
    lines: [
      'Customer acceptance',
      'Name: Dana Customer',
      'dana@contoso.com',
      'Signature: __________  Date: 2025-02-20',
    ],
  },
]);
const UNSIGNED_OLD_NO_PRODUCT = textPdf([
  {
    lines: ['Statement of Work', 'Fabrikam Seattle deployed SharePoint Online for Contoso.', 'Kick-off: 15 March 2019'],
  },
]);

const dateOf = (locale: Locale, day: string): string => formatDate(locale, `${day}T12:00:00Z`, 'UTC');

describe('NewClaimDialog PoE check', function () {
  this.timeout(120_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: a PoE without the customer's signature, with only a 2019 date, naming none of the claimed products gets a checklist saying so`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat, ['exchangeOnline']);
      const replies = await chat.attach({
        name: 'draft SOW.pdf',
        url: s.world.files.serve(UNSIGNED_OLD_NO_PRODUCT),
        fileType: 'pdf',
      });
      const claim = await onlyClaimOf(s.world, s.org);
      // The file is acknowledged on the PoE card itself, updated in place; its checklist follows there.
      assert.deepEqual(textsOf(replies), []);
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'summary.poeFile', {
            fileName: 'draft SOW.pdf',
            size: formatFileSize(locale, claim.poe[0]?.sizeBytes ?? 0),
          }),
        ),
      );
      assertCard(chat, 'poe.title');
      const shown = cardStrings(chat.lastCard());
      for (const expected of [
        t(locale, 'poeCheck.title'),
        t(locale, 'poeCheck.fileHeading', { fileName: 'draft SOW.pdf' }),
        t(locale, 'poeCheck.acknowledgementMissing'),
        t(locale, 'poeCheck.datesTooOld', { date: dateOf(locale, '2019-03-15'), months: 12 }),
        t(locale, 'poeCheck.productsMissing', { products: formatList(locale, ['Exchange Online']) }),
        t(locale, 'poeCheck.fix'),
      ]) {
        assert.ok(shown.includes(expected), `${expected} not in\n${shown.join('\n')}`);
      }
      // Stored on the claim: the findings and short phrases, never the document's text.
      const check = claim.poe[0]?.check;
      assert.equal(check?.status, 'checked');
      assert.ok(JSON.stringify(claim).length < JSON.stringify({ ...claim, poe: [] }).length + 2000);
      assert.ok(!JSON.stringify(check).includes('Statement of Work\n'));
    });

    it(`${locale}: a complete PoE passes, and the summary shows the result over all files, an image included`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat, ['exchangeOnline']);
      await chat.attach(
        { name: 'signed SOW.pdf', url: s.world.files.serve(COMPLETE), fileType: 'pdf' },
        { name: 'kickoff.png', url: s.world.files.serve(PNG_1X1) },
      );
      const shown = cardStrings(chat.lastCard());
      for (const expected of [
        t(locale, 'poeCheck.acknowledgementFound'),
        t(locale, 'poeCheck.datesFound', { date: dateOf(locale, '2025-02-20') }),
        t(locale, 'poeCheck.partnerFound'),
        t(locale, 'poeCheck.productsFound'),
        t(locale, 'poeCheck.allFound'),
      ]) {
        assert.ok(shown.includes(expected), `${expected} not in\n${shown.join('\n')}`);
      }
      assert.ok(shown.includes(t(locale, 'poeCheck.unreadableImage', { fileName: 'kickoff.png' })));
      assert.ok(!shown.includes(t(locale, 'poeCheck.fix')), 'nothing to fix');
      await poeDone(chat);
      assertCard(chat, 'summary.title');
      const summary = cardStrings(chat.lastCard());
      assert.ok(summary.includes(t(locale, 'poeCheck.summaryTitle')));
      assert.ok(summary.includes(t(locale, 'poeCheck.acknowledgementFound')));
      // The verdicts only: the phrases found, and which file they came from, were quoted on the PoE card.
      assert.ok(
        !summary.some((line) => line.includes(t(locale, 'poeCheck.fromFile', { fileName: 'signed SOW.pdf' }))),
        summary.join('\n'),
      );
      assert.ok(summary.includes(t(locale, 'poeCheck.unreadableImage', { fileName: 'kickoff.png' })));
    });
  }

  it('ko-KR: a photographed Korean SOW is read by OCR in Korean and English, and its checklist passes', async () => {
    const photo = pngOf(
      textImage(
        [
          '작업 기술서',
          'Fabrikam Seattle은 다음 제품을 구축했습니다: Exchange Online, 고객사 Contoso',
          '고객 승인',
          '성명: Dana Customer',
          '서명: __________  일자: 2025년 2월 20일',
        ],
        { width: 2400, fontSize: 50 },
        fontsFor('korean'),
      ),
    );
    const chat = new Chat(s.world, adminCaller(s.org, 'ko-KR'));
    await upToPoe(chat, ['exchangeOnline']);
    await chat.attach({ name: '서명본.png', url: s.world.files.serve(photo), fileType: 'png' });
    const claim = await onlyClaimOf(s.world, s.org);
    const poeId = claim.poe[0]?.id ?? '';
    assert.equal(s.world.reader.locales.get(poeId), 'ko-KR', 'read for the partner, in their language');
    assert.deepEqual(
      claim.poe[0]?.check?.status === 'checked' && claim.poe[0].check.findings.map((f) => [f.reason, f.found]),
      [
        ['customerAcknowledgement', true],
        ['dates', true],
        ['partnerSolution', true],
        ['products', true],
      ],
      JSON.stringify(claim.poe[0]?.check),
    );
    assert.ok(cardStrings(chat.lastCard()).includes(t('ko-KR', 'poeCheck.allFound')));
  });
});
