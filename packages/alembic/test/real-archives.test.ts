/**
 * The real archives in ../shared/fixtures-real/abc, read against the facts their upstream tests
 * state (SOURCES.md there: Cortex's IECoreAlembic tests, OpenUSD's usdAbc tests and baselines,
 * Alembic's own fuzz tests) and against the hashes Alembic stored in them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbcErrorCode,
  ArrayProperty,
  asCamera,
  asCurves,
  asFaceSet,
  asPoints,
  asPolyMesh,
  asSubD,
  asXform,
  cameraFrustum,
  inspectAlembic,
  openAlembic,
  sceneOf,
  transformPoint,
  verifyHashes,
  type AlembicArchive,
} from '@vfxkit/alembic';
import { errorOf, near, noReal, real, realText, validArchives } from './helpers/fixtures.js';
import { usdaSamples } from './helpers/usda.js';

const open = (path: string): AlembicArchive => openAlembic(real(path));

describe('every real Ogawa archive', { skip: noReal }, () => {
  for (const path of validArchives) {
    it(`${path}: every sample key and object hash recomputes to what Alembic stored`, () => {
      const archive = open(path);
      assert.deepEqual(verifyHashes(archive.root, { samples: true }), []);
    });
  }

  it('lists the hierarchy without reading samples (inspectAlembic)', () => {
    const info = inspectAlembic(real('cortex/cube.abc'));
    assert.deepEqual(
      info.objects.map((o) => [o.path, o.schema]),
      [
        ['/', ''],
        ['/group1', 'AbcGeom_Xform_v3'],
        ['/group1/pCube1', 'AbcGeom_Xform_v3'],
        ['/group1/pCube1/pCubeShape1', 'AbcGeom_PolyMesh_v1'],
      ],
    );
    assert.equal(info.libraryVersionText, '1.7.12');
    assert.equal(info.info.application, 'Maya 2012 x64 AbcExport v1.0');
    assert.equal(info.info.dateWritten, 'Thu Aug  2 12:14:38 2012');
    assert.equal(info.info.userDescription, 'Exported from: /nethome/john-h/maya/projects/default/scenes/alembicCube.ma');
    assert.equal(info.counts.bySchema['AbcGeom_PolyMesh_v1'], 1);
    const mesh = info.objects[3]!;
    const geom = mesh.properties!.find((p) => p.name === '.geom')!;
    const P = geom.properties!.find((p) => p.name === 'P')!;
    assert.deepEqual([P.kind, P.dataType, P.interpretation, P.sampleCount, P.metadata['geoScope']], ['array', 'float32[3]', 'point', 1, 'vtx']);
  });
});

describe('Cortex (IECoreAlembic test data)', { skip: noReal }, () => {
  it('cube.abc: /group1/pCube1 holds the PolyMesh pCubeShape1, static, and its world box is the stored child bounds', () => {
    const archive = open('cortex/cube.abc');
    assert.deepEqual(archive.root.children.map((c) => c.name), ['group1']);
    const shape = archive.findObject('/group1/pCube1/pCubeShape1')!;
    const mesh = asPolyMesh(shape);
    assert.equal(mesh.sampleCount, 1);
    assert.equal(mesh.topologyVariance, 'constant');
    const sample = mesh.getSample(0);
    assert.equal(sample.positions.length / 3, 8);
    assert.deepEqual([...sample.faceCounts], [4, 4, 4, 4, 4, 4]);
    assert.deepEqual([...sample.positions.subarray(0, 3)], [-1, -1, 1]);
    assert.equal(sample.normals?.scope, 'facevarying');
    assert.deepEqual(archive.timeRange, { start: 0, end: 0 });
    // group1: translate (2,0,0) then scale 2; pCube1: translate (-1,0,0).
    const group = asXform(archive.findObject('/group1')!).getSample(0);
    assert.deepEqual(group.ops.map((o) => [o.type, o.hint, o.values]), [
      ['translate', 'translate', [2, 0, 0]],
      ['scale', 'scale', [2, 2, 2]],
    ]);
    const scene = sceneOf(archive);
    const world = scene.worldMatrix(scene.find('/group1/pCube1/pCubeShape1')!, 0);
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < 8; i++) {
      const p = transformPoint(world, sample.positions[i * 3]!, sample.positions[i * 3 + 1]!, sample.positions[i * 3 + 2]!);
      p.forEach((v, k) => {
        min[k] = Math.min(min[k]!, v);
        max[k] = Math.max(max[k]!, v);
      });
    }
    const stored = archive.root.properties.getScalar('.childBnds')!.getSample(0).values;
    assert.deepEqual([...min, ...max], [...stored]);
  });

  it('animatedCube.abc: 10 samples at 24 fps from frame 1; positions, transform and bounds change with time', () => {
    const archive = open('cortex/animatedCube.abc');
    assert.deepEqual(archive.timeRange, { start: 1 / 24, end: 10 / 24 });
    const mesh = asPolyMesh(archive.findObject('/pCube1/pCubeShape1')!);
    assert.equal(mesh.sampleCount, 10);
    assert.equal(mesh.topologyVariance, 'homogeneous');
    assert.equal(mesh.positions.firstChangedIndex, 1);
    assert.notDeepEqual([...mesh.getSample(0).positions], [...mesh.getSample(9).positions]);
    const xform = asXform(archive.findObject('/pCube1')!);
    assert.notDeepEqual([...xform.getSample(0).matrix], [...xform.getSample(9).matrix]);
    const bounds = archive.root.properties.getScalar('.childBnds')!;
    assert.notEqual(bounds.sampleKey(0), bounds.sampleKey(9));
    assert.equal(archive.findObject('/front/frontShape')!.schema, 'AbcGeom_Camera_v1');
  });

  it('bool.abc: bool arbGeomParams abc_testBoolTrue = [true], abc_testBoolFalse = [false], constant', () => {
    const mesh = asPolyMesh(open('cortex/bool.abc').findObject('/pPlane1/pPlaneShape1')!);
    const yes = mesh.arbGeomParam('abc_testBoolTrue')!;
    const no = mesh.arbGeomParam('abc_testBoolFalse')!;
    assert.equal(yes.pod, 'bool');
    assert.equal(yes.isConstant, true);
    assert.deepEqual([...(yes.getSample(0).values.values as Uint8Array)], [1]);
    assert.deepEqual([...(no.getSample(0).values.values as Uint8Array)], [0]);
  });

  it('coloredMesh.abc: a SubD with the face-varying C4f colour set colorSet1', () => {
    const subd = asSubD(open('cortex/coloredMesh.abc').findObject('/pPlane1/pPlaneShape1')!);
    const colours = subd.arbGeomParam('colorSet1')!;
    assert.equal(colours.scope, 'facevarying');
    assert.equal(colours.interpretation, 'rgba');
    assert.equal(colours.isIndexed, true);
    const expanded = Array.from(colours.getExpanded(0).values as Float32Array);
    const perVertex = [0, 1, 2, 3].map((i) => expanded.slice(i * 4, i * 4 + 4));
    // Cortex turns Alembic's clockwise faces around: its (1,0,0,1),(0,0,0,1),(0,0,1,1),(0,1,0,1)
    // is this face's values in reverse.
    assert.deepEqual(perVertex.reverse(), [
      [1, 0, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 1, 1],
      [0, 1, 0, 1],
    ]);
    assert.equal(subd.getSample(0).scheme, 'catmull-clark');
  });

  it('creases.abc: a SubD with creases and corners', () => {
    const sample = asSubD(open('cortex/creases.abc').findObject('/CUBE/C_cube_REN/C_cube_RENShape')!).getSample(0);
    assert.deepEqual([...sample.creaseLengths!], [2, 2, 2]);
    assert.equal(sample.creaseIndices!.length, 6);
    assert.ok(near(sample.creaseSharpnesses!, [1.29, 1.29, 1.29], 1e-6));
  });

  it('curves.abc: linearLine, a cubic B-spline curve and the periodic nurbsCircle', () => {
    const archive = open('cortex/curves.abc');
    const line = asCurves(archive.findObject('/linearLine/object')!).getSample(0);
    assert.deepEqual([line.type, line.wrap, line.vertexCounts.length, [...line.vertexCounts]], ['linear', 'nonPeriodic', 1, [2]]);
    assert.deepEqual([...line.positions], [2, 0, 1, 2, 0, -1]);
    assert.deepEqual([...(line.velocities as Float32Array)], [1, 0, 0, 1, 0, 0]);
    const curve = asCurves(archive.findObject('/curve/object')!).getSample(0);
    assert.deepEqual([curve.type, curve.basis, [...curve.vertexCounts]], ['cubic', 'bspline', [4]]);
    const circle = asCurves(archive.findObject('/nurbsCircle/object')!).getSample(0);
    assert.deepEqual([circle.wrap, [...circle.vertexCounts]], ['periodic', [11]]);
  });

  it('points.abc: particle1 has 9 points at sample 9, uint64 ids 0..8, velocities parallel to P', () => {
    const points = asPoints(open('cortex/points.abc').findObject('/particle1/particleShape1')!);
    assert.equal(points.sampleCount, 10);
    const sample = points.getSample(9);
    assert.equal(sample.positions.length / 3, 9);
    assert.ok(sample.ids instanceof BigUint64Array);
    assert.deepEqual([...sample.ids], [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const v = sample.velocities as Float32Array;
    for (let i = 0; i < 9; i++) {
      const p = sample.positions.subarray(i * 3, i * 3 + 3);
      const cross = [p[1]! * v[i * 3 + 2]! - p[2]! * v[i * 3 + 1]!, p[2]! * v[i * 3]! - p[0]! * v[i * 3 + 2]!, p[0]! * v[i * 3 + 1]! - p[1]! * v[i * 3]!];
      assert.ok(Math.hypot(...cross) < 1e-4 * Math.hypot(...v.subarray(i * 3, i * 3 + 3)) * Math.hypot(...p), `point ${i}`);
    }
    assert.equal(points.getSample(0).positions.length, 0, 'sample 0 has no points');
  });

  it('varyingPoints.abc: points with varying-scope P, ids and a varying arbGeomParam', () => {
    const points = asPoints(open('cortex/varyingPoints.abc').findObject('/points/object')!);
    const sample = points.getSample(0);
    assert.equal(points.positions.metadata.get('geoScope'), 'var');
    assert.deepEqual([...sample.ids!], [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    assert.deepEqual([...sample.positions.subarray(27, 30)], [9, 9, 9]);
    const test = points.arbGeomParam('test')!;
    assert.equal(test.scope, 'varying');
    assert.deepEqual([...(test.getSample(0).values.values as Float32Array)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('subdPlane.abc: pPlane1 is a SubD with Catmull-Clark interpolation', () => {
    const sample = asSubD(open('cortex/subdPlane.abc').findObject('/pPlane1/pPlaneShape1')!).getSample(0);
    assert.equal(sample.scheme, 'catmull-clark');
  });

  it('sphereWithShadingGroups.abc: a PolyMesh with two exclusive face sets covering its 400 faces', () => {
    const mesh = asPolyMesh(open('cortex/sphereWithShadingGroups.abc').findObject('/pSphere1/pSphereShape1')!);
    assert.deepEqual(mesh.faceSetNames.sort(), ['blinn1SG', 'blinn2SG']);
    const faces = new Set<number>();
    for (const name of mesh.faceSetNames) {
      const set = mesh.faceSet(name);
      assert.equal(set.exclusivity, 'exclusive');
      for (const f of set.faces()) {
        assert.ok(!faces.has(f), `face ${f} in two sets`);
        faces.add(f);
      }
      assert.equal(set.selfBounds()!.empty, true);
    }
    assert.equal(faces.size, mesh.getSample(0).faceCounts.length);
    assert.equal(asFaceSet(mesh.object.child('blinn1SG')!).faces().length, 200);
  });

  it('velocityCube.abc: a PolyMesh with velocities', () => {
    const sample = asPolyMesh(open('cortex/velocityCube.abc').findObject('/group1/pCube1/object')!).getSample(0);
    assert.equal((sample.velocities as Float32Array).length, 24);
    assert.deepEqual([...(sample.velocities as Float32Array).subarray(0, 3)], [1, 0, 0]);
  });

  it('widthTest.abc: curve and point widths, and object visibility deferred to the parent', () => {
    const archive = open('cortex/widthTest.abc');
    const cubic = asCurves(archive.findObject('/cubic/curve')!).getSample(0);
    assert.equal(cubic.widths!.scope, 'vertex');
    assert.ok(near(cubic.widths!.values.values as Float32Array, [0.2, 0.15, 0.1, 0.05], 1e-6));
    assert.equal(cubic.knots!.length, 8);
    const points = asPoints(archive.findObject('/points/fromTheCurve')!);
    assert.ok(points.getSample(0).widths !== undefined);
    const scene = sceneOf(archive);
    assert.equal(scene.isVisible(scene.find('/cubic/curve')!, 0), true);
  });

  it('noTopLevelStoredBounds.abc: no child bounds at the top, a uniform string arbGeomParam', () => {
    const archive = open('cortex/noTopLevelStoredBounds.abc');
    assert.equal(archive.root.properties.has('.childBnds'), false);
    const mesh = asPolyMesh(archive.findObject('/MansionTuscan/group1')!);
    const name = mesh.arbGeomParam('name')!;
    assert.equal(name.scope, 'uniform');
    assert.equal((name.getSample(0).values.values as string[]).length, 80);
  });
});

describe('OpenUSD (usdAbc test data and baselines)', { skip: noReal }, () => {
  it('testUsdAbcP_OldEncoding.abc: SubD with 42 points written as vector3f; first P as USD reads it', () => {
    const subd = asSubD(open('openusd/testUsdAbcP_OldEncoding.abc').findObject('/pCylinder1/pCylinderShape1')!);
    assert.equal(subd.positions.interpretation, 'vector');
    const sample = subd.getSample(0);
    assert.equal(sample.positions.length / 3, 42);
    assert.deepEqual([...sample.positions.subarray(0, 3)], [3.8914246559143066, -4.887899398803711, -1.2644004821777344]);
  });

  it('indexedTextureCoordinates.abc matches indexedTextureCoordinates.def.usda', () => {
    const usda = realText('openusd/expected/indexedTextureCoordinates.def.usda');
    const archive = open('openusd/indexedTextureCoordinates.abc');
    assert.equal(archive.info.application, 'Blender');
    const mesh = asPolyMesh(archive.findObject('/Cube/CubeShape')!);
    const sample = mesh.getSample(0);
    const prim = 'def Mesh "Cube"';
    assert.deepEqual([...sample.faceCounts], usdaSamples(usda, prim, 'faceVertexCounts'));
    assert.deepEqual([...sample.faceIndices], usdaSamples(usda, prim, 'faceVertexIndices'));
    assert.deepEqual([...sample.positions], usdaSamples(usda, prim, 'points'));
    const bounds = mesh.selfBounds(0)!;
    assert.deepEqual([...bounds.min, ...bounds.max], usdaSamples(usda, prim, 'extent'));
    assert.equal(sample.uvs!.scope, 'facevarying');
    assert.ok(near(sample.uvs!.values.values as Float32Array, usdaSamples(usda, prim, 'primvars:st'), 1e-6));
    assert.deepEqual([...sample.uvs!.indices!], usdaSamples(usda, prim, 'primvars:st:indices'));
    const xform = asXform(archive.findObject('/Cube')!);
    assert.deepEqual([...xform.getSample(0).matrix], usdaSamples(usda, prim, 'xform'));
    assert.deepEqual([Number(xform.inheritsAt(0))], usdaSamples(usda, prim, 'xform:inherits'));
    assert.deepEqual(xform.ops.map((o) => o.encoded), usdaSamples(usda, prim, 'xform:ops'));
    assert.deepEqual([Number(mesh.userProperties!.getScalar('meshtype')!.getValue(0))], usdaSamples(usda, prim, 'userProperties:meshtype'));
  });

  it('nestedInstancing.abc matches nestedInstancing.def.usda: instances, transforms and meshes', () => {
    const usda = realText('openusd/expected/nestedInstancing.def.usda');
    const archive = open('openusd/nestedInstancing.abc');
    const instance1 = archive.findObject('/rootNode/c/instance1')!;
    assert.equal(instance1.isInstance, true);
    assert.equal(instance1.instanceSource, '/rootNode/instance0');
    assert.equal(archive.findObject('/rootNode/instance0/f/g')!.instanceSource, '/rootNode/instance0/a');
    // Paths through instances resolve like Alembic's IObject does.
    assert.equal(archive.findObject('/rootNode/c/instance1/a/aMesh')!.path, '/rootNode/instance0/a/aMesh');
    const translation = (path: string): number[] => {
      const m = asXform(archive.findObject(path)!).getSample(0).matrix;
      return [...m];
    };
    assert.deepEqual(translation('/rootNode/c'), usdaSamples(usda, 'def Xform "c"', 'xformOp:transform'));
    assert.deepEqual(translation('/rootNode/instance0/a'), usdaSamples(usda, 'over Xform "a"', 'xformOp:transform'));
    assert.deepEqual(translation('/rootNode/instance0/a/b'), usdaSamples(usda, 'def Xform "b"', 'xformOp:transform'));
    assert.deepEqual(translation('/rootNode/instance0/f'), usdaSamples(usda, 'def Xform "f"', 'xformOp:transform'));
    assert.deepEqual(translation('/rootNode/instance0/a/b/c'), usdaSamples(usda, 'def Mesh "c"', 'xformOp:transform'));
    const aMesh = asPolyMesh(archive.findObject('/rootNode/instance0/a/aMesh')!).getSample(0);
    assert.deepEqual([...aMesh.positions], usdaSamples(usda, 'def Mesh "aMesh"', 'points'));
    assert.deepEqual([...aMesh.faceIndices], usdaSamples(usda, 'def Mesh "aMesh"', 'faceVertexIndices'));
    assert.deepEqual([...(aMesh.normals!.values.values as Float32Array)], usdaSamples(usda, 'def Mesh "aMesh"', 'normals'));
    assert.deepEqual([...(aMesh.uvs!.values.values as Float32Array)], usdaSamples(usda, 'def Mesh "aMesh"', 'primvars:st'));
    // The scene expands both instances: aMesh appears four times, at four places.
    const scene = sceneOf(archive);
    const copies = scene.nodes.filter((n) => n.name === 'aMesh');
    assert.deepEqual(copies.map((n) => n.path).sort(), [
      '/rootNode/c/instance1/a/aMesh',
      '/rootNode/c/instance1/f/g/aMesh',
      '/rootNode/instance0/a/aMesh',
      '/rootNode/instance0/f/g/aMesh',
    ]);
    const origin = (path: string): number[] => [...transformPoint(scene.worldMatrix(scene.find(path)!, 0), 0, 0, 0)];
    assert.deepEqual(origin('/rootNode/instance0/a/aMesh'), [-2, 0, 0]);
    assert.deepEqual(origin('/rootNode/instance0/f/g/aMesh'), [-2, 5, 0]);
    assert.deepEqual(origin('/rootNode/c/instance1/a/aMesh'), [-2, 0, 5]);
    assert.deepEqual(origin('/rootNode/c/instance1/f/g/b/c/cMesh'), [2, 5, 5]);
  });

  it('testAbcCamera.abc: /World/main_cam frustum corners at frame 1 match testUsdAbcCamera.py', () => {
    const archive = open('openusd/testAbcCamera.abc');
    const scene = sceneOf(archive);
    const node = scene.find('/World/main_cam/main_camShape')!;
    const camera = asCamera(node.object);
    const time = 1 / 24; // USD time code 1 at 24 frames per second
    const sample = camera.getSampleAt(time);
    assert.equal(sample.index, 1);
    assert.ok(Math.abs(sample.fieldOfView - (2 * Math.atan((sample.horizontalAperture * 10) / (2 * sample.focalLength)) * 180) / Math.PI) < 1e-12);
    // USD keeps its own clipping range beside .core; the expected corners use it.
    const clipping = node.object.properties.getScalar('clippingRange')!.getValues(0) as number[];
    assert.deepEqual(clipping, [10, 100000]);
    const corners = cameraFrustum(sample, { near: clipping[0], far: clipping[1], matrix: scene.worldMatrix(node, time) });
    const expected = [
      [-4.27349785298, -2341.70939914119, -10],
      [4.27349785298, -2341.70939914119, -10],
      [-4.27349785298, -2338.2906008588, -10],
      [4.27349785298, -2338.2906008588, -10],
      [-42734.97852984663, -19433.99141193865, -100000],
      [42734.97852984663, -19433.99141193865, -100000],
      [-42734.97852984663, 14753.99141193864, -100000],
      [42734.97852984663, 14753.99141193864, -100000],
    ];
    corners.forEach((c, i) => assert.ok(near(c, expected[i]!, 1e-5), `corner ${i}: ${c} vs ${expected[i]}`));
  });

  it('testusdtimecode.abc: an animated mesh on a 30 fps uniform sampling from 1/30 to 1 second', () => {
    const archive = open('openusd/testusdtimecode.abc');
    const sampling = archive.timeSamplings[1]!;
    assert.equal(sampling.kind, 'uniform');
    assert.ok(Math.abs(sampling.timePerCycle - 1 / 30) < 1e-15);
    assert.equal(sampling.maxSamples, 30);
    assert.deepEqual(archive.timeRange, { start: 1 / 30, end: 1 });
    const meshObject = [...archive.objects()].find((o) => o.schema === 'AbcGeom_PolyMesh_v1')!;
    const mesh = asPolyMesh(meshObject);
    assert.equal(mesh.sampleCount, 30);
    assert.equal(mesh.sampleIndexAt(0.5), 14);
    assert.equal(mesh.sampleIndexAt(0.5 + 1 / 70, 'near'), 14);
    assert.equal(mesh.sampleIndexAt(0.5 + 1 / 59, 'near'), 15);
  });

  it('testUsdAbcXformPrimCollapsing.abc: B-spline curves under Xforms whose pivots cancel out', () => {
    const archive = open('openusd/testUsdAbcXformPrimCollapsing.abc');
    const xform = asXform(archive.findObject('/CurvesAsset/Geom/Curve1')!);
    const sample = xform.getSample(0);
    // Maya's pivot pairs: each pivot translate is followed by its inverse.
    assert.deepEqual(sample.ops.map((o) => `${o.type}:${o.hint}`), [
      'translate:rotatePivotPoint',
      'translate:rotatePivotPoint',
      'translate:scalePivotPoint',
      'translate:scalePivotPoint',
    ]);
    assert.ok(near(sample.matrix, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12));
    const curve = asCurves(archive.findObject('/CurvesAsset/Geom/Curve1/CurveShape1')!).getSample(0);
    assert.deepEqual([curve.type, curve.basis, curve.vertexCounts[0]], ['cubic', 'bspline', 19]);
    assert.equal(curve.knots!.length, 23);
    assert.equal(curve.widths!.scope, 'constant');
  });

  it('hasColorSet.abc: indexed face-varying colour sets (one named "vals") and user properties', () => {
    const archive = open('openusd/hasColorSet.abc');
    assert.equal(archive.info.dccFps, 24);
    const mesh = asPolyMesh(archive.findObject('/hasColorSetCalledVals/hasColorSetCalledValsShape')!);
    const colours = mesh.arbGeomParam('vals')!;
    assert.equal(colours.isIndexed, true);
    assert.equal(colours.interpretation, 'rgb');
    assert.deepEqual([...(colours.getExpanded(0).values as Float32Array)].slice(0, 6), [1, 1, 1, 1, 1, 1]);
    assert.equal(mesh.userProperties!.getScalar('name')!.getValue(0), 'hasColorSetCalledVals');
  });
});

describe('Gaffer', { skip: noReal }, () => {
  it('groupedPlane.abc: a one-face plane under /group/plane', () => {
    const archive = open('gaffer/groupedPlane.abc');
    const sample = asPolyMesh(archive.findObject('/group/plane/object')!).getSample(0);
    assert.deepEqual([sample.positions.length / 3, sample.faceCounts.length], [4, 1]);
    assert.equal(sample.uvs!.indices, undefined, 'the uv set is not indexed');
    assert.equal(sample.uvs!.values.count, 4);
  });
});

describe("refused and broken archives (Alembic's own test files)", { skip: noReal }, () => {
  it('HDF5 archives: ABC_HDF5, naming the format', () => {
    for (const path of ['alembic-hdf5/cube.abc', 'alembic-hdf5/xforms.abc']) {
      const error = errorOf(() => open(path));
      assert.equal(error.code, AbcErrorCode.ABC_HDF5);
      assert.match(error.message, /HDF5/);
    }
  });

  it('badver.abc (Ogawa magic, version 0xf101): ABC_UNSUPPORTED_VERSION, as Alembic refuses it', () => {
    const error = errorOf(() => open('alembic-invalid/badver.abc'));
    assert.equal(error.code, AbcErrorCode.ABC_UNSUPPORTED_VERSION);
    assert.equal(error.offset, 6);
  });

  it('issue283.abc (27 bytes): ABC_TRUNCATED ("Invalid Alembic file." upstream)', () => {
    const error = errorOf(() => open('alembic-invalid/issue283.abc'));
    assert.equal(error.code, AbcErrorCode.ABC_TRUNCATED);
    assert.match(error.message, /invalid Alembic archive: 27 bytes/);
  });

  it('bad_strings_ogawa.abc: the archive walks, the string sample that lies about its count is ABC_CORRUPT', () => {
    const archive = open('alembic-invalid/bad_strings_ogawa.abc');
    const info = inspectAlembic(real('alembic-invalid/bad_strings_ogawa.abc'));
    assert.deepEqual(info.objects.map((o) => o.path), ['/', '/material']);
    const names = archive.findObject('/material')!.properties.getCompound('.material')!.get('.shaderNames') as ArrayProperty;
    const error = errorOf(() => names.getSample(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(error.location, '/material/.material/.shaderNames');
    assert.match(error.message, /should hold 1 NUL-terminated strings .* but holds 4/);
  });

  it('malformed_xform.abc: a matrix op with 3 channel values is ABC_CORRUPT, located', () => {
    const archive = open('alembic-invalid/malformed_xform.abc');
    const xform = asXform(archive.findObject('/xform')!);
    const error = errorOf(() => xform.getSample(0));
    assert.equal(error.code, AbcErrorCode.ABC_CORRUPT);
    assert.equal(error.location, '/xform/.xform');
    assert.match(error.message, /need 16 channel values but \.vals holds 3/);
  });
});
