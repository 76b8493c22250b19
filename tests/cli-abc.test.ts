import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
    for (const sub of ['ls', 'tree', 'info', 'echo', 'check']) {
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
