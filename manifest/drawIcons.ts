/**
 * Draws the two Teams app icons and writes them as PNG files next to this script:
 * `color.png` (192×192, the accent colour with a white claim form and check mark) and
 * `outline.png` (32×32, the same mark in white on a fully transparent background).
 *
 * The PNG encoder is written here with only node:zlib so the icons can be regenerated
 * anywhere the repo builds, without an image library. Run: `npx tsx manifest/drawIcons.ts`.
 */
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The manifest's accentColor; the colour icon's background must match it. */
export const ACCENT_COLOR = '#0F6CBD';

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];

// ---------------------------------------------------------------- PNG encoding

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG defines it (ISO 3309), over a chunk's type and data. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGBA = 6;

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes each) as a PNG, every row with filter type 0. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4)
    throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE_RGBA;
  // bytes 10–12 stay 0: deflate compression, adaptive filtering, no interlace
  const stride = width * 4;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    scanlines[y * (stride + 1)] = 0; // filter type 0 (None)
    scanlines.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

// ---------------------------------------------------------------- drawing

/** Signed distance in pixels from a point to a shape: negative inside, positive outside. */
type Shape = (x: number, y: number) => number;

function roundedRect(cx: number, cy: number, halfWidth: number, halfHeight: number, radius: number): Shape {
  return (x, y) => {
    const qx = Math.abs(x - cx) - halfWidth + radius;
    const qy = Math.abs(y - cy) - halfHeight + radius;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/** A stroke of the given width along the polyline, with round caps and joins. */
function stroke(points: readonly (readonly [number, number])[], width: number): Shape {
  return (x, y) => {
    let nearest = Infinity;
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1]!;
      const [bx, by] = points[i]!;
      const abx = bx - ax;
      const aby = by - ay;
      const t = Math.min(1, Math.max(0, ((x - ax) * abx + (y - ay) * aby) / (abx * abx + aby * aby)));
      nearest = Math.min(nearest, Math.hypot(x - ax - t * abx, y - ay - t * aby));
    }
    return nearest - width / 2;
  };
}

/** The part of `outer` that is not inside `inner` (a ring or a frame). */
function subtract(outer: Shape, inner: Shape): Shape {
  return (x, y) => Math.max(outer(x, y), -inner(x, y));
}

class Canvas {
  readonly pixels: Uint8Array;

  constructor(readonly size: number) {
    this.pixels = new Uint8Array(size * size * 4);
  }

  /** Paints `shape` in `color` over what is there, with analytic anti-aliasing at its edge. */
  fill(shape: Shape, color: Rgb): this {
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        const coverage = Math.min(1, Math.max(0, 0.5 - shape(x + 0.5, y + 0.5)));
        if (coverage > 0) this.blend(x, y, color, coverage);
      }
    }
    return this;
  }

  private blend(x: number, y: number, color: Rgb, alpha: number): void {
    const at = (y * this.size + x) * 4;
    const below = this.pixels[at + 3]! / 255;
    const out = alpha + below * (1 - alpha);
    for (let c = 0; c < 3; c++) {
      const mixed = (color[c]! * alpha + this.pixels[at + c]! * below * (1 - alpha)) / out;
      this.pixels[at + c] = Math.round(mixed);
    }
    this.pixels[at + 3] = Math.round(out * 255);
  }

  toPng(): Buffer {
    return encodePng(this.size, this.size, this.pixels);
  }
}

function hexToRgb(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/**
 * The mark, in a unit square (0..1) so both icons draw the same geometry: a claim form
 * (a page with two text lines) and a check mark across its lower right corner.
 */
const PAGE = { cx: 0.44, cy: 0.47, halfWidth: 0.25, halfHeight: 0.32, radius: 0.05 };
const TEXT_LINES: readonly (readonly [number, number])[][] = [
  [
    [0.3, 0.33],
    [0.58, 0.33],
  ],
  [
    [0.3, 0.45],
    [0.5, 0.45],
  ],
];
const CHECK: readonly (readonly [number, number])[] = [
  [0.5, 0.7],
  [0.6, 0.8],
  [0.8, 0.56],
];

function scaled(points: readonly (readonly [number, number])[], size: number): [number, number][] {
  return points.map(([x, y]) => [x * size, y * size]);
}

function page(size: number): Shape {
  return roundedRect(PAGE.cx * size, PAGE.cy * size, PAGE.halfWidth * size, PAGE.halfHeight * size, PAGE.radius * size);
}

/** 192×192, opaque: Teams rounds the corners itself, so the background fills the square. */
export function drawColorIcon(): Buffer {
  const size = 192;
  const accent = hexToRgb(ACCENT_COLOR);
  const canvas = new Canvas(size).fill(() => -1, accent).fill(page(size), WHITE);
  for (const line of TEXT_LINES) canvas.fill(stroke(scaled(line, size), size * 0.045), accent);
  // A white halo first, so the check reads as lying on top of the page's edge.
  canvas.fill(stroke(scaled(CHECK, size), size * 0.15), WHITE);
  canvas.fill(stroke(scaled(CHECK, size), size * 0.075), accent);
  return canvas.toPng();
}

/** 32×32, white on transparent: Teams tints it, so only alpha may carry the shape. */
export function drawOutlineIcon(): Buffer {
  const size = 32;
  const frameWidth = 2;
  const outer = page(size);
  const inner: Shape = (x, y) => outer(x, y) + frameWidth;
  // Without colour there is no halo: cut a gap in the frame around the check instead.
  const checkGap = stroke(scaled(CHECK, size), 5.6);
  const canvas = new Canvas(size).fill(subtract(subtract(outer, inner), checkGap), WHITE);
  for (const line of TEXT_LINES) canvas.fill(stroke(scaled(line, size), 1.6), WHITE);
  canvas.fill(stroke(scaled(CHECK, size), 2.6), WHITE);
  return canvas.toPng();
}

if (require.main === module) {
  writeFileSync(join(__dirname, 'color.png'), drawColorIcon());
  writeFileSync(join(__dirname, 'outline.png'), drawOutlineIcon());
  console.log('wrote manifest/color.png and manifest/outline.png');
}
