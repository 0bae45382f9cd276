/**
 * Which proof-of-execution files we accept, judged by their bytes rather than their
 * names: a file name or MIME type is only what the sender claims, and Teams mobile
 * sometimes hands over an HTML sharing page in place of the file.
 */
import type { EvidenceKind } from './model';
import type { Problem, Result } from './errors';
import { fail, ok } from './errors';
import { EvidenceSniffer, type Sniff } from './evidenceSniffer';

export { EvidenceSniffer, SNIFF_PREFIX_BYTES, type Sniff, type UnrecognisedContent } from './evidenceSniffer';

interface KindFacts {
  contentType: string;
  /** The first is the one we append when a download name lacks a matching extension. */
  extensions: readonly string[];
  /** Other MIME types senders use for the same format. */
  mimeAliases: readonly string[];
}

const KINDS: Readonly<Record<EvidenceKind, KindFacts>> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], mimeAliases: ['application/x-pdf'] },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    mimeAliases: [],
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    mimeAliases: [],
  },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    mimeAliases: [],
  },
  doc: { contentType: 'application/msword', extensions: ['doc'], mimeAliases: [] },
  xls: { contentType: 'application/vnd.ms-excel', extensions: ['xls'], mimeAliases: [] },
  ppt: { contentType: 'application/vnd.ms-powerpoint', extensions: ['ppt'], mimeAliases: [] },
  png: { contentType: 'image/png', extensions: ['png'], mimeAliases: [] },
  jpeg: {
    contentType: 'image/jpeg',
    extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],
    mimeAliases: ['image/jpg', 'image/pjpeg'],
  },
  msg: {
    contentType: 'application/vnd.ms-outlook',
    extensions: ['msg'],
    mimeAliases: ['application/x-ms-outlook', 'application/x-outlook-msg'],
  },
  eml: { contentType: 'message/rfc822', extensions: ['eml'], mimeAliases: [] },
};

export const EVIDENCE_KINDS = Object.keys(KINDS) as EvidenceKind[];

/**
 * Extensions that name something we refuse. Only these make a name count as a
 * declaration: an unknown suffix such as "SOW v2.final" is not one, so the content
 * decides. Macro-enabled Office files are listed because their bytes look like
 * the plain formats they extend.
 */
const FOREIGN_EXTENSIONS = new Set([
  'exe',
  'dll',
  'com',
  'scr',
  'msi',
  'bat',
  'cmd',
  'ps1',
  'vbs',
  'js',
  'jar',
  'sh',
  'app',
  'apk',
  'html',
  'htm',
  'xhtml',
  'svg',
  'mht',
  'mhtml',
  'url',
  'lnk',
  'zip',
  'rar',
  '7z',
  'gz',
  'tar',
  'iso',
  'docm',
  'dotm',
  'xlsm',
  'xltm',
  'xlam',
  'pptm',
  'potm',
  'ppsm',
  'txt',
  'csv',
  'rtf',
  'gif',
  'bmp',
  'tif',
  'tiff',
  'heic',
  'webp',
]);

/** MIME types that say nothing about the content (downloads often carry one). */
const GENERIC_MIME_TYPES = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/download',
  'application/force-download',
  'application/unknown',
]);

/**
 * What the sender claims the file is: one of our kinds, `unspecified` when neither the
 * name nor the type says anything useful, or `foreign` when they name something we refuse.
 */
export type DeclaredKind = EvidenceKind | 'unspecified' | 'foreign';

function kindOfExtension(extension: string): EvidenceKind | undefined {
  return EVIDENCE_KINDS.find((kind) => KINDS[kind].extensions.includes(extension));
}

function kindOfMime(mime: string): EvidenceKind | undefined {
  return EVIDENCE_KINDS.find((kind) => KINDS[kind].contentType === mime || KINDS[kind].mimeAliases.includes(mime));
}

/** The lower-case extension of a file name's last path segment, if it has one. */
export function extensionOf(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(base);
  return match && match.index > 0 ? match[1].toLowerCase() : undefined;
}

function declaredByExtension(extension: string | undefined): DeclaredKind {
  if (extension === undefined) return 'unspecified';
  return kindOfExtension(extension) ?? (FOREIGN_EXTENSIONS.has(extension) ? 'foreign' : 'unspecified');
}

function declaredByType(declaredType: string | undefined): DeclaredKind {
  const type = declaredType?.split(';')[0].trim().toLowerCase() ?? '';
  if (type === '') return 'unspecified';
  if (!type.includes('/')) return declaredByExtension(type.replace(/^\./, ''));
  if (GENERIC_MIME_TYPES.has(type)) return 'unspecified';
  return kindOfMime(type) ?? 'foreign';
}

/**
 * What the file name and the declared type (a MIME type, or an extension such as the
 * `fileType` Teams sends) claim. The name wins when it says anything: it is what the
 * user chose, while a download's MIME type is often generic or wrong.
 */
export function declaredKindOf(fileName: string, declaredType?: string): DeclaredKind {
  const byName = declaredByExtension(extensionOf(fileName));
  return byName !== 'unspecified' ? byName : declaredByType(declaredType);
}

/** The bytes' kind, from a prefix of the file (or all of it); undefined when we do not accept it. */
export function sniffEvidenceKind(bytes: Uint8Array): EvidenceKind | undefined {
  const verdict = sniffEvidence(bytes);
  return verdict.status === 'recognised' ? verdict.kind : undefined;
}

/** Like sniffEvidenceKind, but says what unrecognised content looks like. */
export function sniffEvidence(bytes: Uint8Array): Exclude<Sniff, { status: 'pending' }> {
  const sniffer = new EvidenceSniffer();
  sniffer.write(bytes);
  return sniffer.finish();
}

/**
 * Whether the content agrees with what the sender declared. A declared kind must match
 * exactly (an HTML page or an executable named `.pdf` is a mismatch, which tells the
 * user more than "not allowed"); content we do not accept is refused either way.
 */
export function checkDeclaredType(
  sniffed: EvidenceKind | undefined,
  declared: DeclaredKind,
): Result<EvidenceKind, Problem> {
  if (sniffed !== undefined && (declared === 'unspecified' || declared === sniffed)) return ok(sniffed);
  if (sniffed === undefined && (declared === 'unspecified' || declared === 'foreign')) {
    return fail({ code: 'poeTypeNotAllowed', field: 'poe' });
  }
  return fail({ code: 'poeTypeMismatch', field: 'poe', params: { declared, actual: sniffed ?? 'unrecognised' } });
}

/** The canonical MIME type stored with, and served for, a file of this kind. */
export function contentTypeFor(kind: EvidenceKind): string {
  return KINDS[kind].contentType;
}

/** The extension to offer on download for this kind. */
export function extensionFor(kind: EvidenceKind): string {
  return KINDS[kind].extensions[0];
}

/** True when the name already ends with an extension of this kind. */
export function hasExtensionOf(fileName: string, kind: EvidenceKind): boolean {
  const extension = extensionOf(fileName);
  return extension !== undefined && KINDS[kind].extensions.includes(extension);
}

const MAX_FILE_NAME_CHARS = 200;
/** Control characters, and the bidi overrides that make "gpj.exe" display as "exe.jpg". */
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The user's file name made safe to keep and show: last path segment only, no control
 * or bidi-override characters, no leading dots, at most 200 characters (keeping the
 * extension). Empty results become `fallback`.
 */
export function safeFileName(raw: string, fallback: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? '').normalize('NFC').replace(UNSAFE_NAME_CHARS, '');
  const name = base.replace(/\s+/g, ' ').trim().replace(/^\.+/, '').trim();
  const chars = Array.from(name);
  if (chars.length <= MAX_FILE_NAME_CHARS) return name || fallback;
  const extension = extensionOf(name);
  const tail = extension ? `.${extension}` : '';
  return (
    chars
      .slice(0, MAX_FILE_NAME_CHARS - tail.length)
      .join('')
      .trimEnd() + tail
  );
}

/** The name a download gets: the stored name, with the kind's extension added when it lacks one. */
export function downloadFileName(fileName: string, kind: EvidenceKind): string {
  return hasExtensionOf(fileName, kind) ? fileName : `${fileName}.${extensionFor(kind)}`;
}
