/**
 * The core writer: every POD type, sampling kind and sample-sharing rule of AbcCoreOgawa written
 * and read back; hashes as Alembic computes them; real archives re-written with the same blocks,
 * keys and hashes; NuPatch and Light (for which no real sample exists) written as ONuPatch and
 * OLight lay them out, then read through their schema views.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbcErrorCode,
  AlembicWriter,
  ArrayProperty,
  asLight,
  asNuPatch,
  openAlembic,
  rewriteAlembic,
  ScalarProperty,
  verifyHashes,
  type AlembicArchive,
} from '@vfxkit/alembic';
import { defaultCameraCore, writeLight, writeNuPatch } from './helpers/abcgeom.js';
import { errorOf, noReal, real, validArchives } from './helpers/fixtures.js';

function sampled(archive: AlembicArchive, objectPath: string, propertyPath: string): ScalarProperty | ArrayProperty {
  const property = archive.findObject(objectPath)!.properties.find(propertyPath);
  assert.ok(property instanceof ScalarProperty || property instanceof ArrayProperty, `${propertyPath} missing`);
  return property;
}

describe('AlembicWriter round trips', () => {
  it('every POD type, scalar and array, keeps its native type and values', () => {
    const writer = new AlembicWriter({ application: 'vfxkit tests', userDescription: 'pods', dccFps: 24, dateWritten: 'today' });
    const object = writer.root.addChild('pods');
    const props = object.properties;
    props.addScalar('b', { pod: 'bool', extent: 2 }).addSample([1, 0]);
    props.addScalar('u8', { pod: 'uint8', extent: 1 }).addSample([255]);
    props.addScalar('i8', { pod: 'int8', extent: 1 }).addSample([-128]);
    props.addScalar('u16', { pod: 'uint16', extent: 1 }).addSample([65535]);
    props.addScalar('i16', { pod: 'int16', extent: 1 }).addSample([-32768]);
    props.addScalar('u32', { pod: 'uint32', extent: 1 }).addSample([4294967295]);
    props.addScalar('i32', { pod: 'int32', extent: 1 }).addSample([-2147483648]);
    props.addScalar('u64', { pod: 'uint64', extent: 1 }).addSample([18446744073709551615n]);
    props.addScalar('i64', { pod: 'int64', extent: 1 }).addSample([-9223372036854775808n]);
    props.addArray('h', { pod: 'float16', extent: 1 }).addSample(new Uint16Array([0x3c00, 0xc000, 0x7c00]));
    props.addArray('f', { pod: 'float32', extent: 3 }).addSample([1.5, -2, 3.25, 4, 5, 6]);
    props.addScalar('d', { pod: 'float64', extent: 16 }).addSample([...Array(16).keys()]);
    props.addScalar('s', { pod: 'string', extent: 2 }).addSample(['héllo', '']);
    props.addArray('w', { pod: 'wstring', extent: 1 }).addSample(['a𝄞b', 'ümlaut']);
    props.addArray('grid', { pod: 'int32', extent: 1 }).addSample([1, 2, 3, 4, 5, 6], [2, 3]);
    props.addArray('empty', { pod: 'float32', extent: 3 }).addSample([]);
    const archive = openAlembic(writer.finish());
    assert.equal(archive.info.application, 'vfxkit tests');
    assert.equal(archive.info.userDescription, 'pods');
    assert.equal(archive.info.dccFps, 24);
    assert.equal(archive.libraryVersion, 10811);
    const value = (name: string) => sampled(archive, '/pods', name).getSample(0);
    assert.deepEqual([...(value('b').values as Uint8Array)], [1, 0]);
    assert.ok(value('u8').values instanceof Uint8Array);
    assert.deepEqual([...(value('i8').values as Int8Array)], [-128]);
    assert.deepEqual([...(value('u16').values as Uint16Array)], [65535]);
    assert.deepEqual([...(value('i16').values as Int16Array)], [-32768]);
    assert.deepEqual([...(value('u32').values as Uint32Array)], [4294967295]);
    assert.deepEqual([...(value('i32').values as Int32Array)], [-2147483648]);
    assert.deepEqual([...(value('u64').values as BigUint64Array)], [18446744073709551615n]);
    assert.deepEqual([...(value('i64').values as BigInt64Array)], [-9223372036854775808n]);
    assert.deepEqual([...(value('h').values as Uint16Array)], [0x3c00, 0xc000, 0x7c00]);
    assert.equal(value('f').count, 2);
    assert.deepEqual([...(value('f').values as Float32Array)], [1.5, -2, 3.25, 4, 5, 6]);
    assert.deepEqual([...(value('d').values as Float64Array)], [...Array(16).keys()]);
    assert.deepEqual(value('s').values, ['héllo', '']);
    assert.deepEqual(value('w').values, ['a𝄞b', 'ümlaut']);
    assert.deepEqual(value('grid').dimensions, [2, 3]);
    assert.deepEqual([value('empty').count, value('empty').key, value('empty').position], [0, '', 0]);
    assert.deepEqual(verifyHashes(archive.root, { samples: true }), []);
  });

  it('stores repeats once: first and last changed indices, constant properties, shared blocks', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(24, 1 / 24);
    const props = writer.root.addChild('o').properties;
    const a = props.addArray('a', { pod: 'float32', extent: 1 }, { timeSampling: ts });
    for (const v of [1, 1, 2, 3, 3, 3]) a.addSample([v]);
    const constant = props.addScalar('c', { pod: 'int32', extent: 1 }, { timeSampling: ts });
    for (let i = 0; i < 6; i++) constant.addSample([7]);
    const twin = props.addArray('twin', { pod: 'int32', extent: 1 }, { timeSampling: ts });
    twin.addSample(new Int32Array(new Float32Array([2]).buffer)); // same bytes as a's "2"
    const archive = openAlembic(writer.finish());
    const A = sampled(archive, '/o', 'a');
    assert.deepEqual([A.sampleCount, A.firstChangedIndex, A.lastChangedIndex, A.storedSampleCount], [6, 2, 3, 3]);
    assert.deepEqual([...Array(6).keys()].map((i) => (A.getSample(i).values as Float32Array)[0]), [1, 1, 2, 3, 3, 3]);
    const C = sampled(archive, '/o', 'c');
    assert.deepEqual([C.isConstant, C.storedSampleCount], [true, 1]);
    assert.equal(archive.timeSamplings[ts]!.maxSamples, 6);
    // Identical bytes are stored once across properties, whatever their POD.
    assert.equal(sampled(archive, '/o', 'twin').getSample(0).position, A.getSample(2).position);
    const range = archive.timeRange!;
    assert.ok(Math.abs(range.start - 1 / 24) < 1e-12 && Math.abs(range.end - 6 / 24) < 1e-12);
    assert.deepEqual(verifyHashes(archive.root, { samples: true }), []);
  });

  it('writes uniform, cyclic and acyclic samplings and reads sample times back', () => {
    const writer = new AlembicWriter();
    const uniform = writer.addUniformTimeSampling(25, 0);
    const cyclic = writer.addTimeSampling({ timePerCycle: 1, storedTimes: [0, 0.25] });
    const acyclic = writer.addAcyclicTimeSampling([0, 0.1, 0.7, 3]);
    assert.equal(writer.addUniformTimeSampling(25, 0), uniform, 'an equal sampling is reused');
    const props = writer.root.addChild('o').properties;
    for (const [name, index] of [['u', uniform], ['c', cyclic], ['a', acyclic]] as const) {
      const p = props.addScalar(name, { pod: 'float32', extent: 1 }, { timeSampling: index });
      for (let i = 0; i < 4; i++) p.addSample([i]);
    }
    const archive = openAlembic(writer.finish());
    const times = (name: string) => [0, 1, 2, 3].map((i) => sampled(archive, '/o', name).sampleTime(i));
    assert.deepEqual(times('u'), [0, 0.04, 0.08, 0.12]);
    assert.deepEqual(times('c'), [0, 0.25, 1, 1.25]);
    assert.deepEqual(times('a'), [0, 0.1, 0.7, 3]);
    assert.deepEqual(archive.timeSamplings.map((t) => t.kind), ['uniform', 'uniform', 'cyclic', 'acyclic']);
    const a = sampled(archive, '/o', 'a');
    assert.deepEqual([a.sampleIndexAt(0.5), a.sampleIndexAt(0.5, 'ceil'), a.sampleIndexAt(0.5, 'near'), a.sampleIndexAt(99)], [1, 2, 2, 3]);
    assert.throws(() => props.addScalar('late', { pod: 'float32', extent: 1 }), /closed/);
  });

  it('indexes short metadata, writes long metadata inline, and uses wider sizes when names are long', () => {
    const writer = new AlembicWriter();
    const object = writer.root.addChild('meta', { note: 'x'.repeat(300) });
    for (let i = 0; i < 300; i++) object.properties.addScalar(`p${i}`, { pod: 'uint8', extent: 1 }, { metadata: { i: String(i) } }).addSample([i & 255]);
    object.properties.addScalar('n'.repeat(70000), { pod: 'uint8', extent: 1 }).addSample([1]);
    const archive = openAlembic(writer.finish());
    assert.equal(archive.indexedMetaData.length, 255, 'index 0 (empty) and 254 indexed strings');
    const o = archive.findObject('/meta')!;
    assert.equal(o.metadata.get('note').length, 300);
    assert.equal(o.properties.properties.length, 301);
    assert.equal(o.properties.get('p299')!.metadata.get('i'), '299');
    assert.equal((o.properties.properties[300] as ScalarProperty).name.length, 70000);
    assert.deepEqual(verifyHashes(archive.root), []);
  });

  it('refuses impossible input with ABC_BAD_ARGUMENT', () => {
    const writer = new AlembicWriter();
    const props = writer.root.addChild('o').properties;
    const s = props.addScalar('s', { pod: 'float32', extent: 3 });
    assert.equal(errorOf(() => s.addSample([1, 2])).code, AbcErrorCode.ABC_BAD_ARGUMENT);
    assert.equal(errorOf(() => props.addScalar('s', { pod: 'float32', extent: 1 })).code, AbcErrorCode.ABC_BAD_ARGUMENT);
    assert.equal(errorOf(() => writer.root.addChild('a/b')).code, AbcErrorCode.ABC_BAD_ARGUMENT);
    assert.equal(errorOf(() => props.addArray('x', { pod: 'int32', extent: 1 }, { timeSampling: 5 })).code, AbcErrorCode.ABC_BAD_ARGUMENT);
    assert.equal(errorOf(() => props.addArray('y', { pod: 'string', extent: 1 }).addSample(['a\0b'])).code, AbcErrorCode.ABC_BAD_ARGUMENT);
    const acyclic = writer.addAcyclicTimeSampling([0]);
    const a = props.addScalar('z', { pod: 'int32', extent: 1 }, { timeSampling: acyclic });
    a.addSample([1]);
    assert.equal(errorOf(() => a.addSample([2])).code, AbcErrorCode.ABC_BAD_ARGUMENT, 'more samples than acyclic times');
  });
});

describe('real archives re-written', { skip: noReal }, () => {
  for (const path of validArchives) {
    it(`${path}: same size, blocks, keys and hashes; same values`, () => {
      const source = openAlembic(real(path));
      const bytes = rewriteAlembic(source);
      assert.equal(bytes.byteLength, source.byteLength);
      const copy = openAlembic(bytes);
      const sourceObjects = [...source.objects()];
      const copyObjects = [...copy.objects()];
      assert.deepEqual(
        copyObjects.map((o) => [o.path, o.hashes]),
        sourceObjects.map((o) => [o.path, o.hashes]),
      );
      assert.deepEqual(verifyHashes(copy.root, { samples: true }), []);
    });
  }
});

describe('schemas with no real sample, written as the C++ library lays them out', () => {
  it('NuPatch (ONuPatchSchema order: .selfBnds, P, nu, nv, uOrder, vOrder, uKnot, vKnot, uv, w, trim_*)', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(24, 1 / 24);
    const grid = (lift: number) => [0, 1, 2, 3].flatMap((v) => [0, 1, 2, 3].flatMap((u) => [u, v, u === v ? lift : 0]));
    const knots = [0, 0, 0, 0, 1, 1, 1, 1];
    const trim = { nloops: 1, ncurves: [1], n: [4], order: [2], knot: [0, 0, 1, 2, 3, 3], min: [0], max: [3], u: [0.2, 0.8, 0.8, 0.2], v: [0.2, 0.2, 0.8, 0.8], w: [1, 1, 1, 1] };
    writeNuPatch(
      writer.root,
      'patch',
      [
        { positions: grid(0), nu: 4, nv: 4, uOrder: 4, vOrder: 4, uKnot: knots, vKnot: knots, weights: Array(16).fill(1), uvs: Array(32).fill(0.5), trim },
        { positions: grid(2), nu: 4, nv: 4, uOrder: 4, vOrder: 4, uKnot: knots, vKnot: knots, weights: Array(16).fill(1), uvs: Array(32).fill(0.5), trim },
      ],
      ts,
    );
    const archive = openAlembic(writer.finish());
    const object = archive.findObject('/patch')!;
    assert.equal(object.schema, 'AbcGeom_NuPatch_v2');
    const patch = asNuPatch(object);
    assert.deepEqual(patch.compound.names, [
      '.selfBnds', 'P', 'nu', 'nv', 'uOrder', 'vOrder', 'uKnot', 'vKnot', 'uv', 'w',
      'trim_nloops', 'trim_ncurves', 'trim_n', 'trim_order', 'trim_knot', 'trim_min', 'trim_max', 'trim_u', 'trim_v', 'trim_w',
    ]);
    assert.equal(patch.sampleCount, 2);
    const sample = patch.getSample(1);
    assert.deepEqual([sample.uCount, sample.vCount, sample.uOrder, sample.vOrder], [4, 4, 4, 4]);
    assert.deepEqual([...sample.uKnots], knots);
    assert.equal(sample.positions[3 * 5 + 2], 2, 'point (1,1) lifted in sample 1');
    assert.deepEqual(sample.selfBounds, { min: [0, 0, 0], max: [3, 3, 2], empty: false });
    assert.equal(sample.trim!.loopCount, 1);
    assert.deepEqual([...sample.trim!.u], [0.2, 0.8, 0.8, 0.2].map((x) => Math.fround(x)));
    assert.equal(sample.uvs!.scope, 'vertex');
    // The knots and orders are the same at both samples: stored once.
    assert.equal(patch.compound.getArray('uKnot')!.isConstant, true);
    assert.deepEqual(verifyHashes(archive.root, { samples: true }), []);
  });

  it('NuPatch: knots that do not fit nu + order are ABC_CORRUPT', () => {
    const writer = new AlembicWriter();
    writeNuPatch(writer.root, 'bad', [{ positions: Array(12).fill(0), nu: 2, nv: 2, uOrder: 2, vOrder: 2, uKnot: [0, 1], vKnot: [0, 0, 1, 1] }]);
    const patch = asNuPatch(openAlembic(writer.finish()).findObject('/bad')!);
    const error = errorOf(() => patch.getSample(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(error.location, '/bad/.geom');
  });

  it('Light (OLightSchema: a .camera compound made by setCameraSample, parameters in .arbGeomParams)', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(24, 0);
    writeLight(writer.root, 'key', [{ core: defaultCameraCore({ 0: 50 }) }, { core: defaultCameraCore({ 0: 85 }) }], ts, { intensity: 3.5 });
    writeLight(writer.root, 'bare', []);
    const archive = openAlembic(writer.finish());
    const light = asLight(archive.findObject('/key')!);
    assert.equal(light.sampleCount, 2);
    const camera = light.camera!;
    assert.equal(camera.compound.path, '/key/.geom/.camera');
    const s0 = camera.getSample(0);
    const s1 = camera.getSampleAt(1 / 24);
    assert.deepEqual([s0.focalLength, s1.focalLength], [50, 85]);
    assert.ok(Math.abs(s0.fieldOfView - (2 * Math.atan(36 / 100) * 180) / Math.PI) < 1e-12);
    assert.equal(Number((light.arbGeomParam('intensity')!.getSample(0).values.values as Float32Array)[0]), 3.5);
    const bare = asLight(archive.findObject('/bare')!);
    assert.deepEqual([bare.camera, bare.sampleCount], [undefined, 0]);
    assert.deepEqual(verifyHashes(archive.root, { samples: true }), []);
  });
});
