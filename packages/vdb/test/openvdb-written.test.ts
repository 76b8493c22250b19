/**
 * Files OpenVDB writes at test time (see generate.ts), read and compared with OpenVDB's own
 * reading: vdb_print's statistics, pyopenvdb's values at sampled points, and every voxel
 * (active or not) of a box through pyopenvdb's copyToArray; then the codec variants vdb_tool
 * writes must hold exactly the same grids.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { Compression, MaskCompression, inspectVdb, openVdbGrid, readVdb } from '@vfxkit/vdb';
import type { IndexBox, VdbFile, VdbGrid } from '@vfxkit/vdb';
import { assertFileAgreesWithVdbPrint, assertSamplesAgreeWithPyopenvdb } from './compare.js';
import { CODES_BACKGROUND, writeMatrix } from './generate.js';
import type { MatrixFile } from './generate.js';
import { missingPyopenvdb, missingVdbPrint, missingVdbTool, python, pythonBytes, tempDir } from './helpers.js';

const skip = missingPyopenvdb();
const dir = skip ? undefined : tempDir();
after(() => dir?.remove());

let files: MatrixFile[] = [];
const read = new Map<string, VdbFile>();
async function load(name: string): Promise<VdbFile> {
  let file = read.get(name);
  if (file === undefined) {
    const entry = files.find((f) => f.name === name)!;
    file = await readVdb(new Uint8Array(readFileSync(entry.path)));
    read.set(name, file);
  }
  return file;
}

/** The box of the crafted leaves and nearby tiles, inside every crafted grid. */
const CRAFTED_BOX: IndexBox = { min: [-20, -20, -20], max: [70, 80, 20] };

/** Every value of `box`, as pyopenvdb's copyToArray gives it (float32 per component; bool as 0/1). */
function denseFromPyopenvdb(path: string, grid: string, box: IndexBox, components: number): Float32Array {
  const shape = [0, 1, 2].map((a) => box.max[a]! - box.min[a]! + 1);
  const script = String.raw`
import sys, json, numpy as np, pyopenvdb as vdb
req = json.load(sys.stdin)
g = vdb.read(req['file'], req['grid'])
shape = tuple(req['shape']) + ((3,) if req['components'] == 3 else ())
dtype = np.bool_ if g.valueTypeName == 'bool' else np.float32
a = np.zeros(shape, dtype=dtype)
g.copyToArray(a, ijk=tuple(req['min']))
# numpy is C order (x slowest); ours is x fastest: transpose the three axes.
a = np.ascontiguousarray(np.transpose(a, (2, 1, 0) + ((3,) if req['components'] == 3 else ())))
sys.stdout.buffer.write(a.astype(np.float32).tobytes())
`;
  const bytes = pythonBytes(script, JSON.stringify({ file: path, grid, shape, min: box.min, components }));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function sameFloats(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}: value ${i} is ${a[i]}, OpenVDB has ${b[i]}`);
  }
}

/** Two grids hold the same tree: counts, boxes, and every voxel of the crafted box. */
function assertSameTree(ours: VdbGrid, reference: VdbGrid, what: string): void {
  assert.equal(ours.gridType, reference.gridType, `${what}: type`);
  assert.equal(ours.leafCount, reference.leafCount, `${what}: leaves`);
  assert.equal(ours.activeVoxelCount(), reference.activeVoxelCount(), `${what}: active voxels`);
  assert.deepEqual(ours.indexBoundingBox(), reference.indexBoundingBox(), `${what}: bbox`);
  assert.deepEqual(ours.tree.nodeCounts(), reference.tree.nodeCounts(), `${what}: nodes`);
  const a = ours.toDense({ bbox: CRAFTED_BOX, step: 1, maxVoxels: 2 ** 22 }).data;
  const b = reference.toDense({ bbox: CRAFTED_BOX, step: 1, maxVoxels: 2 ** 22 }).data;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}: dense value ${i} is ${a[i]}; expected ${b[i]}`);
  }
}

const half = (v: number): number => halfToFloat(floatToHalf(v));

/** Same topology, and every active voxel holds the half-rounded reference value. */
function assertActiveHalves(grid: VdbGrid, reference: VdbGrid, what: string): void {
  assert.equal(grid.activeVoxelCount(), reference.activeVoxelCount(), `${what}: active voxels`);
  assert.equal(grid.leafCount, reference.leafCount, `${what}: leaves`);
  const accessor = reference.accessor();
  const expected: number[] = [];
  const components = grid.valueTypeInfo.components;
  grid.tree.forEachActiveVoxel((x, y, z, values, offset) => {
    assert.ok(accessor.isActive(x, y, z), `${what} (${x}, ${y}, ${z}) is active`);
    accessor.getValueInto(x, y, z, expected);
    for (let c = 0; c < components; c++) {
      if (values[offset + c] !== half(expected[c]!)) assert.fail(`${what} (${x}, ${y}, ${z})[${c}]: ${values[offset + c]} vs half of ${expected[c]}`);
    }
  });
}

describe('files OpenVDB writes', { skip }, () => {
  before(() => {
    files = writeMatrix(dir!.path, missingVdbTool() === false);
  });

  it('reads every file of the matrix', async () => {
    assert.ok(files.length >= 2);
    for (const entry of files) {
      const file = await load(entry.name);
      // The half file leaves the instance out.
      assert.equal(file.grids.length, entry.name === 'matrix_half.vdb' ? 10 : 11, `${entry.name}: grids`);
    }
  });

  it('agrees with vdb_print -l -m on every file', { skip: missingVdbPrint() }, async () => {
    for (const entry of files) assertFileAgreesWithVdbPrint(await load(entry.name), entry.path);
  });

  it('samples the same values as pyopenvdb in every file (active, inactive, tiles, background)', async () => {
    let compared = 0;
    for (const entry of files) compared += assertSamplesAgreeWithPyopenvdb(await load(entry.name), entry.path, 300);
    assert.ok(compared > files.length * 300 * 4, `compared ${compared} values`);
  });

  it('holds every voxel of the crafted box exactly as pyopenvdb copyToArray gives it', async () => {
    for (const name of ['matrix.vdb', 'matrix_half.vdb']) {
      const entry = files.find((f) => f.name === name)!;
      const file = await load(name);
      for (const gridName of ['codes', 'vectors', 'level_set', 'flags']) {
        const grid = file.grids.find((g) => g.name === gridName)!;
        const ours = grid.toDense({ bbox: CRAFTED_BOX, step: 1, maxVoxels: 2 ** 22 });
        const theirs = denseFromPyopenvdb(entry.path, gridName, CRAFTED_BOX, grid.valueTypeInfo.components);
        sameFloats(ours.data, theirs, `${name} ${gridName}`);
      }
    }
  });

  it('meets every mask-compression code in the leaves it reads', () => {
    const entry = files.find((f) => f.name === 'matrix.vdb')!;
    const bytes = new Uint8Array(readFileSync(entry.path));
    const info = inspectVdb(bytes);
    const seen = new Set<number>();
    for (const name of ['codes', 'vectors']) {
      const grid = openVdbGrid(bytes, info.grids.find((g) => g.name === name)!);
      const source = grid.tree.pendingSource!;
      for (const record of source.records) seen.add(bytes[record + grid.tree.layout.leafMaskBytes]!);
    }
    assert.deepEqual([...seen].sort(), Object.values(MaskCompression).sort());
  });

  it('reads tiles at every level, repeated and empty names, an instance and every map type', async () => {
    const file = await load('matrix.vdb');
    const byName = (name: string): VdbGrid => file.grids.find((g) => g.displayName === name)!;
    const codes = byName('codes');
    const levels = new Set([...codes.tiles({ activeOnly: true })].map((t) => t.level));
    assert.deepEqual([...levels].sort(), [0, 1, 2]);
    assert.equal(codes.getValue(-5000, -5000, -5000), Math.fround(1e-3)); // inside the root tile
    assert.equal(codes.accessor().valueDepth(-5000, -5000, -5000), 0);
    assert.equal(codes.backgroundValue(), CODES_BACKGROUND);
    assert.deepEqual(
      file.grids.map((g) => g.displayName),
      ['codes', 'vectors', 'flags', 'level_set', 'frustum', 'scaled', 'moved', 'twin[0]', 'twin[1]', '[0]', 'codes_instance'],
    );
    const instance = byName('codes_instance');
    assert.equal(instance.instanceParentName, 'codes');
    assert.equal(instance.tree, codes.tree, 'an instance shares its parent tree');
    assert.deepEqual(
      file.grids.map((g) => g.transform.type),
      [
        'UniformScaleMap',
        'ScaleTranslateMap',
        'AffineMap',
        'UniformScaleMap',
        'NonlinearFrustumMap',
        'ScaleMap',
        'UniformScaleTranslateMap',
        'UniformScaleMap',
        'UniformScaleMap',
        'UniformScaleMap',
        'UniformScaleMap',
      ],
    );
    assert.equal(byName('level_set').gridClass, 'level set');
    assert.equal(byName('frustum').gridClass, 'fog volume');
    assert.equal(codes.gridClass, 'unknown');
  });

  it('maps index and world space as pyopenvdb does, frustum included', async () => {
    const file = await load('matrix.vdb');
    const entry = files.find((f) => f.name === 'matrix.vdb')!;
    const points = [
      [0, 0, 0],
      [1.5, -2.25, 3],
      [10, 20, 30],
      [-7, 3, 0.5],
    ];
    const script = String.raw`
import sys, json, pyopenvdb as vdb
req = json.load(sys.stdin)
out = {}
for name in req['grids']:
    t = vdb.read(req['file'], name).transform
    out[name] = {'w': [list(t.indexToWorld(tuple(p))) for p in req['points']],
                 'i': [list(t.worldToIndex(tuple(p))) for p in req['points']],
                 'v': list(t.voxelSize())}
print(json.dumps(out))
`;
    const names = ['codes', 'vectors', 'flags', 'frustum', 'scaled', 'moved'];
    const theirs = JSON.parse(python(script, JSON.stringify({ file: entry.path, grids: names, points }))) as Record<string, { w: number[][]; i: number[][]; v: number[] }>;
    for (const name of names) {
      const t = file.grids.find((g) => g.name === name)!.transform;
      points.forEach((p, n) => {
        const w = t.indexToWorld(p[0]!, p[1]!, p[2]!);
        const i = t.worldToIndex(p[0]!, p[1]!, p[2]!);
        w.forEach((v, a) => assert.ok(Math.abs(v - theirs[name]!.w[n]![a]!) < 1e-9 * Math.max(1, Math.abs(v)), `${name} indexToWorld ${p}: ${w} vs ${theirs[name]!.w[n]}`));
        i.forEach((v, a) => assert.ok(Math.abs(v - theirs[name]!.i[n]![a]!) < 1e-9 * Math.max(1, Math.abs(v)), `${name} worldToIndex ${p}: ${i} vs ${theirs[name]!.i[n]}`));
      });
      t.voxelSize().forEach((v, a) => assert.ok(Math.abs(v - theirs[name]!.v[a]!) < 1e-12, `${name} voxel size`));
    }
  });

  it('reads the metadata types pyopenvdb writes', async () => {
    const file = await load('matrix.vdb');
    const codes = file.grids.find((g) => g.name === 'codes')!;
    const types = Object.fromEntries(Object.entries(codes.metadata).map(([k, v]) => [k, v.type]));
    assert.deepEqual(
      { s: types['s'], b: types['b'], i: types['i'], d: types['d'], v2: types['v2'], v3i: types['v3i'], v3d: types['v3d'], v4: types['v4'], m: types['m'] },
      { s: 'string', b: 'bool', i: 'int32', d: 'double', v2: 'vec2i', v3i: 'vec3i', v3d: 'vec3d', v4: 'vec4d', m: 'mat4d' },
    );
    assert.deepEqual(codes.metadata['m']!.value, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual(codes.metadata['v3d']!.value, [1.5, -2.5, 3.25]);
    assert.equal(codes.metadata['i']!.value, -7);
    assert.equal(file.creator, 'vfxkit test');
    assert.equal(file.metadata['frame']!.value, 12);
    assert.deepEqual(codes.fileBoundingBox, codes.indexBoundingBox());
    assert.equal(codes.fileVoxelCount, codes.activeVoxelCount());
  });

  it('reads half-float grids as OpenVDB rounds them', async () => {
    const full = await load('matrix.vdb');
    const halves = await load('matrix_half.vdb');
    for (const grid of halves.grids) {
      const reference = full.grids.find((g) => g.displayName === grid.displayName)!;
      if (grid.valueType === 'bool') {
        assert.equal(grid.saveFloatAsHalf, true);
        assertSameTree(grid, reference, `half ${grid.displayName}`);
        continue;
      }
      assert.equal(grid.saveFloatAsHalf, true, grid.displayName);
      // Voxel and internal tile values are halves; the background and stored inactive values are
      // written at full width but rounded to half precision; root tiles keep full precision.
      const background = reference.backgroundValue();
      assert.deepEqual(grid.backgroundValue(), Array.isArray(background) ? background.map(half) : half(background as number));
      assertActiveHalves(grid, reference, `half ${grid.displayName}`);
    }
  });

  it('holds the same grids whatever codec vdb_tool wrote them with', { skip: missingVdbTool() }, async () => {
    const reference = await load('matrix.vdb');
    for (const entry of files.filter((f) => f.name.startsWith('tool_'))) {
      const file = await load(entry.name);
      const isHalf = entry.name.endsWith('16.vdb');
      for (const grid of file.grids) {
        // vdb_tool writes the twins in another order: match by content where names repeat.
        const candidates = reference.grids.filter((g) => g.name === grid.name && g.activeVoxelCount() === grid.activeVoxelCount());
        assert.ok(candidates.length > 0, `${entry.name}: no reference for ${grid.displayName}`);
        if (isHalf && grid.valueTypeInfo.isReal) assertActiveHalves(grid, candidates[0]!, `${entry.name} ${grid.displayName}`);
        else assertSameTree(grid, candidates[0]!, `${entry.name} ${grid.displayName}`);
      }
      if (entry.name === 'tool_stream.vdb') {
        assert.equal(file.header.hasGridOffsets, false);
        const info = inspectVdb(new Uint8Array(readFileSync(entry.path)));
        assert.equal(info.grids.length, 11);
        assert.equal(info.grids.at(-1)!.endOffset, info.fileSize);
      }
      if (entry.name === 'tool_zip.vdb') {
        assert.ok(file.grids.some((g) => (g.compression & Compression.ZIP) !== 0), 'zip is used for grids of class unknown');
      }
    }
  });
});
