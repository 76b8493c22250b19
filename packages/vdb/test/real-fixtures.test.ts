/**
 * Every file in fixtures-real/vdb reads, and agrees with OpenVDB run at test time: grid list,
 * types, classes, transforms, node and active voxel counts, bounding boxes, background and
 * extremes, metadata as `vdb_print -l -m` prints them, and a few hundred sampled values (active,
 * inactive, tiles, background) with their active states and depths as pyopenvdb reads them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspectVdb, readVdb, readVdbHeader, readVdbPoints } from '@vfxkit/vdb';
import { assertFileAgreesWithVdbPrint, assertSamplesAgreeWithPyopenvdb } from './compare.js';
import { listFixtures, missingPyopenvdb, missingVdbPrint, noFixtures, vdbFixtures } from './helpers.js';

/** Expected facts from fixtures-real/SOURCES.md (independent of any tool). */
const EXPECTED: Record<string, { version: string; grids: Record<string, { type: string; voxels: number; half?: boolean }> }> = {
  'cortex/points.vdb': { version: '3.3/224', grids: { points: { type: 'Tree_ptdataidx32_5_4_3', voxels: 5 } } },
  'cortex/sphere.vdb': { version: '1.1/222', grids: { ls_sphere: { type: 'Tree_float_5_4_3', voxels: 270638, half: true } } },
  'cortex/smoke.vdb': { version: '1.1/222', grids: { density: { type: 'Tree_float_5_4_3', voxels: 1049275, half: true } } },
  'oiio/sphere.vdb': { version: '4.0/224', grids: { density: { type: 'Tree_float_5_4_3', voxels: 9047 } } },
  'oiio/sphereCd.vdb': { version: '4.0/224', grids: { Cd: { type: 'Tree_vec3s_5_4_3', voxels: 9047 } } },
  'gaffer/houdini_fog_sphere.vdb': { version: '3.0/223', grids: { density: { type: 'Tree_float_5_4_3', voxels: 465 } } },
  'openusd/densityAndHeat.vdb': {
    version: '5.2/224',
    grids: { density: { type: 'Tree_float_5_4_3', voxels: 6124 }, heat: { type: 'Tree_float_5_4_3', voxels: 5224 } },
  },
  'openusd/smoke_000001.vdb': {
    version: '5.1/224',
    grids: {
      density: { type: 'Tree_float_5_4_3', voxels: 0 },
      shadow: { type: 'Tree_float_5_4_3', voxels: 0 },
      velocity: { type: 'Tree_vec3s_5_4_3', voxels: 0 },
      obstacles: { type: 'Tree_int32_5_4_3', voxels: 0 },
    },
  },
  'openusd/smoke_000002.vdb': { version: '4.0/224', grids: { density: { type: 'Tree_float_5_4_3', voxels: 71983 } } },
};

describe('real VDB files', { skip: noFixtures }, () => {
  const fixtures = listFixtures();

  it('finds every fixture SOURCES.md lists', () => {
    assert.deepEqual(fixtures.slice().sort(), Object.keys(EXPECTED).sort());
  });

  for (const name of fixtures) {
    describe(name, () => {
      const path = join(vdbFixtures, name);
      const bytes = new Uint8Array(readFileSync(path));

      it('reads, with the grids, types and counts SOURCES.md records', async () => {
        const expected = EXPECTED[name]!;
        const header = readVdbHeader(bytes);
        const info = inspectVdb(bytes);
        assert.equal(info.version, expected.version);
        assert.equal(header.gridCount, Object.keys(expected.grids).length);
        const file = await readVdb(bytes);
        assert.deepEqual(file.grids.map((g) => g.name).sort(), Object.keys(expected.grids).sort());
        for (const grid of file.grids) {
          const facts = expected.grids[grid.name]!;
          assert.equal(grid.gridType, facts.type, `${grid.name}: type`);
          assert.equal(grid.activeVoxelCount(), facts.voxels, `${grid.name}: active voxels`);
          assert.equal(grid.saveFloatAsHalf, facts.half ?? false, `${grid.name}: half`);
          if (grid.valueType === 'ptdataidx32') {
            const points = readVdbPoints(grid);
            assert.ok(points.count > 0);
            assert.equal(points.attributes['P']!.data.length, points.count * 3);
          }
        }
      });

      it('agrees with vdb_print -l -m', { skip: missingVdbPrint() }, async () => {
        assertFileAgreesWithVdbPrint(await readVdb(bytes), path);
      });

      it('samples the same values as pyopenvdb', { skip: missingPyopenvdb() }, async () => {
        assertSamplesAgreeWithPyopenvdb(await readVdb(bytes), path);
      });
    });
  }
});
