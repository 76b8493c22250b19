/**
 * readExrChunks (chunk-by-chunk decoding for streaming consumers): planes rebuilt from the chunks it
 * hands over equal readExr's, byte for byte, for every flat part of every real file, for files
 * oiiotool writes in every compression (scanline and tiled, half and float) and for regions; a
 * chunk stored unpacked at an odd file offset gives its samples too (copied); damaged files fail
 * with readExr's codes, before any chunk when a leader is wrong; what the callback throws goes
 * through unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VfxError, floatToHalf } from '@vfxkit/core';
import { EXR_COMPRESSIONS, hasCompression, readExr, readExrChunks, readExrHeader, writeExr } from '@vfxkit/exr';
import type { Box2, ExrChannelData, ExrChunkReadOptions, ExrHeader } from '@vfxkit/exr';
import { BROKEN_FIXTURES, OIIO_PATTERN, compressionsOf, expectCode, exrFixtures, listFixtures, missingTool, noFixtures, run, tempDir } from './helpers.js';
import { deepPart, layouts, patternPart } from './patterns.js';

const dir = tempDir('vfxkit-exr-chunks-');
after(() => dir.remove());

const firstSample = (start: number, sampling: number): number => Math.ceil(start / sampling) * sampling;

/** The planes readExr would give for `options`, rebuilt from readExrChunks' chunks (region only);
 *  also how many samples rows were copies (not views into the chunk's bytes). */
function planesFromChunks(bytes: Uint8Array, options: ExrChunkReadOptions): { planes: ExrChannelData[]; chunks: number; copies: number; lastY: number[] } {
  let planes: ExrChannelData[] = [];
  let region: Box2 | undefined;
  let chunks = 0;
  let copies = 0;
  const lastY: number[] = [];
  const layout = readExrChunks(bytes, options, (chunk, layout) => {
    if (region === undefined) {
      region = layout.region;
      planes = layout.channels.map((c) => {
        const width = Math.floor(region!.xMax / c.xSampling) - Math.floor((region!.xMin - 1) / c.xSampling);
        const height = Math.floor(region!.yMax / c.ySampling) - Math.floor((region!.yMin - 1) / c.ySampling);
        const data = c.type === 'half' ? new Uint16Array(width * height) : c.type === 'float' ? new Float32Array(width * height) : new Uint32Array(width * height);
        return { name: c.name, type: c.type, pLinear: c.pLinear, xSampling: c.xSampling, ySampling: c.ySampling, width, height, data };
      });
    }
    chunks++;
    lastY.push(chunk.box.yMin);
    assert.ok(chunk.region.yMin >= chunk.box.yMin && chunk.region.yMax <= chunk.box.yMax && chunk.region.xMin >= chunk.box.xMin && chunk.region.xMax <= chunk.box.xMax);
    for (let y = chunk.box.yMin; y <= chunk.box.yMax; y++) {
      planes.forEach((plane, c) => {
        const row = chunk.samples(c, y);
        if (y % plane.ySampling !== 0) {
          assert.equal(row, undefined, `${plane.name}: no samples on line ${y}`);
          return;
        }
        assert.ok(row !== undefined, `${plane.name}: samples on line ${y}`);
        if (row.buffer !== chunk.bytes.buffer) copies++;
        const xs = plane.xSampling;
        const boxFirst = firstSample(chunk.box.xMin, xs);
        assert.equal(row.length, Math.floor(chunk.box.xMax / xs) - Math.floor((chunk.box.xMin - 1) / xs));
        if (y < chunk.region.yMin || y > chunk.region.yMax) return;
        const planeRow = (y - firstSample(region!.yMin, plane.ySampling)) / plane.ySampling;
        for (let x = firstSample(chunk.region.xMin, xs); x <= chunk.region.xMax; x += xs) {
          plane.data[planeRow * plane.width + (x - firstSample(region!.xMin, xs)) / xs] = row[(x - boxFirst) / xs]!;
        }
      });
    }
  });
  assert.equal(chunks, layout.chunkCount);
  return { planes, chunks, copies, lastY };
}

function assertSamePlanes(got: ExrChannelData[], expected: ExrChannelData[], what: string): void {
  assert.deepEqual(got.map((c) => [c.name, c.type, c.width, c.height]), expected.map((c) => [c.name, c.type, c.width, c.height]), what);
  got.forEach((c, i) => {
    const e = expected[i]!.data;
    assert.ok(Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength).equals(Buffer.from(e.buffer, e.byteOffset, e.byteLength)), `${what}: ${c.name} differs`);
  });
}

/** A region of about the middle half of `box`, with odd edges. */
function middleOf(box: Box2): Box2 {
  const w = box.xMax - box.xMin + 1;
  const h = box.yMax - box.yMin + 1;
  return { xMin: box.xMin + Math.floor(w / 4) + 1, xMax: box.xMin + Math.floor((3 * w) / 4), yMin: box.yMin + Math.floor(h / 4) + 1, yMax: box.yMin + Math.floor((3 * h) / 4) };
}

function headerOf(bytes: Uint8Array): ExrHeader | undefined {
  try {
    return readExrHeader(bytes);
  } catch {
    return undefined;
  }
}

describe('readExrChunks on every real file: the planes it gives are readExr\'s', { skip: noFixtures }, () => {
  for (const file of listFixtures()) {
    if (file.startsWith('openexr/invalid/') || BROKEN_FIXTURES[file] !== undefined) continue;
    const bytes = readFileSync(join(exrFixtures, file));
    const header = headerOf(bytes);
    const flat = header?.parts.filter((p) => p.type === 'scanlineimage' || p.type === 'tiledimage') ?? [];
    if (header === undefined || flat.length === 0) continue;
    const missing = compressionsOf(header).filter((c) => !hasCompression(c));
    it(file, { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false }, () => {
      for (const part of flat) {
        const whole = planesFromChunks(bytes, { part: part.index });
        assertSamePlanes(whole.planes, readExr(bytes, { part: part.index }).channels, `part ${part.index}`);
        // Chunks in offset-table order: increasing y.
        assert.ok(whole.lastY.every((y, i) => i === 0 || y >= whole.lastY[i - 1]!), `part ${part.index}: chunks in increasing y`);
        // A region, with some of the channels.
        const region = middleOf(part.dataWindow);
        const channels = part.channels.filter((_, i) => i % 2 === 0).map((c) => c.name);
        const some = planesFromChunks(bytes, { part: part.index, region, channels });
        assertSamePlanes(some.planes, readExr(bytes, { part: part.index, region, channels }).channels, `part ${part.index}, region`);
        assert.ok(some.chunks <= whole.chunks);
      }
    });
  }
});

describe('readExrChunks on files oiiotool writes', { skip: missingTool('oiiotool') }, () => {
  for (const compression of EXR_COMPRESSIONS.filter((c) => !c.startsWith('htj2k'))) {
    for (const tiled of [false, true]) {
      const what = `${compression} half ${tiled ? 'tiled' : 'scanline'}`;
      it(what, { skip: hasCompression(compression) ? false : `needs ${compression}` }, () => {
        const source = join(dir.path, `${what.replaceAll(' ', '_')}.exr`);
        const offset = tiled ? ['--tile', '32', '32'] : ['--origin', '+5+7', '--fullsize', '80x60+0+0'];
        const made = run('oiiotool', [...OIIO_PATTERN, ...offset, '-d', 'half', '--compression', compression, '-o', source]);
        assert.equal(made.status, 0, made.stderr);
        const bytes = readFileSync(source);
        assertSamePlanes(planesFromChunks(bytes, {}).planes, readExr(bytes).channels, what);
        const region = middleOf(readExrHeader(bytes).parts[0]!.dataWindow);
        assertSamePlanes(planesFromChunks(bytes, { region, channels: ['G', 'A'] }).planes, readExr(bytes, { region, channels: ['G', 'A'] }).channels, `${what}, region`);
      });
    }
  }
});

describe('readExrChunks', () => {
  const width = 37;
  const height = 21;
  const plane = (c: number) => Float32Array.from({ length: width * height }, (_, i) => ((i * 7 + c * 13) % 101) / 50);

  it('gives the samples of chunks stored unpacked at odd file offsets (copies), and of subsampled channels', () => {
    const channels = [
      { name: 'B', type: 'half' as const, data: plane(0) },
      { name: 'G', type: 'float' as const, data: plane(1) },
      { name: 'R', type: 'half' as const, data: plane(2) },
    ];
    // One of two header lengths a byte apart puts the chunks at odd offsets.
    let copies = 0;
    for (const comment of ['x', 'xy']) {
      const bytes = writeExr({ width, height, compression: 'none', channels, attributes: [{ name: 'comments', type: 'string', value: comment }] });
      const got = planesFromChunks(bytes, {});
      assertSamePlanes(got.planes, readExr(bytes).channels, `comment '${comment}'`);
      copies += got.copies;
    }
    assert.ok(copies > 0, 'some rows were unaligned (copied)');
    const subsampled = writeExr({
      width: 36,
      height: 20,
      compression: 'zip',
      channels: [
        { name: 'Y', type: 'half', data: new Uint16Array(36 * 20).map((_, i) => floatToHalf((i % 36) / 36)) },
        { name: 'RY', type: 'half', xSampling: 2, ySampling: 2, data: new Uint16Array(18 * 10).map((_, i) => floatToHalf(i / 180)) },
        { name: 'BY', type: 'half', xSampling: 2, ySampling: 2, data: new Uint16Array(18 * 10).map((_, i) => floatToHalf(1 - i / 180)) },
      ],
    });
    assertSamePlanes(planesFromChunks(subsampled, {}).planes, readExr(subsampled).channels, 'subsampled');
    // A level of a rip-map, and a region of it.
    const rip = writeExr(patternPart({ compression: 'zip', layout: layouts[4]!, lineOrder: 'increasingY', types: ['half', 'float', 'uint'] }));
    for (const level of [{ x: 1, y: 0 }, { x: 2, y: 1 }]) {
      assertSamePlanes(planesFromChunks(rip, { level }).planes, readExr(rip, { level }).channels, `level (${level.x}, ${level.y})`);
      const region = middleOf(readExr(rip, { level, channels: [] }).dataWindow);
      assertSamePlanes(planesFromChunks(rip, { level, region }).planes, readExr(rip, { level, region }).channels, `level (${level.x}, ${level.y}), region`);
    }
  });

  it("fails as readExr does: a damaged leader before any chunk is given, a damaged chunk at its turn, limits, parts it does not read; the callback's errors go through", () => {
    const bytes = writeExr({ width: 64, height: 64, compression: 'zip', channels: [{ name: 'R', type: 'half', data: new Float32Array(64 * 64).map((_, i) => (i % 64) / 64 + Math.sin(i)) }] });
    const header = readExrHeader(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const chunkAt = (i: number) => Number(view.getBigUint64(header.offsetTablesOffset + i * 8, true));
    // A leader that names another line: nothing is given.
    const badLeader = bytes.slice();
    new DataView(badLeader.buffer).setInt32(chunkAt(3), 999, true);
    let given = 0;
    assert.throws(() => readExrChunks(badLeader, {}, () => given++), expectCode('EXR_CORRUPT_CHUNK', /chunk 3.*leader says y 999/));
    assert.equal(given, 0);
    // Garbage inside chunk 2's data: chunks 0 and 1 are given, then readExr's error.
    const badData = bytes.slice();
    for (let i = chunkAt(2) + 8 + 2; i < chunkAt(2) + 8 + 40; i++) badData[i] = 0xa5;
    given = 0;
    assert.throws(() => readExrChunks(badData, {}, () => given++), (error: unknown) => {
      assert.ok(error instanceof VfxError);
      assert.throws(() => readExr(badData), (expected: unknown) => expected instanceof VfxError && expected.code === error.code && expected.message === error.message);
      assert.match(error.message, /chunk 2/);
      return true;
    });
    assert.equal(given, 2);
    // Limits and arguments, as readExr.
    assert.throws(() => readExrChunks(bytes, { maxPixels: 1000 }, () => undefined), expectCode('EXR_LIMIT', /4096 pixels exceed the limit of 1000/));
    assert.throws(() => readExrChunks(bytes, { channels: ['Z'] }, () => undefined), expectCode('EXR_BAD_ARGUMENT', /channel 'Z'/));
    assert.throws(() => readExrChunks(bytes, { part: 1 }, () => undefined), expectCode('EXR_BAD_ARGUMENT', /part 1 does not exist/));
    assert.throws(() => readExrChunks(bytes.subarray(0, chunkAt(3) + 20), {}, () => undefined), expectCode('EXR_TRUNCATED'));
    // A multi-part file: its image part reads (leaders name their part), its deep part is readExr's.
    const multi = writeExr([{ ...patternPart({ compression: 'zips', layout: layouts[0]!, lineOrder: 'decreasingY', types: ['half', 'float'] }), name: 'beauty' }, { ...deepPart({ compression: 'zips', tiled: false }), name: 'deep' }].map((p) => ({ ...p, displayWindow: { xMin: 0, yMin: 0, xMax: 99, yMax: 49 } })));
    const fromChunks = planesFromChunks(multi, { part: 'beauty' });
    assertSamePlanes(fromChunks.planes, readExr(multi, { part: 'beauty' }).channels, 'multi-part, decreasing y');
    assert.ok(fromChunks.lastY.every((y, i) => i === 0 || y > fromChunks.lastY[i - 1]!), 'increasing y whatever the line order');
    assert.throws(() => readExrChunks(multi, { part: 'deep' }, () => undefined), expectCode('EXR_BAD_ARGUMENT', /deepscanline part: readExrChunks reads scanline and tiled image parts/));
    // A sample row outside the chunk is a usage error; the callback's own error is not rewritten.
    assert.throws(() => readExrChunks(bytes, {}, (chunk) => chunk.samples(0, chunk.box.yMax + 1)), expectCode('EXR_BAD_ARGUMENT', /no samples of channel 0 on line/));
    assert.throws(() => readExrChunks(bytes, {}, (chunk) => chunk.samples(1, chunk.box.yMin)), expectCode('EXR_BAD_ARGUMENT'));
    const mine = new TypeError('stop here');
    assert.throws(() => readExrChunks(bytes, {}, () => { throw mine; }), (error: unknown) => error === mine);
  });
});
