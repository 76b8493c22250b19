/**
 * Bad input: truncated files, flipped bytes, lying counts and sizes, limits. Every failure must be
 * a VfxError with a VDB_ code (the right one where the damage is known), found before anything
 * larger than the bytes could hold is allocated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { VdbErrorCode, inspectVdb, openVdbGrid, readVdb, readVdbHeader, readVdbPoints, readVdbSync } from '@vfxkit/vdb';
import { noFixtures, random, vdbFixtures } from './helpers.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(vdbFixtures, name)));

/** Reads everything (grids, values, points); resolves to the error code or 'ok'. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const file = await readVdb(bytes);
    for (const grid of file.grids) {
      grid.activeVoxelCount();
      grid.minMax();
      if (grid.valueType === 'ptdataidx32') readVdbPoints(grid);
    }
    return 'ok';
  } catch (error) {
    if (!isVfxError(error)) throw new Error(`not a VfxError: ${String(error)}`, { cause: error });
    assert.match(error.code, /^VDB_/, `${error.code}: ${error.message}`);
    return error.code;
  }
}

function patch(bytes: Uint8Array, at: number, write: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  write(new DataView(copy.buffer, at));
  return copy;
}

function expectCode(work: () => unknown, code: string, message?: RegExp): void {
  try {
    work();
  } catch (error) {
    assert.ok(isVfxError(error), `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return;
  }
  assert.fail(`expected ${code}, but it read`);
}

describe('bad input', { skip: noFixtures }, () => {
  const files = ['gaffer/houdini_fog_sphere.vdb', 'openusd/densityAndHeat.vdb', 'oiio/sphereCd.vdb', 'cortex/points.vdb', 'cortex/sphere.vdb'];

  it('refuses non-VDB bytes, old versions and says when the header is cut', () => {
    expectCode(() => readVdbHeader(new TextEncoder().encode('not a vdb file at all')), VdbErrorCode.VDB_BAD_MAGIC, /magic number/);
    expectCode(() => readVdbHeader(new Uint8Array(0)), VdbErrorCode.VDB_TRUNCATED);
    const bytes = fixture('oiio/sphere.vdb');
    expectCode(() => readVdbHeader(bytes.subarray(0, 5)), VdbErrorCode.VDB_TRUNCATED);
    expectCode(() => readVdbHeader(bytes.subarray(0, 40)), VdbErrorCode.VDB_TRUNCATED);
    expectCode(() => readVdbHeader(patch(bytes, 8, (v) => v.setUint32(0, 219, true))), VdbErrorCode.VDB_UNSUPPORTED_VERSION, /219/);
    const future = readVdbHeader(patch(bytes, 8, (v) => v.setUint32(0, 300, true)));
    assert.match(future.warnings[0]!, /300 is newer/);
  });

  it('fails every cut of a file with VDB_TRUNCATED', async () => {
    for (const name of files) {
      const bytes = fixture(name);
      const rand = random(bytes.length);
      const cuts = new Set<number>([0, 7, 8, 12, 20, 21, 56, 57, 60, bytes.length - 1]);
      for (let i = 0; i < 60; i++) cuts.add(Math.floor(rand() * bytes.length));
      for (const cut of cuts) {
        const code = await outcome(bytes.subarray(0, cut));
        assert.equal(code, VdbErrorCode.VDB_TRUNCATED, `${name} cut at ${cut}`);
      }
    }
  });

  it('meets flipped bytes with a VDB_ error or a successful read, never anything else', async () => {
    const seen = new Map<string, number>();
    for (const name of files) {
      const bytes = fixture(name);
      const rand = random(bytes.length + 1);
      for (let i = 0; i < 80; i++) {
        const copy = bytes.slice();
        const flips = 1 + Math.floor(rand() * 4);
        // Bias towards the header and topology, where a flipped byte changes structure.
        const limit = rand() < 0.7 ? Math.min(bytes.length, 4096) : bytes.length;
        for (let f = 0; f < flips; f++) copy[Math.floor(rand() * limit)] ^= 1 << Math.floor(rand() * 8);
        const code = await outcome(copy);
        seen.set(code, (seen.get(code) ?? 0) + 1);
      }
    }
    assert.ok(seen.size > 1, `outcomes: ${[...seen].join(', ')}`);
  });

  it('does not believe lying node counts: VDB_TRUNCATED before allocating', () => {
    const bytes = fixture('openusd/densityAndHeat.vdb');
    const grid = inspectVdb(bytes).grids[0]!;
    // Topology: int32 buffer count, float background, uint32 tile count, uint32 child count.
    const tiles = grid.topologyOffset + 8;
    const before = process.memoryUsage().arrayBuffers;
    expectCode(() => openVdbGrid(patch(bytes, tiles, (v) => v.setUint32(0, 0xfffffff0, true)), grid), VdbErrorCode.VDB_TRUNCATED, /declares 4294967280 tiles/);
    expectCode(() => openVdbGrid(patch(bytes, tiles + 4, (v) => v.setUint32(0, 1 << 30, true)), grid), VdbErrorCode.VDB_TRUNCATED, /children/);
    // The first internal node's child mask (after the child's origin) claiming all 32^3 children.
    const childMask = tiles + 8 + 12;
    const all = bytes.slice();
    all.fill(0xff, childMask, childMask + 4096);
    expectCode(() => openVdbGrid(all, grid), VdbErrorCode.VDB_TRUNCATED, /32768 children/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'no large allocation');
  });

  it('does not believe lying sizes in metadata, strings, descriptors and chunks', () => {
    const bytes = fixture('openusd/densityAndHeat.vdb');
    const header = readVdbHeader(bytes);
    // The file metadata count sits right after the 36-byte UUID (offset 21 + 36 = 57).
    expectCode(() => readVdbHeader(patch(bytes, 57, (v) => v.setUint32(0, 0x7fffffff, true))), VdbErrorCode.VDB_TRUNCATED, /entries/);
    // The first descriptor's name length.
    expectCode(() => inspectVdb(patch(bytes, header.descriptorsOffset, (v) => v.setUint32(0, 0x7fffffff, true))), VdbErrorCode.VDB_CORRUPT, /grid name/);
    // The grid end offset pointing past the file.
    const grid = inspectVdb(bytes).grids[0]!;
    const offsets = grid.gridOffset - 24;
    expectCode(() => inspectVdb(patch(bytes, offsets + 16, (v) => v.setBigInt64(0, 1n << 40n, true))), VdbErrorCode.VDB_TRUNCATED, /ends at byte/);
    expectCode(() => inspectVdb(patch(bytes, offsets, (v) => v.setBigInt64(0, -5n, true))), VdbErrorCode.VDB_CORRUPT, /offsets/);
    // A leaf chunk claiming more compressed bytes than the file has.
    const opened = openVdbGrid(bytes, grid);
    const record = opened.tree.pendingSource!.records[0]!;
    const size = record + 64 + 1; // mask, code 0 (no inactive values stored), then the int64 size
    const lying = patch(bytes, size, (v) => v.setBigInt64(0, 1n << 33n, true));
    expectCode(() => openVdbGrid(lying, grid), VdbErrorCode.VDB_TRUNCATED, /compressed bytes/);
    // A raw chunk of the wrong size, and a damaged Blosc frame.
    expectCode(() => openVdbGrid(patch(bytes, size, (v) => v.setBigInt64(0, -7n, true)), grid), VdbErrorCode.VDB_CORRUPT, /stored raw/);
    const frame = patch(bytes, size + 8 + 12, (v) => v.setInt32(0, 3, true)); // blosc compressed size < 16
    expectCode(() => openVdbGrid(frame, grid).loadValuesSync(), VdbErrorCode.VDB_CORRUPT, /blosc/);
  });

  it('refuses unknown grid types and map types with clear codes', () => {
    const bytes = fixture('oiio/sphere.vdb');
    const header = readVdbHeader(bytes);
    const text = new TextDecoder('latin1').decode(bytes);
    const typeAt = text.indexOf('Tree_float_5_4_3', header.descriptorsOffset);
    const renamed = bytes.slice();
    renamed.set(new TextEncoder().encode('Tree_quat_5_4_3_'), typeAt); // same length
    const info = inspectVdb(renamed);
    expectCode(() => openVdbGrid(renamed, info.grids[0]!), VdbErrorCode.VDB_UNSUPPORTED_TYPE, /quat/);
    const mapAt = text.indexOf('UniformScaleMap');
    const unmapped = bytes.slice();
    unmapped.set(new TextEncoder().encode('UniformScaleMop'), mapAt);
    expectCode(() => inspectVdb(unmapped), VdbErrorCode.VDB_UNSUPPORTED, /UniformScaleMop/);
    const coded = patch(bytes, inspectVdb(bytes).grids[0]!.gridOffset, (v) => v.setUint32(0, 99, true));
    expectCode(() => inspectVdb(coded), VdbErrorCode.VDB_CORRUPT, /compression flags 99/);
  });

  it('applies maxVoxels, maxNodes and maxPoints before allocating', async () => {
    const bytes = fixture('cortex/smoke.vdb');
    const info = inspectVdb(bytes);
    expectCode(() => openVdbGrid(bytes, info.grids[0]!, { maxVoxels: 1000 }), VdbErrorCode.VDB_LIMIT, /maxVoxels/);
    expectCode(() => openVdbGrid(bytes, info.grids[0]!, { maxNodes: 100 }), VdbErrorCode.VDB_LIMIT, /maxNodes/);
    await assert.rejects(readVdb(fixture('cortex/points.vdb'), { maxPoints: 3 }), (error: unknown) => isVfxError(error) && error.code === VdbErrorCode.VDB_LIMIT);
    expectCode(() => readVdbSync(bytes, { grids: ['nope'] }), VdbErrorCode.VDB_BAD_ARGUMENT, /no grid named 'nope'/);
  });

  it('names the grid and offset in errors', () => {
    const bytes = fixture('openusd/densityAndHeat.vdb');
    const grid = inspectVdb(bytes).grids[1]!;
    const tiles = grid.topologyOffset + 8;
    try {
      openVdbGrid(patch(bytes, tiles, (v) => v.setUint32(0, 0xfffffff0, true)), grid);
      assert.fail('read');
    } catch (error) {
      assert.ok(isVfxError(error));
      assert.equal(error.location, 'heat');
      assert.equal(error.offset, tiles);
      assert.equal(error.category, 'corrupt');
    }
  });
});
