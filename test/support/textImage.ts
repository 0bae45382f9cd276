/**
 * Pictures of text for the OCR tests, made the way a scanner or a phone would hand
 * them over: a page of lines set in a real TrueType font (Liberation Sans, which
 * pdfjs-dist ships), anti-aliased, with a little paper noise, saved as PNG or JPEG,
 * or placed as the only content of a PDF page. Nothing is drawn from system fonts,
 * so the pictures are the same on every machine. Korean and Japanese are set in Noto
 * Sans KR and JP (SIL Open Font License, fonts/OFL-*.txt): the pieces of the
 * @fontsource packages' fonts that hold the characters the tests write, Latin from
 * Liberation Sans.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { parse, type Font, type PathCommand } from 'opentype.js';
import { seededRandom } from './seededRandom';

/** 8-bit grey pixels, row by row, 0 black and 255 white. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface PageLayout {
  /** Pixels per em: 42 is 10 pt at 300 dpi. */
  fontSize?: number;
  width?: number;
  margin?: number;
  /** Pixels from one baseline to the next, as a multiple of the font size. */
  leading?: number;
  /** Fixed height (a full page); the lines' height when absent. */
  height?: number;
  /** Paper noise amplitude in grey levels (0 for none). */
  noise?: number;
}

const fontCache = new Map<string, Font>();

/** A font file (TrueType, OpenType or WOFF), parsed once. */
function fontFile(file: string): Font {
  let font = fontCache.get(file);
  if (!font) {
    const bytes = readFileSync(file);
    font = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    fontCache.set(file, font);
  }
  return font;
}

/** Liberation Sans, which pdfjs-dist ships as a standard font. */
export const latinFont = (): Font => fontFile(require.resolve('pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf'));

const FONT_DIR = path.join(__dirname, 'fonts');

/** Latin, then the pieces of Noto Sans KR or JP kept under fonts/. */
export function fontsFor(script: 'korean' | 'japanese'): Font[] {
  const prefix = script === 'korean' ? 'noto-sans-kr-' : 'noto-sans-jp-';
  const pieces = readdirSync(FONT_DIR).filter((name) => name.startsWith(prefix) && name.endsWith('.woff'));
  return [latinFont(), ...pieces.sort().map((name) => fontFile(path.join(FONT_DIR, name)))];
}

interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** +1 downward, -1 upward: the nonzero winding rule's sign. */
  winding: number;
}

/** Curves cut into this many straight pieces: plenty at text sizes. */
const CURVE_STEPS = 8;

function edgesOf(commands: readonly PathCommand[]): Edge[] {
  const edges: Edge[] = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  const line = (toX: number, toY: number): void => {
    if (toY !== y)
      edges.push(
        y < toY ? { x0: x, y0: y, x1: toX, y1: toY, winding: 1 } : { x0: toX, y0: toY, x1: x, y1: y, winding: -1 },
      );
    x = toX;
    y = toY;
  };
  for (const c of commands) {
    if (c.type === 'M') {
      x = startX = c.x;
      y = startY = c.y;
    } else if (c.type === 'L') line(c.x, c.y);
    else if (c.type === 'Z') line(startX, startY);
    else {
      const [fromX, fromY] = [x, y];
      for (let step = 1; step <= CURVE_STEPS; step++) {
        const t = step / CURVE_STEPS;
        const u = 1 - t;
        if (c.type === 'Q')
          line(u * u * fromX + 2 * u * t * c.x1 + t * t * c.x, u * u * fromY + 2 * u * t * c.y1 + t * t * c.y);
        else
          line(
            u * u * u * fromX + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
            u * u * u * fromY + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
          );
      }
    }
  }
  return edges;
}

/** Sub-rows per pixel row: vertical anti-aliasing; horizontal coverage is exact. */
const SUB_ROWS = 4;

/** Adds `weight` times the covered part of [from, to) to each pixel of a row. */
function addSpan(row: Float32Array, from: number, to: number, weight: number): void {
  const a = Math.max(0, from);
  const b = Math.min(row.length, to);
  if (b <= a) return;
  const first = Math.floor(a);
  const last = Math.floor(b);
  if (first === last) {
    row[first] += (b - a) * weight;
    return;
  }
  row[first] += (first + 1 - a) * weight;
  for (let i = first + 1; i < last; i++) row[i] += weight;
  if (last < row.length) row[last] += (b - last) * weight;
}

/** Darkens `image` where the path's outline covers it (nonzero winding). */
function fill(image: GreyImage, edges: readonly Edge[]): void {
  if (edges.length === 0) return;
  const top = Math.max(0, Math.floor(Math.min(...edges.map((e) => e.y0))));
  const bottom = Math.min(image.height, Math.ceil(Math.max(...edges.map((e) => e.y1))));
  const coverage = new Float32Array(image.width);
  for (let py = top; py < bottom; py++) {
    coverage.fill(0);
    for (let sub = 0; sub < SUB_ROWS; sub++) {
      const sy = py + (sub + 0.5) / SUB_ROWS;
      const crossings = edges
        .filter((e) => e.y0 <= sy && sy < e.y1)
        .map((e) => ({ x: e.x0 + ((sy - e.y0) / (e.y1 - e.y0)) * (e.x1 - e.x0), winding: e.winding }))
        .sort((p, q) => p.x - q.x);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += crossings[i].winding;
        if (winding !== 0) addSpan(coverage, crossings[i].x, crossings[i + 1].x, 1 / SUB_ROWS);
      }
    }
    const offset = py * image.width;
    for (let px = 0; px < image.width; px++) {
      const ink = Math.min(1, coverage[px]);
      if (ink > 0) image.pixels[offset + px] = Math.round(image.pixels[offset + px] * (1 - ink));
    }
  }
}

/**
 * The outline of a line set in the first of `fonts` that has each character, run by
 * run, as a browser falls back from a Latin font to a CJK one (which come in pieces).
 */
function lineEdges(text: string, fonts: readonly Font[], x: number, baseline: number, fontSize: number): Edge[] {
  const runs: { font: Font; text: string }[] = [];
  for (const ch of text) {
    const last = runs[runs.length - 1];
    const font = ch.trim() === '' && last ? last.font : (fonts.find((f) => f.charToGlyphIndex(ch) > 0) ?? fonts[0]);
    if (last?.font === font) last.text += ch;
    else runs.push({ font, text: ch });
  }
  const edges: Edge[] = [];
  let at = x;
  for (const run of runs) {
    edges.push(...edgesOf(run.font.getPath(run.text, at, baseline, fontSize).commands));
    at += run.font.getAdvanceWidth(run.text, fontSize);
  }
  return edges;
}

/** Lines of text set on white paper, top to bottom. */
export function textImage(
  lines: readonly string[],
  layout: PageLayout = {},
  fonts: readonly Font[] = [latinFont()],
): GreyImage {
  const fontSize = layout.fontSize ?? 42;
  const margin = layout.margin ?? Math.round(fontSize * 2);
  const leading = Math.round(fontSize * (layout.leading ?? 1.5));
  const width = layout.width ?? 1800;
  const height = layout.height ?? margin * 2 + leading * lines.length;
  const image: GreyImage = { width, height, pixels: new Uint8Array(width * height) };
  const random = seededRandom(width * 7919 + height);
  const noise = layout.noise ?? 12;
  for (let i = 0; i < image.pixels.length; i++) image.pixels[i] = 255 - Math.floor(random() * noise);
  lines.forEach((text, i) => {
    const baseline = margin + fontSize + i * leading;
    if (baseline > height - margin / 2) return;
    fill(image, lineEdges(text, fonts, margin, baseline, fontSize));
  });
  return image;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit greyscale PNG. */
export function pngOf(image: GreyImage): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bits per sample
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((image.width + 1) * image.height);
  for (let y = 0; y < image.height; y++)
    rows.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), y * (image.width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG (YCbCr, as cameras and scanners write them). */
export function jpegOf(image: GreyImage, quality = 85): Buffer {
  const rgba = Buffer.alloc(image.width * image.height * 4);
  for (let i = 0; i < image.pixels.length; i++) {
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = image.pixels[i];
    rgba[i * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width: image.width, height: image.height }, quality).data;
}

export type ScanEncoding = 'jpeg' | 'flate';

/** A page of a scanned PDF: a picture filling it, with a line of real text (a text layer) over it or not. */
export type ScanPage = GreyImage | { image: GreyImage; typed: string };

/**
 * A PDF of one page per image, each image filling its page and nothing else on it:
 * what a scanner's "scan to PDF" writes (JPEG), or a converted fax (Flate grey). A
 * page may carry a typed line too, in Helvetica: a page with a text layer.
 */
export function scannedPdf(pages: readonly ScanPage[], encoding: ScanEncoding = 'jpeg'): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  const add = (head: string, stream?: Buffer): number => {
    offsets.push(length);
    const number = offsets.length;
    const bytes = stream
      ? Buffer.concat([
          Buffer.from(`${number} 0 obj\n${head}\nstream\n`, 'latin1'),
          stream,
          Buffer.from('\nendstream\nendobj\n', 'latin1'),
        ])
      : Buffer.from(`${number} 0 obj\n${head}\nendobj\n`, 'latin1');
    parts.push(bytes);
    length += bytes.length;
    return number;
  };
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, written once the pages are known
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids = pages.map((page) => {
    const image = 'typed' in page ? page.image : page;
    const typed = 'typed' in page ? ` BT /F1 12 Tf 40 20 Td (${page.typed}) Tj ET` : '';
    const data = encoding === 'jpeg' ? jpegOf(image) : deflateSync(image.pixels);
    const colour = encoding === 'jpeg' ? '/DeviceRGB' : '/DeviceGray';
    const filter = encoding === 'jpeg' ? '/DCTDecode' : '/FlateDecode';
    const xobject = add(
      `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace ${colour} /BitsPerComponent 8 /Filter ${filter} /Length ${data.length} >>`,
      data,
    );
    // Letter size in points, the picture stretched over it (a 300 dpi scan of a page).
    const [w, h] = [612, Math.round((612 * image.height) / image.width)];
    const content = Buffer.from(`q ${w} 0 0 ${h} 0 0 cm /Scan Do Q${typed}`, 'latin1');
    const stream = add(`<< /Length ${content.length} >>`, content);
    return add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Scan ${xobject} 0 R >> /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
    );
  });
  const tree = Buffer.from(
    `2 0 obj\n<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>\nendobj\n`,
    'latin1',
  );
  // The page tree placeholder is replaced: every later object moves by the difference.
  const shift = tree.length - parts[2].length;
  parts[2] = tree;
  for (let i = 2; i < offsets.length; i++) offsets[i] += shift;
  length += shift;
  const xref = `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const trailer = `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(xref + trailer, 'latin1')]);
}
