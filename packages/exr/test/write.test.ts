import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { VfxError } from '@vfxkit/core';
import { EXR_COMPRESSIONS, hasCompression, readExr, readExrHeader, readExrParts, writeExr } from '@vfxkit/exr';
import type { ExrAttribute, ExrCompression, ExrImage, ExrWritePart } from '@vfxkit/exr';
import { BROKEN_FIXTURES, compressionsOf, expectCode, exrFixtures, listFixtures, noFixtures } from './helpers.js';
import { deepPart, equalSamples, layouts, patternPart, writableCompressions } from './patterns.js';

/** Checks that `back` holds what `part` wrote, level by level (exactly unless the method is lossy
 *  for that pixel type). */
function assertSameImage(back: ExrImage, part: ExrWritePart, compression: ExrCompression, what: string): void {
  assert.deepEqual(back.dataWindow, part.dataWindow, `${what}: data window`);
  assert.deepEqual(back.displayWindow, part.displayWindow ?? part.dataWindow, `${what}: display window`);
  const byName = new Map(part.channels.map((c) => [c.name, c]));
  assert.equal(back.channels.length, part.channels.length);
  for (const channel of back.channels) {
    const source = byName.get(channel.name)!;
    equalSamples(channel.data, source.data as Uint16Array | Float32Array | Uint32Array, channel.type, compression, `${what}: ${channel.name}`);
  }
  for (const level of part.levels ?? []) {
    const got = back.levels!.find((l) => l.level.x === level.level.x && l.level.y === level.level.y)!;
    for (const channel of got.channels) {
      const source = level.channels.find((c) => c.name === channel.name)!;
      equalSamples(channel.data, source.data, channel.type, compression, `${what}: level ${level.level.x},${level.level.y} ${channel.name}`);
    }
  }
}

describe('round trips: our writer, our reader', () => {
  for (const compression of writableCompressions()) {
    for (const layout of layouts) {
      for (const lineOrder of ['increasingY', 'decreasingY'] as const) {
        const what = `${compression} ${layout.name} ${lineOrder}`;
        it(what, () => {
          const part = patternPart({ compression, layout, lineOrder, types: ['half', 'float', 'uint'] });
          const bytes = writeExr(part);
          const header = readExrHeader(bytes);
          assert.equal(header.parts[0]!.compression, compression);
          assert.equal(header.parts[0]!.lineOrder, lineOrder);
          assert.deepEqual(header.parts[0]!.tiles, part.tiles === undefined ? undefined : { levelMode: 'one', roundingMode: 'down', ...part.tiles });
          assertSameImage(readExr(bytes, { allLevels: true }), part, compression, what);
        });
      }
    }

    it(`${compression}: subsampled luminance/chroma channels`, () => {
      const part = patternPart({ compression, layout: layouts[0]!, lineOrder: 'increasingY', types: ['half'], chroma: true });
      const back = readExr(writeExr(part));
      assert.deepEqual(
        back.channels.map((c) => [c.name, c.xSampling, c.ySampling, c.width, c.height]),
        [['BY', 2, 2, 34, 22], ['RY', 2, 2, 34, 22], ['Y', 1, 1, 68, 44]],
      );
      assertSameImage(back, part, compression, 'chroma');
      // A region with odd bounds keeps only the samples inside it.
      const region = readExr(writeExr(part), { region: { xMin: 13, yMin: -9, xMax: 40, yMax: 20 } });
      const ry = region.channels.find((c) => c.name === 'RY')!;
      assert.equal(ry.width, 14); // x = 14, 16, ..., 40
      assert.equal(ry.height, 15); // y = -8, -6, ..., 20
    });
  }

  it('writes several parts (scanline, mip-map, rip-map, deep scanline, deep tiled) and reads each back', () => {
    const parts: ExrWritePart[] = [
      { ...patternPart({ compression: 'zip', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half'] }), name: 'beauty' },
      { ...patternPart({ compression: 'zips', layout: layouts[2]!, lineOrder: 'increasingY', types: ['float'] }), name: 'mip' },
      { ...patternPart({ compression: 'rle', layout: layouts[4]!, lineOrder: 'increasingY', types: ['uint'] }), name: 'rip' },
      { ...deepPart({ compression: 'zips', tiled: false }), name: 'deep' },
      { ...deepPart({ compression: 'rle', tiled: true }), name: 'deepTiles' },
    ].map((p) => ({ ...p, displayWindow: { xMin: 0, yMin: 0, xMax: 99, yMax: 49 } }));
    const bytes = writeExr(parts);
    const header = readExrHeader(bytes);
    assert.equal(header.flags.multipart, true);
    assert.equal(header.flags.nonImage, true);
    assert.deepEqual(header.parts.map((p) => p.type), ['scanlineimage', 'tiledimage', 'tiledimage', 'deepscanline', 'deeptile']);
    for (const part of parts.slice(0, 3)) assertSameImage(readExr(bytes, { part: part.name!, allLevels: true }), part, part.compression!, part.name!);
    for (const part of parts.slice(3)) {
      const back = readExr(bytes, { part: part.name! });
      assert.deepEqual(back.deep!.sampleCounts, part.deep!.sampleCounts);
      back.deep!.channels.forEach((c, i) => assert.deepEqual(c.data, part.deep!.channels[i]!.data));
    }
  });

  for (const compression of ['none', 'rle', 'zips'] as const) {
    for (const tiled of [false, true]) {
      it(`deep ${tiled ? 'tiled' : 'scanline'} ${compression}`, () => {
        const part = deepPart({ compression, tiled });
        const bytes = writeExr(part);
        const back = readExr(bytes);
        assert.equal(back.type, tiled ? 'deeptile' : 'deepscanline');
        assert.deepEqual(back.deep!.sampleCounts, part.deep!.sampleCounts);
        assert.equal(back.deep!.totalSamples, part.deep!.totalSamples);
        back.deep!.channels.forEach((c, i) => {
          assert.equal(c.name, part.deep!.channels[i]!.name);
          assert.deepEqual(c.data, part.deep!.channels[i]!.data);
        });
        const header = readExrHeader(bytes).parts[0]!;
        let max = 0;
        for (const n of part.deep!.sampleCounts) max = Math.max(max, n);
        assert.equal(header.attributes.find((a) => a.name === 'maxSamplesPerPixel')?.value, max);
        assert.equal(header.attributes.find((a) => a.name === 'version')?.value, 1);
      });
    }
  }

  it('stores a chunk raw when packing does not make it smaller, and reads it back', () => {
    let seed = 7;
    const noise = new Uint32Array(64 * 16).map(() => (seed = (seed * 1103515245 + 12345) >>> 0));
    const bytes = writeExr({ width: 64, height: 16, compression: 'zip', channels: [{ name: 'n', data: noise }] });
    const header = readExrHeader(bytes);
    const tableAt = header.offsetTablesOffset;
    const chunkAt = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(tableAt, true));
    const packedSize = new DataView(bytes.buffer, bytes.byteOffset).getInt32(chunkAt + 4, true);
    assert.equal(packedSize, 64 * 16 * 4, 'incompressible chunk stored raw');
    assert.deepEqual(readExr(bytes).channels[0]!.data, noise);
  });

  it('converts channel data to the declared type', () => {
    const back = readExr(
      writeExr({
        width: 3,
        height: 1,
        channels: [
          { name: 'h', type: 'half', data: [0.5, 1, -2] },
          { name: 'f', type: 'float', data: new Uint16Array([0x3c00, 0x4000, 0xc000]) },
          { name: 'u', type: 'uint', data: new Float32Array([1.7, -3, 5]) },
        ],
      }),
    );
    assert.deepEqual(back.channels.map((c) => [c.name, c.type]), [['f', 'float'], ['h', 'half'], ['u', 'uint']]);
    assert.deepEqual(Array.from(back.channels[0]!.data), [1, 2, -2]);
    assert.deepEqual(Array.from(back.channels[1]!.data), [0x3800, 0x3c00, 0xc000]);
    assert.deepEqual(Array.from(back.channels[2]!.data), [1, 0, 5]);
  });

  it('takes the DWA quantization from the dwaCompressionLevel attribute', { skip: hasCompression('dwaa', true) ? false : 'needs DWAA' }, () => {
    const part = patternPart({ compression: 'dwaa', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half'] });
    const level = (value: number) => writeExr({ ...part, attributes: [{ name: 'dwaCompressionLevel', type: 'float', value }] });
    const fine = level(5);
    const coarse = level(500);
    assert.ok(coarse.byteLength < fine.byteLength, `level 500: ${coarse.byteLength} bytes, level 5: ${fine.byteLength}`);
    assert.equal(readExrHeader(coarse).parts[0]!.attributes.find((a) => a.name === 'dwaCompressionLevel')?.value, 500);
  });

  it('computes missing mip levels with a box filter and keeps given ones', () => {
    const width = 8;
    const data = new Float32Array(width * width).map((_, i) => i % width);
    const bytes = writeExr({ width, height: width, tiles: { xSize: 4, ySize: 4, levelMode: 'mipmap' }, channels: [{ name: 'x', data }] });
    const back = readExr(bytes, { allLevels: true });
    assert.deepEqual(back.levels!.map((l) => l.width), [8, 4, 2, 1]);
    assert.deepEqual(Array.from(back.levels![1]!.channels[0]!.data.subarray(0, 4)), [0.5, 2.5, 4.5, 6.5]);
    assert.deepEqual(Array.from(back.levels![3]!.channels[0]!.data), [3.5]);
  });

  it('refuses impossible models with EXR_BAD_ARGUMENT', () => {
    const ok = { width: 2, height: 2, channels: [{ name: 'Y', data: new Float32Array(4) }] };
    const cases: [string, ExrWritePart | ExrWritePart[], RegExp][] = [
      ['wrong sample count', { ...ok, channels: [{ name: 'Y', data: new Float32Array(3) }] }, /3 samples, expected 4/],
      ['duplicate channel', { ...ok, channels: [ok.channels[0]!, ok.channels[0]!] }, /given twice/],
      ['no channels', { ...ok, channels: [] }, /at least one channel/],
      ['no window', { channels: ok.channels }, /data window/],
      ['deep with zip', { ...deepPart({ compression: 'zips', tiled: false }), compression: 'zip' }, /only none, rle or zips/],
      ['tiled type without tiles', { ...ok, type: 'tiledimage' }, /needs 'tiles'/],
      ['subsampled tiles', { ...ok, tiles: { xSize: 2, ySize: 2 }, channels: [{ name: 'Y', data: new Float32Array(1), xSampling: 2, ySampling: 2 }] }, /sampling 1 x 1/],
      ['odd window with sampling', { width: 3, height: 2, channels: [{ name: 'C', data: new Float32Array(2), xSampling: 2 }] }, /multiples of the sampling/],
      ['same part names', [{ ...ok, name: 'a' }, { ...ok, name: 'a' }], /used twice/],
      ['pixelAspectRatio of another type', { ...ok, attributes: [{ name: 'pixelAspectRatio', type: 'double', value: 1 }] }, /must have type float/],
      ['no parts', [], /at least one part/],
    ];
    for (const [what, input, pattern] of cases) assert.throws(() => writeExr(input), expectCode('EXR_BAD_ARGUMENT', pattern), what);
  });

  it('refuses a method this build cannot compress with UNSUPPORTED_COMPRESSION', () => {
    const missing = EXR_COMPRESSIONS.find((c) => !hasCompression(c, true))!;
    assert.throws(
      () => writeExr({ width: 1, height: 1, compression: missing, channels: [{ name: 'Y', data: new Float32Array(1) }] }),
      expectCode('UNSUPPORTED_COMPRESSION', new RegExp(missing.toUpperCase())),
    );
  });
});

describe('real files: read, write, read again', { skip: noFixtures }, () => {
  const derived = new Set(['channels', 'compression', 'dataWindow', 'displayWindow', 'lineOrder', 'tiles', 'type', 'name', 'chunkCount', 'maxSamplesPerPixel']);
  for (const file of listFixtures()) {
    if (file.startsWith('openexr/invalid/') || BROKEN_FIXTURES[file] !== undefined) continue;
    const bytes = readFileSync(join(exrFixtures, file));
    const header = readExrHeader(bytes);
    const missing = compressionsOf(header).filter((c) => !hasCompression(c) || !hasCompression(c, true));
    const skip = missing.length > 0 ? `needs ${missing.join(', ')} (decode and encode), not in this build yet` : false;
    it(file, { skip }, () => {
      const parts = readExrParts(bytes, { allLevels: true });
      const again = writeExr(parts);
      const back = readExrHeader(again);
      assert.deepEqual(back.flags, header.flags, 'version flags');
      header.parts.forEach((part, p) => {
        const mine = back.parts[p]!;
        for (const key of ['name', 'type', 'channels', 'compression', 'dataWindow', 'displayWindow', 'lineOrder', 'tiles', 'chunkCount'] as const) {
          assert.deepEqual(mine[key], part[key], `part ${p}: ${key}`);
        }
        const keep = (list: ExrAttribute[]) => list.filter((a) => !derived.has(a.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
        const expected = keep(part.attributes).filter((a) => !(part.type.startsWith('deep') && a.name === 'version'));
        const got = keep(mine.attributes).filter((a) => !(part.type.startsWith('deep') && a.name === 'version'));
        assert.deepEqual(got, expected, `part ${p}: attributes`);
      });
      const reread = readExrParts(again, { allLevels: true });
      reread.forEach((image, p) => {
        const source = parts[p]!;
        if (source.deep !== undefined) {
          assert.deepEqual(image.deep!.sampleCounts, source.deep.sampleCounts);
          image.deep!.channels.forEach((c, i) => assert.deepEqual(c.data, source.deep!.channels[i]!.data));
          return;
        }
        // Lossy methods (DWA, B44, PXR24 floats) change values again when re-encoded.
        const compression = source.compression;
        image.channels.forEach((c, i) => equalSamples(c.data, source.channels[i]!.data, c.type, compression, `part ${p} ${c.name}`));
        image.levels?.forEach((l, i) =>
          l.channels.forEach((c, j) => equalSamples(c.data, source.levels![i]!.channels[j]!.data, c.type, compression, `part ${p} level ${i} ${c.name}`)),
        );
      });
    });
  }
});

