/**
 * Real-shaped PoE documents for the check's tests: PDFs with text on their pages (and
 * in their footers), Word documents with paragraphs and tables, and mail messages in
 * the charsets and transfer encodings partners' mail clients use.
 */
import { Document, Footer, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';

export interface PdfPage {
  lines: readonly string[];
  /** Printed at the bottom of the page, apart from the body. */
  footer?: string;
}

/** UTF-16BE code units as hex: the codes of an Identity-H font whose ToUnicode map is the identity. */
function utf16Hex(text: string): string {
  return Buffer.from(text, 'utf16le').swap16().toString('hex');
}

const IDENTITY_CMAP = [
  '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
  '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
  '1 begincodespacerange <0000> <FFFF> endcodespacerange',
  '1 beginbfrange <0000> <FFFF> <0000> endbfrange',
  'endcmap CMapName currentdict /CMap defineresource pop end end',
].join('\n');

/**
 * A PDF whose pages carry the lines as text (any script: one Type0 font maps every
 * code to its Unicode character, the way PDF writers embed CJK fonts).
 */
export function textPdf(pages: readonly PdfPage[]): Buffer {
  const objects: string[] = [];
  const add = (object: string): number => objects.push(object);
  const catalog = add('');
  const pageTree = add('');
  const toUnicode = add(`<< /Length ${IDENTITY_CMAP.length} >>\nstream\n${IDENTITY_CMAP}\nendstream`);
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /SampleSans /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>',
  );
  const cidFont = add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SampleSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 600 >>`,
  );
  const font = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /SampleSans /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
  );
  const kids = pages.map((page) => {
    const shown = page.lines.map((line, i) => `BT /F1 10 Tf 50 ${760 - i * 14} Td <${utf16Hex(line)}> Tj ET`);
    if (page.footer !== undefined) shown.push(`BT /F1 8 Tf 50 30 Td <${utf16Hex(page.footer)}> Tj ET`);
    const content = shown.join('\n');
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    return add(
      `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let body = '%PDF-1.7\n';
  const offsets = objects.map((object, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export interface WordSample {
  paragraphs: readonly string[];
  /** A table after the paragraphs, row by row. */
  table?: readonly (readonly string[])[];
  /** Paragraphs after the table (signature blocks usually come last). */
  closing?: readonly string[];
  footer?: string;
}

/** A Word document as Word writes it (made with the `docx` package). */
export function wordDocument(sample: WordSample): Promise<Buffer> {
  const paragraphs = (lines: readonly string[] = []) =>
    lines.map((line) => new Paragraph({ children: [new TextRun(line)] }));
  const table = sample.table
    ? [
        new Table({
          rows: sample.table.map(
            (row) => new TableRow({ children: row.map((cell) => new TableCell({ children: [new Paragraph(cell)] })) }),
          ),
        }),
      ]
    : [];
  const footers = sample.footer ? { default: new Footer({ children: paragraphs([sample.footer]) }) } : undefined;
  const document = new Document({
    sections: [
      {
        ...(footers ? { footers } : {}),
        children: [...paragraphs(sample.paragraphs), ...table, ...paragraphs(sample.closing)],
      },
    ],
  });
  return Packer.toBuffer(document);
}

export interface MailSample {
  from: string;
  to: string;
  subject: string;
  date: string;
  body: string;
  charset?: 'utf-8' | 'iso-2022-jp' | 'euc-kr';
  encoding?: 'base64' | 'quoted-printable' | '7bit';
  /** Wraps the text in multipart/alternative with an HTML twin, as Outlook sends it. */
  html?: boolean;
}

/**
 * Legacy charsets Node decodes but cannot encode: the few non-ASCII phrases the samples
 * use are tabled (both charsets keep ASCII as it is).
 */
const LEGACY_PHRASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'iso-2022-jp': { 承認します: '1b24423e3547272437245e24391b2842' },
  'euc-kr': { 승인합니다: 'bdc2c0cec7d5b4cfb4d9' },
};

export function encodeIn(charset: string, text: string): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  const phrases = LEGACY_PHRASES[charset] ?? {};
  const parts = text.split(new RegExp(`(${Object.keys(phrases).join('|')})`));
  return Buffer.concat(
    parts.map((part) => {
      const hex = phrases[part];
      if (hex) return Buffer.from(hex, 'hex');
      if (/[^\x00-\x7f]/.test(part)) throw new Error(`no ${charset} bytes tabled for ${part}`);
      return Buffer.from(part, 'latin1');
    }),
  );
}

function transferEncode(bytes: Buffer, encoding: MailSample['encoding']): string {
  if (encoding === 'base64') return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  if (encoding === 'quoted-printable') {
    const encoded = [...bytes]
      .map((b) =>
        b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f && b !== 0x3d)
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
    return encoded.replace(/[^\r\n]{72}(?=[^\r\n])/g, '$&=\r\n');
  }
  return bytes.toString('latin1');
}

/** An RFC 5322 message; the subject is sent as an RFC 2047 encoded word. */
export function mailMessage(sample: MailSample, bodyBytes?: Buffer): Buffer {
  const charset = sample.charset ?? 'utf-8';
  const encoding = sample.encoding ?? 'base64';
  const bytes = bodyBytes ?? encodeIn(charset, sample.body);
  const headers = [
    `From: ${sample.from}`,
    `To: ${sample.to}`,
    `Subject: =?UTF-8?B?${Buffer.from(sample.subject).toString('base64')}?=`,
    `Date: ${sample.date}`,
    'Message-ID: <poe-sample@example.com>',
    'MIME-Version: 1.0',
  ];
  const part = [
    `Content-Type: text/plain; charset="${charset}"`,
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    transferEncode(bytes, encoding),
  ];
  if (!sample.html) return Buffer.from([...headers, ...part, ''].join('\r\n'), 'latin1');
  const html = `<html><head><style>p{color:red}</style></head><body><p>${sample.body.replace(/\n/g, '<br>')}</p></body></html>`;
  const boundary = '----=_NextPart_000_0001';
  const lines = [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    ...part,
    `--${boundary}`,
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(html).toString('base64'),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
