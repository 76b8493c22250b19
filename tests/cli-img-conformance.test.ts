/**
 * `vfx img` against the reference tools on real bytes: OpenImageIO's oiiotool reads the EXR files we
 * write from JPEGs with the linear values the sRGB formula gives, its display transform agrees with
 * ours, and its `--resize` agrees with our float resampler; 16-bit stays 16-bit as iinfo sees it.
 * Each test skips, saying why, when the tool or the real fixtures are missing. Debian packages:
 * openimageio-tools (oiiotool, iinfo).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { readExr } from '@vfxkit/exr';
import { readImage, toInterleaved } from '@vfxkit/image';
import { realFixtures, runVfx, tempDir } from './helpers.js';

function missing(tool: string): string | false {
  const found = spawnSync(tool, ['--help'], { encoding: 'utf8' }).error === undefined;
  if (found) return false;
  const reason = `${tool} is not installed (Debian: openimageio-tools)`;
  console.log(`# skipping: ${reason}`);
  return reason;
}

const noOiio = missing('oiiotool') || missing('iinfo');
const real = realFixtures();
const noReal = real === undefined ? 'real fixtures not found (../shared/fixtures-real or VFX_REAL_FIXTURES)' : false;
if (noReal) console.log(`# skipping real-file tests: ${noReal}`);
const skipReal = noOiio || noReal;

function oiiotool(args: string[]): string {
  const result = spawnSync('oiiotool', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** `oiiotool --dumpdata`: every pixel's values, in row order. */
function dumpData(path: string): number[][] {
  return oiiotool(['--dumpdata', path])
    .split('\n')
    .filter((line) => line.includes('Pixel ('))
    .map((line) => line.slice(line.indexOf(':') + 1).trim().split(/\s+/).map(Number));
}

const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);

async function codes(path: string): Promise<Uint8Array | Uint16Array> {
  return toInterleaved(await readImage(path)).pixels.data as Uint8Array;
}

describe('vfx img against OpenImageIO', { skip: skipReal }, () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup?.());

  const photos = ['exif/exif-py/Nikon_D70.jpg', 'exif/exif-py/gps/DSCN0010.jpg'];

  it('an EXR written from a JPEG reads in oiiotool as the sRGB formula of the decoded codes (every pixel, one half step)', async () => {
    for (const photo of photos) {
      const jpeg = join(real!, photo);
      const exr = join(dir, `${photo.replace(/\W/g, '_')}.exr`);
      const result = await runVfx(['img', 'convert', jpeg, '-o', exr]);
      assert.equal(result.code, 0, result.stderr);
      const decoded = await codes(jpeg);
      const pixels = dumpData(exr);
      assert.equal(pixels.length * 3, decoded.length);
      const sums = [0, 0, 0];
      for (let p = 0; p < pixels.length; p++) {
        for (let c = 0; c < 3; c++) {
          const expected = halfToFloat(floatToHalf(srgbToLinear(decoded[p * 3 + c]! / 255)));
          // oiiotool prints 9 decimals: compare to that precision.
          assert.ok(Math.abs(pixels[p]![c]! - expected) <= 5e-10 + expected * 1e-8, `${photo} pixel ${p} channel ${c}: ${pixels[p]![c]} vs ${expected}`);
          sums[c]! += expected;
        }
      }
      const stats = /Stats Avg: (\S+) (\S+) (\S+)/.exec(oiiotool(['--stats', exr]))!;
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(Number(stats[c + 1]) - sums[c]! / pixels.length) < 1.5e-6, `average of channel ${c}`);
    }
  });

  it('JPEG -> EXR -> 8-bit gives back every code; through JPEG the EXR leg adds no error of its own', async () => {
    const jpeg = join(real!, photos[1]!);
    const exr = join(dir, 'round.exr');
    assert.equal((await runVfx(['img', 'convert', jpeg, '-o', exr])).code, 0);
    const png = join(dir, 'round.png');
    assert.equal((await runVfx(['img', 'convert', exr, '-o', png, '--bit-depth', '8'])).code, 0);
    const original = await codes(jpeg);
    const back = await codes(png);
    let worst = 0;
    for (let i = 0; i < original.length; i++) worst = Math.max(worst, Math.abs(original[i]! - back[i]!));
    assert.ok(worst <= 1, `within one code value (found ${worst})`);
    // To JPEG at quality 100 (4:4:4): the same pixels as re-encoding the decoded JPEG directly.
    const again = join(dir, 'round.jpg');
    assert.equal((await runVfx(['img', 'convert', exr, '-o', again, '--quality', '100'])).code, 0);
    const image = await readImage(jpeg);
    const direct = await sharp(toInterleaved(image).pixels.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .raw()
      .toBuffer();
    const reencoded = await sharp(await sharp(toInterleaved(image).pixels.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer()).raw().toBuffer();
    assert.ok(direct.length > 0);
    assert.deepEqual([...(await codes(again))], [...reencoded]);
  });

  it('EXR -> 8-bit matches oiiotool --colorconvert linear sRGB within one code value', async () => {
    for (const source of ['exr/openexr-images/ScanLines/Carrots.exr', 'exr/openexr-images/TestImages/GammaChart.exr', 'exr/openexr-images/Chromaticities/Rec709.exr']) {
      const exr = join(real!, source);
      const ours = join(dir, `${source.replace(/\W/g, '_')}.png`);
      const theirs = join(dir, `${source.replace(/\W/g, '_')}.oiio.png`);
      // oiiotool converts colours as they are stored (it ignores chromaticities): ask for that with --from.
      const result = await runVfx(['img', 'convert', exr, '-o', ours, '--bit-depth', '8', '--from', 'Linear Rec.709 (sRGB)']);
      assert.equal(result.code, 0, result.stderr);
      // Ours writes straight (unpremultiplied) alpha to PNG, as OIIO's PNG writer does.
      oiiotool([exr, '--colorconvert', 'linear', 'sRGB', '-d', 'uint8', '-o', theirs]);
      const a = await readImage(ours);
      const b = await readImage(theirs);
      assert.deepEqual(a.channels.map((c) => c.name), b.channels.map((c) => c.name));
      const x = toInterleaved(a).pixels.data;
      const y = toInterleaved(b).pixels.data;
      let worst = 0;
      let alphaZero = 0;
      const stride = a.channels.length;
      for (let i = 0; i < x.length; i++) {
        // Where alpha is 0 colour is undefined after unpremultiplying: compare alpha only.
        if (stride === 4 && y[i - (i % 4) + 3] === 0 && i % 4 !== 3) {
          alphaZero++;
          continue;
        }
        worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      }
      assert.ok(worst <= 1, `${source}: worst difference ${worst} codes (${alphaZero} samples under zero alpha skipped)`);
    }
  });

  it('float EXR resize in linear light matches oiiotool --resize:filter=lanczos3 within one half-float step and float32 filter noise', async () => {
    // Both use Lanczos 3 stretched by 1/scale when shrinking, the same centre mapping, weights
    // normalised to 1 and edges clamped, then round to half. What differs is float32 arithmetic:
    // OIIO (src/libutil/filter.cpp) gets sin(pi x) from sin(pi x / 3) by the triple-angle identity
    // and sums 2D weights per pixel; near the kernel's zero crossings that leaves weight errors of
    // about 1e-6, which over the ~2 x 12 taps of these reductions add up to ~2e-5 of the largest
    // value in the footprint (measured worst: 1.9e-5, BrightRings). Allowed: one half step (2^-10
    // relative, the rounding to half) plus 2^-14 (6.1e-5) of the largest value within two output
    // pixels. A different kernel, centre or edge rule would miss by orders of magnitude more.
    const cases: [string, number, number][] = [
      ['exr/openexr-images/ScanLines/Carrots.exr', 300, 200],
      ['exr/openexr-images/TestImages/BrightRings.exr', 300, 300],
      ['exr/openexr-images/TestImages/WideFloatRange.exr', 128, 128],
      ['exr/openexr-images/ScanLines/Carrots.exr', 1000, 667],
      ['exr/openexr-images/TestImages/SquaresSwirls.exr', 640, 640],
    ];
    for (const [source, width, height] of cases) {
      const exr = join(real!, source);
      const ours = join(dir, `resize_${width}.${source.replace(/\W/g, '_')}.exr`);
      const theirs = join(dir, `resize_${width}.${source.replace(/\W/g, '_')}.oiio.exr`);
      const result = await runVfx(['img', 'resize', exr, '--max', `${width}x${Math.max(width, height)}`, '-o', ours]);
      assert.equal(result.code, 0, result.stderr);
      oiiotool([exr, '--resize:filter=lanczos3', `${width}x${height}`, '-o', theirs]);
      const a = readExr(new Uint8Array(readFileSync(ours)));
      const b = readExr(new Uint8Array(readFileSync(theirs)));
      assert.deepEqual([a.width, a.height], [b.width, b.height], source);
      let beyond = 0;
      a.channels.forEach((channel, c) => {
        const other = b.channels[c]!;
        assert.equal(channel.name, other.name);
        const read = (data: typeof channel.data, type: string) => Float64Array.from(data as ArrayLike<number>, (v) => (type === 'half' ? halfToFloat(v) : v));
        const x = read(channel.data, channel.type);
        const y = read(other.data, other.type);
        const w = a.width;
        for (let i = 0; i < x.length; i++) {
          const px = i % w;
          const py = Math.floor(i / w);
          let nearby = 0;
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              const qx = Math.min(w - 1, Math.max(0, px + dx));
              const qy = Math.min(a.height - 1, Math.max(0, py + dy));
              nearby = Math.max(nearby, Math.abs(y[qy * w + qx]!));
            }
          }
          const step = channel.type === 'half' ? Math.max(Math.abs(x[i]!), Math.abs(y[i]!)) * 2 ** -10 : 0;
          if (Math.abs(x[i]! - y[i]!) > step + nearby * 2 ** -14 + 2 ** -24) beyond++;
        }
      });
      assert.equal(beyond, 0, `${source} -> ${width}x${height}: ${beyond} samples differ by more than one half step`);
    }
  });

  it('16-bit PNG and TIFF stay 16-bit through convert and resize, as iinfo reads them', async () => {
    const png16 = 'fixtures/renders/beauty.1001.png';
    const tif = join(dir, 'sixteen.tif');
    const small = join(dir, 'sixteen-small.png');
    assert.equal((await runVfx(['img', 'convert', png16, '-o', tif])).code, 0);
    assert.equal((await runVfx(['img', 'resize', tif, '--max', '20', '-o', join(dir, 'sixteen-small.tif')])).code, 0);
    assert.equal((await runVfx(['img', 'resize', png16, '--max', '20', '-o', small])).code, 0);
    const info = spawnSync('iinfo', [tif, join(dir, 'sixteen-small.tif'), small], { encoding: 'utf8' }).stdout;
    assert.match(info, /sixteen\.tif\s+:\s+48 x\s+27, 4 channel, uint16 tiff/);
    assert.match(info, /sixteen-small\.tif\s+:\s+20 x\s+11, 4 channel, uint16 tiff/);
    assert.match(info, /sixteen-small\.png\s+:\s+20 x\s+11, 4 channel, uint16 png/);
    assert.ok(existsSync(tif));
  });
});
