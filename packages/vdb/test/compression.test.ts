/**
 * The Blosc decoder against c-blosc itself (numcodecs' WebAssembly build encodes): every
 * compressor, shuffle mode, type size and size class; frames it leaves to the asynchronous path
 * (zstd, bit-shuffle) must say so and still decode through `bloscDecompress`. Then a real file
 * whose leaf buffers are re-encoded with zstd: sync reading fails with VDB_NEEDS_ASYNC, async
 * reading gives the same grid.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Blosc from 'numcodecs/blosc';
import { isVfxError } from '@vfxkit/core';
import { VdbErrorCode, bloscDecompress, bloscDecompressSync, inspectVdb, openVdbGrid, readBloscHeader, readVdbGrid } from '@vfxkit/vdb';
import { noFixtures, random, vdbFixtures } from './helpers.js';

type Codec = { encode(data: Uint8Array): Promise<Uint8Array> | Uint8Array };

function codec(cname: string, shuffle: number, blocksize = 0, clevel = 5): Codec {
  return Blosc.fromConfig({ id: 'blosc', cname, clevel, shuffle, blocksize }) as unknown as Codec;
}

// numcodecs passes bytes to c-blosc with a type size of 4, the one OpenVDB uses
// (`bloscCompress` in io/Compression.cc hard-codes sizeof(float)).

/** Test data: smooth floats (compress well), noise (compresses badly), runs and zeros. */
function samples(): Record<string, Uint8Array> {
  const rand = random(3);
  const smooth = new Float32Array(3000).map((_, i) => Math.sin(i / 30) * 10);
  const noise = new Uint8Array(5000).map(() => Math.floor(rand() * 256));
  const runs = new Uint8Array(4096).map((_, i) => (Math.floor(i / 97) % 3) * 40);
  const big = new Float64Array(70000).map((_, i) => Math.floor(i / 7) + (i % 5) * 0.25);
  return {
    empty: new Uint8Array(0),
    one: Uint8Array.of(42),
    tiny: new Uint8Array(100).map((_, i) => i),
    smooth: new Uint8Array(smooth.buffer),
    noise,
    runs,
    zeros: new Uint8Array(12288),
    big: new Uint8Array(big.buffer),
  };
}

describe('blosc decoder', () => {
  const data = samples();

  for (const cname of ['lz4', 'lz4hc', 'blosclz', 'zlib', 'zstd']) {
    it(`decodes what c-blosc writes with ${cname}`, async () => {
      for (const shuffle of [0, 1, 2]) {
        for (const blocksize of [0, 256]) {
          for (const [name, bytes] of Object.entries(data)) {
            const frame = await codec(cname, shuffle, blocksize).encode(bytes);
            const header = readBloscHeader(frame);
            const sync = bloscDecompressSync(frame, bytes.length);
            const needsAsync = header.compressor === 'zstd' || (shuffle === 2 && (header.flags & 0x4) !== 0 && header.blockSize >= header.typeSize && !(header.flags & 0x2));
            const what = `${cname} shuffle ${shuffle} block ${blocksize} ${name}`;
            if (sync === undefined) assert.ok(needsAsync, `${what}: sync decoder declined`);
            else assert.deepEqual(sync, bytes, what);
            assert.deepEqual(await bloscDecompress(frame, bytes.length), bytes, `${what} (async)`);
          }
        }
      }
    });
  }

  it('throws on damaged frames instead of reading out of bounds', async () => {
    const frame = await codec('lz4', 1).encode(data['smooth']!);
    assert.throws(() => bloscDecompressSync(frame.subarray(0, 10)), /shorter than its 16-byte header/);
    assert.throws(() => bloscDecompressSync(frame.subarray(0, frame.length - 5)), /declares/);
    assert.throws(() => bloscDecompressSync(frame, 17), /expected 17/);
    const rand = random(5);
    let failures = 0;
    for (let i = 0; i < 300; i++) {
      const copy = frame.slice();
      copy[16 + Math.floor(rand() * (copy.length - 16))] ^= 1 << Math.floor(rand() * 8);
      try {
        bloscDecompressSync(copy, data['smooth']!.length);
      } catch (error) {
        assert.ok(error instanceof Error && !(error instanceof RangeError), String(error));
        failures++;
      }
    }
    assert.ok(failures > 0);
  });
});

/** Rewrites a single-grid file, re-encoding every leaf's Blosc chunk with `encode`. */
async function reencodeLeaves(bytes: Uint8Array, encode: (data: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const info = inspectVdb(bytes);
  assert.equal(info.grids.length, 1);
  const grid = info.grids[0]!;
  const opened = openVdbGrid(bytes, grid);
  const records = [...opened.tree.pendingSource!.records].sort((a, b) => a - b);
  const parts: Uint8Array[] = [bytes.subarray(0, records[0])];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  records.forEach((record, n) => {
    // mask (64), code, then (for these files: codes 0, 1, 3 store no inactive value) maybe a selection mask.
    const code = bytes[record + 64]!;
    let at = record + 65 + (code === 3 || code === 4 || code === 5 ? 64 : 0) + (code === 2 || code === 4 || code === 5 ? 4 : 0) + (code === 5 ? 4 : 0);
    const size = Number(view.getBigInt64(at, true));
    parts.push(bytes.subarray(record, at));
    at += 8;
    const end = n + 1 < records.length ? records[n + 1]! : grid.endOffset;
    parts.push(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0)); // size, patched below
    parts.push(bytes.subarray(at, at + size));
    assert.equal(at + size, end);
  });
  parts.push(bytes.subarray(grid.endOffset));
  // Re-encode the chunks (every third part is a frame), patch sizes and the grid end offset.
  for (let p = 2; p < parts.length - 1; p += 3) {
    const frame = parts[p + 1]!;
    if (frame.length === 0) continue;
    const decoded = bloscDecompressSync(frame)!;
    const encoded = await encode(decoded);
    parts[p + 1] = encoded;
    const size = new Uint8Array(8);
    new DataView(size.buffer).setBigInt64(0, BigInt(encoded.length), true);
    parts[p] = size;
  }
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  new DataView(out.buffer).setBigInt64(grid.gridOffset - 8, BigInt(grid.endOffset + total - bytes.length), true);
  return out;
}

describe('zstd Blosc data in a real file', { skip: noFixtures }, () => {
  it('needs the async reader, which reads it exactly', async () => {
    const original = new Uint8Array(readFileSync(join(vdbFixtures, 'openusd/smoke_000002.vdb')));
    const zstd = codec('zstd', 1, 0, 5);
    const bytes = await reencodeLeaves(original, (data) => Promise.resolve(zstd.encode(data)));
    const info = inspectVdb(bytes);
    const lazy = openVdbGrid(bytes, info.grids[0]!);
    assert.throws(
      () => lazy.loadValuesSync(),
      (error: unknown) => isVfxError(error) && error.code === VdbErrorCode.VDB_NEEDS_ASYNC && /zstd/.test(error.message) && error.location === 'density',
    );
    const grid = await readVdbGrid(bytes, info.grids[0]!);
    const reference = await readVdbGrid(original, inspectVdb(original).grids[0]!);
    assert.deepEqual(grid.toDense({ step: 1 }).data, reference.toDense({ step: 1 }).data);
    // The lazy grid finishes loading asynchronously too.
    await lazy.loadValues();
    assert.deepEqual(lazy.toDense({ step: 1 }).data, reference.toDense({ step: 1 }).data);
  });
});
