/**
 * A small PNG reader for the icon tests: reads the chunks from the bytes, checks their
 * CRCs, and decodes 8-bit RGBA/RGB images (all five scanline filter types) so a test can
 * look at every pixel. Deliberately independent of manifest/drawIcons.ts, which it checks.
 */
import { inflateSync } from 'node:zlib';

export interface PngImage {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA, 4 bytes a pixel, row-major; RGB images get alpha 255. */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

interface Chunk {
  type: string;
  data: Buffer;
}

export function readChunks(png: Buffer): Chunk[] {
  if (!SIGNATURE.every((byte, i) => png[i] === byte)) throw new Error('not a PNG: bad signature');
  const chunks: Chunk[] = [];
  let at = SIGNATURE.length;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    const storedCrc = png.readUInt32BE(at + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    if (crc32(typeAndData) !== storedCrc) throw new Error(`bad CRC in ${type} chunk`);
    chunks.push({ type, data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Reverses the per-scanline filters (PNG spec §9) into raw bytes. */
function unfilter(data: Buffer, height: number, stride: number, bytesPerPixel: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)]!;
    const line = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= bytesPerPixel ? out[row + x - bytesPerPixel]! : 0;
      const up = y > 0 ? out[row - stride + x]! : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? out[row - stride + x - bytesPerPixel]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`unknown filter type ${filter} on row ${y}`);
      out[row + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return out;
}

export function decodePng(png: Buffer): PngImage {
  const chunks = readChunks(png);
  const header = chunks[0];
  if (header?.type !== 'IHDR') throw new Error('IHDR must come first');
  if (chunks.at(-1)?.type !== 'IEND') throw new Error('IEND must come last');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  const bitDepth = header.data[8]!;
  const colorType = header.data[9]!;
  if (header.data[12] !== 0) throw new Error('interlaced PNGs are not supported here');
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (bitDepth !== 8 || channels === 0)
    throw new Error(`unsupported format: depth ${bitDepth}, colour type ${colorType}`);
  const compressed = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = unfilter(inflateSync(compressed), height, width * channels, channels);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = raw[i * channels + c]!;
    rgba[i * 4 + 3] = channels === 4 ? raw[i * channels + 3]! : 255;
  }
  return { width, height, bitDepth, colorType, rgba };
}
