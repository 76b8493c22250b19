/**
 * Hostile and broken input: every failure must be a VfxError with an EXR code, found quickly and
 * before allocating more than the bytes present could justify.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter, isVfxError } from '@vfxkit/core';
import { ExrErrorCode, readExr, readExrHeader, readExrParts, writeExr } from '@vfxkit/exr';
import type { ExrWritePart } from '@vfxkit/exr';
import { deepPart, layouts, patternPart } from './patterns.js';

const EXR_CODES = new Set<string>(Object.values(ExrErrorCode));

/** Runs `work`; it may succeed or throw, but only a VfxError with an EXR code. */
function survives(work: () => unknown, what: string): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    assert.ok(isVfxError(error), `${what}: threw ${String(error)} (${(error as Error)?.stack})`);
    assert.ok(EXR_CODES.has(error.code), `${what}: code ${error.code} is not an EXR code`);
    return error.code;
  }
}

function header(attributes: [string, string, Uint8Array][], version = 2): ByteWriter {
  const w = new ByteWriter();
  w.i32(20000630).u32(version);
  for (const [name, type, value] of attributes) w.cstring(name).cstring(type).i32(value.byteLength).bytes(value);
  return w.u8(0);
}
const ints = (...v: number[]) => {
  const w = new ByteWriter();
  v.forEach((x) => w.i32(x));
  return w.toBytes();
};
const floats = (...v: number[]) => {
  const w = new ByteWriter();
  v.forEach((x) => w.f32(x));
  return w.toBytes();
};
const channel = (name: string, type = 1) => {
  const w = new ByteWriter();
  return w.cstring(name).i32(type).u32(0).i32(1).i32(1).u8(0).toBytes();
};
function hugeWindowFile(compression: number, tiles?: Uint8Array): Uint8Array {
  const attributes: [string, string, Uint8Array][] = [
    ['channels', 'chlist', channel('R')],
    ['compression', 'compression', new Uint8Array([compression])],
    ['dataWindow', 'box2i', ints(0, 0, 999_999_999, 999_999_999)],
    ['displayWindow', 'box2i', ints(0, 0, 999_999_999, 999_999_999)],
    ['lineOrder', 'lineOrder', new Uint8Array([0])],
    ['pixelAspectRatio', 'float', floats(1)],
    ['screenWindowCenter', 'v2f', floats(0, 0)],
    ['screenWindowWidth', 'float', floats(1)],
  ];
  if (tiles !== undefined) attributes.push(['tiles', 'tiledesc', tiles]);
  const w = header(attributes, tiles === undefined ? 2 : 0x202);
  while (w.length < 1024) w.u8(0);
  return w.toBytes();
}

describe('hostile declared sizes', () => {
  it('a 1e9 x 1e9 data window in a 1 kB file fails before allocating', () => {
    const bytes = hugeWindowFile(3);
    assert.equal(bytes.byteLength, 1024);
    const start = performance.now();
    assert.equal(readExrHeader(bytes).parts[0]!.dataWindow.xMax, 999_999_999);
    assert.equal(survives(() => readExr(bytes), 'default limits'), 'EXR_LIMIT');
    // With the pixel limit lifted, the offset table (62.5 million entries) is not in the file.
    assert.equal(survives(() => readExr(bytes, { maxPixels: Infinity }), 'no pixel limit'), 'EXR_TRUNCATED');
    // A one-row region still needs its chunk, which is not there either.
    assert.equal(survives(() => readExr(bytes, { region: { xMin: 0, yMin: 0, xMax: 9, yMax: 0 } }), 'region'), 'EXR_TRUNCATED');
    assert.ok(performance.now() - start < 200, 'fails fast');
  });

  it('a tiled file declaring one gigantic tile fails before allocating', () => {
    const tiles = new ByteWriter().u32(536_000_000).u32(536_000_000).u8(0).toBytes();
    const bytes = hugeWindowFile(0, tiles);
    // Tile 0 points inside the file: its leader and packed size cannot hold the
    // declared 5.7e17 bytes (4 tiles of 536M x 536M).
    const table = readExrHeader(bytes).offsetTablesOffset;
    const patched = bytes.slice();
    const view = new DataView(patched.buffer);
    view.setBigUint64(table, BigInt(table + 8), true);
    view.setInt32(table + 8 + 16, 100, true); // packed size 100
    assert.equal(survives(() => readExr(patched, { maxPixels: Infinity }), 'huge tile'), 'EXR_CORRUPT_CHUNK');
  });

  it('a chunk claiming more unpacked data than its packed bytes can hold is corrupt', () => {
    const part: ExrWritePart = { width: 4000, height: 1, compression: 'rle', channels: [{ name: 'Y', data: new Float32Array(4000) }] };
    const bytes = writeExr(part);
    // 16000 zero bytes pack into a few RLE runs; claim a 10-byte packed size instead.
    const table = readExrHeader(bytes).offsetTablesOffset;
    const chunk = Number(new DataView(bytes.buffer).getBigUint64(table, true));
    const patched = bytes.slice();
    new DataView(patched.buffer).setInt32(chunk + 4, 10, true);
    assert.equal(survives(() => readExr(patched), 'rle ratio'), 'EXR_CORRUPT_CHUNK');
  });

  it('deep chunks claiming impossible sample data are corrupt', () => {
    const bytes = writeExr(deepPart({ compression: 'zips', tiled: false }));
    const table = readExrHeader(bytes).offsetTablesOffset;
    const chunk = Number(new DataView(bytes.buffer).getBigUint64(table, true));
    const patched = bytes.slice();
    new DataView(patched.buffer).setBigUint64(chunk + 4 + 16, 10n ** 15n, true); // unpacked sample data size
    assert.equal(survives(() => readExr(patched), 'deep size'), 'EXR_CORRUPT_CHUNK');
  });

  it('an offset table entry of 0 (an unfinished file) is EXR_TRUNCATED, a wild one EXR_CORRUPT_CHUNK', () => {
    const bytes = writeExr(patternPart({ compression: 'zip', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half'] }));
    const table = readExrHeader(bytes).offsetTablesOffset;
    const zeroed = bytes.slice();
    new DataView(zeroed.buffer).setBigUint64(table + 8, 0n, true);
    assert.equal(survives(() => readExr(zeroed), 'zero offset'), 'EXR_TRUNCATED');
    const wild = bytes.slice();
    new DataView(wild.buffer).setBigUint64(table + 8, 12n, true);
    assert.equal(survives(() => readExr(wild), 'offset inside the header'), 'EXR_CORRUPT_CHUNK');
    const far = bytes.slice();
    new DataView(far.buffer).setBigUint64(table + 8, 2n ** 60n, true);
    assert.equal(survives(() => readExr(far), 'offset beyond 2^53'), 'EXR_CORRUPT_CHUNK');
  });

  it('reads raw chunks whatever the method, even one this build cannot decode', () => {
    // Incompressible noise written with ZIP (16 lines per chunk) is stored raw; relabelled as
    // PXR24 (also 16 lines per chunk) every chunk still has packed size == unpacked size.
    let seed = 99;
    const noise = new Uint32Array(37 * 40).map(() => (seed = (seed * 1103515245 + 12345) >>> 0));
    const bytes = writeExr({ width: 37, height: 40, compression: 'zip', channels: [{ name: 'n', data: noise }] });
    const relabelled = bytes.slice();
    relabelled[findAttributeValue(bytes, 'compression')] = 5;
    const image = readExr(relabelled);
    assert.equal(image.compression, 'pxr24');
    assert.deepEqual(image.channels[0]!.data, noise);
  });
});

/** Byte offset of an attribute's value in a single-part file. */
function findAttributeValue(bytes: Uint8Array, name: string): number {
  const needle = new TextEncoder().encode(`${name}\0`);
  for (let i = 8; i < bytes.length - needle.length; i++) {
    if (needle.every((b, k) => bytes[i + k] === b)) {
      let j = i + needle.length;
      while (bytes[j] !== 0) j++;
      return j + 1 + 4;
    }
  }
  throw new Error(`${name} not found`);
}

describe('truncation and corruption', () => {
  const samples: [string, Uint8Array][] = [
    ['scanline rle', writeExr({ ...patternPart({ compression: 'rle', layout: layouts[0]!, lineOrder: 'increasingY', types: ['half', 'uint'] }) })],
    ['tiled mipmap zip', writeExr(patternPart({ compression: 'zip', layout: layouts[2]!, lineOrder: 'increasingY', types: ['float'] }))],
    ['deep zips', writeExr(deepPart({ compression: 'zips', tiled: true }))],
    [
      'multi-part',
      writeExr([
        { ...patternPart({ compression: 'zips', layout: layouts[1]!, lineOrder: 'increasingY', types: ['half'] }), name: 'a' },
        { ...deepPart({ compression: 'rle', tiled: false }), name: 'b', displayWindow: { xMin: 0, yMin: 0, xMax: 99, yMax: 49 } },
      ]),
    ],
  ];

  for (const [what, bytes] of samples) {
    it(`${what}: every prefix fails with an EXR code`, () => {
      const step = Math.max(1, Math.floor(bytes.byteLength / 1500));
      for (let length = 0; length < bytes.byteLength; length += step) {
        const prefix = bytes.slice(0, length);
        const code = survives(() => readExrParts(prefix, { allLevels: true }), `${what} cut at ${length}`);
        assert.ok(code !== undefined, `${what} cut at ${length} bytes read without error`);
      }
    });

    it(`${what}: random byte damage never crashes or hangs`, () => {
      let seed = 12345;
      const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
      const start = performance.now();
      for (let round = 0; round < 300; round++) {
        const damaged = bytes.slice();
        const hits = 1 + Math.floor(random() * 4);
        for (let k = 0; k < hits; k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
        survives(() => readExrParts(damaged, { allLevels: true, maxPixels: 1 << 22, maxSamples: 1 << 20 }), `${what} round ${round}`);
      }
      assert.ok(performance.now() - start < 20_000);
    });
  }
});
