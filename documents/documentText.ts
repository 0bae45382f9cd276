/**
 * The text of one PoE file, by kind, in this thread. Nothing in a document runs: PDF
 * scripts are not evaluated (no eval, no fonts loaded), Word macros are never read
 * (mammoth reads only the document XML), links are text. Pictures, and PDF pages that
 * are only pictures, are read by OCR when the limits ask for it. `evidenceText.ts`
 * runs this in a child process with time and memory limits.
 */
import MsgReader from '@kenjiuno/msgreader';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { EvidenceKind, PoeUnreadable } from '../claims/model';
import { htmlToText, mailText } from './mailText';
import { OcrEngine, pgmOf, pictureSize, type DecodedPicture, type OcrSettings } from './ocr';

export interface TextLimits {
  /** Text beyond this many characters is cut (the check needs lines, not books). */
  maxChars: number;
  /** PDF pages read at most. */
  maxPages: number;
  /** Pictures and scanned pages are read by OCR with these settings; absent, they are left to the reviewer. */
  ocr?: OcrSettings;
}

export type DocumentText =
  { status: 'read'; text: string; truncated: boolean } | { status: 'unreadable'; why: PoeUnreadable };

const read = (text: string, limits: TextLimits, truncated = false): DocumentText =>
  text.trim() === ''
    ? { status: 'unreadable', why: 'noText' }
    : { status: 'read', text: text.slice(0, limits.maxChars), truncated: truncated || text.length > limits.maxChars };

interface PdfTextItem {
  str?: string;
  hasEOL?: boolean;
}

/** pdf.js's operators that paint a picture: an image object (by name), or one inline in the content. */
interface PdfOperators {
  paintImageXObject: number;
  paintInlineImageXObject: number;
}

/** A page's pictures at least this wide and tall are read (smaller ones are logos and rules). */
const MIN_PICTURE_SIDE = 32;
/** Pictures read on one page at most: a scan is one per page, sometimes a few strips. */
const MAX_PICTURES_PER_PAGE = 4;

/** The pictures a page paints, decoded by pdf.js (no canvas: their pixels only). */
async function pagePictures(page: PDFPageProxy, ops: PdfOperators): Promise<DecodedPicture[]> {
  const list = await page.getOperatorList();
  const pictures: DecodedPicture[] = [];
  for (let i = 0; i < list.fnArray.length && pictures.length < MAX_PICTURES_PER_PAGE; i++) {
    const args = list.argsArray[i] as unknown[];
    let picture: unknown;
    if (list.fnArray[i] === ops.paintInlineImageXObject) picture = args[0];
    else if (list.fnArray[i] === ops.paintImageXObject && typeof args[0] === 'string') {
      const id = args[0];
      const objects = id.startsWith('g_') ? page.commonObjs : page.objs;
      picture = await new Promise((resolve) => objects.get(id, resolve));
    }
    const decoded = picture as Partial<DecodedPicture> | undefined;
    if (decoded?.data && (decoded.width ?? 0) >= MIN_PICTURE_SIDE && (decoded.height ?? 0) >= MIN_PICTURE_SIDE)
      pictures.push(decoded as DecodedPicture);
  }
  return pictures;
}

/** OCR of the pages without a text layer, up to the settings' page count and time budget. */
class ScanReader {
  private engine: Promise<OcrEngine> | undefined;
  private pagesRead = 0;
  /** The slowest page so far: the next one is started only if one as slow still fits the budget. */
  private slowestPageMs = 0;
  /** A page without text was left unread (over the page count or the time budget). */
  skipped = false;

  constructor(
    private readonly settings: OcrSettings,
    private readonly ops: PdfOperators,
    private readonly started = performance.now(),
  ) {}

  async text(page: PDFPageProxy, document: PDFDocumentProxy): Promise<string> {
    const pageStarted = performance.now();
    if (
      this.pagesRead >= this.settings.maxPages ||
      // The first page always: the reader's time limit still ends one that never finishes.
      (this.pagesRead > 0 && pageStarted - this.started + this.slowestPageMs > this.settings.budgetMs)
    ) {
      this.skipped = true;
      return '';
    }
    this.pagesRead++;
    const pgms = (await pagePictures(page, this.ops)).flatMap((picture) => pgmOf(picture) ?? []);
    // pdf.js keeps a document's decoded pictures (three bytes a pixel) cached: let them go
    // before the next page's are decoded.
    page.cleanup();
    await document.cleanup();
    const texts: string[] = [];
    for (const pgm of pgms) {
      this.engine ??= OcrEngine.open(this.settings.languages);
      texts.push((await this.engine).text(pgm));
    }
    this.slowestPageMs = Math.max(this.slowestPageMs, performance.now() - pageStarted);
    return texts.join('\n');
  }

  async close(): Promise<void> {
    if (this.engine) (await this.engine.catch(() => undefined))?.close();
  }
}

async function pdfText(bytes: Buffer, limits: TextLimits): Promise<DocumentText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
    // Pictures are decoded only for OCR, to plain pixels, and never larger than it reads.
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: limits.ocr?.maxPixels ?? -1,
  });
  const scans = limits.ocr && new ScanReader(limits.ocr, pdfjs.OPS);
  try {
    const document = await task.promise;
    const pages: string[] = [];
    let length = 0;
    const last = Math.min(document.numPages, limits.maxPages);
    for (let number = 1; number <= last && length <= limits.maxChars; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = (content.items as PdfTextItem[]).map((item) => `${item.str ?? ''}${item.hasEOL ? '\n' : ''}`).join('');
      if (scans && text.trim() === '') text = await scans.text(page, document);
      page.cleanup();
      pages.push(text);
      length += text.length;
    }
    return read(pages.join('\n\f'), limits, document.numPages > last || scans?.skipped === true);
  } finally {
    await scans?.close();
    await task.destroy();
  }
}

/**
 * A photo or scan uploaded as a picture, read by OCR when it is on; without OCR, too
 * large for it, or showing no text, it is an image the reviewer reads.
 */
async function pictureText(bytes: Buffer, limits: TextLimits): Promise<DocumentText> {
  const size = pictureSize(bytes);
  // A JPEG may leave its height to a later marker (0 in the frame header): its size is then
  // unknown before decoding, so it is not decoded at all.
  const known = size !== undefined && size.width > 0 && size.height > 0;
  if (!limits.ocr || !known || size.width * size.height > limits.ocr.maxPixels)
    return { status: 'unreadable', why: 'image' };
  const engine = await OcrEngine.open(limits.ocr.languages);
  try {
    const text = read(engine.text(bytes), limits);
    return text.status === 'read' ? text : { status: 'unreadable', why: 'image' };
  } finally {
    engine.close();
  }
}

/** Headers and footers, which mammoth leaves out: a signature date is often only there. */
const WORD_MARGINS = /^word\/(header|footer)\d*\.xml$/;

async function wordText(bytes: Buffer, limits: TextLimits): Promise<DocumentText> {
  const { value } = await mammoth.extractRawText({ buffer: bytes });
  const margins = await zipText(bytes, limits, WORD_MARGINS, /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g);
  return read(margins.status === 'read' ? `${value}\n${margins.text}` : value, limits);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_w, entity: string) =>
    entity.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(entity.slice(2), 16) % 0x110000)
      : entity.startsWith('#')
        ? String.fromCodePoint(Number(entity.slice(1)) % 0x110000)
        : (XML_ENTITIES[entity] ?? ''),
  );

/** The text runs of OOXML parts: `<a:t>` in slides, `<t>` in shared strings and inline cells. */
function xmlRuns(xml: string, element: RegExp): string {
  return xml
    .split(/<\/(?:a:p|w:p|si|row|c)>/)
    .map((paragraph) => [...paragraph.matchAll(element)].map((m) => unescapeXml(m[1] ?? '')).join(''))
    .filter((line) => line !== '')
    .join('\n');
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

async function zipText(bytes: Buffer, limits: TextLimits, parts: RegExp, element: RegExp): Promise<DocumentText> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files)
    .filter((name) => parts.test(name))
    .sort(naturalOrder);
  const texts: string[] = [];
  let length = 0;
  for (const name of names) {
    if (length > limits.maxChars) break;
    const xml = await zip.file(name)?.async('string');
    const text = xmlRuns(xml ?? '', element);
    texts.push(text);
    length += text.length;
  }
  return read(texts.join('\n'), limits);
}

async function outlookText(bytes: Buffer, limits: TextLimits): Promise<DocumentText> {
  const data = new MsgReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)).getFileData();
  const recipients = (data.recipients ?? [])
    .map((r) => [r.name, r.email ? `<${r.email}>` : ''].join(' ').trim())
    .join(', ');
  if (!data.subject && !data.body && !data.bodyHtml) return { status: 'unreadable', why: 'damaged' };
  const lines = [
    `From: ${data.senderName ?? ''} ${data.senderEmail ? `<${data.senderEmail}>` : ''}`,
    `To: ${recipients}`,
    `Date: ${data.clientSubmitTime ?? data.messageDeliveryTime ?? ''}`,
    `Subject: ${data.subject ?? ''}`,
    data.body ?? (data.bodyHtml ? htmlToText(data.bodyHtml) : ''),
  ];
  return read(lines.join('\n'), limits);
}

/** Readers by kind; the binary Office formats have none (a reviewer reads them). */
const READERS: Readonly<
  Record<EvidenceKind, ((bytes: Buffer, limits: TextLimits) => Promise<DocumentText>) | PoeUnreadable>
> = {
  pdf: pdfText,
  docx: wordText,
  xlsx: (bytes, limits) =>
    zipText(bytes, limits, /^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/, /<t(?:\s[^>]*)?>([^<]*)<\/t>/g),
  pptx: (bytes, limits) =>
    zipText(bytes, limits, /^ppt\/(slides\/slide|notesSlides\/notesSlide)\d+\.xml$/, /<a:t>([^<]*)<\/a:t>/g),
  eml: async (bytes, limits) => read(mailText(bytes), limits),
  msg: outlookText,
  doc: 'legacyFormat',
  xls: 'legacyFormat',
  ppt: 'legacyFormat',
  png: pictureText,
  jpeg: pictureText,
};

export async function documentText(kind: EvidenceKind, bytes: Buffer, limits: TextLimits): Promise<DocumentText> {
  const reader = READERS[kind];
  if (typeof reader === 'string') return { status: 'unreadable', why: reader };
  try {
    return await reader(bytes, limits);
  } catch {
    // A damaged or hostile file: the reviewer reads it; the reason is enough here.
    return { status: 'unreadable', why: 'damaged' };
  }
}
