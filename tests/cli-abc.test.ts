import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Object3D } from 'three';
import { GLTFLoader, type GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { AlembicWriter, CurvesSchema, openAlembic, PointsSchema, PolyMeshSchema, sceneOf, SubDSchema, transformPoint, XformSchema, type AlembicArchive, type ObjectWriter } from '@vfxkit/alembic';
import { meshBuffers } from '@vfxkit/alembic/three';
import { readParticles } from '@vfxkit/particles';
import { realFixtures, runVfx, tempDir } from './helpers.js';

const real = realFixtures();
const abcDir = real !== undefined ? join(real, 'abc') : undefined;
const noFixtures = abcDir === undefined || !existsSync(abcDir) ? 'no real Alembic fixtures (set VFX_REAL_FIXTURES)' : false;
const cube = abcDir !== undefined ? join(abcDir, 'cortex', 'cube.abc') : '';
const animated = abcDir !== undefined ? join(abcDir, 'cortex', 'animatedCube.abc') : '';
const shape = '/group1/pCube1/pCubeShape1';

describe('vfx abc ls', () => {
  it('lists every object recursively with its schema', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'ls', '-r', '--json', cube]);
    assert.equal(r.code, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as { path: string; name: string; schema: string | null; numSamples?: number }[];
    assert.deepEqual(entries.map((e) => e.path), ['/group1', '/group1/pCube1', shape]);
    const mesh = entries.find((e) => e.path === shape)!;
    assert.equal(mesh.name, 'pCubeShape1');
    assert.equal(mesh.schema, 'AbcGeom_PolyMesh_v1');
  });

  it('lists only the children without -r, and properties with -p', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'ls', cube]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^group1 {2}\[AbcGeom_Xform_v3\]\n$/);
    const p = await runVfx(['abc', 'ls', '-p', cube, shape]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /\.geom {2}\(compound\)/);
  });

  it('exits 2 on an unknown object path', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'ls', cube, '/nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no object '\/nope'/);
  });
});

describe('vfx abc tree', () => {
  it('prints the hierarchy indented', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'tree', cube]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\/\n {2}group1 .*\n {4}pCube1 .*\n {6}pCubeShape1 {2}\[AbcGeom_PolyMesh_v1\]\n$/);
  });
});

describe('vfx abc info', () => {
  it('reports time samplings, range and fps of an animated cube', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'info', '--json', animated]);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.file, animated);
    assert.equal(info.format, 'ogawa');
    assert.equal(info.fps, 24);
    assert.equal(Math.max(...info.timeSamplings.map((t: { maxSamples: number }) => t.maxSamples)), 10);
    assert.equal(info.timeSamplings[1].type, 'uniform');
    assert.ok(Math.abs(info.endTime - info.startTime - 9 / 24) < 1e-9);
    assert.ok(info.objectCount > 0);
    assert.match(info.metadata._ai_Application, /Maya/);
    const text = await runVfx(['abc', 'info', animated]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /fps: 24/);
  });
});

describe('vfx abc echo', () => {
  it('prints the 8 points of the cube', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'echo', cube, shape, '--property', 'P', '--sample', '0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [p] = JSON.parse(r.stdout);
    assert.equal(p.name, 'P');
    assert.equal(p.kind, 'array');
    assert.equal(p.pod, 'float32');
    assert.equal(p.extent, 3);
    assert.equal(p.numSamples, 1);
    assert.equal(p.values.length, 8);
    assert.deepEqual(p.values[0], [-1, -1, 1]);
  });

  it('lists the properties without values', { skip: noFixtures }, async () => {
    const r = await runVfx(['abc', 'echo', cube, shape, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [geom] = JSON.parse(r.stdout);
    assert.equal(geom.kind, 'compound');
    assert.ok(geom.properties.some((p: { name: string }) => p.name === 'P'));
  });

  it('exits 2 on an unknown property or a bad sample index', { skip: noFixtures }, async () => {
    assert.equal((await runVfx(['abc', 'echo', cube, shape, '--property', 'nope'])).code, 2);
    assert.equal((await runVfx(['abc', 'echo', cube, shape, '--property', 'P', '--sample', '5'])).code, 2);
    assert.equal((await runVfx(['abc', 'echo', cube, shape, '--sample', 'x'])).code, 2);
  });
});

describe('vfx abc check', () => {
  it('passes on the real cortex, gaffer and openusd files', { skip: noFixtures }, async () => {
    const files = ['cortex', 'gaffer', 'openusd'].flatMap((sub) =>
      existsSync(join(abcDir!, sub)) ? readdirSync(join(abcDir!, sub)).filter((n) => n.endsWith('.abc')).map((n) => join(abcDir!, sub, n)) : [],
    );
    assert.ok(files.length > 0);
    for (const file of files) {
      const r = await runVfx(['abc', 'check', file]);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      assert.match(r.stdout, /: ok\n$/);
    }
  });

  it('fails on an HDF5 archive with the HDF5 message', { skip: noFixtures }, async () => {
    const file = join(abcDir!, 'alembic-hdf5', 'cube.abc');
    const r = await runVfx(['abc', 'check', file]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`vfx: ${file}: `), r.stderr);
    assert.match(r.stderr, /HDF5/);
  });

  it('fails on the real malformed transform, naming the object and the sample', { skip: noFixtures }, async () => {
    const file = join(abcDir!, 'alembic-invalid', 'malformed_xform.abc');
    const r = await runVfx(['abc', 'check', '--json', file]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: { path: string; message: string }[] };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => p.path),
      ['/xform'],
    );
    assert.match(report.problems[0]!.message, /^transform fails at 2 of 2 samples \(first: sample 0 unreadable: .*need 16 channel values but \.vals holds 3\)$/);
    assert.match(r.stderr, /^vfx: .*malformed_xform\.abc: \/xform: transform fails at 2 of 2 samples/);
  });

  it('fails on a damaged copy', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const bytes = readFileSync(cube);
      const file = join(dir, 'damaged.abc');
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
      const r = await runVfx(['abc', 'check', '--json', file]);
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.stdout).ok, false);
      assert.match(r.stderr, /^vfx: .*damaged\.abc: /);
    } finally {
      cleanup();
    }
  });
});

describe('vfx abc usage', () => {
  it('exits 2 on missing arguments and a missing file exits 1', async () => {
    assert.equal((await runVfx(['abc', 'ls'])).code, 2);
    assert.equal((await runVfx(['abc', 'echo', 'x.abc'])).code, 2);
    assert.equal((await runVfx(['abc', 'info', '--bogus', 'x.abc'])).code, 2);
    const missing = await runVfx(['abc', 'info', 'no-such.abc']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^vfx: no-such\.abc: no such file/);
  });

  it('has Examples in every help', async () => {
    for (const sub of ['ls', 'tree', 'info', 'echo', 'check', 'export']) {
      const r = await runVfx(['abc', sub, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Examples:/);
    }
  });
});

describe('vfx inspect on Alembic', () => {
  it('summarizes objects, schemas and samples', { skip: noFixtures }, async () => {
    const r = await runVfx(['inspect', '--json', animated]);
    assert.equal(r.code, 0, r.stderr);
    const [entry] = JSON.parse(r.stdout);
    assert.equal(entry.format, 'alembic');
    assert.equal(entry.summary.objects, 10);
    assert.equal(entry.summary.samples, 10);
    assert.equal(entry.summary.schemas.AbcGeom_PolyMesh_v1, 1);
    assert.equal(entry.summary.fps, 24);
    const dir = await runVfx(['inspect', join(abcDir!, 'cortex')]);
    assert.equal(dir.code, 0, dir.stderr);
    assert.match(dir.stdout, /cube\.abc +\S+ KiB {2}3 objects: 2 Xform, 1 PolyMesh, 1 sample\n/);
  });
});

/**
 * An archive of ours with three transforms: /good (a translate by (1, 2, 3) over a one-quad mesh),
 * /broken (a matrix op with only 3 channel values, as Alembic's malformed_xform.abc) and /nan
 * (a translate whose x is NaN at its second sample), and /holes/quad, a quad whose third point is NaN.
 */
function archiveWithBadTransforms(): Uint8Array {
  const writer = new AlembicWriter({ application: 'vfxkit tests' });
  const frames = writer.addUniformTimeSampling(24, 1 / 24);
  const xform = (parent: ObjectWriter, name: string, ops: number[], values: number[][]): ObjectWriter => {
    const object = parent.addChild(name, { schema: 'AbcGeom_Xform_v3', schemaObjTitle: 'AbcGeom_Xform_v3:.xform' });
    const compound = object.properties.addCompound('.xform', { schema: 'AbcGeom_Xform_v3' });
    compound.addScalar('.ops', { pod: 'uint8', extent: ops.length }).addSample(ops);
    const vals = compound.addScalar('.vals', { pod: 'float64', extent: values[0]!.length }, { timeSampling: frames });
    for (const v of values) vals.addSample(v);
    compound.addScalar('isNotConstantIdentity', { pod: 'bool', extent: 1 }).addSample([1]);
    return object;
  };
  const good = xform(writer.root, 'good', [0x10], [[1, 2, 3]]);
  const mesh = good.addChild('quad', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1', schemaObjTitle: 'AbcGeom_PolyMesh_v1:.geom' });
  const geom = mesh.properties.addCompound('.geom', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1' });
  geom.addArray('P', { pod: 'float32', extent: 3 }, { metadata: { geoScope: 'vtx', interpretation: 'point' } }).addSample([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
  geom.addArray('.faceIndices', { pod: 'int32', extent: 1 }).addSample([0, 3, 2, 1]);
  geom.addArray('.faceCounts', { pod: 'int32', extent: 1 }).addSample([4]);
  xform(writer.root, 'broken', [0x30], [[1, 2, 3], [4, 5, 6]]);
  xform(writer.root, 'nan', [0x10], [[0, 0, 0], [Number.NaN, 0, 0]]);
  const holes = xform(writer.root, 'holes', [0x10], [[0, 0, 0]]);
  const holed = holes.addChild('quad', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1', schemaObjTitle: 'AbcGeom_PolyMesh_v1:.geom' });
  const holedGeom = holed.properties.addCompound('.geom', { schema: 'AbcGeom_PolyMesh_v1', schemaBaseType: 'AbcGeom_GeomBase_v1' });
  holedGeom.addArray('P', { pod: 'float32', extent: 3 }, { metadata: { geoScope: 'vtx', interpretation: 'point' } }).addSample([0, 0, 0, 1, 0, 0, Number.NaN, 1, 0, 0, 1, 0]);
  holedGeom.addArray('.faceIndices', { pod: 'int32', extent: 1 }).addSample([0, 3, 2, 1]);
  holedGeom.addArray('.faceCounts', { pod: 'int32', extent: 1 }).addSample([4]);
  return writer.finish();
}

describe('transforms in check and export', () => {
  it('check reports each bad transform with its samples; export skips what is outside --object', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'transforms.abc');
      writeFileSync(file, archiveWithBadTransforms());
      const check = await runVfx(['abc', 'check', '--json', file]);
      assert.equal(check.code, 1);
      const problems = (JSON.parse(check.stdout) as { problems: { path: string; message: string }[] }).problems;
      assert.deepEqual(
        problems.map((p) => p.path),
        ['/broken', '/nan', '/holes/quad'],
      );
      assert.equal(problems[2]!.message, 'sample 0: point 2 is not finite');
      assert.match(problems[0]!.message, /^transform fails at 2 of 2 samples \(first: sample 0 unreadable: .*need 16 channel values but \.vals holds 3\)$/);
      assert.equal(problems[1]!.message, 'transform fails at 1 of 2 samples (first: sample 1 matrix element 12 is NaN)');
      // The whole archive cannot be exported (the broken transform), the good subtree can.
      const all = await runVfx(['abc', 'export', file, '-o', join(dir, 'all.glb')]);
      assert.equal(all.code, 1);
      assert.match(all.stderr, /transforms\.abc: .*16 channel values/);
      const obj = join(dir, 'good.obj');
      const good = await runVfx(['abc', 'export', file, '--object', '/good', '-o', obj]);
      assert.equal(good.code, 0, good.stderr);
      assert.deepEqual(readFileSync(obj, 'utf8').split('\n').filter((l) => l.startsWith('v ')), ['v 1 2 3', 'v 2 2 3', 'v 2 3 3', 'v 1 3 3']);
      const glb = join(dir, 'good.glb');
      assert.equal((await runVfx(['abc', 'export', file, '--object', '/good/quad', '-o', glb])).code, 0);
      const gltf = await loadGlb(glb);
      assert.deepEqual([...byAlembicPath(gltf).keys()], ['/good', '/good/quad']);
      assert.deepEqual(byAlembicPath(gltf).get('/good')!.position.toArray(), [1, 2, 3]);
      // A NaN point is refused by every format, naming the object, with nothing else on stderr.
      for (const ext of ['obj', 'ply', 'glb']) {
        const r = await runVfx(['abc', 'export', file, '--object', '/holes', '-o', join(dir, `holes.${ext}`)]);
        assert.equal(r.code, 1, `${ext}: ${r.stderr}`);
        assert.match(r.stderr, /^vfx: .*transforms\.abc: \/holes\/quad: (point|vertex) \d+ is not finite \(NaN\)/);
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
        assert.ok(!existsSync(join(dir, `holes.${ext}`)));
      }
    } finally {
      cleanup();
    }
  });
});

/** Every real archive that reads (the cortex, gaffer and openusd folders). */
function realArchives(): string[] {
  return ['cortex', 'gaffer', 'openusd'].flatMap((sub) =>
    existsSync(join(abcDir!, sub)) ? readdirSync(join(abcDir!, sub)).filter((n) => n.endsWith('.abc')).map((n) => join(abcDir!, sub, n)) : [],
  );
}

async function loadGlb(path: string): Promise<GLTF> {
  const bytes = readFileSync(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return new GLTFLoader().parseAsync(buffer, '');
}

/** The loaded glTF objects by the Alembic path the exporter kept in their extras. */
function byAlembicPath(gltf: GLTF): Map<string, Object3D> {
  const out = new Map<string, Object3D>();
  gltf.scene.traverse((object) => {
    const path = object.userData['alembicPath'];
    if (typeof path === 'string') out.set(path, object);
  });
  return out;
}

const parentPath = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** What the archive says a mesh node holds at `time`: face-vertex count and the first face-vertex's point. */
function meshFacts(archive: AlembicArchive, path: string, time: number): { faceVertices: number; first: number[] } | undefined {
  const node = sceneOf(archive).find(path)!;
  const schema = node.kind === 'polymesh' ? new PolyMeshSchema(node.object) : node.kind === 'subd' ? new SubDSchema(node.object) : undefined;
  if (schema === undefined || schema.sampleCount === 0) return undefined;
  const sample = schema.getSample(schema.sampleIndexAt(time));
  const p = sample.faceIndices[0]! * 3;
  return { faceVertices: sample.faceIndices.length, first: [sample.positions[p]!, sample.positions[p + 1]!, sample.positions[p + 2]!] };
}

function near3(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): boolean {
  return [0, 1, 2].every((i) => Math.abs(actual[i]! - expected[i]!) <= tolerance * Math.max(1, Math.abs(expected[i]!)));
}

describe('vfx abc export', () => {
  it('writes every real archive as .glb that three.js reads back with the hierarchy, names and mesh data', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const files = realArchives();
      assert.ok(files.length >= 20, `${files.length} archives`);
      let meshesChecked = 0;
      for (const file of files) {
        const out = join(dir, `${file.split('/').pop()}.glb`);
        const r = await runVfx(['abc', 'export', file, '-o', out, '--json']);
        assert.equal(r.code, 0, `${file}: ${r.stderr}`);
        const report = JSON.parse(r.stdout) as { time: number; vertices: number; bytes: number };
        const archive = openAlembic(new Uint8Array(readFileSync(file)));
        const scene = sceneOf(archive);
        const gltf = await loadGlb(out);
        const objects = byAlembicPath(gltf);
        let vertices = 0;
        for (const node of scene.nodes) {
          if (node === scene.root) continue;
          const object = objects.get(node.path);
          assert.ok(object !== undefined, `${file}: ${node.path} missing from the glTF`);
          // Names as written (three's loader makes repeated names unique with a suffix).
          assert.ok(object.name === node.name || object.name.startsWith(`${node.name}_`), `${file}: ${node.path} named ${object.name}`);
          const parent = object.parent?.userData['alembicPath'] as string | undefined;
          assert.equal(parent ?? '/', parentPath(node.path), `${file}: parent of ${node.path}`);
          const facts = meshFacts(archive, node.path, report.time);
          if (facts === undefined) continue;
          const position = (object as Partial<import('three').Mesh>).geometry?.getAttribute('position');
          assert.ok(position !== undefined, `${file}: ${node.path} has no positions`);
          assert.equal(position.count, facts.faceVertices, `${file}: ${node.path} vertex count`);
          assert.ok(near3([position.getX(0), position.getY(0), position.getZ(0)], facts.first), `${file}: ${node.path} first position`);
          vertices += position.count;
          meshesChecked++;
        }
        assert.ok(report.bytes > 0 && vertices <= report.vertices, file);
      }
      assert.ok(meshesChecked >= 25, `${meshesChecked} meshes checked`);
    } finally {
      cleanup();
    }
  });

  it('writes every real archive as OBJ and PLY with the point counts the archive has at the first sample', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      let checked = 0;
      for (const file of realArchives()) {
        const archive = openAlembic(new Uint8Array(readFileSync(file)));
        const scene = sceneOf(archive);
        const time = archive.timeRange?.start ?? 0;
        let meshPoints = 0;
        let loosePoints = 0;
        let curvePoints = 0;
        const kinds = new Set<string>();
        for (const node of scene.nodes) {
          const schema =
            node.kind === 'polymesh' ? new PolyMeshSchema(node.object)
            : node.kind === 'subd' ? new SubDSchema(node.object)
            : node.kind === 'points' ? new PointsSchema(node.object)
            : node.kind === 'curves' ? new CurvesSchema(node.object)
            : undefined;
          if (schema === undefined || schema.sampleCount === 0) continue;
          const count = schema.getSample(schema.sampleIndexAt(time)).positions.length / 3;
          kinds.add(node.kind === 'subd' ? 'polymesh' : node.kind);
          if (node.kind === 'points') loosePoints += count;
          else if (node.kind === 'curves') curvePoints += count;
          else meshPoints += count;
        }
        const name = file.split('/').pop()!;
        const obj = await runVfx(['abc', 'export', file, '-o', join(dir, `${name}.obj`)]);
        const ply = await runVfx(['abc', 'export', file, '-o', join(dir, `${name}.ply`)]);
        if (kinds.size === 0) {
          assert.equal(obj.code, 2, `${name}: ${obj.stderr}`);
          assert.match(obj.stderr, /nothing to write as OBJ/);
          continue;
        }
        assert.equal(obj.code, 0, `${name}: ${obj.stderr}`);
        const v = readFileSync(join(dir, `${name}.obj`), 'utf8').split('\n').filter((l) => l.startsWith('v ')).length;
        assert.equal(v, meshPoints + loosePoints + curvePoints, `${name}: OBJ vertices`);
        if (!kinds.has('polymesh') && !kinds.has('points')) {
          assert.equal(ply.code, 2, `${name}: ${ply.stderr}`);
          assert.match(ply.stderr, /only curves/);
          continue;
        }
        assert.equal(ply.code, 0, `${name}: ${ply.stderr}`);
        const set = readParticles(new Uint8Array(readFileSync(join(dir, `${name}.ply`))), { fileName: `${name}.ply` });
        assert.equal(set.count, meshPoints + loosePoints, `${name}: PLY vertices`);
        checked++;
      }
      assert.ok(checked >= 18, `${checked} archives checked`);
    } finally {
      cleanup();
    }
  });

  it('writes the animated transform of animatedCube as a glTF animation keyed at its 10 samples', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'anim.glb');
      const r = await runVfx(['abc', 'export', animated, '-o', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /1 animated transform \(10 keys\), frame 1 /);
      const gltf = await loadGlb(out);
      assert.equal(gltf.animations.length, 1);
      const tracks = gltf.animations[0]!.tracks;
      const cube = byAlembicPath(gltf).get('/pCube1')!;
      assert.deepEqual(tracks.map((t) => t.name).sort(), [`${cube.name}.position`, `${cube.name}.quaternion`, `${cube.name}.scale`]);
      const translation = tracks.find((t) => t.name.endsWith('.position'))!;
      assert.equal(translation.times.length, 10);
      translation.times.forEach((t, i) => assert.ok(Math.abs(t - (i + 1) / 24) < 1e-6, `key ${i} at ${t}`));
      const xform = new XformSchema(openAlembic(new Uint8Array(readFileSync(animated))).findObject('/pCube1')!);
      for (let i = 0; i < 10; i++) {
        const m = xform.getSample(i).matrix;
        assert.ok(near3(translation.values.subarray(i * 3, i * 3 + 3), [m[12]!, m[13]!, m[14]!]), `translation at key ${i}`);
      }
      // The node itself is where the first sample puts it.
      const first = xform.getSample(0).matrix;
      assert.ok(near3(cube.position.toArray(), [first[12]!, first[13]!, first[14]!]));
    } finally {
      cleanup();
    }
  });

  it('keys the rotating cube at its 24 samples with rotations that match the archive', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(abcDir!, 'cortex', 'rotatingCube.abc');
      const out = join(dir, 'rotating.glb');
      assert.equal((await runVfx(['abc', 'export', file, '-o', out])).code, 0);
      const gltf = await loadGlb(out);
      const rotation = gltf.animations[0]!.tracks.find((t) => t.name.endsWith('.quaternion'))!;
      assert.equal(rotation.times.length, 24);
      const { Matrix4, Quaternion, Vector3 } = await import('three');
      const xform = new XformSchema(openAlembic(new Uint8Array(readFileSync(file))).findObject('/pCube1')!);
      for (const i of [0, 11, 23]) {
        const expected = new Quaternion();
        new Matrix4().fromArray(Array.from(xform.getSample(i).matrix)).decompose(new Vector3(), expected, new Vector3());
        const q = rotation.values.subarray(i * 4, i * 4 + 4);
        const dot = Math.abs(q[0]! * expected.x + q[1]! * expected.y + q[2]! * expected.z + q[3]! * expected.w);
        assert.ok(dot > 1 - 1e-6, `rotation at key ${i}: ${Array.from(q)} vs ${expected.toArray()}`);
      }
    } finally {
      cleanup();
    }
  });

  it('keeps the camera and animates its transform (testAbcCamera), and writes .gltf JSON', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(abcDir!, 'openusd', 'testAbcCamera.abc');
      const out = join(dir, 'camera.gltf');
      const r = await runVfx(['abc', 'export', file, '-o', out, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).animation.nodes, ['/World/main_cam']);
      const json = JSON.parse(readFileSync(out, 'utf8')) as { cameras?: unknown[]; animations?: { channels: unknown[] }[]; buffers: { uri: string }[] };
      assert.equal(json.cameras?.length, 1);
      assert.equal(json.animations?.[0]?.channels.length, 3);
      assert.match(json.buffers[0]!.uri, /^data:application\/octet-stream;base64,/);
    } finally {
      cleanup();
    }
  });

  it("writes UVs in glTF's convention (v = 0 at the top): 1 - v of the archive's", { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(abcDir!, 'openusd', 'indexedTextureCoordinates.abc');
      const out = join(dir, 'uv.glb');
      assert.equal((await runVfx(['abc', 'export', file, '-o', out])).code, 0);
      const mesh = byAlembicPath(await loadGlb(out)).get('/Cube/CubeShape') as import('three').Mesh;
      const uv = mesh.geometry.getAttribute('uv');
      const schema = new PolyMeshSchema(openAlembic(new Uint8Array(readFileSync(file))).findObject('/Cube/CubeShape')!);
      const expected = meshBuffers(schema.getSample(0)).uvs!;
      assert.equal(uv.count, expected.length / 2);
      for (let i = 0; i < uv.count; i++) {
        assert.ok(Math.abs(uv.getX(i) - expected[i * 2]!) < 1e-6 && Math.abs(uv.getY(i) - (1 - expected[i * 2 + 1]!)) < 1e-6, `uv ${i}`);
      }
    } finally {
      cleanup();
    }
  });

  it('limits to a subtree with --object, keeping its ancestors', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'sub.glb');
      const r = await runVfx(['abc', 'export', cube, '--object', '/group1/pCube1', '-o', out]);
      assert.equal(r.code, 0, r.stderr);
      const gltf = await loadGlb(out);
      assert.deepEqual([...byAlembicPath(gltf).keys()].sort(), ['/group1', '/group1/pCube1', shape]);
      const anim = join(dir, 'anim-sub.glb');
      assert.equal((await runVfx(['abc', 'export', animated, '--object', '/persp', '-o', anim])).code, 0);
      const persp = await loadGlb(anim);
      assert.deepEqual([...byAlembicPath(persp).keys()].sort(), ['/persp', '/persp/perspShape']);
      assert.equal(persp.animations.length, 0);
      const missing = await runVfx(['abc', 'export', cube, '--object', '/nope', '-o', join(dir, 'x.glb')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no object '\/nope'/);
    } finally {
      cleanup();
    }
  });

  it('writes OBJ in world space with the polygons and points of the archive, at --frame', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(abcDir!, 'openusd', 'testusdtimecode.abc');
      const archive = openAlembic(new Uint8Array(readFileSync(file)));
      const scene = sceneOf(archive);
      const node = scene.find('/font1/transform1')!;
      const mesh = new PolyMeshSchema(node.object);
      for (const frame of [1, 20]) {
        const out = join(dir, `f${frame}.obj`);
        const r = await runVfx(['abc', 'export', file, '-o', out, '--frame', String(frame)]);
        assert.equal(r.code, 0, r.stderr);
        const text = readFileSync(out, 'utf8');
        const v = text.split('\n').filter((l) => l.startsWith('v '));
        const f = text.split('\n').filter((l) => l.startsWith('f '));
        const time = frame / 30;
        const sample = mesh.getSample(mesh.sampleIndexAt(time));
        assert.equal(v.length, sample.positions.length / 3);
        assert.equal(f.length, sample.faceCounts.length);
        const world = scene.worldMatrix(node, time, { interpolate: false });
        const expected = transformPoint(world, sample.positions[0]!, sample.positions[1]!, sample.positions[2]!);
        assert.ok(near3(v[0]!.split(' ').slice(1).map(Number), expected), `frame ${frame}: ${v[0]} vs ${expected}`);
        // Faces wound counter-clockwise: the first face reversed.
        const firstFace = f[0]!.split(' ').slice(1).map((c) => Number(c.split('/')[0]) - 1);
        assert.deepEqual(firstFace, Array.from(sample.faceIndices.subarray(0, sample.faceCounts[0]!)).reverse());
      }
      assert.notEqual(readFileSync(join(dir, 'f1.obj'), 'utf8'), readFileSync(join(dir, 'f20.obj'), 'utf8'));
      // --object: only the meshes below the instance, each its own `o`.
      const nested = join(dir, 'nested.obj');
      const r = await runVfx(['abc', 'export', join(abcDir!, 'openusd', 'nestedInstancing.abc'), '--object', '/rootNode/instance0', '-o', nested]);
      assert.equal(r.code, 0, r.stderr);
      const objects = readFileSync(nested, 'utf8').split('\n').filter((l) => l.startsWith('o '));
      assert.deepEqual(objects, [
        'o /rootNode/instance0/a/aMesh',
        'o /rootNode/instance0/a/b/bMesh',
        'o /rootNode/instance0/a/b/c/cMesh',
        'o /rootNode/instance0/f/g/aMesh',
        'o /rootNode/instance0/f/g/b/bMesh',
        'o /rootNode/instance0/f/g/b/c/cMesh',
      ]);
    } finally {
      cleanup();
    }
  });

  it('writes PLY: meshes with faces, particles with ids through @vfxkit/particles', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sphere = join(dir, 'sphere.ply');
      const r = await runVfx(['abc', 'export', join(abcDir!, 'cortex', 'sphereWithShadingGroups.abc'), '-o', sphere, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.vertices, 382);
      assert.equal(report.faces, 400);
      const set = readParticles(new Uint8Array(readFileSync(sphere)), { fileName: 'sphere.ply' });
      assert.equal(set.count, 382);
      const header = readFileSync(sphere, 'latin1').split('end_header')[0]!;
      assert.match(header, /^ply\nformat binary_little_endian 1\.0\n/);
      assert.match(header, /element vertex 382\n(property float [xyz]\n){3}element face 400\nproperty list uchar int vertex_indices\n$/);
      const points = join(dir, 'points.ply');
      const file = join(abcDir!, 'cortex', 'points.abc');
      assert.equal((await runVfx(['abc', 'export', file, '-o', points, '--frame', '10'])).code, 0);
      const particles = readParticles(new Uint8Array(readFileSync(points)), { fileName: 'points.ply' });
      const schema = new PointsSchema(openAlembic(new Uint8Array(readFileSync(file))).findObject('/particle1/particleShape1')!);
      const sample = schema.getSample(schema.sampleIndexAt(10 / 30));
      assert.equal(particles.count, 9);
      assert.equal(sample.positions.length / 3, 9);
      assert.deepEqual(Array.from(particles.attributes.find((a) => a.name === 'id')!.data), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      assert.ok(particles.attributes.some((a) => a.name === 'v'));
    } finally {
      cleanup();
    }
  });

  it('refuses to overwrite without --force, and bad output names or frames are usage errors', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'cube.obj');
      writeFileSync(out, 'keep me');
      const refused = await runVfx(['abc', 'export', cube, '-o', out]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /exists; use --force/);
      assert.equal(readFileSync(out, 'utf8'), 'keep me');
      assert.equal((await runVfx(['abc', 'export', cube, '-o', out, '--force'])).code, 0);
      assert.match(readFileSync(out, 'utf8'), /^# written by vfx abc export/);
      assert.equal((await runVfx(['abc', 'export', cube, '-o', join(dir, 'cube.fbx')])).code, 2);
      assert.equal((await runVfx(['abc', 'export', cube, '-o', join(dir, 'c.glb'), '--frame', 'x'])).code, 2);
      assert.equal((await runVfx(['abc', 'export', cube])).code, 2);
      assert.deepEqual(readdirSync(dir).sort(), ['cube.obj']);
    } finally {
      cleanup();
    }
  });

  it('fails with the file named on an archive it cannot read, writing nothing', { skip: noFixtures }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await runVfx(['abc', 'export', join(abcDir!, 'alembic-invalid', 'malformed_xform.abc'), '-o', join(dir, 'x.glb')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^vfx: .*malformed_xform\.abc: .*16 channel values/);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      cleanup();
    }
  });
});
