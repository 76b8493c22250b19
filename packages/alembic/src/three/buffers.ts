/**
 * Geometry buffers for three.js from Alembic samples, with no three.js import (so they can be
 * tested and reused without WebGL): polygon meshes as face-vertex arrays with fan triangulation
 * (Alembic winds faces clockwise; three.js front faces are counter-clockwise, so fans are flipped
 * unless asked not to), geometry parameters spread to face-vertices by their scope, curve and
 * patch outlines as line-segment indices.
 */
import type { NumericValues } from '../core/datatype.js';
import type { CurvesSample } from '../geom/curves.js';
import { expandGeomParam, type GeomParamSample } from '../geom/geom-param.js';
import type { MeshSample } from '../geom/mesh.js';
import type { NuPatchSample } from '../geom/nupatch.js';

export interface MeshBuffers {
  /** One position per face-vertex. */
  positions: Float32Array;
  /** Triangle indices into the face-vertices. */
  index: Uint32Array;
  normals: Float32Array | undefined;
  uvs: Float32Array | undefined;
  /** The point each face-vertex takes its position from (the face indices). */
  faceVertexPoints: Int32Array;
  /** Face number of each face-vertex. */
  faceVertexFaces: Int32Array;
  /** Triangle count per face (for face sets). */
  faceTriangleStart: Int32Array;
}

/** Fan triangles for every face, flipped to counter-clockwise unless `flip` is false. */
export function triangulate(faceCounts: Int32Array, flip = true): { index: Uint32Array; faceTriangleStart: Int32Array; faceVertexFaces: Int32Array } {
  let triangles = 0;
  let faceVertices = 0;
  for (const n of faceCounts) {
    if (n >= 3) triangles += n - 2;
    faceVertices += n;
  }
  const index = new Uint32Array(triangles * 3);
  const faceTriangleStart = new Int32Array(faceCounts.length + 1);
  const faceVertexFaces = new Int32Array(faceVertices);
  let start = 0;
  let t = 0;
  for (let f = 0; f < faceCounts.length; f++) {
    const n = faceCounts[f]!;
    faceTriangleStart[f] = t / 3;
    faceVertexFaces.fill(f, start, start + n);
    for (let i = 1; i + 1 < n; i++) {
      index[t++] = start;
      if (flip) {
        index[t++] = start + i + 1;
        index[t++] = start + i;
      } else {
        index[t++] = start + i;
        index[t++] = start + i + 1;
      }
    }
    start += n;
  }
  faceTriangleStart[faceCounts.length] = t / 3;
  return { index, faceTriangleStart, faceVertexFaces };
}

/** Positions gathered per face-vertex (into `out` when given, to update in place). */
export function gatherPositions(points: ArrayLike<number>, faceVertexPoints: Int32Array, out?: Float32Array): Float32Array {
  const target = out ?? new Float32Array(faceVertexPoints.length * 3);
  for (let i = 0; i < faceVertexPoints.length; i++) {
    const p = faceVertexPoints[i]! * 3;
    target[i * 3] = points[p]!;
    target[i * 3 + 1] = points[p + 1]!;
    target[i * 3 + 2] = points[p + 2]!;
  }
  return target;
}

/**
 * A geometry parameter spread to one value per face-vertex, by scope: face-varying as is, vertex
 * and varying through the face indices, uniform per face, constant everywhere. Undefined when the
 * value count does not fit the scope (the caller lists it as skipped).
 */
export function faceVertexAttribute(
  param: GeomParamSample,
  faceVertexPoints: Int32Array,
  faceVertexFaces: Int32Array,
  pointCount: number,
  faceCount: number,
): { values: Float32Array; itemSize: number } | undefined {
  const expanded = expandGeomParam(param);
  if (Array.isArray(expanded.values)) return undefined;
  const values = expanded.values as NumericValues;
  const itemSize = expanded.extent;
  const count = expanded.count;
  const n = faceVertexPoints.length;
  const out = new Float32Array(n * itemSize);
  let pick: (fv: number) => number;
  if (param.scope === 'facevarying' && count === n) pick = (fv) => fv;
  else if ((param.scope === 'vertex' || param.scope === 'varying') && count === pointCount) pick = (fv) => faceVertexPoints[fv]!;
  else if (param.scope === 'uniform' && count === faceCount) pick = (fv) => faceVertexFaces[fv]!;
  else if (count === 1) pick = () => 0;
  else if (count === n) pick = (fv) => fv;
  else if (count === pointCount) pick = (fv) => faceVertexPoints[fv]!;
  else return undefined;
  for (let fv = 0; fv < n; fv++) {
    const from = pick(fv) * itemSize;
    for (let k = 0; k < itemSize; k++) out[fv * itemSize + k] = Number(values[from + k]);
  }
  return { values: out, itemSize };
}

/** Every buffer of a mesh sample. */
export function meshBuffers(sample: MeshSample, flip = true): MeshBuffers {
  const { index, faceTriangleStart, faceVertexFaces } = triangulate(sample.faceCounts, flip);
  const pointCount = sample.positions.length / 3;
  const faceCount = sample.faceCounts.length;
  const attribute = (param: GeomParamSample | undefined): Float32Array | undefined =>
    param === undefined ? undefined : faceVertexAttribute(param, sample.faceIndices, faceVertexFaces, pointCount, faceCount)?.values;
  return {
    positions: gatherPositions(sample.positions, sample.faceIndices),
    index,
    normals: attribute(sample.normals),
    uvs: attribute(sample.uvs),
    faceVertexPoints: sample.faceIndices,
    faceVertexFaces,
    faceTriangleStart,
  };
}

/** Line-segment indices along each curve (closed for periodic curves). */
export function curveSegments(sample: Pick<CurvesSample, 'vertexCounts' | 'wrap'>): Uint32Array {
  let segments = 0;
  for (const n of sample.vertexCounts) if (n > 1) segments += sample.wrap === 'periodic' ? n : n - 1;
  const out = new Uint32Array(segments * 2);
  let at = 0;
  let start = 0;
  for (const n of sample.vertexCounts) {
    for (let i = 0; i + 1 < n; i++) {
      out[at++] = start + i;
      out[at++] = start + i + 1;
    }
    if (sample.wrap === 'periodic' && n > 1) {
      out[at++] = start + n - 1;
      out[at++] = start;
    }
    start += n;
  }
  return out;
}

/** Line-segment indices of a NURBS patch's control net (rows of u, columns of v). */
export function patchNetSegments(sample: Pick<NuPatchSample, 'uCount' | 'vCount'>): Uint32Array {
  const { uCount: nu, vCount: nv } = sample;
  const out: number[] = [];
  for (let v = 0; v < nv; v++) for (let u = 0; u + 1 < nu; u++) out.push(v * nu + u, v * nu + u + 1);
  for (let u = 0; u < nu; u++) for (let v = 0; v + 1 < nv; v++) out.push(v * nu + u, (v + 1) * nu + u);
  return Uint32Array.from(out);
}

/** Float32 copy of positions (float64 archives are narrowed for the GPU). */
export function toFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}
