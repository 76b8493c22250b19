/**
 * AbcGeom views over written archives: Xform op stacks and their matrices (Imath conventions),
 * interpolation, world matrices with and without inheritance, visibility, geometry parameters,
 * cameras with film-back ops, topology checks and schema mismatches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbcErrorCode,
  AlembicWriter,
  asCamera,
  asPolyMesh,
  asPoints,
  asXform,
  cameraFrustum,
  decodeXformOp,
  expandGeomParam,
  interpolateMatrix,
  openAlembic,
  opsMatrix,
  sceneOf,
  schemaView,
  screenWindow,
  transformPoint,
} from '@vfxkit/alembic';
import { defaultCameraCore, writeCamera, writePoints, writePolyMesh, writeXform } from './helpers/abcgeom.js';
import { errorOf, near } from './helpers/fixtures.js';

const op = (type: number, hint = 0): number => (type << 4) | hint;
const SCALE = 0;
const TRANSLATE = 1;
const ROTATE = 2;
const MATRIX = 3;
const ROTATE_X = 4;
const ROTATE_Y = 5;
const ROTATE_Z = 6;

describe('Xform ops', () => {
  it('decodes type and hint from each byte, defaulting unknown hints', () => {
    assert.deepEqual(decodeXformOp(0x13), { type: 'translate', hint: 'rotatePivotPoint', encoded: 0x13, channelCount: 3 });
    assert.deepEqual(decodeXformOp(0x31).hint, 'mayaShear');
    assert.deepEqual(decodeXformOp(0x0f).hint, 'scale');
    assert.equal(errorOf(() => decodeXformOp(0x70)).code, AbcErrorCode.ABC_CORRUPT);
  });

  it('composes ops first-outermost: [translate, rotateZ 90] rotates then translates a point', () => {
    const m = opsMatrix([
      { type: 'translate', values: [1, 0, 0] },
      { type: 'rotateZ', values: [90] },
    ]);
    assert.ok(near(transformPoint(m, 1, 0, 0), [1, 1, 0], 1e-12));
    assert.ok(near(transformPoint(opsMatrix([{ type: 'rotateX', values: [90] }]), 0, 1, 0), [0, 0, 1], 1e-12));
    assert.ok(near(transformPoint(opsMatrix([{ type: 'rotateY', values: [90] }]), 0, 0, 1), [1, 0, 0], 1e-12));
    assert.ok(near(transformPoint(opsMatrix([{ type: 'rotate', values: [0, 0, 2, 90] }]), 1, 0, 0), [0, 1, 0], 1e-12), 'axis normalised');
    assert.ok(near(transformPoint(opsMatrix([{ type: 'scale', values: [2, 3, 4] }]), 1, 1, 1), [2, 3, 4]));
    const matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 6, 7, 1];
    assert.deepEqual([...opsMatrix([{ type: 'matrix', values: matrix }])], matrix);
  });

  it('reads every op type from an archive, inherits per sample, and interpolates between samples', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(1, 0);
    const ops = [op(TRANSLATE), op(ROTATE), op(ROTATE_X), op(ROTATE_Y), op(ROTATE_Z), op(SCALE), op(MATRIX)];
    const identity16 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    writeXform(writer.root, 'x', ops, [
      [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, ...identity16],
      [10, 0, 0, 0, 0, 1, 90, 0, 0, 0, 3, 3, 3, ...identity16],
    ], { timeSampling: ts, inherits: [true, false] }).close();
    const archive = openAlembic(writer.finish());
    const xform = asXform(archive.findObject('/x')!);
    assert.deepEqual(xform.ops.map((o) => o.type), ['translate', 'rotate', 'rotateX', 'rotateY', 'rotateZ', 'scale', 'matrix']);
    assert.equal(xform.isConstantIdentity, false);
    assert.equal(xform.isConstant, false);
    assert.deepEqual([xform.inheritsAt(0), xform.inheritsAt(1)], [true, false]);
    const s1 = xform.getSample(1);
    assert.ok(near(transformPoint(s1.matrix, 1, 0, 0), [10, 3, 0], 1e-12));
    // Halfway: scale 2, rotation 45 degrees, translation 5 (slerp, not a blend of matrices).
    const half = xform.matrixAt(0.5);
    assert.ok(near(transformPoint(half.matrix, 1, 0, 0), [5 + Math.SQRT2, Math.SQRT2, 0], 1e-9));
    assert.equal(half.inherits, true);
    assert.ok(near(xform.matrixAt(0.5, false).matrix, xform.getSample(0).matrix));
  });

  it('blends sheared matrices elementwise', () => {
    const a = [1, 0, 0, 0, 0.5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const b = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 1];
    assert.ok(near(interpolateMatrix(a, b, 0.5), a.map((x, i) => (x + b[i]!) / 2)));
  });
});

describe('scene: world matrices, inheritance and visibility', () => {
  it('composes parents, honours inherits = false, and reads visibility with deferral', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(24, 0);
    const parent = writeXform(writer.root, 'parent', [op(TRANSLATE)], [[0, 10, 0], [0, 20, 0]], { timeSampling: ts });
    const child = writeXform(parent, 'child', [op(TRANSLATE)], [[1, 0, 0]]);
    const loner = writeXform(parent, 'loner', [op(TRANSLATE)], [[5, 0, 0]], { inherits: [false] });
    const visible = child.properties.addScalar('visible', { pod: 'int8', extent: 1 }, { timeSampling: ts });
    visible.addSample([-1]);
    visible.addSample([0]);
    writePoints(child, 'pts', [{ positions: [0, 0, 0], ids: [0n] }]);
    writePoints(loner, 'pts', [{ positions: [0, 0, 0], ids: [0n] }]);
    const scene = sceneOf(openAlembic(writer.finish()));
    const origin = (path: string, time: number) => transformPoint(scene.worldMatrix(scene.find(path)!, time), 0, 0, 0);
    assert.deepEqual(origin('/parent/child/pts', 0), [1, 10, 0]);
    assert.deepEqual(origin('/parent/child/pts', 1 / 24), [1, 20, 0]);
    assert.ok(near(origin('/parent/child/pts', 1 / 48), [1, 15, 0], 1e-9), 'interpolated');
    assert.deepEqual(origin('/parent/loner/pts', 1 / 24), [5, 0, 0], 'no inheritance');
    const all = scene.worldMatrices(1 / 24);
    assert.deepEqual(transformPoint(all.get(scene.find('/parent/child/pts')!)!, 0, 0, 0), [1, 20, 0]);
    assert.equal(scene.isVisible(scene.find('/parent/child/pts')!, 0), true, 'deferred means inherited');
    assert.equal(scene.isVisible(scene.find('/parent/child/pts')!, 1 / 24), false, 'hidden child hides its subtree');
    assert.equal(scene.isVisible(scene.find('/parent/loner/pts')!, 1 / 24), true);
    assert.deepEqual(scene.timeRange, { start: 0, end: 1 / 24 });
  });

  it('refuses an instance of its own ancestor instead of expanding forever', () => {
    const writer = new AlembicWriter();
    const a = writer.root.addChild('a');
    const b = a.addChild('b', { isInstance: '1' });
    b.properties.addScalar('.instanceSource', { pod: 'string', extent: 1 }).addSample(['/a']);
    const archive = openAlembic(writer.finish());
    const error = errorOf(() => sceneOf(archive));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(error.location, '/a/b');
  });
});

describe('geometry views', () => {
  it('PolyMesh: indexed UVs expand, vertex normals, keys mark what changed', () => {
    const writer = new AlembicWriter();
    const ts = writer.addUniformTimeSampling(24, 0);
    const quad = { positions: [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], faceCounts: [4], faceIndices: [0, 1, 2, 3] };
    writePolyMesh(writer.root, 'mesh', [
      { ...quad, normals: { values: Array(4).fill([0, 0, 1]).flat(), scope: 'vtx' }, uvs: { values: [0, 0, 1, 1], indices: [0, 1, 1, 0] } },
      { ...quad, positions: quad.positions.map((v, i) => (i % 3 === 2 ? 1 : v)), normals: { values: Array(4).fill([0, 0, 1]).flat(), scope: 'vtx' }, uvs: { values: [0, 0, 1, 1], indices: [0, 1, 1, 0] } },
    ], ts).close();
    const mesh = asPolyMesh(openAlembic(writer.finish()).findObject('/mesh')!);
    assert.equal(mesh.topologyVariance, 'homogeneous');
    const [a, b] = [mesh.getSample(0), mesh.getSample(1)];
    assert.equal(a.uvs!.indices!.length, 4);
    assert.deepEqual([...(expandGeomParam(a.uvs!).values as Float32Array)], [0, 0, 1, 1, 1, 1, 0, 0]);
    assert.equal(a.normals!.scope, 'vertex');
    assert.notEqual(a.keys.positions, b.keys.positions);
    assert.equal(a.keys.faceIndices, b.keys.faceIndices);
    assert.equal(a.uvs!.key, b.uvs!.key);
    assert.deepEqual(a.selfBounds, { min: [0, 0, 0], max: [1, 1, 0], empty: false });
    assert.equal(schemaView(mesh.object)!.kind, 'polymesh');
  });

  it('PolyMesh: face indices past the points or counts that do not add up are ABC_CORRUPT', () => {
    const writer = new AlembicWriter();
    writePolyMesh(writer.root, 'far', [{ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], faceCounts: [3], faceIndices: [0, 1, 7] }]).close();
    writePolyMesh(writer.root, 'short', [{ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], faceCounts: [4], faceIndices: [0, 1, 2] }]).close();
    const archive = openAlembic(writer.finish());
    const far = errorOf(() => asPolyMesh(archive.findObject('/far')!).getSample(0));
    assert.equal(far.code, AbcErrorCode.ABC_CORRUPT);
    assert.match(far.message, /face index 2 is 7, outside the 3 points/);
    assert.match(errorOf(() => asPolyMesh(archive.findObject('/short')!).getSample(0)).message, /add up to 4 but there are 3 face indices/);
  });

  it('asX on an object of another schema is ABC_SCHEMA_MISMATCH naming both', () => {
    const writer = new AlembicWriter();
    writePoints(writer.root, 'pts', [{ positions: [0, 0, 0], ids: [1n] }]);
    writer.root.addChild('plain');
    const archive = openAlembic(writer.finish());
    const error = errorOf(() => asPolyMesh(archive.findObject('/pts')!));
    assert.equal(error.code, AbcErrorCode.ABC_SCHEMA_MISMATCH);
    assert.match(error.message, /\/pts is a AbcGeom_Points_v1, not a AbcGeom_PolyMesh_v1/);
    assert.match(errorOf(() => asXform(archive.findObject('/plain')!)).message, /plain object with no schema/);
    assert.equal(schemaView(archive.findObject('/plain')!), undefined);
    assert.deepEqual([...asPoints(archive.findObject('/pts')!).getSample(0).ids!], [1n]);
  });

  it('indices outside an indexed parameter are ABC_CORRUPT; huge expansions hit the limit', () => {
    const values = { pod: 'float32' as const, extent: 2, dimensions: [2], count: 2, values: new Float32Array(4), key: 'k', position: 1 };
    const bad = errorOf(() => expandGeomParam({ name: 'uv', scope: 'facevarying', values, indices: new Uint32Array([0, 2]), key: 'k' }));
    assert.equal(bad.code, AbcErrorCode.ABC_CORRUPT);
    const big = errorOf(() => expandGeomParam({ name: 'uv', scope: 'facevarying', values, indices: new Uint32Array(10), key: 'k' }, 8));
    assert.equal(big.code, AbcErrorCode.ABC_LIMIT);
  });
});

describe('Camera', () => {
  it('fields of view, screen window with film-back ops, frustum in camera space', () => {
    const writer = new AlembicWriter();
    writeCamera(writer.root, 'cam', [
      {
        core: defaultCameraCore({ 0: 50, 1: 3.6, 3: 2.4, 14: 1, 15: 100 }),
        filmBackOps: [
          { name: 'sfit', values: [2, 2] },
          { name: 'toffset', values: [0.5, 0] },
        ],
      },
    ]);
    const camera = asCamera(openAlembic(writer.finish()).findObject('/cam')!);
    const s = camera.getSample(0);
    assert.ok(Math.abs(s.fieldOfView - (2 * Math.atan(36 / 100) * 180) / Math.PI) < 1e-12);
    assert.ok(Math.abs(s.verticalFieldOfView - (2 * Math.atan(24 / 100) * 180) / Math.PI) < 1e-12);
    assert.deepEqual(s.filmBackOps.map((o) => [o.type, o.hint, o.values]), [
      ['scale', 'fit', [2, 2]],
      ['translate', 'offset', [0.5, 0]],
    ]);
    // Window (-1..1, -2/3..2/3) moved by 0.5 then scaled by 2: the first op is outermost, as for
    // transforms (`ret = m * ret`).
    const w = screenWindow(s);
    assert.ok(near([w.left, w.right, w.bottom, w.top], [-1, 3, -4 / 3, 4 / 3], 1e-12));
    const plain = { ...s, filmBackOps: [] };
    const corners = cameraFrustum(plain);
    assert.ok(near(corners[0]!, [-0.36, -0.24, -1], 1e-12));
    assert.ok(near(corners[7]!, [36, 24, -100], 1e-9));
  });
});
