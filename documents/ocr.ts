/**
 * Text from pictures: a photographed or scanned PoE (PNG, JPEG, or a PDF whose pages
 * are only images) read by Tesseract. It runs as WebAssembly in the reader process
 * (under its time limit and outside the bot), from tesseract.js-core, the engine of
 * tesseract.js 7, and the language packs of @tesseract.js-data in node_modules: nothing
 * is downloaded and nothing is cached on disk. tesseract.js's own wrapper is not used:
 * its worker fetches packs from a CDN unless told otherwise, writes a cache into the
 * working directory by default, cannot take packs from more than one folder (its
 * in-memory packs pass the bytes as the language name), and hangs when a pack fails.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type createTesseract from 'tesseract.js-core/tesseract-core-simd-lstm.js';

/** The packs shipped: Tesseract's names for English, Korean and Japanese. */
export type OcrLanguage = 'eng' | 'kor' | 'jpn';

export interface OcrSettings {
  /** The claim's language first, then English (PoEs mix them: product names are English). */
  languages: readonly OcrLanguage[];
  /** Scanned PDF pages read at most: a page costs seconds; the first pages carry the parties and scope. */
  maxPages: number;
  /** Larger pictures are left to the reviewer: their decoded pixels would outgrow the reader's memory. */
  maxPixels: number;
  /**
   * OCR stops before a page that, as slow as the slowest so far, would end after this long
   * in the reader: what was read is kept, the rest is marked cut, and the reader answers
   * before its time limit kills it.
   */
  budgetMs: number;
}

/** Three pages: 4–9 s each for a dense 300-dpi page here (idle to loaded), within the reader's 20 s with the budget below. */
export const OCR_MAX_PAGES = 3;
/** 4000 × 4000: a 12-megapixel phone photo or a 300-dpi A4 scan, not a poster. */
export const OCR_MAX_PIXELS = 16_000_000;

/** The packs for a user's locale: its own language first, then English. */
export function ocrLanguagesFor(locale: string | undefined): OcrLanguage[] {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  if (language === 'ko') return ['kor', 'eng'];
  if (language === 'ja') return ['jpn', 'eng'];
  return ['eng'];
}

/** The OCR settings for a reader whose time limit is `timeoutMs`: three quarters of it for recognition. */
export function ocrSettings(locale: string | undefined, timeoutMs: number): OcrSettings {
  return {
    languages: ocrLanguagesFor(locale),
    maxPages: OCR_MAX_PAGES,
    maxPixels: OCR_MAX_PIXELS,
    budgetMs: Math.floor(timeoutMs * 0.75),
  };
}

/** The pack's file in node_modules: the LSTM-only "best_int" models, small and the fastest. */
export function languagePackFile(language: OcrLanguage): string {
  return require.resolve(`@tesseract.js-data/${language}/4.0.0_best_int/${language}.traineddata.gz`);
}

/** Tesseract's engine mode for the LSTM recogniser only (the packs hold no legacy model). */
const LSTM_ONLY = 1;
const IMAGE_FILE = '/input';
/**
 * Below this mean word confidence the "text" is paper grain or a photo's texture read as
 * letters (a blank noisy scan scores under 10, printed text over 90): no text, then.
 */
const MIN_CONFIDENCE = 50;

/** One Tesseract instance with its languages loaded; one per reader process. */
export class OcrEngine {
  private constructor(
    private readonly tesseract: createTesseract.Tesseract,
    private readonly api: createTesseract.TessBaseApi,
  ) {}

  /** Loaded on first need only: a reader of text documents never pays for the engine. */
  static async open(languages: readonly OcrLanguage[]): Promise<OcrEngine> {
    // The SIMD build: WebAssembly SIMD is in every Node.js this project runs on (20 and later).
    const { default: create } = await import('tesseract.js-core/tesseract-core-simd-lstm.js');
    const tesseract = await create({});
    for (const language of languages)
      tesseract.FS.writeFile(`/${language}.traineddata`, gunzipSync(readFileSync(languagePackFile(language))));
    const api = new tesseract.TessBaseAPI();
    if (api.Init('/', languages.join('+'), LSTM_ONLY) !== 0) throw new Error('language packs not loaded');
    return new OcrEngine(tesseract, api);
  }

  /** The text of one encoded picture (PNG, JPEG or PGM), '' when it shows none; throws when Tesseract cannot read it. */
  text(image: Uint8Array): string {
    this.tesseract.FS.writeFile(IMAGE_FILE, image);
    try {
      if (this.api.SetImageFile(1, 0) !== 0) throw new Error('image not readable');
      this.api.Recognize(null);
      const text = this.api.GetUTF8Text();
      return this.api.MeanTextConf() >= MIN_CONFIDENCE ? text : '';
    } finally {
      this.api.Clear();
      this.tesseract.FS.unlink(IMAGE_FILE);
    }
  }

  close(): void {
    this.api.End();
  }
}

/** Width and height from a PNG's header or a JPEG's frame header, without decoding; undefined when not found. */
export function pictureSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452)
    return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes.length < 4 || view.getUint16(0) !== 0xffd8) return undefined;
  for (let at = 2; at + 9 <= bytes.length;) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    // Start-of-frame markers C0–CF, except C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
}

/** A decoded picture as pdf.js hands it over: 1-bit grey (1 = white), RGB or RGBA, row by row. */
export interface DecodedPicture {
  width: number;
  height: number;
  /** pdf.js's ImageKind: 1 grey 1 bit per pixel, 2 RGB, 3 RGBA. */
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Scanned pages are read at this size at most (about 200 dpi for a letter page): text
 * stays legible to Tesseract, and its memory, which grows with the pixels (a 16 MP
 * page would need some 130 MB more than a 4.5 MP one), stays within the reader's.
 */
export const OCR_PAGE_PIXELS = 4_500_000;

/** Grey levels of a decoded picture, one byte a pixel; undefined for a kind it does not know. */
function greyOf({ width, height, kind, data }: DecodedPicture): Uint8Array | undefined {
  const grey = new Uint8Array(width * height);
  if (kind === 1) {
    const rowBytes = Math.ceil(width / 8);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        grey[y * width + x] = (data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1 ? 255 : 0;
    return grey;
  }
  if (kind !== 2 && kind !== 3) return undefined;
  const step = kind === 2 ? 3 : 4;
  // ITU-R BT.601 luma, in integers.
  for (let i = 0, p = 0; i < grey.length; i++, p += step)
    grey[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
  return grey;
}

/** Shrunk by `scale` (< 1), each pixel the mean of the source pixels it covers. */
function shrink(grey: Uint8Array, width: number, height: number, scale: number) {
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const out = new Uint8Array(w * h);
  const sums = new Uint32Array(w);
  const counts = new Uint32Array(w);
  const column = Uint32Array.from({ length: width }, (_, x) => Math.min(w - 1, Math.floor(x * scale)));
  let row = 0;
  const flush = (): void => {
    for (let x = 0; x < w; x++) out[row * w + x] = counts[x] ? Math.round(sums[x] / counts[x]) : 255;
    sums.fill(0);
    counts.fill(0);
  };
  for (let y = 0; y < height; y++) {
    const target = Math.min(h - 1, Math.floor(y * scale));
    if (target !== row) {
      flush();
      row = target;
    }
    for (let x = 0; x < width; x++) {
      sums[column[x]] += grey[y * width + x];
      counts[column[x]]++;
    }
  }
  flush();
  return { grey: out, width: w, height: h };
}

/**
 * The picture as an 8-bit grey PGM, the simplest format Tesseract reads, shrunk to at
 * most `maxPixels`; undefined for a kind it does not know.
 */
export function pgmOf(picture: DecodedPicture, maxPixels = OCR_PAGE_PIXELS): Uint8Array | undefined {
  const full = greyOf(picture);
  if (!full) return undefined;
  const pixels = picture.width * picture.height;
  const { grey, width, height } =
    pixels > maxPixels
      ? shrink(full, picture.width, picture.height, Math.sqrt(maxPixels / pixels))
      : { grey: full, width: picture.width, height: picture.height };
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), grey]);
}
