/**
 * Bad input: archives cut at every length, archives with random bytes changed, the Ogawa tree
 * turned into cycles. Every failure must be a VfxError with an ABC_ code, quickly, with no read
 * past the bytes present (typed arrays are only ever made from blocks inside the file).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbcErrorCode, AlembicWriter, openAlembic } from '@vfxkit/alembic';
import { writePolyMesh, writeXform } from './helpers/abcgeom.js';
import { errorOf, noReal, real, validArchives } from './helpers/fixtures.js';
import { walkArchive } from './helpers/walk.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleArchive(): Uint8Array {
  const writer = new AlembicWriter({ application: 'robustness' });
  const ts = writer.addUniformTimeSampling(24, 0);
  const xform = writeXform(writer.root, 'x', [0x10], [[0, 0, 0], [1, 0, 0], [2, 0, 0]], { timeSampling: ts });
  const quad = { positions: [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], faceCounts: [4], faceIndices: [0, 1, 2, 3], uvs: { values: [0, 0, 1, 1], indices: [0, 1, 1, 0] } };
  writePolyMesh(xform, 'mesh', [quad, { ...quad, positions: quad.positions.map((v) => v * 2) }], ts);
  xform.properties.addScalar('name', { pod: 'string', extent: 1 }).addSample(['robust']);
  return writer.finish();
}

describe('truncated archives', () => {
  it('every cut of a written archive is ABC_TRUNCATED (the root group is written last)', () => {
    const bytes = sampleArchive();
    assert.equal(walkArchive(bytes).errors.length, 0);
    for (let length = 0; length < bytes.byteLength; length++) {
      const error = errorOf(() => openAlembic(bytes.subarray(0, length)));
      assert.equal(error.code, AbcErrorCode.ABC_TRUNCATED, `cut at ${length}: ${error.message}`);
    }
  });

  it('every cut of real archives is ABC_TRUNCATED', { skip: noReal }, () => {
    for (const path of ['cortex/cube.abc', 'openusd/nestedInstancing.abc', 'cortex/points.abc']) {
      const bytes = real(path);
      for (let length = 0; length < bytes.byteLength; length += 7) {
        assert.equal(errorOf(() => openAlembic(bytes.subarray(0, length))).code, AbcErrorCode.ABC_TRUNCATED, `${path} cut at ${length}`);
      }
    }
  });
});

describe('corrupted archives', () => {
  it('random byte changes in a written archive: only ABC_ errors, no hang', () => {
    const original = sampleArchive();
    const next = random(1);
    const started = performance.now();
    const codes = new Set<string>();
    for (let round = 0; round < 400; round++) {
      const bytes = original.slice();
      const changes = 1 + Math.floor(next() * 4);
      for (let c = 0; c < changes; c++) bytes[16 + Math.floor(next() * (bytes.byteLength - 16))] = Math.floor(next() * 256);
      for (const code of walkArchive(bytes, 50).errors) codes.add(code);
    }
    assert.ok(performance.now() - started < 60_000);
    assert.ok([...codes].every((c) => c.startsWith('ABC_')), [...codes].join(', '));
  });

  it('random byte changes in every real archive: only ABC_ errors, no hang', { skip: noReal }, () => {
    const next = random(2);
    for (const path of validArchives) {
      const original = real(path);
      for (let round = 0; round < 40; round++) {
        const bytes = original.slice();
        for (let c = 0; c < 3; c++) bytes[16 + Math.floor(next() * (bytes.byteLength - 16))] = Math.floor(next() * 256);
        const started = performance.now();
        walkArchive(bytes, 50);
        assert.ok(performance.now() - started < 10_000, `${path} round ${round} took too long`);
      }
    }
  });

  it('a child object entry pointing back at its parent is a cycle: ABC_CORRUPT, no recursion', () => {
    const writer = new AlembicWriter();
    writer.root.addChild('a').addChild('b');
    const bytes = writer.finish();
    const archive = openAlembic(bytes);
    const a = archive.findObject('/a')!;
    void a.children;
    // Find /a's group table (the entry of the top object's first child) and point its child at it.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rootAt = Number(view.getBigUint64(8, true));
    const topAt = Number(view.getBigUint64(rootAt + 8 + 2 * 8, true));
    const aAt = Number(view.getBigUint64(topAt + 8 + 1 * 8, true));
    const cyclic = bytes.slice();
    new DataView(cyclic.buffer).setBigUint64(aAt + 8 + 1 * 8, BigInt(aAt), true);
    const broken = openAlembic(cyclic);
    const error = errorOf(() => broken.findObject('/a/b')!.children);
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(error.location, '/a/b');
    assert.match(error.message, /reached a second time/);
  });
});
