import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCENT_COLOR, crc32, drawColorIcon, drawOutlineIcon, encodePng } from '../../manifest/drawIcons';
import { decodePng, readChunks } from './pngReader';

const MANIFEST_DIR = join(__dirname, '..', '..', 'manifest');
const committed = (file: string): Buffer => readFileSync(join(MANIFEST_DIR, file));

function pixelAt(rgba: Uint8Array, width: number, x: number, y: number): number[] {
  const at = (y * width + x) * 4;
  return Array.from(rgba.subarray(at, at + 4));
}

describe('Teams app icons', () => {
  describe('outline.png', () => {
    const png = committed('outline.png');
    const image = decodePng(png);

    it('is a 32×32 8-bit RGBA PNG read from its IHDR', () => {
      assert.deepEqual(readChunks(png).map((c) => c.type)[0], 'IHDR');
      assert.equal(png.readUInt32BE(16), 32, 'IHDR width');
      assert.equal(png.readUInt32BE(20), 32, 'IHDR height');
      assert.equal(image.bitDepth, 8);
      assert.equal(image.colorType, 6, 'colour type 6 (RGBA): transparency needs an alpha channel');
    });

    it('has only white or fully transparent pixels', () => {
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const [r, g, b, a] = pixelAt(image.rgba, image.width, x, y);
          assert.ok(a === 0 || (r === 255 && g === 255 && b === 255), `pixel (${x},${y}) is rgba(${r},${g},${b},${a})`);
        }
      }
    });

    it('draws a mark: some pixels opaque, the corners transparent', () => {
      let opaque = 0;
      for (let i = 3; i < image.rgba.length; i += 4) if (image.rgba[i] === 255) opaque++;
      assert.ok(opaque > 40 && opaque < (32 * 32) / 2, `opaque pixels: ${opaque}`);
      for (const [x, y] of [
        [0, 0],
        [31, 0],
        [0, 31],
        [31, 31],
      ] as const) {
        assert.equal(pixelAt(image.rgba, 32, x, y)[3], 0, `corner (${x},${y}) must be transparent`);
      }
    });
  });

  describe('color.png', () => {
    const png = committed('color.png');
    const image = decodePng(png);

    it('is a 192×192 PNG read from its IHDR', () => {
      assert.equal(png.readUInt32BE(16), 192, 'IHDR width');
      assert.equal(png.readUInt32BE(20), 192, 'IHDR height');
      assert.equal(image.width * image.height * 4, image.rgba.length);
    });

    it('is fully opaque, with the manifest accent colour as background and a white mark', () => {
      for (let i = 3; i < image.rgba.length; i += 4)
        assert.equal(image.rgba[i], 255, `pixel ${(i - 3) / 4} is not opaque`);
      const accent = [1, 3, 5].map((at) => parseInt(ACCENT_COLOR.slice(at, at + 2), 16));
      assert.deepEqual(pixelAt(image.rgba, 192, 2, 2).slice(0, 3), accent);
      assert.deepEqual(
        pixelAt(image.rgba, 192, 96, 70).slice(0, 3),
        [255, 255, 255],
        'the page in the middle is white',
      );
      const template: unknown = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.template.json'), 'utf8'));
      assert.equal((template as { accentColor?: unknown }).accentColor, ACCENT_COLOR);
    });
  });

  it('the committed icons are what manifest/drawIcons.ts draws today', () => {
    // Compare pixels, not bytes: another zlib may deflate the same pixels differently.
    assert.deepEqual(decodePng(drawColorIcon()).rgba, decodePng(committed('color.png')).rgba);
    assert.deepEqual(decodePng(drawOutlineIcon()).rgba, decodePng(committed('outline.png')).rgba);
  });

  describe('the PNG encoder', () => {
    it('computes the standard CRC-32 (check value of "123456789")', () => {
      assert.equal(crc32(Buffer.from('123456789', 'latin1')), 0xcbf43926);
    });

    it('round-trips arbitrary RGBA pixels', () => {
      const width = 7;
      const height = 5;
      const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37 + 11) % 256);
      const image = decodePng(encodePng(width, height, rgba));
      assert.equal(image.width, width);
      assert.equal(image.height, height);
      assert.deepEqual(image.rgba, rgba);
    });

    it('refuses a pixel buffer of the wrong size', () => {
      assert.throws(() => encodePng(2, 2, new Uint8Array(15)), /expected 16 bytes/);
    });
  });
});
