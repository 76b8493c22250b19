import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { VfxError, floatToHalf, halfToFloat } from '@vfxkit/core';
import { hasCompression, readExr, readExrHeader, readExrParts } from '@vfxkit/exr';
import type { ExrHeader, ExrImage } from '@vfxkit/exr';
import parseExr from 'parse-exr';
import {
  BROKEN_FIXTURES,
  channelValues,
  compressionsOf,
  expectCode,
  exrFixtures,
  imageStats,
  listFixtures,
  missingTool,
  noFixtures,
  oiioStats,
  statsAgree,
  statsOf,
} from './helpers.js';

const fixture = (file: string) => readFileSync(join(exrFixtures, file));

/** Why a file cannot be decoded by this build (a codec still missing), or false. */
function missingCodec(header: ExrHeader): string | false {
  const missing = compressionsOf(header).filter((c) => !hasCompression(c));
  return missing.length === 0 ? false : `needs ${missing.map((c) => c.toUpperCase()).join(', ')} decoding, not in this build yet`;
}

function headerOf(file: string): ExrHeader | undefined {
  try {
    return readExrHeader(fixture(file));
  } catch {
    return undefined;
  }
}

describe('every real file', { skip: noFixtures }, () => {
  for (const file of listFixtures()) {
    if (file.startsWith('openexr/invalid/') && file !== 'openexr/invalid/scanline_with_deeptiled_type.exr') continue; // header.test.ts
    const header = headerOf(file);
    const skip = header === undefined ? 'header unreadable' : missingCodec(header);
    const broken = BROKEN_FIXTURES[file];
    it(`${file}: ${broken ?? 'reads every part'}`, { skip }, () => {
      const bytes = fixture(file);
      if (broken !== undefined) {
        assert.throws(() => readExrParts(bytes), expectCode(broken));
        return;
      }
      const parts = readExrParts(bytes, { allLevels: true });
      assert.equal(parts.length, header!.parts.length);
      parts.forEach((image, i) => {
        const part = header!.parts[i]!;
        assert.deepEqual(image.dataWindow, part.dataWindow);
        if (image.deep === undefined) {
          assert.deepEqual(image.channels.map((c) => c.name), part.channels.map((c) => c.name));
          for (const channel of image.channels) {
            assert.equal(channel.data.length, channel.width * channel.height);
            assert.equal(channel.width, image.width / channel.xSampling);
          }
        } else {
          assert.equal(image.deep.sampleCounts.length, image.width * image.height);
          for (const channel of image.deep.channels) assert.equal(channel.data.length, image.deep.totalSamples);
        }
      });
    });
  }

  it('unfinished_multipart.exr: the two finished parts read, the unwritten ones are EXR_TRUNCATED', () => {
    const bytes = fixture('openexr/python-tests/unfinished_multipart.exr');
    assert.equal(readExrHeader(bytes).parts.length, 4);
    for (const part of [0, 1]) assert.equal(readExr(bytes, { part }).channels[0]!.data.length, 64);
    for (const part of [2, 3]) assert.throws(() => readExr(bytes, { part }), expectCode('EXR_TRUNCATED', /past the end of the file/));
  });
});

describe('pixel values', { skip: noFixtures }, () => {
  /** testSampleImages.cpp: XOR of the half bits of R, G, B, A over all pixels. */
  const checksums: [string, number][] = [
    ['openexr/comp_none.exr', 24988],
    ['openexr/comp_rle.exr', 24988],
    ['openexr/comp_zips.exr', 24988],
    ['openexr/comp_zip.exr', 24988],
    ['openexr/comp_piz.exr', 24988],
    ['openexr/lineOrder_increasing.exr', 46515],
    ['openexr/lineOrder_decreasing.exr', 46515],
  ];
  for (const [file, expected] of checksums) {
    it(`${file}: OpenEXR's checksum ${expected}`, { skip: missingCodec(readExrHeader(fixture(file))) }, () => {
      const image = readExr(fixture(file), { channels: ['R', 'G', 'B', 'A'] });
      let xor = 0;
      for (const channel of image.channels) for (const bits of channel.data as Uint16Array) xor ^= bits;
      assert.equal(xor, expected);
    });
  }

  it('sample.exr: the 4x3 values of the OpenEXR file-layout document', () => {
    const image = readExr(fixture('openexr/sample.exr'));
    assert.deepEqual(image.channels.map((c) => [c.name, c.type]), [['G', 'half'], ['Z', 'float']]);
    assert.equal(image.channels[0]!.data instanceof Uint16Array, true);
    assert.equal(image.channels[1]!.data instanceof Float32Array, true);
    // Stats printed by oiiotool for this file (min, max of G and Z).
    const g = statsOf(channelValues(image.channels[0]!.data, 'half'));
    const z = statsOf(channelValues(image.channels[1]!.data, 'float'));
    assert.equal(g.min, 0);
    assert.ok(Math.abs(g.max - 0.931641) < 1e-6);
    assert.ok(Math.abs(z.min - 0.000985) < 1e-6 && Math.abs(z.max - 0.831292) < 1e-6);
  });

  it('BrightRingsNanInf.exr keeps NaN and infinity bits', () => {
    const image = readExr(fixture('openexr-images/TestImages/BrightRingsNanInf.exr'));
    const stats = imageStats(image).get('R')!;
    assert.equal(stats.nan, 2);
    assert.equal(stats.inf, 4);
  });

  it('11.deep.exr and objectid.deep.exr: uint id channels and deep sample counts', () => {
    const image = readExr(fixture('openexr/deep/11.deep.exr'));
    assert.equal(image.type, 'deepscanline');
    assert.equal(image.deep!.totalSamples, 6056);
    let max = 0;
    for (const n of image.deep!.sampleCounts) max = Math.max(max, n);
    assert.equal(max, 2);
    const id = image.deep!.channels.find((c) => c.name === 'id')!;
    assert.equal(id.type, 'uint');
    assert.ok(id.data instanceof Uint32Array);
    const z = image.deep!.channels.find((c) => c.name === 'Z')!;
    const depth = statsOf(channelValues(z.data, 'half'));
    assert.equal(depth.min, 171);
    assert.equal(depth.max, 2000);
  });

  it('cryptomatte ids: float channels carry MurmurHash3 ids as float bits', () => {
    const image = readExr(fixture('cryptomatte/debug_images/sidecar_manifest.exr'), { channels: ['crypto_asset00.red'] });
    const ids = new Set(image.channels[0]!.data as Float32Array);
    assert.ok(ids.size > 1);
    // sidecar manifest: "leftAsset": "ce406a47" is one of the ids.
    const bits = new Float32Array(new Uint32Array([0xce406a47]).buffer)[0]!;
    assert.ok(ids.has(bits));
  });
});

describe('luminance/chroma files against their RGB twins', { skip: noFixtures }, () => {
  // Y is the Rec.709 luminance of the RGB twin (the same source image); RY = (R - Y) / Y at the
  // 2x2 sample positions, up to OpenEXR's chroma filtering. (OIIO and parse-exr cannot read these.)
  const pairs: [string, string, boolean][] = [
    ['openexr-images/Chromaticities/Rec709_YC.exr', 'openexr-images/Chromaticities/Rec709.exr', true],
    ['openexr-images/Chromaticities/XYZ_YC.exr', 'openexr-images/Chromaticities/Rec709.exr', false],
    ['openexr/comp_b44.exr', 'openexr/comp_b44_piz.exr', true],
  ];
  for (const [yc, rgb, sameChroma] of pairs) {
    const header = headerOf(yc);
    const twin = headerOf(rgb);
    const skip = header === undefined || twin === undefined ? 'fixture missing' : missingCodec(header) || missingCodec(twin);
    it(`${yc} vs ${rgb}`, { skip }, () => {
      const image = readExr(fixture(yc));
      const reference = readExr(fixture(rgb));
      const plane = (from: ExrImage, name: string) => channelValues(from.channels.find((c) => c.name === name)!.data, 'half');
      const [y, ry] = [plane(image, 'Y'), plane(image, 'RY')];
      const [r, g, b] = [plane(reference, 'R'), plane(reference, 'G'), plane(reference, 'B')];
      const chroma = image.channels.find((c) => c.name === 'RY')!;
      assert.deepEqual([chroma.xSampling, chroma.ySampling, chroma.width * 2, chroma.height * 2], [2, 2, image.width, image.height]);
      const luminance = (i: number) => 0.2126 * r[i]! + 0.7152 * g[i]! + 0.0722 * b[i]!;
      for (let i = 0; i < y.length; i++) {
        // testSampleImages.cpp's tolerance for lossy pairs: (x + 0.01) / (y + 0.01) in [0.9, 1.1].
        const ratio = (y[i]! + 0.01) / (luminance(i) + 0.01);
        assert.ok(ratio >= 0.9 && ratio <= 1.1, `Y at pixel ${i}: ${y[i]} vs luminance ${luminance(i)}`);
      }
      if (!sameChroma) return;
      let off = 0;
      for (let j = 0; j < ry.length; j++) {
        const i = Math.floor(j / chroma.width) * 2 * image.width + (j % chroma.width) * 2;
        if (Math.abs((r[i]! - luminance(i)) / luminance(i) - ry[j]!) > 0.1) off++;
      }
      assert.ok(off < 0.1 * ry.length, `${off} of ${ry.length} RY samples far from (R - Y) / Y`);
    });
  }
});

describe('parse-exr agrees on RGBA', { skip: noFixtures }, () => {
  for (const file of listFixtures()) {
    if (file.startsWith('openexr/invalid/') || BROKEN_FIXTURES[file] !== undefined) continue;
    const header = headerOf(file);
    if (header === undefined) continue;
    const part = header.parts[0]!;
    const rgba = part.channels.filter((c) => ['R', 'G', 'B', 'A', 'Y'].includes(c.name));
    const reason =
      missingCodec(header) ||
      (header.parts.length > 1 ? 'parse-exr reads no multi-part files' : false) ||
      (part.type !== 'scanlineimage' && part.type !== 'tiledimage' ? 'parse-exr reads no deep files' : false) ||
      (rgba.length === 0 ? 'no R, G, B, A or Y channel' : false) ||
      (part.channels.some((c) => c.type === 'uint') ? 'parse-exr misreads files with UINT channels (checked: it shifts the others)' : false) ||
      (part.channels.some((c) => c.xSampling !== 1 || c.ySampling !== 1) ? 'parse-exr reads no subsampled (luminance/chroma) files' : false) ||
      (part.lineOrder === 'decreasingY' ? 'parse-exr ignores the decreasing line order (checked: rows come out shifted)' : false);
    // parse-exr's DWA decoder (three.js's) rounds differently from OpenEXR's; ours matches OpenEXR
    // bit for bit (conformance.test.ts, idiff); on OpenEXR's DWA samples half the values differ by
    // up to 5 half ULPs (0.33 %), so allow it 8 there.
    const ulps = part.compression === 'dwaa' || part.compression === 'dwab' ? 8 : 0;
    it(`${file}`, { skip: reason }, (t) => {
      const bytes = fixture(file);
      const useFloat = rgba.some((c) => c.type === 'float');
      let theirs: ReturnType<typeof parseExr>;
      try {
        theirs = parseExr(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, useFloat ? 1015 : 1016);
      } catch (error) {
        t.skip(`parse-exr cannot read it: ${(error as Error).message}`);
        return;
      }
      const ours = readExr(bytes);
      assert.equal(theirs.width, ours.width);
      assert.equal(theirs.height, ours.height);
      const stride = theirs.format === 1023 ? 4 : 1;
      const names = stride === 4 ? ['R', 'G', 'B', 'A'] : [rgba[0]!.name];
      const { width, height } = ours;
      names.forEach((name, k) => {
        const channel = ours.channels.find((c) => c.name === name);
        for (let y = 0; y < height; y++) {
          // parse-exr (like three's EXRLoader) returns rows bottom-up.
          const row = (height - 1 - y) * width;
          for (let x = 0; x < width; x++) {
            const got = theirs.data[(row + x) * stride + k]!;
            let want: number;
            if (channel === undefined) want = useFloat ? (name === 'A' ? 1 : 0) : name === 'A' ? 0x3c00 : 0;
            else if (useFloat) want = channel.type === 'half' ? halfToFloat(channel.data[y * width + x]!) : channel.data[y * width + x]!;
            else want = channel.data[y * width + x]!;
            if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
              // parse-exr converts float channels to half itself when asked for half output.
              if (!useFloat && channel?.type === 'float' && got === floatToHalf(want)) continue;
              if (!useFloat && Math.abs(got - want) <= ulps) continue;
              assert.fail(`${name} at (${x}, ${y}): parse-exr ${got}, ours ${want}`);
            }
          }
        }
      });
    });
  }
});

describe('oiiotool --stats agrees', { skip: noFixtures || missingTool('oiiotool') }, () => {
  for (const file of listFixtures()) {
    if (file.startsWith('openexr/invalid/') || BROKEN_FIXTURES[file] !== undefined) continue;
    const header = headerOf(file);
    if (header === undefined) continue;
    const subsampled = header.parts.some((p) => p.channels.some((c) => c.xSampling !== 1 || c.ySampling !== 1));
    const ripmap = header.parts.some((p) => p.tiles?.levelMode === 'ripmap');
    const reason =
      missingCodec(header) ||
      (subsampled ? 'OIIO 2.4 cannot read subsampled channels' : false) ||
      (ripmap ? 'OIIO 2.4 cannot read rip-map levels' : false);
    it(file, { skip: reason }, () => {
      const path = join(exrFixtures, file);
      const { stats, error } = oiioStats(path);
      assert.equal(error, undefined, error);
      const parts = readExrParts(readFileSync(path), { allLevels: true });
      assert.equal(stats.size, parts.length, 'subimages');
      parts.forEach((image: ExrImage, p) => {
        const levels = stats.get(p)!;
        const ours = image.levels ?? [{ level: { x: 0, y: 0 }, channels: image.channels }];
        if (image.deep !== undefined) {
          const theirs = levels.get(0)!;
          for (const channel of image.deep.channels) {
            const problem = statsAgree(statsOf(channelValues(channel.data, channel.type)), theirs.get(channel.name)!);
            assert.equal(problem, undefined, `part ${p} deep channel ${channel.name}: ${problem}`);
          }
          return;
        }
        assert.equal(levels.size, ours.length, `part ${p}: MIP levels`);
        ours.forEach((level, l) => {
          const theirs = levels.get(l)!;
          for (const [name, s] of imageStats(level)) {
            const problem = statsAgree(s, theirs.get(name)!);
            assert.equal(problem, undefined, `part ${p} level ${l} channel ${name}: ${problem}`);
          }
        });
      });
    });
  }
});

describe('read options', { skip: noFixtures }, () => {
  const full = () => readExr(fixture('openexr/v1.7.test.1.exr'));

  it('reads a subset of channels, in channel-list order', () => {
    const image = readExr(fixture('openexr/v1.7.test.1.exr'), { channels: ['Z', 'B'] });
    assert.deepEqual(image.channels.map((c) => c.name), ['B', 'Z']);
    assert.deepEqual(image.channels[1]!.data, full().channels[3]!.data);
  });

  it('reads a region, clipped to the data window', () => {
    const whole = full();
    const region = { xMin: 15, yMin: 100, xMax: 60, yMax: 140 }; // data window starts at (20, 20)
    const image = readExr(fixture('openexr/v1.7.test.1.exr'), { region });
    assert.deepEqual(image.dataWindow, { xMin: 20, yMin: 100, xMax: 60, yMax: 140 });
    assert.equal(image.width, 41);
    for (const [c, channel] of image.channels.entries()) {
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const source = whole.channels[c]!.data[(y + 100 - 20) * whole.width + x]!;
          assert.ok(Object.is(channel.data[y * image.width + x], source));
        }
      }
    }
    assert.throws(
      () => readExr(fixture('openexr/v1.7.test.1.exr'), { region: { xMin: 0, yMin: 0, xMax: 5, yMax: 5 } }),
      expectCode('EXR_BAD_ARGUMENT', /does not overlap/),
    );
  });

  it('reads one mip level, a tile range, and all levels', () => {
    const bytes = fixture('openexr-images/MultiResolution/MirrorPattern.exr');
    const all = readExr(bytes, { allLevels: true });
    assert.equal(all.levels!.length, 10);
    const level3 = readExr(bytes, { level: 3 });
    assert.equal(level3.width, 64);
    assert.deepEqual(level3.level, { x: 3, y: 3 });
    assert.deepEqual(level3.channels[0]!.data, all.levels![3]!.channels[0]!.data);
    const tiles = readExr(bytes, { tiles: { xMin: 1, yMin: 2, xMax: 2, yMax: 2 } });
    assert.deepEqual(tiles.dataWindow, { xMin: 64, yMin: 128, xMax: 191, yMax: 191 });
    assert.equal(tiles.channels[0]!.data[0], all.channels[0]!.data[128 * 512 + 64]);
    assert.throws(() => readExr(bytes, { level: 10 }), expectCode('EXR_BAD_ARGUMENT', /level \(10, 10\) does not exist/));
    assert.throws(() => readExr(bytes, { level: { x: 1, y: 2 } }), expectCode('EXR_BAD_ARGUMENT'));
  });

  it('picks parts by index or name', () => {
    const bytes = fixture('openexr-images/Beachball/multipart.0001.exr');
    const depth = readExr(bytes, { part: 'depth_left' });
    assert.equal(depth.part, 1);
    assert.deepEqual(depth.channels.map((c) => c.name), ['Z']);
    assert.equal(readExr(bytes, { part: 4 }).name, 'rgba_left');
    assert.throws(() => readExr(bytes, { part: 10 }), expectCode('EXR_BAD_ARGUMENT', /part 10 does not exist/));
    assert.throws(() => readExr(bytes, { part: 'nope' }), expectCode('EXR_BAD_ARGUMENT', /no part is named 'nope'/));
    assert.throws(() => readExr(bytes, { channels: ['Q'] }), expectCode('EXR_BAD_ARGUMENT', /channel 'Q'/));
  });

  it('reads a region of a deep part', () => {
    const bytes = fixture('openexr/deep/11.deep.exr');
    const whole = readExr(bytes);
    const region = readExr(bytes, { region: { xMin: 40, yMin: 90, xMax: 90, yMax: 120 }, channels: ['Z'] });
    assert.equal(region.deep!.channels.length, 1);
    let expected = 0;
    for (let y = 90; y <= 120; y++) {
      for (let x = 40; x <= 90; x++) {
        const i = y * 256 + x;
        const j = (y - 90) * 51 + (x - 40);
        assert.equal(region.deep!.sampleCounts[j], whole.deep!.sampleCounts[i]);
        const z = whole.deep!.channels.find((c) => c.name === 'Z')!.data;
        for (let s = 0; s < whole.deep!.sampleCounts[i]!; s++) {
          assert.equal(region.deep!.channels[0]!.data[region.deep!.sampleOffsets[j]! + s], z[whole.deep!.sampleOffsets[i]! + s]);
        }
        expected += whole.deep!.sampleCounts[i]!;
      }
    }
    assert.equal(region.deep!.totalSamples, expected);
  });

  it('limits pixels with maxPixels', () => {
    assert.throws(() => readExr(fixture('openexr/comp_zip.exr'), { maxPixels: 1000 }), expectCode('EXR_LIMIT', /maxPixels/));
    assert.throws(() => readExr(fixture('openexr/deep/11.deep.exr'), { maxSamples: 100 }), expectCode('EXR_LIMIT', /maxSamples/));
  });
});
