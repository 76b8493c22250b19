/**
 * Readers get Node Buffers (from fs.readFile) at any byte offset: small files come out of Node's
 * shared pool, and a Buffer's slice() is a view, not a copy. Every format must read the same values
 * from such a Buffer as from a plain, aligned Uint8Array.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readExr } from '@vfxkit/exr';
import { readParticles, writeParticles, createParticleSet } from '@vfxkit/particles';
import { readVdbSync } from '@vfxkit/vdb';
import { realFixtures } from './helpers.js';

const real = realFixtures();
const skip = real ? false : 'no real fixtures (set VFX_REAL_FIXTURES)';

/** The same bytes as a Node Buffer starting at an odd offset of a larger allocation. */
function oddBuffer(bytes: Uint8Array): Buffer {
  const holder = Buffer.alloc(bytes.byteLength + 3);
  holder.set(bytes, 3);
  const odd = holder.subarray(3);
  assert.equal(odd.byteOffset % 2, 1);
  return odd;
}

describe('readers on unaligned Node Buffers', () => {
  it('VDB half-float and vector grids', { skip }, () => {
    for (const name of ['vdb/cortex/smoke.vdb', 'vdb/oiio/sphereCd.vdb', 'vdb/openusd/densityAndHeat.vdb']) {
      const plain = new Uint8Array(readFileSync(join(real!, name)));
      const a = readVdbSync(plain);
      const b = readVdbSync(oddBuffer(plain));
      assert.equal(a.grids.length, b.grids.length);
      a.grids.forEach((grid, g) => {
        const other = b.grids[g]!;
        assert.equal(other.activeVoxelCount, grid.activeVoxelCount, name);
        // The first 2,000 active voxels' values, read through the plain and the odd Buffer.
        const coordinates: [number, number, number][] = [];
        grid.tree.forEachActiveVoxel((x, y, z) => {
          if (coordinates.length < 2000) coordinates.push([x, y, z]);
        });
        const values = coordinates.map(([x, y, z]) => JSON.stringify(grid.getValue(x, y, z)));
        const others = coordinates.map(([x, y, z]) => JSON.stringify(other.getValue(x, y, z)));
        assert.deepEqual(others, values, `${name} grid ${grid.name}`);
      });
    }
  });

  it('EXR pixels', { skip }, () => {
    const plain = new Uint8Array(readFileSync(join(real!, 'exr/openexr-images/TestImages/GrayRampsHorizontal.exr')));
    const a = readExr(plain);
    const b = readExr(oddBuffer(plain));
    assert.deepEqual(
      b.channels.map((c) => Array.from(c.data.subarray(0, 4096))),
      a.channels.map((c) => Array.from(c.data.subarray(0, 4096))),
    );
  });

  it('particles in every binary format we write', () => {
    const P = Float32Array.from({ length: 300 }, (_, i) => i * 0.5);
    const id = Int32Array.from({ length: 100 }, (_, i) => i);
    const set = createParticleSet(100, [
      { name: 'P', type: 'vector', width: 3, data: P },
      { name: 'id', type: 'int', width: 1, data: id },
    ]);
    for (const format of ['bgeo', 'bhclassic', 'prt', 'ply', 'pdc', 'pdb', 'bin', 'ptc']) {
      const bytes = writeParticles(set, format, { dropUnsupported: true });
      const back = readParticles(oddBuffer(bytes), { format });
      assert.deepEqual(Array.from(back.attributes.find((a) => a.name === 'P')!.data), Array.from(P), format);
    }
  });
});
