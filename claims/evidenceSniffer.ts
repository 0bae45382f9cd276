/**
 * Recognises a file's format from its bytes while they stream past. It keeps at most
 * SNIFF_PREFIX_BYTES of them: every format we accept shows itself there, except
 * legacy Office files, whose directory is scanned record by record as it goes by.
 */
import { isUtf8 } from 'node:buffer';
import type { EvidenceKind } from './model';
import { COMPOUND_FILE_SIGNATURE, CompoundFileScanner, isCompoundFile } from './compoundFile';

export const SNIFF_PREFIX_BYTES = 64 * 1024;

/** What refused content looks like, so the user can be told more than "not allowed". */
export type UnrecognisedContent = 'empty' | 'html' | 'executable' | 'zip' | 'compoundFile' | 'text' | 'binary';

export type Sniff =
  | { status: 'pending' }
  | { status: 'recognised'; kind: EvidenceKind }
  | { status: 'unrecognised'; looksLike: UnrecognisedContent };

type Verdict = Exclude<Sniff, { status: 'pending' }>;

const PENDING: Sniff = { status: 'pending' };
const recognised = (kind: EvidenceKind): Verdict => ({ status: 'recognised', kind });
const unrecognised = (looksLike: UnrecognisedContent): Verdict => ({ status: 'unrecognised', looksLike });

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_MARKER = Buffer.from('%PDF-', 'latin1');
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY_ARCHIVE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EXECUTABLE_SIGNATURES = [
  Buffer.from('MZ', 'latin1'), // Windows PE
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]), // ELF
  Buffer.from([0xfe, 0xed, 0xfa, 0xce]),
  Buffer.from([0xfe, 0xed, 0xfa, 0xcf]),
  Buffer.from([0xce, 0xfa, 0xed, 0xfe]),
  Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), // Mach-O
  Buffer.from([0xca, 0xfe, 0xba, 0xbe]), // Mach-O universal, Java class
  Buffer.from('#!', 'latin1'), // script
];

/** The package folder that names each Office Open XML format. */
const OOXML_FOLDERS: readonly (readonly [string, EvidenceKind])[] = [
  ['word/', 'docx'],
  ['xl/', 'xlsx'],
  ['ppt/', 'pptx'],
];

/** Header fields that, two or more together, make text an RFC 822 message. */
const MAIL_FIELDS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'received', 'return-path']);

export class EvidenceSniffer {
  private prefix: Buffer[] = [];
  private prefixLength = 0;
  private signatureChecked = false;
  private compound: CompoundFileScanner | undefined;
  private verdict: Verdict | undefined;

  /** Observes the next bytes of the file; returns the verdict so far. */
  write(chunk: Uint8Array): Sniff {
    if (this.verdict) return this.verdict;
    if (this.compound) {
      this.compound.write(chunk);
      return PENDING;
    }
    const kept = chunk.subarray(0, SNIFF_PREFIX_BYTES - this.prefixLength);
    // A copy: the caller may reuse its buffer, and a view would pin a large chunk.
    this.prefix.push(Buffer.from(kept));
    this.prefixLength += kept.length;
    if (!this.signatureChecked && this.prefixLength >= COMPOUND_FILE_SIGNATURE.length) {
      this.signatureChecked = true;
      const head = Buffer.concat(this.prefix);
      this.prefix = [head];
      if (isCompoundFile(head)) {
        this.compound = new CompoundFileScanner();
        this.compound.write(head);
        this.compound.write(chunk.subarray(kept.length));
        this.prefix = [];
        return PENDING;
      }
    }
    if (this.prefixLength >= SNIFF_PREFIX_BYTES) this.verdict = classifyPrefix(Buffer.concat(this.prefix));
    return this.verdict ?? PENDING;
  }

  /** The final verdict, once the whole file (or all of it there will be) went through. */
  finish(): Verdict {
    if (!this.verdict) {
      if (this.compound) {
        const kind = this.compound.kind();
        this.verdict = kind ? recognised(kind) : unrecognised('compoundFile');
      } else {
        this.verdict = classifyPrefix(Buffer.concat(this.prefix));
      }
    }
    this.prefix = [];
    this.compound = undefined;
    return this.verdict;
  }
}

function startsWith(bytes: Buffer, signature: Buffer, at = 0): boolean {
  return bytes.length >= at + signature.length && bytes.subarray(at, at + signature.length).equals(signature);
}

/** Where the content starts after a byte-order mark and blank space, which some writers put first. */
function contentStart(bytes: Buffer): number {
  let at = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d))
    at++;
  return at;
}

function classifyPrefix(bytes: Buffer): Verdict {
  if (bytes.length === 0) return unrecognised('empty');
  if (startsWith(bytes, PDF_MARKER, contentStart(bytes))) return recognised('pdf');
  if (startsWith(bytes, PNG_SIGNATURE)) return recognised('png');
  if (startsWith(bytes, JPEG_SIGNATURE)) return recognised('jpeg');
  if (startsWith(bytes, ZIP_LOCAL_HEADER) || startsWith(bytes, ZIP_EMPTY_ARCHIVE)) {
    const kind = officeOpenXmlKind(zipEntryNames(bytes));
    return kind ? recognised(kind) : unrecognised('zip');
  }
  if (EXECUTABLE_SIGNATURES.some((signature) => startsWith(bytes, signature))) return unrecognised('executable');
  if (looksLikeMail(bytes)) return recognised('eml');
  if (looksLikeHtml(bytes)) return unrecognised('html');
  return unrecognised(bytes.includes(0) || !isUtf8(bytes) ? 'binary' : 'text');
}

/** Names from the local file headers in the bytes (a zip's entries are in order, each behind one). */
function zipEntryNames(bytes: Buffer): string[] {
  const names: string[] = [];
  for (
    let at = bytes.indexOf(ZIP_LOCAL_HEADER);
    at >= 0 && at + 30 <= bytes.length;
    at = bytes.indexOf(ZIP_LOCAL_HEADER, at + 4)
  ) {
    const nameLength = bytes.readUInt16LE(at + 26);
    const start = at + 30;
    if (nameLength > 0 && nameLength <= 1024 && start + nameLength <= bytes.length) {
      names.push(bytes.toString('utf8', start, start + nameLength).toLowerCase());
    }
  }
  return names;
}

/**
 * An Office Open XML package has `[Content_Types].xml` and a folder naming its
 * application. The first such folder wins: embedded packages come later in the file.
 */
function officeOpenXmlKind(names: string[]): EvidenceKind | undefined {
  if (!names.includes('[content_types].xml')) return undefined;
  for (const name of names) {
    const match = OOXML_FOLDERS.find(([folder]) => name.startsWith(folder));
    if (match) return match[1];
  }
  return undefined;
}

/**
 * RFC 822 text: the first non-empty lines are header fields, at least two of them
 * well-known mail fields. The header block must be UTF-8 (RFC 6532) and the text free
 * of NULs; the body may use any 8-bit charset, so only the header block is decoded.
 */
function looksLikeMail(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
  const rest = bytes.subarray(start);
  const blankLine = /\r?\n\r?\n/.exec(rest.toString('latin1'));
  // Without a blank line in view the last line may be cut short; leave it out.
  const headerEnd = blankLine ? blankLine.index : rest.lastIndexOf(0x0a);
  if (headerEnd <= 0) return false;
  const header = rest.subarray(0, headerEnd);
  if (!isUtf8(header)) return false;
  const fields = new Set<string>();
  for (const line of header.toString('utf8').split(/\r?\n/)) {
    // A folded line continues the field above it; it cannot open the message.
    if (/^[ \t]/.test(line) && fields.size > 0) continue;
    const field = /^([!-9;-~]+):/.exec(line);
    if (!field) return false;
    fields.add(field[1].toLowerCase());
  }
  return [...fields].filter((name) => MAIL_FIELDS.has(name)).length >= 2;
}

function looksLikeHtml(bytes: Buffer): boolean {
  const start = contentStart(bytes);
  if (bytes[start] !== 0x3c) return false;
  const head = bytes.toString('latin1', start, start + 1024).toLowerCase();
  return ['<!doctype html', '<html', '<head', '<body', '<meta', '<script', '<iframe'].some((tag) => head.includes(tag));
}
