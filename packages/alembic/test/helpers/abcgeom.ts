/**
 * AbcGeom schemas written the way the C++ library writes them (`ONuPatch.cpp`, `OLight.cpp`,
 * `OCamera.cpp`, `OXform.cpp`, `OPolyMesh.cpp`, `OPoints.cpp`): the same property names, types,
 * metadata and creation order, over our core writer. Used where no real archive exists (NuPatch,
 * Light) and to build animated archives for the adapter tests.
 */
import type { ObjectWriter, CompoundWriter } from '@vfxkit/alembic';

const geomMeta = (schema: string) => ({
  object: { schema, schemaBaseType: 'AbcGeom_GeomBase_v1', schemaObjTitle: `${schema}:.geom` },
  compound: { schema, schemaBaseType: 'AbcGeom_GeomBase_v1' },
});

function bounds(points: ArrayLike<number>): number[] {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, points[i + k]!);
      max[k] = Math.max(max[k]!, points[i + k]!);
    }
  }
  return [...min, ...max];
}

const P_META = { geoScope: 'vtx', interpretation: 'point' };
const BOX_META = { interpretation: 'box' };

export interface NuPatchInput {
  positions: number[];
  nu: number;
  nv: number;
  uOrder: number;
  vOrder: number;
  uKnot: number[];
  vKnot: number[];
  weights?: number[];
  uvs?: number[];
  trim?: { nloops: number; ncurves: number[]; n: number[]; order: number[]; knot: number[]; min: number[]; max: number[]; u: number[]; v: number[]; w: number[] };
}

/** ONuPatchSchema: `.selfBnds` (OGeomBaseSchema::init), P, nu, nv, uOrder, vOrder, uKnot, vKnot
 *  (init), then on the first set: uv, w, the trim properties; values set in ONuPatchSchema::set order. */
export function writeNuPatch(parent: ObjectWriter, name: string, samples: NuPatchInput[], timeSampling = 0): ObjectWriter {
  const meta = geomMeta('AbcGeom_NuPatch_v2');
  const object = parent.addChild(name, meta.object);
  const geom = object.properties.addCompound('.geom', meta.compound);
  const opts = { timeSampling };
  const selfBnds = geom.addScalar('.selfBnds', { pod: 'float64', extent: 6 }, { ...opts, metadata: BOX_META });
  const P = geom.addArray('P', { pod: 'float32', extent: 3 }, { ...opts, metadata: P_META });
  const nu = geom.addScalar('nu', { pod: 'int32', extent: 1 }, opts);
  const nv = geom.addScalar('nv', { pod: 'int32', extent: 1 }, opts);
  const uOrder = geom.addScalar('uOrder', { pod: 'int32', extent: 1 }, opts);
  const vOrder = geom.addScalar('vOrder', { pod: 'int32', extent: 1 }, opts);
  const uKnot = geom.addArray('uKnot', { pod: 'float32', extent: 1 }, opts);
  const vKnot = geom.addArray('vKnot', { pod: 'float32', extent: 1 }, opts);
  const first = samples[0]!;
  const uv = first.uvs
    ? geom.addArray('uv', { pod: 'float32', extent: 2 }, { ...opts, metadata: { arrayExtent: '1', geoScope: 'vtx', interpretation: 'vector', isGeomParam: 'true', podExtent: '2', podName: 'float32_t' } })
    : undefined;
  const w = first.weights ? geom.addArray('w', { pod: 'float32', extent: 1 }, opts) : undefined;
  const trim = first.trim
    ? {
        nloops: geom.addScalar('trim_nloops', { pod: 'int32', extent: 1 }, opts),
        ncurves: geom.addArray('trim_ncurves', { pod: 'int32', extent: 1 }, opts),
        n: geom.addArray('trim_n', { pod: 'int32', extent: 1 }, opts),
        order: geom.addArray('trim_order', { pod: 'int32', extent: 1 }, opts),
        knot: geom.addArray('trim_knot', { pod: 'float32', extent: 1 }, opts),
        min: geom.addArray('trim_min', { pod: 'float32', extent: 1 }, opts),
        max: geom.addArray('trim_max', { pod: 'float32', extent: 1 }, opts),
        u: geom.addArray('trim_u', { pod: 'float32', extent: 1 }, opts),
        v: geom.addArray('trim_v', { pod: 'float32', extent: 1 }, opts),
        w: geom.addArray('trim_w', { pod: 'float32', extent: 1 }, opts),
      }
    : undefined;
  for (const s of samples) {
    P.addSample(s.positions);
    nu.addSample([s.nu]);
    nv.addSample([s.nv]);
    uOrder.addSample([s.uOrder]);
    vOrder.addSample([s.vOrder]);
    uKnot.addSample(s.uKnot);
    vKnot.addSample(s.vKnot);
    if (trim && s.trim) {
      trim.nloops.addSample([s.trim.nloops]);
      trim.ncurves.addSample(s.trim.ncurves);
      trim.n.addSample(s.trim.n);
      trim.order.addSample(s.trim.order);
      trim.knot.addSample(s.trim.knot);
      trim.min.addSample(s.trim.min);
      trim.max.addSample(s.trim.max);
      trim.u.addSample(s.trim.u);
      trim.v.addSample(s.trim.v);
      trim.w.addSample(s.trim.w);
    }
    if (w && s.weights) w.addSample(s.weights);
    if (uv && s.uvs) uv.addSample(s.uvs);
    selfBnds.addSample(bounds(s.positions));
  }
  object.close();
  return object;
}

export interface CameraInput {
  /** The 16 core values in `CameraSample::getCoreValue` order. */
  core: number[];
  filmBackOps?: { name: string; values: number[] }[];
}

/** The default CameraSample (`CameraSample::reset`): 35 mm lens on a 36 x 24 mm back, near 0.1,
 *  far 100000. */
export function defaultCameraCore(overrides: Partial<Record<number, number>> = {}): number[] {
  const core = [35, 3.6, 0, 2.4, 0, 1, 0, 0, 0, 0, 5.6, 5, 0, 1 / 24, 0.1, 100000];
  for (const [i, v] of Object.entries(overrides)) core[Number(i)] = v!;
  return core;
}

/** OCameraSchema inside `compound`: `.core` at init, film-back ops and channels on the first set. */
function writeCameraSchema(compound: CompoundWriter, samples: CameraInput[], timeSampling: number): void {
  const core = compound.addScalar('.core', { pod: 'float64', extent: 16 }, { timeSampling });
  const ops = samples[0]!.filmBackOps ?? [];
  const channels = ops.reduce((n, op) => n + op.values.length, 0);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    core.addSample(s.core);
    if (i === 0 && ops.length > 0) {
      const opsProperty = compound.addScalar('.filmBackOps', { pod: 'string', extent: ops.length });
      opsProperty.addSample(ops.map((o) => o.name));
      opsProperty.close();
    }
  }
  if (channels > 0) {
    const channelsProperty = compound.addScalar('.filmBackChannels', { pod: 'float64', extent: channels });
    for (const s of samples) channelsProperty.addSample((s.filmBackOps ?? []).flatMap((o) => o.values));
  }
}

/** OCamera: schema AbcGeom_Camera_v1 (no base type) in `.geom`. */
export function writeCamera(parent: ObjectWriter, name: string, samples: CameraInput[], timeSampling = 0): ObjectWriter {
  const object = parent.addChild(name, { schema: 'AbcGeom_Camera_v1', schemaObjTitle: 'AbcGeom_Camera_v1:.geom' });
  const geom = object.properties.addCompound('.geom', { schema: 'AbcGeom_Camera_v1' });
  writeCameraSchema(geom, samples, timeSampling);
  object.close();
  return object;
}

/** OLight: schema AbcGeom_Light_v1 in `.geom`; `setCameraSample` makes an OCameraSchema named
 *  `.camera` inside it; light parameters go to `.arbGeomParams`. */
export function writeLight(parent: ObjectWriter, name: string, samples: CameraInput[], timeSampling = 0, parameters?: Record<string, number>): ObjectWriter {
  const object = parent.addChild(name, { schema: 'AbcGeom_Light_v1', schemaObjTitle: 'AbcGeom_Light_v1:.geom' });
  const geom = object.properties.addCompound('.geom', { schema: 'AbcGeom_Light_v1' });
  if (samples.length > 0) writeCameraSchema(geom.addCompound('.camera', { schema: 'AbcGeom_Camera_v1' }), samples, timeSampling);
  if (parameters !== undefined) {
    const arb = geom.addCompound('.arbGeomParams');
    for (const [key, value] of Object.entries(parameters)) {
      const p = arb.addArray(key, { pod: 'float32', extent: 1 }, { metadata: { arrayExtent: '1', geoScope: 'con', isGeomParam: 'true', podExtent: '1', podName: 'float32_t' } });
      p.addSample([value]);
    }
  }
  object.close();
  return object;
}

/** OXform: `.inherits`, `.ops`, `.vals` (and `isNotConstantIdentity` unless identity). */
export function writeXform(
  parent: ObjectWriter,
  name: string,
  ops: number[],
  values: number[][],
  options: { timeSampling?: number; inherits?: boolean[] } = {},
): ObjectWriter {
  const object = parent.addChild(name, { schema: 'AbcGeom_Xform_v3', schemaObjTitle: 'AbcGeom_Xform_v3:.xform' });
  const xform = object.properties.addCompound('.xform', { schema: 'AbcGeom_Xform_v3' });
  const timeSampling = options.timeSampling ?? 0;
  const inherits = xform.addScalar('.inherits', { pod: 'bool', extent: 1 }, { timeSampling });
  const opsProperty = xform.addScalar('.ops', { pod: 'uint8', extent: Math.max(1, ops.length) });
  const vals = values[0]!.length > 0 ? xform.addScalar('.vals', { pod: 'float64', extent: values[0]!.length }, { timeSampling }) : undefined;
  values.forEach((v, i) => {
    inherits.addSample([options.inherits?.[i] ?? true ? 1 : 0]);
    if (ops.length > 0) opsProperty.addSample(ops);
    vals?.addSample(v);
  });
  xform.addScalar('isNotConstantIdentity', { pod: 'bool', extent: 1 }).addSample([1]);
  return object;
}

export interface MeshInput {
  positions: number[];
  faceCounts: number[];
  faceIndices: number[];
  normals?: { values: number[]; scope: 'fvr' | 'vtx' };
  uvs?: { values: number[]; indices?: number[] };
}

/** OPolyMesh: `.selfBnds`, P, `.faceIndices`, `.faceCounts`, then N and uv when given. */
export function writePolyMesh(parent: ObjectWriter, name: string, samples: MeshInput[], timeSampling = 0): ObjectWriter {
  const meta = geomMeta('AbcGeom_PolyMesh_v1');
  const object = parent.addChild(name, meta.object);
  const geom = object.properties.addCompound('.geom', meta.compound);
  const opts = { timeSampling };
  const selfBnds = geom.addScalar('.selfBnds', { pod: 'float64', extent: 6 }, { ...opts, metadata: BOX_META });
  const P = geom.addArray('P', { pod: 'float32', extent: 3 }, { ...opts, metadata: P_META });
  const faceIndices = geom.addArray('.faceIndices', { pod: 'int32', extent: 1 }, opts);
  const faceCounts = geom.addArray('.faceCounts', { pod: 'int32', extent: 1 }, opts);
  const first = samples[0]!;
  const N = first.normals
    ? geom.addArray('N', { pod: 'float32', extent: 3 }, { ...opts, metadata: { arrayExtent: '1', geoScope: first.normals.scope, interpretation: 'normal', isGeomParam: 'true', podExtent: '3', podName: 'float32_t' } })
    : undefined;
  const uvMeta = { arrayExtent: '1', geoScope: 'fvr', interpretation: 'vector', isGeomParam: 'true', podExtent: '2', podName: 'float32_t' };
  let uvVals: ReturnType<CompoundWriter['addArray']> | undefined;
  let uvIndices: ReturnType<CompoundWriter['addArray']> | undefined;
  if (first.uvs?.indices !== undefined) {
    const uv = geom.addCompound('uv', uvMeta);
    uvVals = uv.addArray('.vals', { pod: 'float32', extent: 2 }, { ...opts, metadata: uvMeta });
    uvIndices = uv.addArray('.indices', { pod: 'uint32', extent: 1 }, opts);
  } else if (first.uvs !== undefined) {
    uvVals = geom.addArray('uv', { pod: 'float32', extent: 2 }, { ...opts, metadata: uvMeta });
  }
  for (const s of samples) {
    P.addSample(s.positions);
    faceIndices.addSample(s.faceIndices);
    faceCounts.addSample(s.faceCounts);
    if (N && s.normals) N.addSample(s.normals.values);
    if (uvVals && s.uvs) uvVals.addSample(s.uvs.values);
    if (uvIndices && s.uvs?.indices) uvIndices.addSample(s.uvs.indices);
    selfBnds.addSample(bounds(s.positions));
  }
  return object;
}

/** OPoints: `.selfBnds`, P, `.pointIds`, then `.velocities` and `.widths` when given. */
export function writePoints(parent: ObjectWriter, name: string, samples: { positions: number[]; ids: bigint[]; widths?: number[] }[], timeSampling = 0): ObjectWriter {
  const meta = geomMeta('AbcGeom_Points_v1');
  const object = parent.addChild(name, meta.object);
  const geom = object.properties.addCompound('.geom', meta.compound);
  const opts = { timeSampling };
  const selfBnds = geom.addScalar('.selfBnds', { pod: 'float64', extent: 6 }, { ...opts, metadata: BOX_META });
  const P = geom.addArray('P', { pod: 'float32', extent: 3 }, { ...opts, metadata: { geoScope: 'var', interpretation: 'point' } });
  const ids = geom.addArray('.pointIds', { pod: 'uint64', extent: 1 }, { ...opts, metadata: { geoScope: 'var' } });
  const widths = samples[0]!.widths
    ? geom.addArray('.widths', { pod: 'float32', extent: 1 }, { ...opts, metadata: { arrayExtent: '1', geoScope: 'var', isGeomParam: 'true', podExtent: '1', podName: 'float32_t' } })
    : undefined;
  for (const s of samples) {
    P.addSample(s.positions);
    ids.addSample(s.ids);
    if (widths && s.widths) widths.addSample(s.widths);
    selfBnds.addSample(bounds(s.positions));
  }
  object.close();
  return object;
}
