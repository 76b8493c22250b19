/**
 * File versions: the real files cover 222 (OpenVDB 1.1), 223 (3.0) and 224 (3.3 to 10); version
 * 220/221 layouts (file-level zip flag, internal nodes storing only child-less slots, leaf origins
 * in the buffers) come from the test writer, checked by vdb_print and pyopenvdb (OpenVDB reads
 * 221 on). Also: metadata of every registered type, built byte by byte.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ByteReader, ByteWriter, floatToHalf } from '@vfxkit/core';
import { FileVersion, readMetadata, readVdb } from '@vfxkit/vdb';
import { assertFileAgreesWithVdbPrint, assertSamplesAgreeWithPyopenvdb } from './compare.js';
import { missingPyopenvdb, missingVdbPrint, noFixtures, tempDir, vdbFixtures } from './helpers.js';
import { WRITABLE_TYPES, writeFloatGrid } from './volume-writer.js';
import type { WritableType } from './volume-writer.js';

const dir = tempDir();
after(() => dir.remove());

describe('file versions', { skip: noFixtures }, () => {
  it('names every version gate it uses', () => {
    assert.equal(FileVersion.SELECTIVE_COMPRESSION, 220);
    assert.equal(FileVersion.FLOAT_FRUSTUM_BBOX, 221);
    assert.equal(FileVersion.NODE_MASK_COMPRESSION, 222);
    assert.equal(FileVersion.BLOSC_COMPRESSION, 223);
    assert.equal(FileVersion.MULTIPASS_IO, 224);
    assert.equal(FileVersion.HALF_GRID, 225);
  });

  for (const version of [220, 221, 222, 224] as const) {
    for (const zip of [false, true]) {
      it(`reads version ${version} ${zip ? 'zipped' : 'uncompressed'} as OpenVDB does`, async () => {
        const original = (await readVdb(new Uint8Array(readFileSync(join(vdbFixtures, 'cortex/sphere.vdb'))))).grids[0]!;
        const bytes = writeFloatGrid(original, version, zip);
        const path = join(dir.path, `sphere_${version}_${zip ? 'zip' : 'raw'}.vdb`);
        writeFileSync(path, bytes);
        const file = await readVdb(bytes);
        assert.equal(file.header.fileVersion, version);
        const grid = file.grids[0]!;
        assert.equal(grid.activeVoxelCount(), original.activeVoxelCount());
        assert.deepEqual(grid.toDense({ step: 1 }).data, original.toDense({ step: 1 }).data);
        if (version >= 221) {
          if (!missingVdbPrint()) assertFileAgreesWithVdbPrint(file, path);
          if (!missingPyopenvdb()) assert.ok(assertSamplesAgreeWithPyopenvdb(file, path) > 0);
        }
      });
    }
  }
});

describe('value types', { skip: noFixtures }, () => {
  for (const type of Object.keys(WRITABLE_TYPES) as WritableType[]) {
    const version = type === 'half' ? 225 : 224;
    it(`reads ${type} grids (file version ${version})`, async () => {
      const original = (await readVdb(new Uint8Array(readFileSync(join(vdbFixtures, 'cortex/sphere.vdb'))))).grids[0]!;
      const bytes = writeFloatGrid(original, version, type !== 'bool' && type !== 'mask', type);
      const path = join(dir.path, `sphere_${type}.vdb`);
      writeFileSync(path, bytes);
      const grid = (await readVdb(bytes)).grids[0]!;
      assert.equal(grid.valueType, type);
      assert.equal(grid.activeVoxelCount(), original.activeVoxelCount());
      const expected = WRITABLE_TYPES[type].value;
      const ours = grid.accessor();
      let checked = 0;
      original.tree.forEachActiveVoxel((x, y, z, values, offset) => {
        if (checked++ % 7 !== 0) return;
        const value = ours.getValue(x, y, z);
        if (type === 'mask') assert.equal(value, true);
        else assert.deepEqual(value, expected(values[offset]!), `${type} (${x}, ${y}, ${z})`);
      });
      // Inactive voxels and the background.
      assert.deepEqual(grid.getValue(1000, 1000, 1000), type === 'mask' ? false : expected(original.tree.background[0]!));
      assert.deepEqual(grid.getValue(10 ** 6, 0, 0), type === 'mask' ? false : expected(original.tree.background[0]!), 'background');
      if (version <= 224 && !missingVdbPrint()) assertFileAgreesWithVdbPrint(await readVdb(bytes), path);
    });
  }
});

describe('metadata', () => {
  it('decodes every registered type and keeps unknown ones as bytes', () => {
    const w = new ByteWriter();
    const entries: [string, string, (m: ByteWriter) => void][] = [
      ['s', 'string', (m) => m.utf8('héllo')],
      ['b', 'bool', (m) => m.u8(1)],
      ['h', 'half', (m) => m.u16(floatToHalf(1.5))],
      ['f', 'float', (m) => m.f32(0.25)],
      ['d', 'double', (m) => m.f64(-2.5)],
      ['i', 'int32', (m) => m.i32(-3)],
      ['l', 'int64', (m) => m.i64(1234567890123n)],
      ['big', 'int64', (m) => m.i64(2n ** 60n)],
      ['v2i', 'vec2i', (m) => m.i32(1).i32(2)],
      ['v2s', 'vec2s', (m) => m.f32(0.5).f32(1.5)],
      ['v2d', 'vec2d', (m) => m.f64(0.1).f64(0.2)],
      ['v3i', 'vec3i', (m) => m.i32(1).i32(2).i32(3)],
      ['v3s', 'vec3s', (m) => m.f32(1).f32(2).f32(3)],
      ['v3d', 'vec3d', (m) => m.f64(1).f64(2).f64(3)],
      ['v4i', 'vec4i', (m) => m.i32(1).i32(2).i32(3).i32(4)],
      ['v4s', 'vec4s', (m) => m.f32(1).f32(2).f32(3).f32(4)],
      ['v4d', 'vec4d', (m) => m.f64(1).f64(2).f64(3).f64(4)],
      ['m4s', 'mat4s', (m) => Array.from({ length: 16 }, (_, k) => m.f32(k))],
      ['m4d', 'mat4d', (m) => Array.from({ length: 16 }, (_, k) => m.f64(k / 2))],
      ['custom', 'studio_thing', (m) => m.u8(9).u8(8)],
      ['file_delayed_load', '__delayedload', (m) => m.u8(1)],
    ];
    w.u32(entries.length);
    for (const [name, type, value] of entries) {
      const inner = new ByteWriter();
      value(inner);
      const nameBytes = new TextEncoder().encode(name);
      const typeBytes = new TextEncoder().encode(type);
      w.u32(nameBytes.length).bytes(nameBytes).u32(typeBytes.length).bytes(typeBytes).u32(inner.length).bytes(inner.view8());
    }
    const meta = readMetadata(new ByteReader(w.toBytes()));
    assert.equal(meta['s']!.value, 'héllo');
    assert.equal(meta['b']!.value, true);
    assert.equal(meta['h']!.value, 1.5);
    assert.equal(meta['f']!.value, 0.25);
    assert.equal(meta['d']!.value, -2.5);
    assert.equal(meta['i']!.value, -3);
    assert.equal(meta['l']!.value, 1234567890123);
    assert.equal(meta['big']!.value, 2n ** 60n);
    assert.deepEqual(meta['v2i']!.value, [1, 2]);
    assert.deepEqual(meta['v2s']!.value, [0.5, 1.5]);
    assert.deepEqual(meta['v2d']!.value, [0.1, 0.2]);
    assert.deepEqual(meta['v3s']!.value, [1, 2, 3]);
    assert.deepEqual(meta['v4i']!.value, [1, 2, 3, 4]);
    assert.deepEqual(meta['v4d']!.value, [1, 2, 3, 4]);
    assert.deepEqual(meta['m4s']!.value, Array.from({ length: 16 }, (_, k) => k));
    assert.deepEqual(meta['m4d']!.value, Array.from({ length: 16 }, (_, k) => k / 2));
    assert.deepEqual(meta['custom'], { type: 'studio_thing', value: Uint8Array.of(9, 8), opaque: true });
    assert.equal(meta['file_delayed_load'], undefined, 'temporary types are dropped');
    assert.deepEqual(Object.keys(meta).slice(0, 3), ['s', 'b', 'h'], 'file order');
  });
});
