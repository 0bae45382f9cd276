/**
 * Tiny but genuine sample files for each evidence kind, built by hand (or with jszip)
 * so the tests say exactly which bytes make a format what it is.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import JSZip from 'jszip';

/** A complete one-page PDF with a valid cross-reference table. */
export function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A JFIF header followed by the end-of-image marker. */
export const JPEG_HEADER = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
  0x00, 0xff, 0xd9,
]);

/** The start of a Windows executable: the DOS stub that every PE file carries. */
export function windowsExecutable(): Buffer {
  const stub = Buffer.alloc(256);
  stub.write('MZ', 0, 'latin1');
  stub.write('This program cannot be run in DOS mode.', 78, 'latin1');
  return stub;
}

/** What Teams mobile sometimes hands over instead of the file. */
export const SHARING_PAGE_HTML = Buffer.from(
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Microsoft Teams</title></head><body>Redirecting…</body></html>\n',
);

export const PLAIN_EML = Buffer.from(
  [
    'Return-Path: <dana@contoso.com>',
    'From: Dana Customer <dana@contoso.com>',
    'To: Alex Wilber <alexw@example.com>',
    'Subject: =?UTF-8?B?7ZmV7J24?= statement of work',
    'Date: Mon, 3 Mar 2025 09:00:00 +0000',
    'Message-ID: <sow-123@contoso.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'We confirm Fabrikam deployed Exchange Online for us.',
    '',
  ].join('\r\n'),
);

const OOXML_PARTS = {
  docx: { folder: 'word', main: 'document.xml', type: 'wordprocessingml.document.main+xml' },
  xlsx: { folder: 'xl', main: 'workbook.xml', type: 'spreadsheetml.sheet.main+xml' },
  pptx: { folder: 'ppt', main: 'presentation.xml', type: 'presentationml.presentation.main+xml' },
} as const;

/** A minimal Office Open XML package: content types, the package relationship, the main part. */
export async function officeOpenXml(
  kind: keyof typeof OOXML_PARTS,
  extraEntries: Record<string, string> = {},
): Promise<Buffer> {
  const { folder, main, type } = OOXML_PARTS[kind];
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      `<Override PartName="/${folder}/${main}" ContentType="application/vnd.openxmlformats-officedocument.${type}"/></Types>`,
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${folder}/${main}"/></Relationships>`,
  );
  zip.file(`${folder}/${main}`, `<?xml version="1.0" encoding="UTF-8"?><root>${'content '.repeat(20)}</root>`);
  for (const [name, text] of Object.entries(extraEntries)) zip.file(name, text);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A zip that is not an Office package. */
export async function plainZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('readme.txt', 'hello');
  zip.file('word/notes.txt', 'a folder called word is not enough');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export const CLASS_IDS = {
  word: '00020906-0000-0000-c000-000000000046',
  excel: '00020820-0000-0000-c000-000000000046',
  powerPoint: '64818d10-4f9b-11cf-86ea-00aa00b929e8',
  outlookMessage: '00020d0b-0000-0000-c000-000000000046',
  installer: '000c1084-0000-0000-c000-000000000046',
} as const;

function classIdBytes(classId: string): Buffer {
  const hex = classId.replace(/-/g, '');
  const le = (from: number, to: number) => Buffer.from(hex.slice(from, to), 'hex').reverse();
  return Buffer.concat([le(0, 8), le(8, 12), le(12, 16), Buffer.from(hex.slice(16), 'hex')]);
}

function directoryEntry(name: string, type: number, classId?: string): Buffer {
  const entry = Buffer.alloc(128);
  entry.write(name, 0, 'utf16le');
  entry.writeUInt16LE((name.length + 1) * 2, 64);
  entry[66] = type;
  entry[67] = 1;
  entry.writeInt32LE(-1, 68);
  entry.writeInt32LE(-1, 72);
  entry.writeInt32LE(-1, 76);
  if (classId) classIdBytes(classId).copy(entry, 80);
  return entry;
}

export interface CompoundFileSample {
  /** Stream and storage names in the directory besides the root. */
  names: string[];
  rootClassId?: string;
  /** 512-byte sectors of filler before the directory sector (pushes it past a prefix). */
  sectorsBeforeDirectory?: number;
}

/**
 * An OLE compound file as far as a reader needs to tell its kind: the header (signature,
 * 512-byte sectors, where the directory starts), filler sectors, one directory sector.
 */
export function compoundFile(sample: CompoundFileSample): Buffer {
  const before = sample.sectorsBeforeDirectory ?? 0;
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(before, 48);
  const entries = [
    directoryEntry('Root Entry', 5, sample.rootClassId),
    ...sample.names.map((name) => directoryEntry(name, 2)),
  ];
  const directory = Buffer.concat(entries);
  const padded = Buffer.concat([directory, Buffer.alloc((512 - (directory.length % 512)) % 512)]);
  return Buffer.concat([header, Buffer.alloc(before * 512, 0x41), padded]);
}

/** Streams a buffer in chunks of the given size (1 byte shows the reader copes with any split). */
export function streamOf(bytes: Buffer, chunkBytes = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
    })(),
  );
}

/** A PDF-looking file of `totalBytes`: the PDF header, then random bytes. */
export function pdfLike(totalBytes: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  return Buffer.concat([head, randomBytes(Math.max(0, totalBytes - head.length))]);
}
