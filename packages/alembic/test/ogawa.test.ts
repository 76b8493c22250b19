/**
 * The Ogawa container: header checks, lazy groups and data, the writer's layout against what
 * OStream/OGroup/OData in alembic/alembic lay out, and hostile trees (cycles, shared groups,
 * positions outside the file, lying sizes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbcErrorCode, OgawaArchive, OgawaWriter, readOgawaHeader, writeOgawa, isOgawa, isHdf5 } from '@vfxkit/alembic';
import { errorOf } from './helpers/fixtures.js';

const u8 = (...values: number[]): Uint8Array => new Uint8Array(values);

function u64(view: DataView, at: number): bigint {
  return view.getBigUint64(at, true);
}

describe('Ogawa header', () => {
  it('reads 16 header bytes alone: magic, frozen flag, version, root position', () => {
    const bytes = u8(0x4f, 0x67, 0x61, 0x77, 0x61, 0xff, 0, 1, 0x40, 0, 0, 0, 0, 0, 0, 0);
    assert.deepEqual(readOgawaHeader(bytes), { frozen: true, version: 1, rootPosition: 64 });
    assert.equal(isOgawa(bytes), true);
  });

  it('refuses HDF5 archives by name, with the conversion to use', () => {
    const hdf5 = u8(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0);
    assert.equal(isHdf5(hdf5), true);
    const error = errorOf(() => readOgawaHeader(hdf5));
    assert.equal(error.code, AbcErrorCode.ABC_HDF5);
    assert.match(error.message, /HDF5 Alembic archive/);
    assert.match(error.message, /abcconvert/);
    assert.equal(error.category, 'unsupported');
  });

  it('refuses other files quoting what it found', () => {
    const error = errorOf(() => readOgawaHeader(new TextEncoder().encode('#usda 1.0\n')));
    assert.equal(error.code, AbcErrorCode.ABC_NOT_OGAWA);
    assert.match(error.message, /expected the Ogawa magic "Ogawa", found "#usda 1\."/);
  });

  it('reports a header cut short as truncated', () => {
    assert.equal(errorOf(() => readOgawaHeader(u8(0x4f, 0x67))).code, AbcErrorCode.ABC_TRUNCATED);
    assert.equal(errorOf(() => readOgawaHeader(u8(0x4f, 0x67, 0x61, 0x77, 0x61, 0xff, 0, 1))).code, AbcErrorCode.ABC_TRUNCATED);
  });

  it('refuses versions other than 1 and archives the writer never finished', () => {
    const v2 = u8(0x4f, 0x67, 0x61, 0x77, 0x61, 0xff, 0, 2, 16, 0, 0, 0, 0, 0, 0, 0);
    const error = errorOf(() => readOgawaHeader(v2));
    assert.equal(error.code, AbcErrorCode.ABC_UNSUPPORTED_VERSION);
    assert.match(error.message, /version 2/);
    const open = u8(0x4f, 0x67, 0x61, 0x77, 0x61, 0x00, 0, 1, 16, 0, 0, 0, 0, 0, 0, 0);
    assert.equal(errorOf(() => readOgawaHeader(open)).code, AbcErrorCode.ABC_INCOMPLETE);
  });
});

describe('Ogawa writer lays bytes out as the C++ library does', () => {
  it('writes data when added and group tables when frozen, patching the root position last', () => {
    // root: [data "ab", group [data 0x01], empty data, empty group]
    const writer = new OgawaWriter();
    const d = writer.root.addData(u8(0x61, 0x62));
    const child = writer.root.addGroup();
    child.addData(u8(1));
    writer.root.addEmptyData();
    writer.root.addEmptyGroup();
    child.freeze();
    const bytes = writer.finish();
    const view = new DataView(bytes.buffer);
    // Header: magic, frozen 0xff, version 0 1.
    assert.deepEqual([...bytes.subarray(0, 8)], [0x4f, 0x67, 0x61, 0x77, 0x61, 0xff, 0, 1]);
    // 16: data "ab" (size 2), 26: data 0x01 (size 1), 35: child table (1 entry), 51: root table.
    assert.equal(d.position, 16);
    assert.equal(u64(view, 16), 2n);
    assert.equal(u64(view, 26), 1n);
    assert.equal(u64(view, 35), 1n);
    assert.equal(u64(view, 43), (1n << 63n) | 26n);
    assert.equal(u64(view, 8), 51n);
    assert.equal(u64(view, 51), 4n);
    assert.equal(u64(view, 59), (1n << 63n) | 16n);
    assert.equal(u64(view, 67), 35n);
    assert.equal(u64(view, 75), 1n << 63n);
    assert.equal(u64(view, 83), 0n);
    assert.equal(bytes.byteLength, 91);
  });

  it('patches a parent that froze before its child, in the file', () => {
    const writer = new OgawaWriter();
    const child = writer.root.addGroup();
    const grandchild = child.addGroup();
    child.freeze(); // table written with a 0 entry for the grandchild
    grandchild.addData(u8(7));
    grandchild.freeze(); // patches the child's table in place
    const archive = new OgawaArchive(writer.finish());
    const g = archive.root.group(0).group(0);
    assert.equal(g.childCount, 1);
    assert.deepEqual([...g.data(0).bytes()], [7]);
  });

  it('round-trips a tree through writeOgawa and OgawaArchive', () => {
    const bytes = writeOgawa([u8(1, 2, 3), [u8(4), [], u8()], u8()]);
    const archive = new OgawaArchive(bytes);
    const root = archive.root;
    assert.equal(root.childCount, 3);
    assert.equal(root.isData(0), true);
    assert.deepEqual([...root.data(0).bytes()], [1, 2, 3]);
    const group = root.group(1);
    assert.equal(group.childCount, 3);
    assert.deepEqual([...group.data(0).bytes()], [4]);
    assert.equal(group.isEmptyGroup(1), true, 'a group frozen empty is the empty group');
    assert.equal(group.group(1).childCount, 0);
    assert.equal(group.isEmptyData(2), true, 'an empty block is the empty data entry');
    assert.equal(root.data(2).size, 0);
    // Asking a data entry for a group (and the reverse) is an error, not a misread.
    assert.equal(errorOf(() => root.group(0)).code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(errorOf(() => root.data(1)).code, AbcErrorCode.ABC_CORRUPT);
  });
});

/** A hand-made archive: header + root group whose entries are given. */
function handMade(entries: bigint[], extra: Uint8Array = new Uint8Array(0), rootAt = 16 + extra.byteLength): Uint8Array {
  const bytes = new Uint8Array(16 + extra.byteLength + 8 + entries.length * 8);
  bytes.set([0x4f, 0x67, 0x61, 0x77, 0x61, 0xff, 0, 1]);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(8, BigInt(rootAt), true);
  bytes.set(extra, 16);
  view.setBigUint64(16 + extra.byteLength, BigInt(entries.length), true);
  entries.forEach((e, i) => view.setBigUint64(16 + extra.byteLength + 8 + i * 8, e, true));
  return bytes;
}

describe('hostile Ogawa trees', () => {
  it('refuses a group that contains itself (a cycle)', () => {
    const bytes = handMade([16n]);
    const error = errorOf(() => new OgawaArchive(bytes).root.group(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /reached a second time/);
  });

  it('refuses a longer cycle', () => {
    // root(16) -> A(32) -> root
    const a = new Uint8Array(16);
    new DataView(a.buffer).setBigUint64(0, 1n, true);
    new DataView(a.buffer).setBigUint64(8, 32n, true); // points at the root table
    const bytes = handMade([16n], a, 32);
    const root = new OgawaArchive(bytes).root;
    const error = errorOf(() => root.group(0).group(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /contains itself/);
  });

  it('stops a walk over shared subtrees (2^40 paths through 40 groups) within the size of the file', () => {
    // Group k (k < 40) has two entries, both pointing at group k + 1; group 40 is one data block.
    const depth = 40;
    const tables = new Uint8Array(depth * 24 + 16);
    const view = new DataView(tables.buffer);
    const at = (k: number): number => 16 + k * 24;
    for (let k = 0; k < depth; k++) {
      view.setBigUint64(k * 24, 2n, true);
      const next = k + 1 < depth ? BigInt(at(k + 1)) : (1n << 63n) | BigInt(at(depth));
      view.setBigUint64(k * 24 + 8, next, true);
      view.setBigUint64(k * 24 + 16, next, true);
    }
    view.setBigUint64(depth * 24, 0n, true);
    const bytes = handMade([16n], tables, 16 + tables.byteLength);
    const archive = new OgawaArchive(bytes);
    const started = performance.now();
    const walk = (group: ReturnType<typeof archive.root.group>): void => {
      for (let i = 0; i < group.childCount; i++) if (group.isGroup(i)) walk(group.group(i));
    };
    const error = errorOf(() => walk(archive.root.group(0)));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /more groups reached than the \d+-byte file can hold/);
    assert.ok(performance.now() - started < 1000);
  });

  it('refuses entries outside the file and inside the header', () => {
    const far = handMade([1000n]);
    const error = errorOf(() => new OgawaArchive(far).root.group(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /outside/);
    assert.equal(errorOf(() => new OgawaArchive(handMade([(1n << 63n) | 5000n])).root.data(0)).code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(errorOf(() => new OgawaArchive(handMade([4n])).root.group(0)).code, AbcErrorCode.ABC_CORRUPT);
    // Beyond 2^53: no file is that big.
    assert.equal(errorOf(() => new OgawaArchive(handMade([(1n << 62n) + 16n])).root.group(0)).code, AbcErrorCode.ABC_CORRUPT);
  });

  it('refuses a data block whose size runs past the end, before allocating anything', () => {
    const block = new Uint8Array(8);
    new DataView(block.buffer).setBigUint64(0, 1n << 40n, true);
    const bytes = handMade([(1n << 63n) | 16n], block);
    const error = errorOf(() => new OgawaArchive(bytes).root.data(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /declares 1099511627776 bytes; only \d+ follow/);
  });

  it('refuses a group whose child count cannot fit in the file', () => {
    const table = new Uint8Array(8);
    new DataView(table.buffer).setBigUint64(0, 1n << 50n, true);
    const bytes = handMade([16n], table);
    const error = errorOf(() => new OgawaArchive(bytes).root.group(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(error.message, /children, more than/);
  });

  it('calls a root position past the end of the file truncation', () => {
    const bytes = writeOgawa([u8(1)]);
    const error = errorOf(() => new OgawaArchive(bytes.subarray(0, bytes.byteLength - 4)));
    assert.equal(error.code, AbcErrorCode.ABC_TRUNCATED);
  });

  it('stops at limits.maxGroups', () => {
    const bytes = writeOgawa([[[[]]], [u8(1)]]);
    const archive = new OgawaArchive(bytes, { maxGroups: 2 });
    archive.root.group(0);
    assert.equal(errorOf(() => archive.root.group(1)).code, AbcErrorCode.ABC_LIMIT);
  });
});
