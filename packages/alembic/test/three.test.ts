/**
 * The three.js adapter (no WebGL needed to build and update objects): object kinds, transforms,
 * cameras, and updates that touch only what changed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferAttribute, LineSegments, Mesh, PerspectiveCamera, Points, Vector3 } from 'three';
import { AlembicWriter, asPolyMesh, openAlembic } from '@vfxkit/alembic';
import { alembicToThree, curveSegments, meshBuffers, triangulate } from '@vfxkit/alembic/three';
import { defaultCameraCore, writeCamera, writePoints, writePolyMesh, writeXform } from './helpers/abcgeom.js';
import { near, noReal, real } from './helpers/fixtures.js';

describe('buffers', () => {
  it('fans polygons and flips them to counter-clockwise', () => {
    const { index, faceTriangleStart } = triangulate(new Int32Array([4, 3]));
    assert.deepEqual([...index], [0, 2, 1, 0, 3, 2, 4, 6, 5]);
    assert.deepEqual([...faceTriangleStart], [0, 2, 3]);
    assert.deepEqual([...triangulate(new Int32Array([3]), false).index], [0, 1, 2]);
  });

  it('closes periodic curves', () => {
    assert.deepEqual([...curveSegments({ vertexCounts: new Int32Array([3, 2]), wrap: 'periodic' })], [0, 1, 1, 2, 2, 0, 3, 4, 4, 3]);
    assert.deepEqual([...curveSegments({ vertexCounts: new Int32Array([3]), wrap: 'nonPeriodic' })], [0, 1, 1, 2]);
  });
});

function animatedScene(): Uint8Array {
  const writer = new AlembicWriter();
  const ts = writer.addUniformTimeSampling(24, 0);
  const moving = writeXform(writer.root, 'moving', [0x10], [[0, 0, 0], [10, 0, 0]], { timeSampling: ts });
  const quad = { positions: [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], faceCounts: [4], faceIndices: [0, 1, 2, 3], normals: { values: Array(4).fill([0, 0, 1]).flat(), scope: 'vtx' as const } };
  writePolyMesh(moving, 'deforming', [quad, { ...quad, positions: quad.positions.map((v, i) => (i % 3 === 2 ? 1 : v)) }], ts);
  writePolyMesh(moving, 'still', [quad, quad], ts);
  writePoints(writer.root, 'cloud', [{ positions: [0, 0, 0], ids: [0n] }, { positions: [0, 0, 0, 1, 1, 1], ids: [0n, 1n] }], ts);
  writeCamera(writer.root, 'cam', [{ core: defaultCameraCore() }], ts);
  return writer.finish();
}

describe('alembicToThree', () => {
  it('builds meshes, points and cameras under transform groups', () => {
    const view = alembicToThree(openAlembic(animatedScene()), { interpolate: false });
    const deforming = view.objects.get('/moving/deforming') as Mesh;
    assert.ok(deforming instanceof Mesh);
    assert.ok(view.objects.get('/cloud') instanceof Points);
    assert.equal(view.cameras.length, 1);
    const camera = view.cameras[0]!;
    assert.ok(camera instanceof PerspectiveCamera);
    assert.ok(Math.abs(camera.fov - (2 * Math.atan(24 / 70) * 180) / Math.PI) < 1e-9);
    assert.equal(camera.aspect, 1.5);
    assert.equal(deforming.geometry.getIndex()!.count, 6);
    assert.equal(deforming.userData['alembicPath'], '/moving/deforming');
  });

  it('updates only what changed: positions in place, nothing for unchanged meshes', () => {
    const view = alembicToThree(openAlembic(animatedScene()), { interpolate: false, time: 0 });
    const deforming = view.objects.get('/moving/deforming') as Mesh;
    const still = view.objects.get('/moving/still') as Mesh;
    const positions = deforming.geometry.getAttribute('position') as BufferAttribute;
    const stillPositions = still.geometry.getAttribute('position');
    const stats = view.setTime(1 / 24);
    assert.equal(stats.rebuilt, 0);
    assert.equal(stats.uploads, 2, 'the deforming mesh and the growing point cloud');
    assert.equal(deforming.geometry.getAttribute('position'), positions, 'updated in place');
    assert.equal(positions.getZ(0), 1);
    assert.equal(still.geometry.getAttribute('position'), stillPositions);
    const world = new Vector3().setFromMatrixPosition(deforming.matrixWorld);
    assert.deepEqual(world.toArray(), [10, 0, 0]);
    assert.equal((view.objects.get('/cloud') as Points).geometry.getAttribute('position').count, 2);
    assert.deepEqual(view.setTime(1 / 24), { rebuilt: 0, uploads: 0, matrices: 1 });
  });

  it('interpolates transforms and fixed-topology positions between samples', () => {
    const view = alembicToThree(openAlembic(animatedScene()), { time: 1 / 48 });
    const deforming = view.objects.get('/moving/deforming') as Mesh;
    assert.ok(near(new Vector3().setFromMatrixPosition(deforming.matrixWorld).toArray(), [5, 0, 0], 1e-9));
    assert.ok(Math.abs((deforming.geometry.getAttribute('position') as BufferAttribute).getZ(0) - 0.5) < 1e-6);
  });

  it('mesh buffers spread face-varying, vertex and indexed values to face-vertices', { skip: noReal }, () => {
    const archive = openAlembic(real('openusd/indexedTextureCoordinates.abc'));
    const view = alembicToThree(archive);
    const mesh = view.objects.get('/Cube/CubeShape') as Mesh;
    assert.equal(mesh.geometry.getAttribute('position').count, 24);
    assert.equal(mesh.geometry.getAttribute('uv').count, 24);
    assert.equal(mesh.geometry.getIndex()!.count, 36);
    const sample = asPolyMesh(archive.findObject('/Cube/CubeShape')!).getSample(0);
    const buffers = meshBuffers(sample);
    const values = sample.uvs!.values.values as Float32Array;
    sample.uvs!.indices!.forEach((index, fv) => {
      assert.deepEqual([buffers.uvs![fv * 2], buffers.uvs![fv * 2 + 1]], [values[index * 2], values[index * 2 + 1]]);
    });
    // Positions go through the face indices.
    assert.deepEqual([...buffers.positions.subarray(0, 3)], [...sample.positions.subarray(sample.faceIndices[0]! * 3, sample.faceIndices[0]! * 3 + 3)]);
  });

  it("skips what fails to read with onError: 'skip', and stops there by default", { skip: noReal }, () => {
    const archive = openAlembic(real('alembic-invalid/malformed_xform.abc'));
    assert.throws(() => alembicToThree(archive), { code: 'ABC_CORRUPT' });
    const view = alembicToThree(openAlembic(real('alembic-invalid/malformed_xform.abc')), { onError: 'skip' });
    assert.deepEqual(view.errors.map((e) => [e.path, e.error.code]), [['/xform', 'ABC_CORRUPT']]);
    assert.equal(view.objects.get('/xform')!.visible, false);
  });

  it('builds every real archive, curves as line segments, instances at their places', { skip: noReal }, () => {
    const curves = alembicToThree(openAlembic(real('cortex/curves.abc')));
    const circle = curves.objects.get('/nurbsCircle/object') as LineSegments;
    assert.ok(circle instanceof LineSegments);
    assert.equal(circle.geometry.getIndex()!.count, 22, '11 segments, closed');
    const instanced = alembicToThree(openAlembic(real('openusd/nestedInstancing.abc')));
    const copy = instanced.objects.get('/rootNode/c/instance1/f/g/b/c/cMesh')!;
    assert.deepEqual(new Vector3().setFromMatrixPosition(copy.matrixWorld).toArray(), [2, 5, 5]);
  });
});
