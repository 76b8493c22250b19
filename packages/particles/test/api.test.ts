/**
 * The API around the formats: the model helpers, the name table, detection by magic and
 * extension, header-only inspection, statistics, merging, the loaders.gl loaders and the three.js
 * adapter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, registerLoaders, selectLoader } from '@loaders.gl/core';
import {
  addAttribute,
  attributeStats,
  boundingBox,
  canonicalName,
  createParticleSet,
  detectParticleFormat,
  formatForFileName,
  HoudiniGeometryLoader,
  inspectParticles,
  KrakatoaPrtLoader,
  mergeParticleSets,
  nativeName,
  particleFormat,
  particleFormats,
  particleLoaders,
  PlyParticlesLoader,
  readParticles,
  writeParticles,
} from '@vfxkit/particles';
import { particlesToGeometry, particlesToPoints } from '@vfxkit/particles/three';
import { syntheticSet, values } from './helpers.js';

describe('the model', () => {
  it('checks attribute lengths and types', () => {
    const set = createParticleSet(3);
    assert.throws(() => addAttribute(set, { name: 'P', type: 'vector', width: 3, data: new Float32Array(8) }), { code: 'PART_BAD_ARGUMENT' });
    assert.throws(() => addAttribute(set, { name: 'id', type: 'int', width: 1, data: new Float32Array(3) }), { code: 'PART_BAD_ARGUMENT' });
    assert.throws(() => addAttribute(set, { name: 's', type: 'indexedString', width: 1, data: new Int32Array(3) }), /strings table/);
    addAttribute(set, { name: 'id', type: 'int', width: 1, data: Int32Array.of(1, 2, 3) });
    addAttribute(set, { name: 'id', type: 'int', width: 1, data: Int32Array.of(4, 5, 6) });
    assert.deepEqual(values(set, 'id'), [4, 5, 6]);
    assert.throws(() => createParticleSet(-1), { code: 'PART_BAD_ARGUMENT' });
  });

  it('maps names the way partio does, both ways', () => {
    assert.equal(canonicalName('position', 'maya'), 'P');
    assert.equal(canonicalName('particleId', 'maya'), 'id');
    assert.equal(canonicalName('rgbPP', 'maya'), 'Cd');
    assert.equal(canonicalName('Velocity', 'krakatoa'), 'v');
    assert.equal(canonicalName('Color', 'krakatoa'), 'Cd');
    assert.equal(canonicalName('radius', 'renderman'), 'pscale');
    assert.equal(nativeName('id', 'maya'), 'particleId');
    assert.equal(nativeName('N', 'krakatoa'), 'Normal');
    assert.equal(nativeName('P', 'three'), 'position');
    assert.equal(canonicalName('whatever', 'maya'), 'whatever');
  });
});

describe('detection', () => {
  const bgeo = writeParticles(syntheticSet(4), 'bgeo');
  const classic = writeParticles(syntheticSet(4), 'bhclassic');
  it('magic bytes before the extension', () => {
    assert.equal(detectParticleFormat('rain.bgeo', classic)?.format.id, 'bhclassic');
    assert.equal(detectParticleFormat('rain.bgeo', bgeo)?.format.id, 'bgeo');
    assert.deepEqual(
      { id: detectParticleFormat('liar.prt', bgeo)?.format.id, by: detectParticleFormat('liar.prt', bgeo)?.by },
      { id: 'bgeo', by: 'magic' },
    );
    assert.equal(readParticles(writeParticles(syntheticSet(4), 'pdc'), { fileName: 'liar.prt' }).format, 'pdc');
  });
  it('the extension when there is no magic, gzip and two-part extensions', () => {
    assert.equal(detectParticleFormat('scan.pts')?.format.id, 'pts');
    assert.equal(detectParticleFormat('C:\\cache\\scan.XYZ')?.format.id, 'xyz');
    assert.equal(detectParticleFormat('fx.0001.bgeo.sc')?.format.id, 'bgeosc');
    const gz = writeParticles(syntheticSet(4), 'bhclassic', { gzip: true });
    assert.deepEqual({ ...detectParticleFormat('fx.0001.bgeo.gz', gz), format: undefined }, { format: undefined, gzip: true, by: 'extension' });
    assert.equal(readParticles(gz, { fileName: 'fx.0001.bgeo.gz' }).format, 'bhclassic');
    assert.equal(readParticles(gz).format, 'bhclassic', 'gzip found by its magic, the inner format by its own');
    assert.equal(detectParticleFormat('notes.txt.doc', new Uint8Array([1, 2, 3])), undefined);
    assert.deepEqual({ id: formatForFileName('out.pdc.gz')?.format.id, gzip: formatForFileName('out.pdc.gz')?.gzip }, { id: 'pdc', gzip: true });
    assert.equal(formatForFileName('out.bgeo')?.format.id, 'bgeo', '.bgeo is written as today\'s Houdini JSON format');
    assert.equal(particleFormat('.PRT')?.id, 'prt');
  });
  it('the registry is plain data: id, extensions, magic, inspect, read, write', () => {
    const ids = particleFormats.map((f) => f.id);
    assert.deepEqual(ids, ['bgeo', 'bgeosc', 'geo', 'bhclassic', 'hclassic', 'pda', 'pdb', 'pdc', 'prt', 'bin', 'ptc', 'ply', 'pts', 'xyz', 'csv']);
    for (const f of particleFormats) {
      assert.equal(typeof f.read, 'function');
      assert.equal(typeof f.inspect, 'function');
      assert.ok(f.extensions.length > 0);
    }
    assert.deepEqual(particleFormats.filter((f) => f.write === undefined).map((f) => f.id), ['bgeosc']);
  });
});

describe('header-only inspection', () => {
  for (const id of ['bhclassic', 'hclassic', 'pda', 'prt', 'bin', 'ptc', 'ply']) {
    it(`${id}: the first 2 KiB of a 20,000-particle file are enough`, () => {
      let set = syntheticSet(20_000, { life: true });
      set = createParticleSet(set.count, set.attributes.filter((a) => (id === 'ptc' ? a.name !== 'id' : id === 'bin' ? ['P', 'v', 'id'].includes(a.name) : true)));
      const bytes = writeParticles(set, id);
      assert.ok(bytes.length > 100_000);
      const info = inspectParticles(bytes.subarray(0, 2048), { format: id });
      assert.equal(info.count, 20_000);
      assert.deepEqual(info.attributes.map((a) => a.name).filter((n) => set.attributes.some((a) => a.name === n)), set.attributes.map((a) => a.name).filter((n) => info.attributes.some((a) => a.name === n)));
      assert.throws(() => readParticles(bytes.subarray(0, 2048), { format: id }), (e: { code: string }) => ['PART_TRUNCATED', 'PART_CORRUPT'].includes(e.code));
    });
  }
});

describe('statistics', () => {
  it('min, max and mean per component; NaN counted apart; strings counted', () => {
    const set = createParticleSet(4, [
      { name: 'P', type: 'vector', width: 3, data: Float32Array.of(0, 1, 2, 4, 5, 6, -2, 1, 0, NaN, 0, 0) },
      { name: 'name', type: 'indexedString', width: 1, data: Int32Array.of(0, 1, 1, -1), strings: ['a', 'b'] },
    ]);
    const stats = attributeStats(set, 'P');
    assert.deepEqual(stats.min, [-2, 0, 0]);
    assert.deepEqual(stats.max, [4, 5, 6]);
    assert.deepEqual(stats.mean, [2 / 3, 7 / 4, 8 / 4]);
    assert.deepEqual(stats.nonFinite, [1, 0, 0]);
    assert.deepEqual(boundingBox(set), { min: [-2, 0, 0], max: [4, 5, 6] });
    assert.deepEqual(attributeStats(set, 'name').stringCounts, [{ value: 'a', count: 1 }, { value: 'b', count: 2 }]);
    assert.throws(() => attributeStats(set, 'nope'), { code: 'PART_BAD_ARGUMENT' });
    assert.equal(boundingBox(createParticleSet(0)), undefined);
  });
});

describe('merging', () => {
  it('appends without identifiers, re-indexes strings, lets the delta override fixed values', () => {
    const a = syntheticSet(3, { strings: true, fixed: true });
    const b = syntheticSet(2, { strings: true });
    b.attributes.find((x) => x.name === 'name')!.strings = ['gamma', 'delta', 'alpha'];
    b.fixed = [{ name: 'frame', type: 'int', width: 1, data: Int32Array.of(7) }];
    const merged = mergeParticleSets(a, b);
    assert.equal(merged.count, 5);
    const name = merged.attributes.find((x) => x.name === 'name')!;
    assert.deepEqual(name.strings, ['alpha', 'beta', 'gamma', 'delta']);
    assert.deepEqual(Array.from(name.data).map((i) => name.strings![i]), ['alpha', 'beta', 'gamma', 'gamma', 'delta']);
    assert.equal(merged.fixed.find((f) => f.name === 'frame')!.data[0], 7);
  });
});

describe('loaders.gl loaders', () => {
  it('have the loader shape, one per family, and parse through @loaders.gl/core', async () => {
    assert.equal(particleLoaders.length, 7);
    for (const loader of particleLoaders) {
      assert.equal(loader.module, 'particles');
      assert.equal(typeof loader.parse, 'function');
      assert.equal(typeof loader.parseSync, 'function');
    }
    assert.ok(HoudiniGeometryLoader.extensions.includes('bgeo'));
    assert.ok(KrakatoaPrtLoader.extensions.includes('sprt'));
    const bytes = writeParticles(syntheticSet(10), 'bgeo');
    const set = await parse(bytes.slice().buffer, HoudiniGeometryLoader, { houdini: { maxParticles: 100 } });
    assert.equal(set.count, 10);
    await assert.rejects(parse(bytes.slice().buffer, HoudiniGeometryLoader, { houdini: { maxParticles: 5 } }), { code: 'PART_LIMIT' });
    const prt = writeParticles(syntheticSet(10), 'prt');
    registerLoaders([...particleLoaders]);
    assert.equal((await selectLoader(prt.slice().buffer, [...particleLoaders]))?.id, 'prt');
    assert.equal(HoudiniGeometryLoader.tests[0]!(bytes.slice().buffer), true);
    assert.equal(PlyParticlesLoader.tests[0]!(bytes.slice().buffer), false);
  });
});

describe('three.js adapter', () => {
  it('makes a BufferGeometry with position, colour (scaled from bytes), velocity and the other numbers', () => {
    const set = readParticles(writeParticles(syntheticSet(50, { strings: true, fixed: true, life: true }), 'bgeo'));
    set.attributes.find((a) => a.name === 'Cd')!.normalizedMax = undefined;
    const ply = readParticles(writeParticles(createParticleSet(50, set.attributes.filter((a) => a.type !== 'indexedString')), 'ply'));
    const geometry = particlesToGeometry(ply);
    assert.ok(geometry.getAttribute('position').array instanceof Float32Array);
    assert.equal(geometry.getAttribute('position').count, 50);
    const colour = geometry.getAttribute('color');
    assert.equal(colour.itemSize, 3);
    assert.ok(Math.abs(colour.array[0]! - values(set, 'Cd')[0]!) <= 0.5 / 255 + 1e-6);
    assert.equal(geometry.getAttribute('velocity').itemSize, 3);
    assert.equal(geometry.getAttribute('life').itemSize, 1);
    assert.ok(geometry.getAttribute('id').array instanceof Float32Array);
    assert.ok(particlesToGeometry(ply, { keepIntegers: true }).getAttribute('id').array instanceof Int32Array);
    assert.ok(geometry.boundingBox !== null && geometry.boundingSphere !== null);
    const withStrings = particlesToGeometry(set);
    assert.deepEqual(withStrings.userData['skipped'], ['name']);
    assert.deepEqual(withStrings.userData['fixed'], { frame: [42], scale: [0.5] });
    const points = particlesToPoints(set, { size: 0.1 });
    assert.equal(points.type, 'Points');
    assert.equal((points.material as { vertexColors: boolean }).vertexColors, true);
  });
});

describe('subsets', () => {
  it('filterParticles keeps what a predicate or mask says; selectAttributes keeps the names given', async () => {
    const { filterParticles, selectAttributes } = await import('@vfxkit/particles');
    const set = syntheticSet(10, { strings: true, fixed: true });
    const id = set.attributes.find((a) => a.name === 'id')!.data;
    const small = filterParticles(set, (i) => id[i]! < 10);
    assert.deepEqual(values(small, 'id'), [1, 4, 7]);
    assert.deepEqual(values(small, 'name'), [0, 1, 2]);
    assert.equal(small.fixed.length, 2);
    const masked = filterParticles(set, Uint8Array.from({ length: 10 }, (_, i) => i % 5 === 0 ? 1 : 0));
    assert.equal(masked.count, 2);
    assert.throws(() => filterParticles(set, new Uint8Array(3)), { code: 'PART_BAD_ARGUMENT' });
    const kept = selectAttributes(set, ['id', 'P'], []);
    assert.deepEqual(kept.attributes.map((a) => a.name), ['id', 'P']);
    assert.equal(kept.fixed.length, 0);
    assert.throws(() => selectAttributes(set, ['P', 'nope']), /'nope'/);
  });
});
