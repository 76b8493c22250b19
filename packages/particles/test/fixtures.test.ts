/**
 * Every file in fixtures-real/particles and fixtures-real/ply reads, with the counts and values
 * their SOURCES.md rows (and the upstream tests they cite) record.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getAttribute,
  getFixedAttribute,
  inspectParticles,
  mergeParticleSets,
  readParticles,
  readParticlesAsync,
  stringValue,
} from '@vfxkit/particles';
import type { ParticleSet } from '@vfxkit/particles';
import { fixture, listFiles, noFixtures, particleFixtures, plyFixtures, rounded, values } from './helpers.js';

const skip = noFixtures;

function read(path: string): ParticleSet {
  return readParticles(fixture(particleFixtures, path), { fileName: path });
}

function component(set: ParticleSet, name: string, k: number): number[] {
  const attribute = getAttribute(set, name)!;
  return Array.from({ length: set.count }, (_, i) => Number(attribute.data[i * attribute.width + k]));
}

/** file -> particle count, for every particle fixture that must read. */
const COUNTS: Record<string, number> = {
  'cortex-pdc/10Particles.pdc': 10,
  'cortex-pdc/particleShape1.250.pdc': 25,
  'cortex-pdc/particleShape1.intId.250.pdc': 25,
  'cortex-pdc/particleShape1.noId.250.pdc': 25,
  'krakatoa-prt/bunnyFloat_nolod.sprt': 956,
  'krakatoa-prt/doubleFloat.prt': 10,
  'krakatoa-prt/intColor.prt': 10,
  'krakatoa-prt/loadSingleScan.prt': 40,
  'krakatoa-prt/noNormals.prt': 10,
  'krakatoa-prt/prt_fractal_for_krscene.prt': 312,
  'krakatoa-prt/scaledInteger.prt': 10,
  'krakatoa-prt/transforms.prt': 20,
  'krakatoa-prt/twoScans.prt': 20,
  'krakatoa-prt/wnormals.prt': 10,
  'partio/base.bgeo': 5,
  'partio/baseidsfaceid.bgeo': 8,
  'partio/delta.bgeo': 3,
  'partio/deltaids.bgeo': 8,
  'partio/deltaidsfaceid.bgeo': 8,
  'partio/json.bgeo': 5,
  'partio/reindeer.bgeo': 16,
  'partio/scatter.bgeo': 25,
  'partio/test.bgeo': 5,
  'partio/test.geo': 5,
  'partio/test.pdb': 13,
  'sidefxlabs/cylinder_generator_demoscene.1.bgeo.sc': 64,
  'sidefxlabs/hf_insert_mask_demoscene.1.bgeo.sc': 4,
  'sidefxlabs/lightning_demoscene.1.bgeo.sc': 840,
  'sidefxlabs/neuron_tpose.bgeo': 72,
  'sidefxlabs/sine_wave_demoscene.1.bgeo.sc': 400,
  'sidefxlabs/skinning_converter_demoscene.10.bgeo.sc': 2600,
  'sidefxlabs/spiral_demoscene.1.bgeo.sc': 188,
  'sidefxlabs/star_demoscene.1.bgeo.sc': 10,
};
/** The deliberately broken files and the code each must fail with. */
const BROKEN: Record<string, string> = {
  'krakatoa-prt/invalid/massive_chunk_divisible.prt': 'PART_TRUNCATED',
  'krakatoa-prt/invalid/massive_chunk_indivisible.prt': 'PART_TRUNCATED',
  'krakatoa-prt/invalid/negative_eight.prt': 'PART_CORRUPT',
};
const FORMATS: Record<string, string> = { pdc: 'pdc', prt: 'prt', sprt: 'prt', bgeo: 'bhclassic', geo: 'hclassic', pdb: 'pdb', sc: 'bgeosc' };

describe('every particle fixture', { skip }, () => {
  const files = listFiles(particleFixtures);
  it('is listed here with its expected count or error', () => {
    for (const file of files) assert.ok(file in COUNTS || file in BROKEN, `new fixture ${file}: add it to COUNTS or BROKEN`);
  });
  for (const file of files.filter((f) => f in COUNTS)) {
    it(`${file} reads ${COUNTS[file]} particles (read, readAsync and inspect agree)`, async () => {
      const bytes = fixture(particleFixtures, file);
      const set = readParticles(bytes, { fileName: file });
      assert.equal(set.count, COUNTS[file]);
      for (const attribute of set.attributes) assert.equal(attribute.data.length, set.count * attribute.width, attribute.name);
      const info = inspectParticles(bytes, { fileName: file });
      assert.equal(info.count, set.count);
      assert.deepEqual(
        info.attributes.map((a) => [a.name, a.type, a.width]),
        set.attributes.map((a) => [a.name, a.type, a.width]),
      );
      const extension = file.split('.').pop()!;
      const expected = file.includes('sidefxlabs/neuron') ? 'bgeo' : FORMATS[extension];
      assert.equal(set.format, expected);
      const again = await readParticlesAsync(bytes, { fileName: file });
      assert.deepEqual(again.attributes.map((a) => Array.from(a.data)), set.attributes.map((a) => Array.from(a.data)));
    });
  }
  for (const [file, code] of Object.entries(BROKEN)) {
    it(`${file} fails with ${code}`, () => {
      assert.throws(() => read(file), (error: { code?: string; file?: string }) => error.code === code && error.file === file);
      assert.throws(() => inspectParticles(fixture(particleFixtures, file), { fileName: file }), { code });
    });
  }
});

describe('partio test data', { skip }, () => {
  it('base.bgeo and delta.bgeo hold what testmerge.cpp says', () => {
    const base = read('partio/base.bgeo');
    assert.deepEqual(set(base), ['P', 'life', 'id']);
    assert.deepEqual(rounded(component(base, 'life', 0)), [-1.2, -0.2, 0.8, 1.8, 2.8]);
    assert.deepEqual(rounded(component(base, 'P', 0)), [0, 0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual(values(base, 'id'), [0, 1, 2, 3, 4]);
    const delta = read('partio/delta.bgeo');
    assert.deepEqual(rounded(component(delta, 'life', 0)), [1, 3, 5]);
    assert.deepEqual(rounded(component(delta, 'P', 0)), [0.1, 0.3, 0.5]);
    assert.ok(getAttribute(delta, 'new'));
  });

  it('merges like testmerge.cpp: base + delta by id, ids + faceid_XS pairs', () => {
    const merged = mergeParticleSets(read('partio/base.bgeo'), read('partio/delta.bgeo'), ['id']);
    assert.equal(merged.count, 6);
    assert.deepEqual(rounded(component(merged, 'life', 0)), [-1.2, 1, 0.8, 3, 2.8, 5]);
    assert.deepEqual(rounded(component(merged, 'P', 0)), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual(values(merged, 'new'), [0, 1, 0, 2, 0, 3]);
    assert.equal(merged.fixed.length, 3);
    const faces = read('partio/baseidsfaceid.bgeo');
    assert.equal(mergeParticleSets(faces, read('partio/deltaidsfaceid.bgeo'), ['ids', 'faceid_XS']).count, 13);
    assert.equal(mergeParticleSets(faces, read('partio/deltaids.bgeo'), ['ids', 'faceid_XS']).count, 16);
  });

  it('test.bgeo has 3 attributes with a 3-wide position (testpartio.py); test.geo holds the same points', () => {
    const binary = read('partio/test.bgeo');
    assert.equal(binary.attributes.length, 3);
    assert.equal(getAttribute(binary, 'P')!.width, 3);
    const ascii = read('partio/test.geo');
    assert.deepEqual(set(ascii), ['P', 'life', 'id']);
    for (const name of ['P', 'life', 'id']) assert.deepEqual(rounded(values(ascii, name)), rounded(values(binary, name)));
    assert.match(binary.notes.join(' '), /particle system/);
  });

  it('json.bgeo has the indexed string someString = Hello/World and two fixed attributes', () => {
    const json = read('partio/json.bgeo');
    const someString = getAttribute(json, 'someString')!;
    assert.equal(someString.type, 'indexedString');
    assert.deepEqual(someString.strings, ['Hello', 'World']);
    assert.deepEqual(Array.from({ length: 5 }, (_, i) => stringValue(someString, i)), ['Hello', 'World', 'Hello', 'World', 'World']);
    assert.deepEqual(values(json, 'id'), [0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(getFixedAttribute(json, 'baseFixed1')!.data), [1]);
    assert.deepEqual(Array.from(getFixedAttribute(json, 'baseFixed2')!.data), [2]);
  });

  it('scatter.bgeo and reindeer.bgeo keep ids, colours and string tables', () => {
    const scatter = read('partio/scatter.bgeo');
    assert.deepEqual(values(scatter, 'id'), Array.from({ length: 25 }, (_, i) => i));
    assert.deepEqual(getAttribute(scatter, 'test')!.strings, ['', 'blah', 'hello']);
    assert.equal(getAttribute(scatter, 'Cd')!.type, 'float');
    const reindeer = read('partio/reindeer.bgeo');
    assert.equal(getAttribute(reindeer, 'v')!.type, 'vector');
    assert.deepEqual(getAttribute(reindeer, 'animName')!.strings, ['run.003', 'run.002', 'run.001']);
    assert.deepEqual(reindeer.fixed.map((a) => a.name), ['matPil', 'varmap']);
    assert.ok(reindeer.attributes.length > 300);
  });

  it('test.pdb reads in its 32-bit layout with Maya names mapped', () => {
    const pdb = read('partio/test.pdb');
    assert.deepEqual(set(pdb), ['P', 'v', 'accel', 'life', 'pstate', 'id', 'parent', 'rotaxis', 'rotangle', 'pscale']);
    assert.equal(getAttribute(pdb, 'life')!.width, 2);
    assert.deepEqual(values(pdb, 'id'), Array.from({ length: 13 }, (_, i) => i + 1));
    assert.deepEqual(readParticles(fixture(particleFixtures, 'partio/test.pdb'), { nativeNames: true }).attributes[0]!.name, 'position');
  });
});

function set(particles: ParticleSet): string[] {
  return particles.attributes.map((a) => a.name);
}

describe('Cortex PDC files', { skip }, () => {
  it('particleShape1.250.pdc: 25 particles, 17 attributes, particleId 0..24, y == 0, |x|,|z| < 1.1 (PDCReader.py)', () => {
    const pdc = read('cortex-pdc/particleShape1.250.pdc');
    assert.equal(pdc.attributes.length, 17);
    assert.deepEqual(values(pdc, 'id'), Array.from({ length: 25 }, (_, i) => i));
    const P = getAttribute(pdc, 'P')!;
    assert.ok(P.data instanceof Float64Array, 'doubles stay doubles');
    for (let i = 0; i < 25; i++) {
      assert.equal(P.data[3 * i + 1], 0);
      assert.ok(Math.abs(P.data[3 * i]!) < 1.1 && Math.abs(P.data[3 * i + 2]!) < 1.1);
    }
    assert.match(pdc.notes.join(' '), /ghostFrames/);
  });

  it('intId has integer ids, noId none, 10Particles ten', () => {
    const intId = read('cortex-pdc/particleShape1.intId.250.pdc');
    assert.ok(getAttribute(intId, 'id')!.data instanceof Int32Array);
    assert.deepEqual(values(intId, 'id'), Array.from({ length: 25 }, (_, i) => i));
    assert.equal(getAttribute(read('cortex-pdc/particleShape1.noId.250.pdc'), 'id'), undefined);
    assert.deepEqual(values(read('cortex-pdc/10Particles.pdc'), 'id'), Array.from({ length: 10 }, (_, i) => i));
  });
});

// The committed PRT files predate the generator's current tables in two places: their particle 5
// has red 6 (not 0.6) and particle 6 a zero normal (not sqrt(1/3) three times). Both are checked
// as the files hold them.
describe('Krakatoa PRT files (the e57_generator.cpp values they were written from)', { skip }, () => {
  const X = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const Y = X.map((x) => x + 0.1);
  const Z = [1.2, 2.2, 3.2, 4.2, 5.2, 6.2, 7.2, 8.2, 9.1, 10.2];
  const intensity = [1, 2, 3, 2, 1, 1, 2, 3, 2, 1];
  for (const file of ['wnormals', 'noNormals', 'scaledInteger', 'intColor', 'doubleFloat']) {
    it(`${file}.prt: positions, intensity, colour${file === 'noNormals' ? '' : ', normals'}`, () => {
      const prt = read(`krakatoa-prt/${file}.prt`);
      const scale = file === 'doubleFloat' ? 100000000000000.0111 : 1;
      const P = getAttribute(prt, 'P')!;
      assert.equal(P.data instanceof Float64Array, file === 'doubleFloat');
      for (let i = 0; i < 10; i++) {
        const tolerance = file === 'doubleFloat' ? 1 : 1e-5;
        assert.ok(Math.abs(P.data[3 * i]! - X[i]! * scale) <= tolerance * X[i]!, `x ${i}`);
        assert.ok(Math.abs(P.data[3 * i + 1]! - Y[i]! * scale) <= tolerance * Y[i]!, `y ${i}`);
        assert.ok(Math.abs(P.data[3 * i + 2]! - Z[i]! * scale) <= tolerance * Z[i]!, `z ${i}`);
      }
      assert.deepEqual(values(prt, 'Intensity'), intensity);
      const red = component(prt, 'Cd', 0);
      if (file === 'intColor') assert.deepEqual(rounded(red), rounded([0, 1, 2, 4, 8, 16, 32, 64, 255, 255].map((v) => v / 255)));
      else assert.deepEqual(rounded(red), [0.1, 0.2, 0.3, 0.4, 0.5, 6, 0.7, 0.8, 0.9, 1]);
      assert.deepEqual(rounded(component(prt, 'Cd', 1)), new Array(10).fill(file === 'intColor' ? 0.502 : 0.5).map((v, i) => (file === 'intColor' && i === 8 ? 1 : v)));
      if (file === 'noNormals') assert.equal(getAttribute(prt, 'N'), undefined);
      else {
        assert.deepEqual(rounded(component(prt, 'N', 0)), [1, 0, 0, 0.6, 0, 0.8, 0, 0.8, 0, 0.6]);
        assert.deepEqual(rounded(component(prt, 'N', 2)), [0, 0, 1, 0, 0.8, 0.6, 0, 0, 0.6, 0.8]);
      }
    });
  }

  it('twoScans.prt: 20 particles, ScannerIndex 1 then 2 (uint32)', () => {
    const prt = read('krakatoa-prt/twoScans.prt');
    assert.deepEqual(values(prt, 'ScannerIndex'), [...new Array(10).fill(1), ...new Array(10).fill(2)]);
    assert.equal(getAttribute(prt, 'ScannerIndex')!.storage, 'uint32');
  });

  it('prt_fractal_for_krscene.prt (PRT 1.1): metadata chunks and the Interpretation tags', () => {
    const prt = read('krakatoa-prt/prt_fractal_for_krscene.prt');
    assert.deepEqual(set(prt), ['P', 'Cd', 'v', 'Density']);
    // File-wide metadata is the fixed attributes.
    assert.deepEqual(Array.from(getFixedAttribute(prt, 'LengthUnitInMeters')!.data), [0.01]);
    assert.equal(getFixedAttribute(prt, 'LengthUnitInMeters')!.storage, 'float64');
    assert.equal(getFixedAttribute(prt, 'BoundBox')!.width, 6);
    assert.equal(getAttribute(prt, 'P')!.interpretation, 'point');
    assert.equal(getAttribute(prt, 'v')!.interpretation, 'vector');
  });

  it('bunnyFloat_nolod.sprt (PRT2 with a spatial index) reads its 956 positions', () => {
    const prt = read('krakatoa-prt/bunnyFloat_nolod.sprt');
    assert.deepEqual(set(prt), ['P']);
    const info = inspectParticles(fixture(particleFixtures, 'krakatoa-prt/bunnyFloat_nolod.sprt'));
    assert.equal(info.compression, 'transpose-zlib');
  });
});

describe('SideFX Labs Houdini files', { skip }, () => {
  it('neuron_tpose.bgeo: 72 points, P, Cd (a constant page), string attributes, notes for what is skipped', () => {
    const bgeo = read('sidefxlabs/neuron_tpose.bgeo');
    assert.deepEqual(set(bgeo), ['P', 'Cd', 'name', 'path', 'scaleinheritance', 'transform']);
    assert.deepEqual(rounded(values(bgeo, 'Cd').slice(0, 6)), [0, 0.09, 1, 0, 0.09, 1]);
    assert.equal(stringValue(getAttribute(bgeo, 'name')!, 0), 'Hips');
    assert.equal(getAttribute(bgeo, 'transform')!.width, 9);
    assert.match(bgeo.notes.join(' '), /71 primitives skipped/);
    const info = inspectParticles(fixture(particleFixtures, 'sidefxlabs/neuron_tpose.bgeo'));
    assert.equal(info.version, '18.5.317');
  });

  it('the .bgeo.sc files: the point count the info block states, doubles and int64 kept, global attributes fixed', () => {
    const lightning = read('sidefxlabs/lightning_demoscene.1.bgeo.sc');
    assert.ok(getAttribute(lightning, 'cost')!.data instanceof Float64Array);
    assert.equal(getAttribute(lightning, 'origpt')!.storage, 'int64');
    assert.deepEqual(rounded(values(lightning, 'Cd').slice(0, 6)), [0, 0.5, 1, 0, 0.5, 1]);
    const skinning = read('sidefxlabs/skinning_converter_demoscene.10.bgeo.sc');
    assert.equal(getFixedAttribute(skinning, 'vm_cuspangle')!.data[0], 180);
    assert.equal(getFixedAttribute(skinning, 'varmap')!.width, 4);
    // Cd there has a constant second page: 3 pages, 1577 stored tuples.
    const Cd = getAttribute(skinning, 'Cd')!;
    assert.deepEqual(rounded(Array.from(Cd.data.slice(1024 * 3, 1024 * 3 + 6))), rounded(Array.from(Cd.data.slice(1025 * 3, 1025 * 3 + 6))));
    const star = read('sidefxlabs/star_demoscene.1.bgeo.sc');
    assert.deepEqual(rounded(values(star, 'P').slice(0, 3)), [0, 2, 0]);
    assert.match(star.notes.join(' '), /point group/);
  });
});

describe('every PLY fixture', { skip }, () => {
  const PLY: Record<string, { count: number; attributes: string[] }> = {
    'loaders.gl/bunny.ply': { count: 34834, attributes: ['P'] },
    'loaders.gl/cube_att.ply': { count: 24, attributes: ['P', 'N'] },
    'loaders.gl/gaussian/train-1000.ply': { count: 1000, attributes: ['P', 'N', 'f_dc', 'f_rest', 'opacity', 'scale', 'rot'] },
    'loaders.gl/ripple_ascii.ply': { count: 10201, attributes: ['P', 'Cd', 'N'] },
    'loaders.gl/ripple_bin.ply': { count: 10201, attributes: ['P', 'Cd', 'N'] },
  };
  const files = listFiles(plyFixtures);
  it('is listed here', () => {
    for (const file of files) assert.ok(file in PLY, `new PLY fixture ${file}`);
  });
  for (const file of files) {
    it(`${file}: ${PLY[file]?.count} vertices, attributes ${PLY[file]?.attributes.join(' ')}`, () => {
      const ply = readParticles(fixture(plyFixtures, file), { fileName: file });
      assert.equal(ply.count, PLY[file]!.count);
      assert.deepEqual(set(ply), PLY[file]!.attributes);
    });
  }
  it('gaussian/train-1000.ply keeps its 62 source properties (3 + 3 + 3 + 45 + 1 + 3 + 4)', () => {
    const ply = readParticles(fixture(plyFixtures, 'loaders.gl/gaussian/train-1000.ply'));
    assert.equal(ply.attributes.reduce((sum, a) => sum + a.width, 0), 62);
    const separate = readParticles(fixture(plyFixtures, 'loaders.gl/gaussian/train-1000.ply'), { ply: { groupComponents: false } });
    // P and N still group (x y z, nx ny nz); the numbered runs stay 56 separate properties.
    assert.equal(separate.attributes.length, 2 + 3 + 45 + 1 + 3 + 4);
  });
  it('ripple_ascii.ply and ripple_bin.ply hold the same vertices, colours as written (uchar)', () => {
    const ascii = readParticles(fixture(plyFixtures, 'loaders.gl/ripple_ascii.ply'));
    const binary = readParticles(fixture(plyFixtures, 'loaders.gl/ripple_bin.ply'));
    for (const name of ['P', 'Cd', 'N']) {
      const a = values(ascii, name);
      const b = values(binary, name);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
    }
    const Cd = getAttribute(binary, 'Cd')!;
    assert.equal(Cd.storage, 'uint8');
    assert.equal(Cd.normalizedMax, 255);
    assert.deepEqual(values(binary, 'Cd').slice(0, 3), [10, 119, 55]);
  });
});
