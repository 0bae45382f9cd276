/**
 * Real-shaped PoE files (PDF, Word, mail) in English, Korean and Japanese, read by the
 * worker-thread text reader and checked against a claim: what a reviewer would find.
 */
import assert from 'node:assert/strict';
import type { EvidenceKind, PoeCheckReason } from '../../claims/model';
import { checkPoeText } from '../../claims/poeCheck';
import { DEFAULT_EXTRACTION_LIMITS, extractText, lastReader } from '../../documents/evidenceText';
import { org, validClaim } from '../claims/fixtures';
import { compoundFile, CLASS_IDS, minimalPdf, officeOpenXml, PNG_1X1 } from '../support/evidenceSamples';
import { mailMessage, textPdf, wordDocument } from '../support/poeDocuments';

const NOW = new Date('2026-12-01T09:00:00Z');
const claim = validClaim({ productIds: ['dynamics365Sales', 'powerBI'] });
const context = { now: NOW, partnerNames: [org.name, ...org.locations.map((l) => l.name)] };

type Expected = Readonly<Record<PoeCheckReason, boolean>>;
const ALL: Expected = { customerAcknowledgement: true, dates: true, partnerSolution: true, products: true };

interface Row {
  name: string;
  kind: EvidenceKind;
  file: () => Buffer | Promise<Buffer>;
  expected: Expected;
}

const ROWS: Row[] = [
  {
    name: 'English SOW (PDF), complete',
    kind: 'pdf',
    file: () =>
      textPdf([
        {
          lines: ['Statement of Work', 'Fabrikam Consulting will deploy Dynamics 365 Sales and Power BI for Contoso.'],
        },
        {
          lines: [
            'Customer acceptance',
            'Name: Chris Customer',
            'Title: CIO',
            'Signature: ____________  Date: November 15, 2026',
          ],
        },
      ]),
    expected: ALL,
  },
  {
    name: 'Korean SOW (PDF), complete',
    kind: 'pdf',
    file: () =>
      textPdf([
        { lines: ['작업 기술서', 'Fabrikam Consulting은 Contoso에 Dynamics 365 Sales 및 Power BI를 구축합니다.'] },
        { lines: ['고객 승인', '성명: Chris Customer', '서명: __________', '일자: 2026년 11월 15일'] },
      ]),
    expected: ALL,
  },
  {
    name: 'Japanese SOW (PDF), complete, Reiwa date',
    kind: 'pdf',
    file: () =>
      textPdf([
        {
          lines: [
            '作業範囲記述書',
            'Fabrikam Consulting は Contoso 様に Dynamics 365 Sales と Power BI を導入します。',
            '',
            'お客様承認',
            '氏名: Chris Customer',
            '署名: ________',
            '令和8年11月15日',
          ],
        },
      ]),
    expected: ALL,
  },
  {
    name: 'PDF with the date only in the footer',
    kind: 'pdf',
    file: () =>
      textPdf([
        {
          lines: ['Fabrikam Consulting implemented Dynamics 365 Sales and Power BI.', 'Approved by Chris Customer'],
          footer: 'Contoso — signed 2026-11-15 — page 1 of 1',
        },
      ]),
    expected: ALL,
  },
  {
    name: 'PDF signed only by a second, unrelated customer',
    kind: 'pdf',
    file: () =>
      textPdf([
        {
          lines: [
            'Fabrikam Consulting deployed Dynamics 365 Sales and Power BI at Contoso and Northwind.',
            '',
            'Northwind Traders',
            'Accepted by: Nina North',
            'nina@northwind.example',
            'Date: 2026-11-15',
          ],
        },
      ]),
    expected: { ...ALL, customerAcknowledgement: false },
  },
  {
    name: 'PDF without the customer signature',
    kind: 'pdf',
    file: () =>
      textPdf([
        { lines: ['Fabrikam Consulting deployed Dynamics 365 Sales and Power BI for Contoso.', 'Date: 2026-11-15'] },
      ]),
    expected: { ...ALL, customerAcknowledgement: false },
  },
  {
    name: 'PDF carrying only a 2019 date',
    kind: 'pdf',
    file: () =>
      textPdf([
        {
          lines: [
            'Fabrikam Consulting deployed Dynamics 365 Sales and Power BI.',
            'Signed by Chris Customer',
            '15 March 2019',
          ],
        },
      ]),
    expected: { ...ALL, dates: false },
  },
  {
    name: 'PDF naming none of the claimed products',
    kind: 'pdf',
    file: () =>
      textPdf([{ lines: ['Fabrikam Consulting deployed Exchange Online.', 'Signed by Chris Customer 2026-11-15'] }]),
    expected: { ...ALL, products: false },
  },
  {
    name: 'English Word SOW with the products only in a table',
    kind: 'docx',
    file: () =>
      wordDocument({
        paragraphs: [
          'Statement of Work',
          'Fabrikam Consulting provides implementation services to Contoso.',
          'Products in scope:',
        ],
        table: [
          ['Product', 'Seats'],
          ['Dynamics 365 Sales', '120'],
          ['Power BI', '40'],
        ],
        closing: ['Customer signature', 'Chris Customer, CIO', 'Date: 11/15/2026'],
      }),
    expected: ALL,
  },
  {
    name: 'Korean Word SOW with the date only in the footer',
    kind: 'docx',
    file: () =>
      wordDocument({
        paragraphs: [
          'Fabrikam Consulting은 Dynamics 365 Sales와 Power BI 도입을 지원했습니다.',
          '고객 확인',
          '담당자: Chris Customer (chris@contoso.com)',
          '서명: ________',
        ],
        footer: '2026. 11. 15. Contoso',
      }),
    expected: ALL,
  },
  {
    name: 'Japanese Word SOW, old date',
    kind: 'docx',
    file: () =>
      wordDocument({
        paragraphs: [
          'Fabrikam Consulting による Dynamics 365 Sales と Power BI の構築',
          '承認: Chris Customer',
          '平成31年4月1日',
        ],
      }),
    expected: { ...ALL, dates: false },
  },
  {
    name: 'English approval mail (quoted-printable, HTML twin)',
    kind: 'eml',
    file: () =>
      mailMessage({
        from: 'Chris Customer <chris@contoso.com>',
        to: 'Pat Partner <pat@fabrikam.com>',
        subject: 'Re: Dynamics 365 Sales roll-out',
        date: 'Sun, 15 Nov 2026 09:00:00 +0900',
        body: 'Hi Pat,\n\nThanks to Fabrikam Consulting for the Dynamics 365 Sales and Power BI deployment.\nApproved.\n\nChris Customer\nCIO, Contoso',
        encoding: 'quoted-printable',
        html: true,
      }),
    expected: ALL,
  },
  {
    name: 'Japanese approval mail in ISO-2022-JP',
    kind: 'eml',
    file: () =>
      mailMessage({
        from: 'Chris Customer <chris@contoso.com>',
        to: 'pat@fabrikam.com',
        subject: '承認: Power BI 導入',
        date: 'Sun, 15 Nov 2026 09:00:00 +0900',
        body: 'Fabrikam Consulting Dynamics 365 Sales / Power BI deployment\r\n承認します\r\nChris Customer',
        charset: 'iso-2022-jp',
        encoding: '7bit',
      }),
    expected: ALL,
  },
  {
    name: 'Korean approval mail in EUC-KR (base64)',
    kind: 'eml',
    file: () =>
      mailMessage({
        from: 'Chris Customer <chris@contoso.com>',
        to: 'pat@fabrikam.com',
        subject: '승인 - Dynamics 365 Sales',
        date: 'Sun, 15 Nov 2026 09:00:00 +0900',
        body: 'Fabrikam Consulting: Dynamics 365 Sales, Power BI deployment\r\n승인합니다\r\nChris Customer',
        charset: 'euc-kr',
      }),
    expected: ALL,
  },
];

describe('PoE text: real-shaped documents in three languages, read and checked', function () {
  // Each file is read in a fresh worker thread; the machine is shared.
  this.timeout(60_000);
  for (const row of ROWS) {
    it(row.name, async () => {
      const text = await extractText(row.kind, await row.file());
      assert.equal(text.status, 'read', JSON.stringify(text));
      if (text.status !== 'read') return;
      const check = checkPoeText(text.text, claim, context);
      assert.equal(check.status, 'checked');
      if (check.status !== 'checked') return;
      const got = Object.fromEntries(check.findings.map((f) => [f.reason, f.found]));
      assert.deepEqual(got, row.expected, `${JSON.stringify(check.findings, null, 1)}\n--- text ---\n${text.text}`);
    });
  }
});

describe('PoE text: what cannot be read, and the limits', function () {
  this.timeout(60_000);
  const cases: [string, EvidenceKind, () => Buffer | Promise<Buffer>, string][] = [
    ['an image', 'png', () => PNG_1X1, 'image'],
    ['a scanned PDF (pages without text)', 'pdf', () => minimalPdf(), 'noText'],
    ['a damaged PDF', 'pdf', () => Buffer.from('%PDF-1.7\nthis is not a PDF'), 'damaged'],
    [
      'a Word 97 document',
      'doc',
      () => compoundFile({ names: ['WordDocument'], rootClassId: CLASS_IDS.word }),
      'legacyFormat',
    ],
    [
      'a damaged Outlook message',
      'msg',
      () => compoundFile({ names: ['__substg1.0_0037001F'], rootClassId: CLASS_IDS.outlookMessage }),
      'damaged',
    ],
  ];
  for (const [name, kind, file, why] of cases) {
    it(`${name}: unreadable (${why}), a reviewer reads it`, async () => {
      assert.deepEqual(await extractText(kind, await file()), { status: 'unreadable', why });
    });
  }

  it('reads slides and spreadsheet cells', async () => {
    const slide =
      '<p:sld xmlns:a="a" xmlns:p="p"><a:p><a:r><a:t>Power BI &amp; Dynamics 365 Sales</a:t></a:r></a:p></p:sld>';
    const pptx = await extractText('pptx', await officeOpenXml('pptx', { 'ppt/slides/slide1.xml': slide }));
    assert.deepEqual(pptx, { status: 'read', text: 'Power BI & Dynamics 365 Sales', truncated: false });
    const strings = '<sst><si><t>Customer sign-off</t></si><si><t xml:space="preserve">2026-11-15</t></si></sst>';
    const xlsx = await extractText('xlsx', await officeOpenXml('xlsx', { 'xl/sharedStrings.xml': strings }));
    assert.deepEqual(xlsx, { status: 'read', text: 'Customer sign-off\n2026-11-15', truncated: false });
  });

  it('cuts the text at the character limit and says so', async () => {
    const pdf = textPdf(Array.from({ length: 5 }, (_, i) => ({ lines: [`page ${i + 1} ${'x'.repeat(200)}`] })));
    const text = await extractText('pdf', pdf, { ...DEFAULT_EXTRACTION_LIMITS, maxChars: 300 });
    assert.equal(text.status, 'read');
    if (text.status === 'read') {
      assert.equal(text.text.length, 300);
      assert.equal(text.truncated, true);
    }
  });

  it('reads at most the page limit', async () => {
    const pdf = textPdf(Array.from({ length: 4 }, (_, i) => ({ lines: [`page ${i + 1}`] })));
    const text = await extractText('pdf', pdf, { ...DEFAULT_EXTRACTION_LIMITS, maxPages: 2 });
    assert.equal(
      text.status === 'read' && text.text.includes('page 2') && !text.text.includes('page 3') && text.truncated,
      true,
      JSON.stringify(text),
    );
  });

  it('stops a reader that runs over its time', async () => {
    assert.deepEqual(
      await extractText('pdf', textPdf([{ lines: ['x'] }]), { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 1 }),
      { status: 'unreadable', why: 'timeout' },
    );
  });

  it("reports the reader process's own peak memory, not the size of the process that started it", async function () {
    if (process.platform !== 'linux') this.skip();
    // Linux hands a forked child its parent's peak as its own maxRSS; the reader must not report that.
    const ballast = Buffer.alloc(400 * 1024 * 1024, 1);
    const parentKb = process.memoryUsage().rss / 1024;
    await extractText('pdf', textPdf([{ lines: ['a small SOW'] }]));
    assert.ok(
      ballast[0] === 1 && lastReader.peakRssKb > 0 && lastReader.peakRssKb < parentKb - 200 * 1024,
      `${lastReader.peakRssKb} KB vs ${parentKb} KB`,
    );
  });
});
