/**
 * OCR of photographed and scanned PoEs: pictures of real-shaped documents made here
 * (Liberation Sans set on noisy paper, as PNG, as JPEG, and as the only content of PDF
 * pages), read in the reader process and checked against the claim as any other file.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EvidenceKind, PoeCheckReason } from '../../claims/model';
import { checkPoeText } from '../../claims/poeCheck';
import { DEFAULT_EXTRACTION_LIMITS, extractText, extractTextFromLink } from '../../documents/evidenceText';
import {
  languagePackFile,
  ocrLanguagesFor,
  ocrSettings,
  pgmOf,
  pictureSize,
  type OcrSettings,
} from '../../documents/ocr';
import { org, validClaim } from '../claims/fixtures';
import { fontsFor, jpegOf, pngOf, scannedPdf, textImage } from '../support/textImage';

const NOW = new Date('2026-12-01T09:00:00Z');
const claim = validClaim({ productIds: ['dynamics365Sales', 'powerBI'] });
const context = { now: NOW, partnerNames: [org.name, ...org.locations.map((l) => l.name)] };
const OCR: OcrSettings = ocrSettings('en-US', DEFAULT_EXTRACTION_LIMITS.timeoutMs);
const WITH_OCR = { ...DEFAULT_EXTRACTION_LIMITS, ocr: OCR };

const SOW_LINES = [
  'Statement of Work',
  'Fabrikam Consulting will deploy Dynamics 365 Sales and Power BI for Contoso.',
  'Customer acceptance',
  'Name: Chris Customer',
  'Signature: ____________  Date: November 15, 2026',
];
const sow = () => textImage(SOW_LINES, { width: 1900 });

function findings(text: string, checked = claim): Record<PoeCheckReason, boolean> {
  const check = checkPoeText(text, checked, context);
  assert.equal(check.status, 'checked');
  return Object.fromEntries(
    (check.status === 'checked' ? check.findings : []).map((f) => [f.reason, f.found]),
  ) as Record<PoeCheckReason, boolean>;
}

const ALL = { customerAcknowledgement: true, dates: true, partnerSolution: true, products: true };

/** NODE_OPTIONS for the reader processes started inside `run`: the network guard preloaded. */
async function withoutNetwork<T>(run: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${before ?? ''} --require ${path.join(__dirname, '../support/noNetwork.cjs')}`.trim();
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = before;
  }
}

describe('PoE OCR: photos and scans read in the reader process', function () {
  // Each file is read by a fresh reader process that loads the engine; the machine is shared.
  this.timeout(60_000);

  const rows: [string, EvidenceKind, () => Buffer][] = [
    ['a photographed SOW (PNG)', 'png', () => pngOf(sow())],
    ['a photographed SOW (JPEG)', 'jpeg', () => jpegOf(sow())],
    ['a scanned SOW: a PDF whose only page is a JPEG', 'pdf', () => scannedPdf([sow()], 'jpeg')],
    ['a scanned SOW: a PDF whose only page is a Flate grey image', 'pdf', () => scannedPdf([sow()], 'flate')],
  ];
  for (const [name, kind, file] of rows) {
    it(`${name}: read by OCR and checked like typed text`, async () => {
      const text = await extractText(kind, file(), WITH_OCR);
      assert.equal(text.status, 'read', JSON.stringify(text));
      if (text.status !== 'read') return;
      assert.match(text.text, /Chris Customer/);
      assert.deepEqual(findings(text.text), ALL, text.text);
    });
  }

  // Korean and Japanese scans, read with the user's pack and English (product and company names
  // are Latin). Korean's model misreads Latin glued to Hangul ("Contoso를") and often reads
  // "BI" as "Bl": the Korean claim names Dynamics 365 Sales only, which it reads reliably.
  const cjk: [string, string, string[], 'korean' | 'japanese', string[]][] = [
    [
      'a Korean SOW scan (ko-KR)',
      'ko-KR',
      [
        '작업 기술서',
        'Fabrikam Consulting은 Contoso를 위해 다음 제품을 구축했습니다: Dynamics 365 Sales, Power BI',
        '고객 승인',
        '성명: Chris Customer',
        '서명: __________  일자: 2026년 11월 15일',
      ],
      'korean',
      ['dynamics365Sales'],
    ],
    [
      'a Japanese SOW scan (ja-JP)',
      'ja-JP',
      [
        '作業範囲記述書',
        'Fabrikam Consulting は Contoso 様に Dynamics 365 Sales と Power BI を導入しました。',
        '顧客承認',
        '氏名: Chris Customer',
        '署名: __________  日付: 2026年11月15日',
      ],
      'japanese',
      ['dynamics365Sales', 'powerBI'],
    ],
  ];
  for (const [name, locale, lines, script, productIds] of cjk) {
    it(`${name}: read in its language and English, and checked`, async () => {
      const pdf = scannedPdf([textImage(lines, { width: 2400, fontSize: 50 }, fontsFor(script))]);
      const text = await extractText('pdf', pdf, { ...DEFAULT_EXTRACTION_LIMITS, ocr: ocrSettings(locale, 20_000) });
      assert.equal(text.status, 'read', JSON.stringify(text));
      if (text.status !== 'read') return;
      assert.deepEqual(findings(text.text, validClaim({ productIds })), ALL, text.text);
    });
  }

  it('with OCR off, a picture and a scan are left to the reviewer as before', async () => {
    assert.deepEqual(await extractText('png', pngOf(sow())), { status: 'unreadable', why: 'image' });
    assert.deepEqual(await extractText('pdf', scannedPdf([sow()])), { status: 'unreadable', why: 'noText' });
  });

  it('a picture with no text in it, and one larger than OCR reads, are left to the reviewer', async () => {
    const blank = textImage([], { width: 600, height: 400 });
    assert.deepEqual(await extractText('png', pngOf(blank), WITH_OCR), { status: 'unreadable', why: 'image' });
    assert.deepEqual(await extractText('jpeg', jpegOf(sow()), { ...WITH_OCR, ocr: { ...OCR, maxPixels: 100_000 } }), {
      status: 'unreadable',
      why: 'image',
    });
  });

  it('never decodes a picture larger than OCR reads: a PNG bomb, and a scan whose page is too large', async () => {
    // A small file whose header promises 60000 × 60000 pixels (3.6 GB decoded): refused from the header.
    const bomb = pngOf(textImage(['x'], { width: 64, height: 64 }));
    bomb.writeUInt32BE(60_000, 16);
    bomb.writeUInt32BE(60_000, 20);
    assert.deepEqual(await extractText('png', bomb, WITH_OCR), { status: 'unreadable', why: 'image' });
    // A JPEG whose frame header leaves the height to a later marker (0): its size is unknown
    // until decoded, so it is not decoded. The same picture with its height is read.
    const readable = jpegOf(sow());
    const frame = readable.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(frame > 0, 'the test JPEG has a baseline frame header');
    const heightLater = Buffer.from(readable);
    heightLater.writeUInt16BE(0, frame + 5);
    assert.deepEqual(await extractText('jpeg', heightLater, WITH_OCR), { status: 'unreadable', why: 'image' });
    assert.equal((await extractText('jpeg', readable, WITH_OCR)).status, 'read');
    // pdf.js drops a page's picture over the limit undecoded: the page then has no text.
    assert.deepEqual(
      await extractText('pdf', scannedPdf([sow()]), { ...WITH_OCR, ocr: { ...OCR, maxPixels: 100_000 } }),
      { status: 'unreadable', why: 'noText' },
    );
  });

  it('reads only the first pages of a long scan, and says the text was cut', async () => {
    const pages = [1, 2, 3].map((n) => textImage([`Scanned page number ${n}`], { width: 1000 }));
    const text = await extractText('pdf', scannedPdf(pages), { ...WITH_OCR, ocr: { ...OCR, maxPages: 2 } });
    assert.equal(text.status, 'read', JSON.stringify(text));
    if (text.status !== 'read') return;
    assert.match(text.text, /page number 1[\s\S]*page number 2/);
    assert.doesNotMatch(text.text, /number 3/);
    assert.equal(text.truncated, true);
  });

  it('starts no page that would end past its time budget: the first page is read, the rest marked cut', async () => {
    const pages = [1, 2].map((n) => textImage([`Scanned page number ${n}`], { width: 1000 }));
    const text = await extractText('pdf', scannedPdf(pages), { ...WITH_OCR, ocr: { ...OCR, budgetMs: 1 } });
    assert.equal(text.status, 'read', JSON.stringify(text));
    if (text.status !== 'read') return;
    assert.match(text.text, /page number 1/);
    assert.doesNotMatch(text.text, /number 2/);
    assert.equal(text.truncated, true);
  });

  it('reads a text layer as text and OCRs only the pages without one', async () => {
    // Page 1 has a text layer (as an OCR'd or typed PDF has) over a picture that says otherwise.
    const pdf = scannedPdf([
      { image: textImage(['Picture behind the text layer'], { width: 1000 }), typed: 'Typed statement of work' },
      textImage(['Signed by Chris Customer'], { width: 1000 }),
    ]);
    const text = await extractText('pdf', pdf, WITH_OCR);
    assert.equal(text.status, 'read', JSON.stringify(text));
    if (text.status !== 'read') return;
    assert.match(text.text, /Typed statement of work[\s\S]*Signed by Chris Customer/);
    assert.doesNotMatch(text.text, /Picture behind/);
  });

  it('never reaches the network: a reader with every socket, lookup and fetch refused still reads the scan', async () => {
    const text = await withoutNetwork(() => extractText('pdf', scannedPdf([sow()]), WITH_OCR));
    assert.equal(text.status === 'read' && /Chris Customer/.test(text.text), true, JSON.stringify(text));
    // The guard is real: the same reader asked to fetch a link dies on the attempt.
    const fetched = await withoutNetwork(() =>
      extractTextFromLink('png', 'http://127.0.0.1:9/scan.png', 1000, WITH_OCR),
    );
    assert.deepEqual(fetched, { status: 'unreadable', why: 'damaged' });
  });

  it('takes its language packs from node_modules: the user language first, then English', () => {
    assert.deepEqual(ocrLanguagesFor('ko-KR'), ['kor', 'eng']);
    assert.deepEqual(ocrLanguagesFor('ja-JP'), ['jpn', 'eng']);
    assert.deepEqual(ocrLanguagesFor('en-US'), ['eng']);
    assert.deepEqual(ocrLanguagesFor(undefined), ['eng']);
    for (const language of ['eng', 'kor', 'jpn'] as const) {
      const file = languagePackFile(language);
      assert.ok(
        path.isAbsolute(file) && file.includes(`${path.sep}node_modules${path.sep}@tesseract.js-data${path.sep}`),
        file,
      );
      assert.ok(existsSync(file), file);
    }
  });

  it('shrinks a large scanned page to the pixels OCR reads, keeping its grey levels', () => {
    const [width, height] = [400, 300];
    const rgb = new Uint8Array(width * height * 3).map((_, i) => (Math.floor(i / 3) % width < 200 ? 0 : 255));
    const pgm = Buffer.from(pgmOf({ width, height, kind: 2, data: rgb }, 30_000) ?? []);
    const header = 'P5\n200 150\n255\n';
    assert.equal(pgm.subarray(0, header.length).toString('latin1'), header);
    const pixels = pgm.subarray(header.length);
    assert.equal(pixels.length, 200 * 150);
    assert.deepEqual([pixels[0], pixels[99], pixels[100], pixels[199]], [0, 0, 255, 255]);
  });

  it('knows a picture size from its header, without decoding it', () => {
    const image = textImage(['x'], { width: 321, height: 123 });
    assert.deepEqual(pictureSize(pngOf(image)), { width: 321, height: 123 });
    assert.deepEqual(pictureSize(jpegOf(image)), { width: 321, height: 123 });
    assert.equal(pictureSize(Buffer.from('not a picture')), undefined);
  });
});
