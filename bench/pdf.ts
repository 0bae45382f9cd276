/**
 * PoE files for the bench: a minimal valid PDF, and one padded to an exact size with
 * a binary stream object (what a scanned, signed statement of work looks like).
 */
import { randomBytes } from 'node:crypto';

function pdfAround(streamBytes: Buffer): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const objects = [
    Buffer.from('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1'),
    Buffer.from('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n', 'latin1'),
    Buffer.from('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n', 'latin1'),
    Buffer.concat([
      Buffer.from(`4 0 obj\n<< /Length ${streamBytes.length} >>\nstream\n`, 'latin1'),
      streamBytes,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]),
  ];
  const offsets: number[] = [];
  let at = head.length;
  for (const object of objects) {
    offsets.push(at);
    at += object.length;
  }
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([head, ...objects, Buffer.from(xref + trailer, 'latin1')]);
}

export function minimalPdf(): Buffer {
  return pdfAround(Buffer.alloc(0));
}

/** A PDF of exactly `totalBytes` bytes. */
export function pdfOfSize(totalBytes: number): Buffer {
  // The stream length changes the header and xref digits; settle the padding in two passes.
  let padding = Math.max(0, totalBytes - minimalPdf().length);
  for (let pass = 0; pass < 3; pass++) {
    const size = pdfAround(Buffer.alloc(padding)).length;
    padding += totalBytes - size;
  }
  const pdf = pdfAround(randomBytes(Math.max(0, padding)));
  if (pdf.length !== totalBytes) throw new Error(`could not build a PDF of ${totalBytes} bytes (got ${pdf.length})`);
  return pdf;
}
