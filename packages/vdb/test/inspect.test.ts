/**
 * Lazy reading: the header from a prefix, inspection through a byte source that reads only the
 * header and the grid heads (a virtual 2 GB file costs a few kilobytes), one grid read from just
 * its byte range, values decoded only for the leaves touched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ByteReader } from '@vfxkit/core';
import { inspectVdb, inspectVdbAsync, openVdbGrid, readGridDescriptor, readGridHead, readVdb, readVdbGrid, readVdbHeader } from '@vfxkit/vdb';
import type { VdbAsyncByteSource, VdbByteSource } from '@vfxkit/vdb';
import { noFixtures, vdbFixtures } from './helpers.js';

/** A byte source that counts what it hands out. */
function counting(bytes: Uint8Array): VdbByteSource & { bytesRead: number; reads: number } {
  const source = {
    byteLength: bytes.length,
    bytesRead: 0,
    reads: 0,
    read(offset: number, length: number): Uint8Array {
      const out = bytes.subarray(offset, Math.min(bytes.length, offset + length));
      source.bytesRead += out.length;
      source.reads++;
      return out;
    },
  };
  return source;
}

const PAD = 2 ** 31;

/**
 * densityAndHeat.vdb with 2 GiB of zeros after the first grid's buffers: the first grid's end
 * offset and the second grid's offsets move by 2 GiB. Nothing is allocated; reads map back.
 */
function virtualTwoGigabyteFile(bytes: Uint8Array): VdbByteSource & { bytesRead: number } {
  const info = inspectVdb(bytes);
  const [first, second] = info.grids as [typeof info.grids[0], typeof info.grids[0]];
  const patched = bytes.slice();
  const view = new DataView(patched.buffer);
  view.setBigInt64(first.gridOffset - 8, BigInt(first.endOffset + PAD), true);
  for (let k = 0; k < 3; k++) view.setBigInt64(second.gridOffset - 24 + 8 * k, BigInt(Number(view.getBigInt64(second.gridOffset - 24 + 8 * k, true)) + PAD), true);
  const split = first.endOffset;
  const source = {
    byteLength: bytes.length + PAD,
    bytesRead: 0,
    read(offset: number, length: number): Uint8Array {
      const end = Math.min(offset + length, bytes.length + PAD);
      const out = new Uint8Array(end - offset);
      for (let at = offset; at < end; ) {
        if (at < split) {
          const n = Math.min(end, split) - at;
          out.set(patched.subarray(at, at + n), at - offset);
          at += n;
        } else if (at < split + PAD) {
          at = Math.min(end, split + PAD); // zeros
        } else {
          const n = end - at;
          out.set(patched.subarray(at - PAD, at - PAD + n), at - offset);
          at += n;
        }
      }
      source.bytesRead += out.length;
      return out;
    },
  };
  return source;
}

describe('lazy reading', { skip: noFixtures }, () => {
  const smoke = new Uint8Array(readFileSync(join(vdbFixtures, 'cortex/smoke.vdb')));
  const pair = new Uint8Array(readFileSync(join(vdbFixtures, 'openusd/densityAndHeat.vdb')));

  it('reads the header from the first bytes only', () => {
    const info = inspectVdb(smoke);
    const header = readVdbHeader(smoke.subarray(0, info.header.descriptorsOffset));
    assert.equal(header.gridCount, 1);
    assert.equal(header.fileVersion, 222);
    assert.deepEqual(header.libraryVersion, { major: 1, minor: 1 });
    assert.equal(header.hasGridOffsets, true);
    assert.match(header.uuid, /^[0-9A-Fa-f-]{36}$/);
    assert.equal(header.metadata['creator']!.value, 'Houdini/SOP_OpenVDB_Write');
  });

  it('reads descriptors and grid heads from small windows, then one grid from its byte range', async () => {
    const header = readVdbHeader(pair);
    const descriptor = readGridDescriptor(new ByteReader(pair.subarray(header.descriptorsOffset, header.descriptorsOffset + 200)), header, 0, header.descriptorsOffset);
    assert.equal(descriptor.name, 'density');
    const headBytes = pair.subarray(descriptor.gridOffset, descriptor.gridOffset + 4096);
    const head = readGridHead(new ByteReader(headBytes), descriptor, descriptor.gridOffset);
    assert.equal(head.transform.type, 'ScaleTranslateMap');
    // The second descriptor starts where the first grid ends.
    const next = readGridDescriptor(new ByteReader(pair.subarray(descriptor.endOffset)), header, 1, descriptor.endOffset);
    assert.equal(next.name, 'heat');
    // Read the grid from exactly its bytes.
    const range = pair.slice(descriptor.gridOffset, descriptor.endOffset);
    const grid = await readVdbGrid(range, head, { byteOffset: descriptor.gridOffset });
    const whole = (await readVdb(pair)).grids[0]!;
    assert.equal(grid.activeVoxelCount(), 6124);
    assert.deepEqual(grid.toDense().data, whole.toDense().data);
    await assert.rejects(readVdbGrid(range, head, { byteOffset: 0 }), /bytes given hold/);
  });

  it('inspects without reading trees', () => {
    const source = counting(smoke);
    const info = inspectVdb(source);
    assert.equal(info.grids[0]!.name, 'density');
    assert.equal(info.grids[0]!.fileVoxelCount, 1049275);
    assert.ok(source.bytesRead < 24 * 1024, `read ${source.bytesRead} of ${smoke.length} bytes`);
  });

  it('inspects a 2 GiB file reading kilobytes, and reads its second grid from its range', async () => {
    const source = virtualTwoGigabyteFile(pair);
    const started = performance.now();
    const info = inspectVdb(source);
    const elapsed = performance.now() - started;
    assert.equal(info.fileSize, pair.length + PAD);
    assert.deepEqual(info.grids.map((g) => g.name), ['density', 'heat']);
    assert.ok(info.grids[1]!.gridOffset > PAD);
    assert.ok(source.bytesRead < 48 * 1024, `read ${source.bytesRead} bytes`);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    const before = source.bytesRead;
    const heat = await readVdbGrid(source, info.grids[1]!);
    assert.equal(heat.activeVoxelCount(), 5224);
    assert.equal(source.bytesRead - before, info.grids[1]!.endOffset - info.grids[1]!.gridOffset);
  });

  it('inspects through an asynchronous source', async () => {
    const sync = counting(pair);
    const source: VdbAsyncByteSource = { byteLength: pair.length, read: async (offset, length) => sync.read(offset, length) };
    const info = await inspectVdbAsync(source);
    assert.deepEqual(info.grids.map((g) => g.name), ['density', 'heat']);
  });

  it('decodes only the leaves it touches', () => {
    const info = inspectVdb(smoke);
    const grid = openVdbGrid(smoke, info.grids[0]!);
    assert.equal(grid.tree.valuesLoaded, false);
    const value = grid.getValue(50, 100, 50);
    assert.equal(typeof value, 'number');
    let loaded = 0;
    for (let leaf = 0; leaf < grid.leafCount; leaf++) if (grid.tree.isLeafLoaded(leaf)) loaded++;
    assert.equal(loaded, 1);
    // Statistics that need no values do not load any.
    assert.equal(grid.activeVoxelCount(), 1049275);
    assert.deepEqual(grid.indexBoundingBox(), { min: [1, 2, 1], max: [111, 223, 112] });
    assert.equal(grid.tree.valuesLoaded, false);
    grid.loadValuesSync();
    assert.equal(grid.tree.valuesLoaded, true);
    assert.equal(grid.tree.pendingSource, undefined, 'the file bytes are released once every leaf is loaded');
  });
});
