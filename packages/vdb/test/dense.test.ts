/**
 * Dense export against the accessor (every voxel, step 1), resampling against a brute-force
 * mean, the voxel budget, and the wrappers: the three.js Data3DTexture adapter and the
 * loaders.gl loader object.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Data3DTexture, FloatType, RGBAFormat, RedFormat, Vector3 } from 'three';
import { VdbLoader, readVdb } from '@vfxkit/vdb';
import type { IndexBox, VdbGrid } from '@vfxkit/vdb';
import { createVdbVolume } from '@vfxkit/vdb/three';
import { noFixtures, vdbFixtures } from './helpers.js';

const load = async (name: string): Promise<VdbGrid[]> => (await readVdb(new Uint8Array(readFileSync(join(vdbFixtures, name))))).grids;

/** The mean of each step^3 cell, computed voxel by voxel through the accessor. */
function bruteForce(grid: VdbGrid, box: IndexBox, step: number): Float32Array {
  const components = grid.valueTypeInfo.components;
  const dims = [0, 1, 2].map((a) => Math.ceil((box.max[a]! - box.min[a]! + 1) / step));
  const out = new Float32Array(dims[0]! * dims[1]! * dims[2]! * components);
  const accessor = grid.accessor();
  const value: number[] = [];
  let at = 0;
  for (let k = 0; k < dims[2]!; k++) {
    for (let j = 0; j < dims[1]!; j++) {
      for (let i = 0; i < dims[0]!; i++) {
        const sums = new Array<number>(components).fill(0);
        let n = 0;
        for (let z = box.min[2] + k * step; z <= Math.min(box.max[2], box.min[2] + k * step + step - 1); z++) {
          for (let y = box.min[1] + j * step; y <= Math.min(box.max[1], box.min[1] + j * step + step - 1); y++) {
            for (let x = box.min[0] + i * step; x <= Math.min(box.max[0], box.min[0] + i * step + step - 1); x++) {
              accessor.getValueInto(x, y, z, value);
              for (let c = 0; c < components; c++) sums[c]! += value[c]!;
              n++;
            }
          }
        }
        for (let c = 0; c < components; c++) out[at++] = sums[c]! / n;
      }
    }
  }
  return out;
}

describe('dense export', { skip: noFixtures }, () => {
  it('holds every voxel of the box as the accessor reads it (step 1)', async () => {
    for (const name of ['oiio/sphereCd.vdb', 'cortex/sphere.vdb', 'openusd/smoke_000002.vdb']) {
      const grid = (await load(name))[0]!;
      const box = grid.indexBoundingBox()!;
      const padded: IndexBox = { min: [box.min[0] - 3, box.min[1] - 2, box.min[2] - 1], max: [box.max[0] + 1, box.max[1] + 2, box.max[2] + 3] };
      const dense = grid.toDense({ bbox: padded, maxVoxels: 2 ** 24 });
      assert.equal(dense.step, 1);
      const accessor = grid.accessor();
      const components = grid.valueTypeInfo.components;
      const value: number[] = [];
      let at = 0;
      for (let z = padded.min[2]; z <= padded.max[2]; z++) {
        for (let y = padded.min[1]; y <= padded.max[1]; y++) {
          for (let x = padded.min[0]; x <= padded.max[0]; x++) {
            accessor.getValueInto(x, y, z, value);
            for (let c = 0; c < components; c++, at++) {
              if (dense.data[at] !== Math.fround(value[c]!)) assert.fail(`${name} (${x}, ${y}, ${z}): ${dense.data[at]} vs ${value[c]}`);
            }
          }
        }
      }
      assert.equal(at, dense.data.length);
    }
  });

  it('resamples to the mean of each cell and fits the voxel budget', async () => {
    for (const name of ['openusd/densityAndHeat.vdb', 'oiio/sphereCd.vdb']) {
      const grid = (await load(name))[0]!;
      const box = grid.indexBoundingBox()!;
      for (const step of [2, 3, 5]) {
        const dense = grid.toDense({ step });
        const expected = bruteForce(grid, box, step);
        assert.equal(dense.data.length, expected.length);
        for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(dense.data[i]! - expected[i]!) < 1e-5, `${name} step ${step} cell ${i}: ${dense.data[i]} vs ${expected[i]}`);
      }
      const budget = 1000;
      const fitted = grid.toDense({ maxVoxels: budget });
      assert.ok(fitted.dims[0] * fitted.dims[1] * fitted.dims[2] <= budget);
      const smaller = fitted.step - 1;
      const size = [0, 1, 2].map((a) => box.max[a]! - box.min[a]! + 1);
      if (smaller >= 1) assert.ok(size.reduce((n, s) => n * Math.ceil(s / smaller), 1) > budget, 'the smallest step that fits');
      // Nearest: the centre voxel of each cell.
      const nearest = grid.toDense({ maxVoxels: budget, filter: 'nearest' });
      const accessor = grid.accessor();
      const half = nearest.step >> 1;
      const x = Math.min(box.min[0] + half, box.max[0]), y = Math.min(box.min[1] + half, box.max[1]), z = Math.min(box.min[2] + half, box.max[2]);
      assert.equal(nearest.data[0], Math.fround(accessor.getComponent(x, y, z)));
    }
  });

  it('places the texture in world space', async () => {
    const grid = (await load('openusd/densityAndHeat.vdb'))[0]!;
    const dense = grid.toDense();
    const world = grid.worldBoundingBox()!;
    const m = dense.textureToWorld!;
    const apply = (u: number, v: number, w: number): number[] => [0, 1, 2].map((a) => u * m[a]! + v * m[4 + a]! + w * m[8 + a]! + m[12 + a]!);
    assert.deepEqual(apply(0, 0, 0).map((v) => +v.toFixed(9)), world.min.map((v) => +v.toFixed(9)));
    assert.deepEqual(apply(1, 1, 1).map((v) => +v.toFixed(9)), world.max.map((v) => +v.toFixed(9)));
  });
});

describe('three.js adapter', { skip: noFixtures }, () => {
  it('makes a float Data3DTexture with the grid placement', async () => {
    const grid = (await load('openusd/densityAndHeat.vdb'))[0]!;
    const volume = createVdbVolume(grid, { maxVoxels: 64 ** 3 });
    assert.ok(volume.texture instanceof Data3DTexture);
    assert.equal(volume.texture.format, RedFormat);
    assert.equal(volume.texture.type, FloatType);
    assert.deepEqual([volume.texture.image.width, volume.texture.image.height, volume.texture.image.depth], volume.dense.dims);
    const world = grid.worldBoundingBox()!;
    assert.ok(volume.box.min.distanceTo(new Vector3(...world.min)) < 1e-9);
    assert.ok(volume.box.max.distanceTo(new Vector3(...world.max)) < 1e-9);
    // The box geometry's corner (-0.5, -0.5, -0.5) lands on the world box's minimum.
    assert.ok(new Vector3(-0.5, -0.5, -0.5).applyMatrix4(volume.boxMatrix).distanceTo(volume.box.min) < 1e-9);
    assert.ok(volume.range[1] > 0.9 && volume.range[0] >= 0);
  });

  it('pads vector grids to RGBA', async () => {
    const grid = (await load('oiio/sphereCd.vdb'))[0]!;
    const volume = createVdbVolume(grid);
    assert.equal(volume.texture.format, RGBAFormat);
    const data = volume.texture.image.data as Float32Array;
    assert.equal(data.length, (volume.dense.data.length / 3) * 4);
    assert.equal(data[3], 1);
    assert.equal(data[0], volume.dense.data[0]);
  });
});

describe('loaders.gl loader', { skip: noFixtures }, () => {
  it('describes itself, detects the magic and parses', async () => {
    const bytes = new Uint8Array(readFileSync(join(vdbFixtures, 'openusd/densityAndHeat.vdb')));
    assert.equal(VdbLoader.id, 'vdb');
    assert.deepEqual(VdbLoader.extensions, ['vdb']);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    assert.equal(VdbLoader.tests[0]!(buffer), true);
    assert.equal(VdbLoader.tests[0]!(new TextEncoder().encode('ply\nformat').buffer as ArrayBuffer), false);
    const file = await VdbLoader.parse(buffer, { vdb: { grids: ['heat'] } });
    assert.deepEqual(file.grids.map((g) => g.name), ['heat']);
    const sync = VdbLoader.parseSync(bytes);
    assert.equal(sync.grids.length, 2);
    assert.equal(sync.grids[1]!.activeVoxelCount(), 5224);
  });
});
