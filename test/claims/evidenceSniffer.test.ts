import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EvidenceSniffer, SNIFF_PREFIX_BYTES, sniffEvidence } from '../../claims/evidenceType';
import {
  CLASS_IDS,
  JPEG_HEADER,
  PLAIN_EML,
  PNG_1X1,
  SHARING_PAGE_HTML,
  compoundFile,
  minimalPdf,
  officeOpenXml,
  pdfLike,
  windowsExecutable,
} from '../support/evidenceSamples';

/** Feeds `bytes` to a fresh sniffer cut at the given points; returns the final verdict. */
function sniffInPieces(bytes: Buffer, cuts: number[]) {
  const sniffer = new EvidenceSniffer();
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    sniffer.write(bytes.subarray(from, cut));
    from = cut;
  }
  sniffer.write(bytes.subarray(from));
  return sniffer.finish();
}

describe('EvidenceSniffer', () => {
  it('reaches the same verdict however the stream is chunked', async () => {
    const samples = [
      minimalPdf(),
      PNG_1X1,
      JPEG_HEADER,
      PLAIN_EML,
      SHARING_PAGE_HTML,
      windowsExecutable(),
      await officeOpenXml('pptx'),
      compoundFile({ names: ['WordDocument'], sectorsBeforeDirectory: 3 }),
      compoundFile({ names: ['WordDocument', 'Workbook'], rootClassId: CLASS_IDS.excel }),
    ];
    for (const sample of samples) {
      const whole = sniffEvidence(sample);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 0, max: sample.length }), { maxLength: 12 }), (cuts) => {
          assert.deepEqual(sniffInPieces(sample, cuts), whole);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('copes with one byte at a time', () => {
    const sniffer = new EvidenceSniffer();
    for (const byte of compoundFile({ names: ['PowerPoint Document'], sectorsBeforeDirectory: 1 }))
      sniffer.write(Buffer.of(byte));
    assert.deepEqual(sniffer.finish(), { status: 'recognised', kind: 'ppt' });
  });

  it('decides as soon as the prefix is full, so refused content is stopped early', () => {
    const sniffer = new EvidenceSniffer();
    const exe = Buffer.concat([windowsExecutable(), Buffer.alloc(SNIFF_PREFIX_BYTES)]);
    assert.deepEqual(sniffer.write(exe.subarray(0, SNIFF_PREFIX_BYTES - 1)), { status: 'pending' });
    assert.deepEqual(sniffer.write(exe.subarray(SNIFF_PREFIX_BYTES - 1)), {
      status: 'unrecognised',
      looksLike: 'executable',
    });
    const pdf = new EvidenceSniffer();
    assert.deepEqual(pdf.write(pdfLike(SNIFF_PREFIX_BYTES + 10)), { status: 'recognised', kind: 'pdf' });
  });

  it('finds a legacy directory that lies past the prefix, which the prefix alone cannot', () => {
    const sectorsPastPrefix = SNIFF_PREFIX_BYTES / 512 + 20;
    const doc = compoundFile({ names: ['WordDocument'], sectorsBeforeDirectory: sectorsPastPrefix });
    assert.deepEqual(sniffEvidence(doc.subarray(0, SNIFF_PREFIX_BYTES)), {
      status: 'unrecognised',
      looksLike: 'compoundFile',
    });
    const sniffer = new EvidenceSniffer();
    assert.deepEqual(sniffer.write(doc), { status: 'pending' }, 'a compound file is judged only at the end');
    assert.deepEqual(sniffer.finish(), { status: 'recognised', kind: 'doc' });
  });

  it('keeps its verdict once given, whatever follows', () => {
    const sniffer = new EvidenceSniffer();
    sniffer.write(pdfLike(SNIFF_PREFIX_BYTES));
    sniffer.write(windowsExecutable());
    assert.deepEqual(sniffer.finish(), { status: 'recognised', kind: 'pdf' });
  });
});
