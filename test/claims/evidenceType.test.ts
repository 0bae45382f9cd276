import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EVIDENCE_KINDS,
  checkDeclaredType,
  contentTypeFor,
  declaredKindOf,
  downloadFileName,
  extensionFor,
  hasExtensionOf,
  safeFileName,
  sniffEvidence,
  sniffEvidenceKind,
} from '../../claims/evidenceType';
import {
  CLASS_IDS,
  JPEG_HEADER,
  PLAIN_EML,
  PNG_1X1,
  SHARING_PAGE_HTML,
  compoundFile,
  minimalPdf,
  officeOpenXml,
  plainZip,
  windowsExecutable,
} from '../support/evidenceSamples';

describe('evidence type', () => {
  describe('sniffEvidenceKind', () => {
    it('recognises PDF, also behind a byte-order mark and blank lines', () => {
      assert.equal(sniffEvidenceKind(minimalPdf()), 'pdf');
      assert.equal(sniffEvidenceKind(Buffer.concat([Buffer.from('\ufeff\r\n  '), minimalPdf()])), 'pdf');
    });

    it('recognises PNG and JPEG by their signatures', () => {
      assert.equal(sniffEvidenceKind(PNG_1X1), 'png');
      assert.equal(sniffEvidenceKind(JPEG_HEADER), 'jpeg');
      assert.equal(sniffEvidenceKind(PNG_1X1.subarray(0, 7)), undefined, 'a cut signature is not a PNG');
    });

    it('tells docx, xlsx and pptx apart by their package folders', async () => {
      assert.equal(sniffEvidenceKind(await officeOpenXml('docx')), 'docx');
      assert.equal(sniffEvidenceKind(await officeOpenXml('xlsx')), 'xlsx');
      assert.equal(sniffEvidenceKind(await officeOpenXml('pptx')), 'pptx');
    });

    it('takes the first package folder, so a Word file embedding a workbook stays a docx', async () => {
      const docx = await officeOpenXml('docx', { 'xl/workbook.xml': '<workbook/>' });
      assert.equal(sniffEvidenceKind(docx), 'docx');
    });

    it('refuses a zip that is not an Office package, even with a word/ folder', async () => {
      assert.deepEqual(sniffEvidence(await plainZip()), { status: 'unrecognised', looksLike: 'zip' });
    });

    it('recognises an RFC 822 message, also after leading blank lines', () => {
      assert.equal(sniffEvidenceKind(PLAIN_EML), 'eml');
      assert.equal(sniffEvidenceKind(Buffer.concat([Buffer.from('\r\n\r\n'), PLAIN_EML])), 'eml');
    });

    it('does not take text with one mail header, a NUL, or a non-UTF-8 header for a message', () => {
      assert.equal(sniffEvidenceKind(Buffer.from('Subject: hello\r\nX-Note: one\r\n\r\nbody\r\n')), undefined);
      assert.equal(sniffEvidenceKind(Buffer.concat([PLAIN_EML, Buffer.from([0])])), undefined);
      const latin1Header = Buffer.concat([Buffer.from('From: Ren\xe9 <r@x.com>\r\n', 'latin1'), PLAIN_EML]);
      assert.equal(sniffEvidenceKind(latin1Header), undefined);
      assert.equal(
        sniffEvidenceKind(Buffer.from('Dear Dana,\r\nFrom: us\r\nTo: you\r\n\r\n')),
        undefined,
        'prose first',
      );
    });

    it('refuses executables, HTML pages, plain text and empty files, saying what they look like', () => {
      assert.deepEqual(sniffEvidence(windowsExecutable()), { status: 'unrecognised', looksLike: 'executable' });
      assert.deepEqual(sniffEvidence(SHARING_PAGE_HTML), { status: 'unrecognised', looksLike: 'html' });
      assert.deepEqual(sniffEvidence(Buffer.from('just some notes\n')), { status: 'unrecognised', looksLike: 'text' });
      assert.deepEqual(sniffEvidence(Buffer.alloc(0)), { status: 'unrecognised', looksLike: 'empty' });
    });

    it('recognises legacy Office files and Outlook messages by their directory names', () => {
      assert.equal(sniffEvidenceKind(compoundFile({ names: ['1Table', 'WordDocument'] })), 'doc');
      assert.equal(sniffEvidenceKind(compoundFile({ names: ['Workbook'] })), 'xls');
      assert.equal(sniffEvidenceKind(compoundFile({ names: ['Book'] })), 'xls');
      assert.equal(sniffEvidenceKind(compoundFile({ names: ['Current User', 'PowerPoint Document'] })), 'ppt');
      assert.equal(
        sniffEvidenceKind(
          compoundFile({ names: ['__nameid_version1.0', '__substg1.0_0037001F', '__properties_version1.0'] }),
        ),
        'msg',
      );
    });

    it('refuses a compound file whose kind cannot be told (an installer, or no known names)', () => {
      assert.deepEqual(sniffEvidence(compoundFile({ names: ['SummaryInformation'] })), {
        status: 'unrecognised',
        looksLike: 'compoundFile',
      });
      assert.equal(
        sniffEvidenceKind(compoundFile({ names: ['WordDocument'], rootClassId: CLASS_IDS.installer })),
        undefined,
      );
    });
  });

  describe('declaredKindOf', () => {
    const cases: [string, string | undefined, string][] = [
      ['SOW.pdf', undefined, 'pdf'],
      ['Signed SOW.DOCX', undefined, 'docx'],
      ['photo.jpg', undefined, 'jpeg'],
      ['photo.JFIF', undefined, 'jpeg'],
      ['approval.msg', undefined, 'msg'],
      ['approval.eml', undefined, 'eml'],
      ['scan', 'application/pdf; charset=binary', 'pdf'],
      ['scan', 'image/jpg', 'jpeg'],
      ['scan', 'pdf', 'pdf'],
      ['scan', '.xlsx', 'xlsx'],
      ['scan', 'application/octet-stream', 'unspecified'],
      ['SOW v2.1', undefined, 'unspecified'],
      ['SOW.final', undefined, 'unspecified'],
      ['setup.exe', undefined, 'foreign'],
      ['budget.xlsm', undefined, 'foreign'],
      ['scan', 'text/html', 'foreign'],
      ['SOW.pdf', 'text/html', 'pdf'],
      ['.pdf', undefined, 'unspecified'],
      ['folder.pdf/notes', undefined, 'unspecified'],
    ];
    for (const [fileName, declaredType, expected] of cases) {
      it(`says ${JSON.stringify(fileName)} with ${declaredType ?? 'no type'} declares ${expected}`, () => {
        assert.equal(declaredKindOf(fileName, declaredType), expected);
      });
    }
  });

  describe('checkDeclaredType', () => {
    it('accepts content that matches, or content that nothing was declared for', () => {
      assert.deepEqual(checkDeclaredType('pdf', 'pdf'), { ok: true, value: 'pdf' });
      assert.deepEqual(checkDeclaredType('png', 'unspecified'), { ok: true, value: 'png' });
    });

    it('calls a PNG named .docx, or an executable or web page named .pdf, a mismatch', () => {
      assert.deepEqual(checkDeclaredType('png', 'docx'), {
        ok: false,
        error: { code: 'poeTypeMismatch', field: 'poe', params: { declared: 'docx', actual: 'png' } },
      });
      const disguised = checkDeclaredType(undefined, 'pdf');
      assert.equal(disguised.ok, false);
      assert.equal(!disguised.ok && disguised.error.code, 'poeTypeMismatch');
      const renamed = checkDeclaredType('pdf', 'foreign');
      assert.equal(!renamed.ok && renamed.error.code, 'poeTypeMismatch');
    });

    it('calls unrecognised content that claimed nothing of ours not allowed', () => {
      for (const declared of ['unspecified', 'foreign'] as const) {
        assert.deepEqual(checkDeclaredType(undefined, declared), {
          ok: false,
          error: { code: 'poeTypeNotAllowed', field: 'poe' },
        });
      }
    });
  });

  describe('contentTypeFor', () => {
    it('gives each kind a MIME type and an extension that declare that same kind', () => {
      for (const kind of EVIDENCE_KINDS) {
        assert.equal(declaredKindOf('upload', contentTypeFor(kind)), kind);
        assert.equal(declaredKindOf(`file.${extensionFor(kind)}`), kind);
        assert.ok(hasExtensionOf(`file.${extensionFor(kind)}`, kind));
      }
      assert.equal(contentTypeFor('docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.equal(contentTypeFor('eml'), 'message/rfc822');
      assert.equal(new Set(EVIDENCE_KINDS.map(contentTypeFor)).size, EVIDENCE_KINDS.length);
    });
  });

  describe('file names', () => {
    it('keeps only the last path segment, without control, bidi-override or leading-dot tricks', () => {
      assert.equal(safeFileName('C:\\Users\\dana\\..\\SOW.pdf', 'poe'), 'SOW.pdf');
      assert.equal(safeFileName('../../etc/passwd', 'poe'), 'passwd');
      assert.equal(safeFileName('invoice\u202Efdp.exe', 'poe'), 'invoicefdp.exe');
      assert.equal(safeFileName('a\r\nb\u0000.pdf', 'poe'), 'ab.pdf');
      assert.equal(safeFileName('...hidden.pdf', 'poe'), 'hidden.pdf');
      assert.equal(safeFileName('  \t ', 'poe-1'), 'poe-1');
    });

    it('keeps Korean and Japanese names, NFC-normalised', () => {
      assert.equal(safeFileName('계약서.pdf', 'poe'), '계약서.pdf');
      assert.equal(safeFileName('\u30ab\u3099 作業.docx', 'poe'), '\u30ac 作業.docx');
    });

    it('shortens long names to 200 characters, keeping the extension and whole characters', () => {
      const long = safeFileName(`${'😀'.repeat(300)}.pdf`, 'poe');
      assert.equal(Array.from(long).length, 200);
      assert.ok(long.endsWith('😀.pdf'));
    });

    it('gives downloads the extension of what the content really is', () => {
      assert.equal(downloadFileName('SOW.pdf', 'pdf'), 'SOW.pdf');
      assert.equal(downloadFileName('photo.JPEG', 'jpeg'), 'photo.JPEG');
      assert.equal(downloadFileName('SOW v2.1', 'pdf'), 'SOW v2.1.pdf');
    });
  });

  it('keeps the domain free of SDK imports', () => {
    for (const file of ['evidenceType.ts', 'evidenceSniffer.ts', 'compoundFile.ts']) {
      const source = readFileSync(path.join(__dirname, '../../claims', file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      assert.deepEqual(
        imports.filter((name) => !name.startsWith('./') && !name.startsWith('node:')),
        [],
        file,
      );
    }
  });
});
