/**
 * What `vfx abc export` writes to OBJ and PLY: the geometry of a subtree of the scene at one time,
 * in world space (each object's points through its world matrix, normals through the inverse
 * transpose), topology as Alembic stores it (polygons of any size, wound clockwise), face-vertex
 * normals and UVs spread by their scope. Checked while gathered: face counts that disagree with
 * the face indices and indices past the points are ABC_CORRUPT errors, not NaN vertices.
 */
import { VfxError } from '@vfxkit/core';
import {
  AbcErrorCode,
  CurvesSchema,
  invertMatrix,
  multiplyMatrices,
  PointsSchema,
  PolyMeshSchema,
  SubDSchema,
  type AlembicScene,
  type Matrix4,
  type SceneNode,
} from '@vfxkit/alembic';
import { faceVertexAttribute, triangulate } from '@vfxkit/alembic/three';

export interface MeshItem {
  kind: 'mesh';
  path: string;
  name: string;
  /** World-space points, xyz after xyz. */
  positions: Float64Array;
  faceCounts: Int32Array;
  faceIndices: Int32Array;
  /** One xyz per face-vertex (world space, unit length), when the mesh has normals. */
  normals: Float32Array | undefined;
  /** One uv per face-vertex, when the mesh has UVs. */
  uvs: Float32Array | undefined;
}

export interface PointsItem {
  kind: 'points';
  path: string;
  name: string;
  positions: Float64Array;
  /** World-space velocities, when written. */
  velocities: Float64Array | undefined;
  ids: Float64Array | undefined;
  /** One width per point, when written per point (or one for all). */
  widths: Float64Array | undefined;
}

export interface CurvesItem {
  kind: 'curves';
  path: string;
  name: string;
  positions: Float64Array;
  vertexCounts: Int32Array;
  periodic: boolean;
}

export type GeometryItem = MeshItem | PointsItem | CurvesItem;

function corrupt(message: string, location: string): VfxError {
  return new VfxError(AbcErrorCode.ABC_CORRUPT, message, { location }, 'corrupt');
}

function toWorld(points: ArrayLike<number>, m: Matrix4): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i + 2 < points.length; i += 3) {
    const x = Number(points[i]);
    const y = Number(points[i + 1]);
    const z = Number(points[i + 2]);
    const w = x * m[3]! + y * m[7]! + z * m[11]! + m[15]!;
    const d = w === 0 ? 1 : w;
    out[i] = (x * m[0]! + y * m[4]! + z * m[8]! + m[12]!) / d;
    out[i + 1] = (x * m[1]! + y * m[5]! + z * m[9]! + m[13]!) / d;
    out[i + 2] = (x * m[2]! + y * m[6]! + z * m[10]! + m[14]!) / d;
  }
  return out;
}

/** Directions (velocities) through the matrix's upper 3x3. */
function vectorsToWorld(vectors: ArrayLike<number | bigint>, m: Matrix4): Float64Array {
  const out = new Float64Array(vectors.length);
  for (let i = 0; i + 2 < vectors.length; i += 3) {
    const x = Number(vectors[i]);
    const y = Number(vectors[i + 1]);
    const z = Number(vectors[i + 2]);
    out[i] = x * m[0]! + y * m[4]! + z * m[8]!;
    out[i + 1] = x * m[1]! + y * m[5]! + z * m[9]!;
    out[i + 2] = x * m[2]! + y * m[6]! + z * m[10]!;
  }
  return out;
}

/** Normals through the inverse transpose (row vectors: n'_j = sum_i n_i inv[j][i]), renormalised. */
function normalsToWorld(normals: Float32Array, m: Matrix4): Float32Array {
  const inv = invertMatrix(m);
  if (inv === undefined) return normals;
  const out = new Float32Array(normals.length);
  for (let i = 0; i + 2 < normals.length; i += 3) {
    const x = normals[i]!;
    const y = normals[i + 1]!;
    const z = normals[i + 2]!;
    const nx = x * inv[0]! + y * inv[1]! + z * inv[2]!;
    const ny = x * inv[4]! + y * inv[5]! + z * inv[6]!;
    const nz = x * inv[8]! + y * inv[9]! + z * inv[10]!;
    const length = Math.hypot(nx, ny, nz) || 1;
    out[i] = nx / length;
    out[i + 1] = ny / length;
    out[i + 2] = nz / length;
  }
  return out;
}

/** Throws ABC_CORRUPT at the first coordinate that is not finite: OBJ and PLY cannot hold it. */
function checkFinite(points: Float64Array, path: string): Float64Array {
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) throw corrupt(`point ${Math.floor(i / 3)} is not finite (${points[i]}) (vfx abc check lists such points)`, path);
  }
  return points;
}

function checkTopology(faceCounts: Int32Array, faceIndices: Int32Array, pointCount: number, path: string): void {
  let total = 0;
  for (let f = 0; f < faceCounts.length; f++) {
    const n = faceCounts[f]!;
    if (n < 0) throw corrupt(`face ${f} has ${n} vertices`, path);
    total += n;
  }
  if (total !== faceIndices.length) throw corrupt(`the face counts add up to ${total} face-vertices but there are ${faceIndices.length} face indices`, path);
  for (let i = 0; i < faceIndices.length; i++) {
    const v = faceIndices[i]!;
    if (v < 0 || v >= pointCount) throw corrupt(`face index ${v} at ${i} is out of range (${pointCount} points)`, path);
  }
}

/** The sampled geometry of `top` and everything below it at `time` (stored samples, floor). */
export function gatherGeometry(scene: AlembicScene, top: SceneNode, time: number): GeometryItem[] {
  // World matrices of the subtree only: transforms elsewhere in the archive are not read.
  const options = { interpolate: false };
  const worlds = new Map<SceneNode, Matrix4>([[top, scene.worldMatrix(top, time, options)]]);
  const items: GeometryItem[] = [];
  const stack: SceneNode[] = [top];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const world = worlds.get(node)!;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      const local = scene.localMatrix(child, time, options);
      worlds.set(child, local.inherits ? multiplyMatrices(local.matrix, world) : local.matrix);
      stack.push(child);
    }
    if (node.kind === 'polymesh' || node.kind === 'subd') {
      const schema = node.kind === 'polymesh' ? new PolyMeshSchema(node.object) : new SubDSchema(node.object);
      if (schema.sampleCount === 0) continue;
      const sample = schema.getSample(schema.sampleIndexAt(time));
      const pointCount = Math.floor(sample.positions.length / 3);
      checkTopology(sample.faceCounts, sample.faceIndices, pointCount, node.path);
      const { faceVertexFaces } = triangulate(sample.faceCounts, false);
      const spread = (param: typeof sample.normals) =>
        param === undefined ? undefined : faceVertexAttribute(param, sample.faceIndices, faceVertexFaces, pointCount, sample.faceCounts.length);
      const normals = spread(sample.normals);
      const uvs = spread(sample.uvs);
      items.push({
        kind: 'mesh',
        path: node.path,
        name: node.name,
        positions: checkFinite(toWorld(sample.positions, world), node.path),
        faceCounts: sample.faceCounts,
        faceIndices: sample.faceIndices,
        normals: normals !== undefined && normals.itemSize === 3 ? normalsToWorld(normals.values, world) : undefined,
        uvs: uvs !== undefined && uvs.itemSize === 2 ? uvs.values : undefined,
      });
    } else if (node.kind === 'points') {
      const schema = new PointsSchema(node.object);
      if (schema.sampleCount === 0) continue;
      const sample = schema.getSample(schema.sampleIndexAt(time));
      const count = Math.floor(sample.positions.length / 3);
      const perPoint = (values: ArrayLike<number | bigint> | undefined, width: number): Float64Array | undefined => {
        if (values === undefined || values.length !== count * width) return undefined;
        return Float64Array.from(values as ArrayLike<number | bigint>, Number);
      };
      let widths: Float64Array | undefined;
      if (sample.widths !== undefined && !Array.isArray(sample.widths.values.values)) {
        const raw = sample.widths.values.values as ArrayLike<number | bigint>;
        const indices = sample.widths.indices;
        const expanded = indices !== undefined && indices.length > 0 ? Array.from(indices, (k) => raw[k] ?? 0) : Array.from(raw);
        if (expanded.length === count) widths = Float64Array.from(expanded, Number);
        else if (expanded.length === 1) widths = new Float64Array(count).fill(Number(expanded[0]));
      }
      const velocities = perPoint(sample.velocities as ArrayLike<number | bigint> | undefined, 3);
      items.push({
        kind: 'points',
        path: node.path,
        name: node.name,
        positions: checkFinite(toWorld(sample.positions, world), node.path),
        velocities: velocities !== undefined ? vectorsToWorld(velocities, world) : undefined,
        ids: perPoint(sample.ids as ArrayLike<number | bigint> | undefined, 1),
        widths,
      });
    } else if (node.kind === 'curves') {
      const schema = new CurvesSchema(node.object);
      if (schema.sampleCount === 0) continue;
      const sample = schema.getSample(schema.sampleIndexAt(time));
      let total = 0;
      for (const n of sample.vertexCounts) total += n;
      if (total * 3 !== sample.positions.length) {
        throw corrupt(`the curves' vertex counts add up to ${total} but there are ${Math.floor(sample.positions.length / 3)} points`, node.path);
      }
      items.push({
        kind: 'curves',
        path: node.path,
        name: node.name,
        positions: checkFinite(toWorld(sample.positions, world), node.path),
        vertexCounts: sample.vertexCounts,
        periodic: sample.wrap === 'periodic',
      });
    }
  }
  return items;
}
