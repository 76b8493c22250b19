/**
 * Grid transforms (`math/Transform.cc`, `math/Maps.h`): a map type name string, then the map's own
 * fields, all doubles:
 *
 * | map | fields |
 * |---|---|
 * | TranslationMap | translation (3) |
 * | ScaleMap, UniformScaleMap | scale, voxel size, 1/scale, 1/scale^2, 1/(2 scale) (3 each) |
 * | ScaleTranslateMap, UniformScaleTranslateMap | translation (3), then the five ScaleMap vectors |
 * | AffineMap, UnitaryMap | a 4x4 matrix (16), row by row |
 * | NonlinearFrustumMap | index bbox min, max (3 + 3; int32 before FLOAT_FRUSTUM_BBOX), taper, depth, then a nested map (type name + fields) used as its linear second map |
 *
 * OpenVDB multiplies row vectors: world = [i j k 1] * M, so the translation is the last row. The
 * frustum map first tapers index space (`applyFrustumMap`), then applies the second map.
 */
import type { ByteReader } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';
import { FileVersion } from './constants.js';
import { readVdbString } from './metadata.js';

export type Vec3 = [number, number, number];

/** The map types OpenVDB registers (`MapTypes`). */
export const VDB_MAP_TYPES = [
  'AffineMap',
  'UnitaryMap',
  'ScaleMap',
  'UniformScaleMap',
  'TranslationMap',
  'ScaleTranslateMap',
  'UniformScaleTranslateMap',
  'NonlinearFrustumMap',
] as const;
export type VdbMapType = (typeof VDB_MAP_TYPES)[number];

/** A map as stored, with the fields its type has. */
export interface VdbMap {
  type: VdbMapType;
  /** Translation (TranslationMap, *ScaleTranslateMap). */
  translation?: Vec3;
  /** Scale (ScaleMap family). */
  scale?: Vec3;
  /** The stored voxel size (ScaleMap family). */
  storedVoxelSize?: Vec3;
  /** The 4x4 matrix, row by row (AffineMap, UnitaryMap). */
  matrix?: number[];
  /** NonlinearFrustumMap only. */
  frustum?: { bboxMin: Vec3; bboxMax: Vec3; taper: number; depth: number; secondMap: VdbMap };
}

function readVec3d(reader: ByteReader, what: string): Vec3 {
  return [reader.f64(what), reader.f64(what), reader.f64(what)];
}

/** Reads one map (type name + fields). `fileVersion` gates the frustum's bounding box. */
export function readMap(reader: ByteReader, fileVersion: number, depth = 0): VdbMap {
  const at = reader.offset;
  const type = readVdbString(reader, 'transform map type', 256);
  switch (type) {
    case 'TranslationMap':
      return { type, translation: readVec3d(reader, 'translation') };
    case 'ScaleMap':
    case 'UniformScaleMap': {
      const scale = readVec3d(reader, 'scale');
      const storedVoxelSize = readVec3d(reader, 'voxel size');
      reader.skip(9 * 8, 'scale map inverse terms');
      return { type, scale, storedVoxelSize };
    }
    case 'ScaleTranslateMap':
    case 'UniformScaleTranslateMap': {
      const translation = readVec3d(reader, 'translation');
      const scale = readVec3d(reader, 'scale');
      const storedVoxelSize = readVec3d(reader, 'voxel size');
      reader.skip(9 * 8, 'scale map inverse terms');
      return { type, translation, scale, storedVoxelSize };
    }
    case 'AffineMap':
    case 'UnitaryMap': {
      const matrix: number[] = [];
      for (let i = 0; i < 16; i++) matrix.push(reader.f64('matrix'));
      return { type, matrix };
    }
    case 'NonlinearFrustumMap': {
      if (depth > 0) {
        throw vdbError(VdbErrorCode.VDB_CORRUPT, 'a frustum map nested inside a frustum map', { offset: at });
      }
      let bboxMin: Vec3;
      let bboxMax: Vec3;
      if (fileVersion < FileVersion.FLOAT_FRUSTUM_BBOX) {
        bboxMin = [reader.i32(), reader.i32(), reader.i32()];
        bboxMax = [reader.i32(), reader.i32(), reader.i32()];
      } else {
        bboxMin = readVec3d(reader, 'frustum bbox');
        bboxMax = readVec3d(reader, 'frustum bbox');
      }
      const taper = reader.f64('frustum taper');
      const frustumDepth = reader.f64('frustum depth');
      const secondMap = readMap(reader, fileVersion, depth + 1);
      return { type, frustum: { bboxMin, bboxMax, taper, depth: frustumDepth, secondMap } };
    }
    default:
      throw vdbError(
        VdbErrorCode.VDB_UNSUPPORTED,
        `transform map type '${type}' is not one OpenVDB registers (${VDB_MAP_TYPES.join(', ')}); its size is unknown, so the grid cannot be read past it`,
        { offset: at },
      );
  }
}

/** The 4x4 row-major matrix of a linear map (identity-based), or undefined for a frustum. */
export function linearMatrix(map: VdbMap): number[] | undefined {
  const m = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  switch (map.type) {
    case 'AffineMap':
    case 'UnitaryMap':
      return map.matrix!.slice();
    case 'TranslationMap':
      m[12] = map.translation![0];
      m[13] = map.translation![1];
      m[14] = map.translation![2];
      return m;
    case 'ScaleMap':
    case 'UniformScaleMap':
      m[0] = map.scale![0];
      m[5] = map.scale![1];
      m[10] = map.scale![2];
      return m;
    case 'ScaleTranslateMap':
    case 'UniformScaleTranslateMap':
      m[0] = map.scale![0];
      m[5] = map.scale![1];
      m[10] = map.scale![2];
      m[12] = map.translation![0];
      m[13] = map.translation![1];
      m[14] = map.translation![2];
      return m;
    default:
      return undefined;
  }
}

/** The inverse of an affine row-major 4x4 matrix (last column 0,0,0,1). */
export function invertAffine(m: ArrayLike<number>): number[] {
  const a = m[0]!, b = m[1]!, c = m[2]!;
  const d = m[4]!, e = m[5]!, f = m[6]!;
  const g = m[8]!, h = m[9]!, i = m[10]!;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (det === 0 || !Number.isFinite(det)) {
    throw vdbError(VdbErrorCode.VDB_CORRUPT, 'the transform matrix is singular (determinant 0): index and world space cannot be mapped both ways');
  }
  const inv = 1 / det;
  const r = [
    A * inv, -(b * i - c * h) * inv, (b * f - c * e) * inv, 0,
    B * inv, (a * i - c * g) * inv, -(a * f - c * d) * inv, 0,
    C * inv, -(a * h - b * g) * inv, (a * e - b * d) * inv, 0,
    0, 0, 0, 1,
  ];
  const tx = m[12]!, ty = m[13]!, tz = m[14]!;
  r[12] = -(tx * r[0]! + ty * r[4]! + tz * r[8]!);
  r[13] = -(tx * r[1]! + ty * r[5]! + tz * r[9]!);
  r[14] = -(tx * r[2]! + ty * r[6]! + tz * r[10]!);
  return r;
}

function applyRowMatrix(m: ArrayLike<number>, x: number, y: number, z: number, out: Vec3): Vec3 {
  out[0] = x * m[0]! + y * m[4]! + z * m[8]! + m[12]!;
  out[1] = x * m[1]! + y * m[5]! + z * m[9]! + m[13]!;
  out[2] = x * m[2]! + y * m[6]! + z * m[10]! + m[14]!;
  return out;
}

/**
 * A grid's index <-> world mapping. For linear maps `matrix` is the index-to-world matrix (row by
 * row, OpenVDB's layout: world = [i j k 1] * matrix); frustum maps have no matrix and map points
 * through the taper.
 */
export class VdbTransform {
  readonly map: VdbMap;
  /** True for every map but NonlinearFrustumMap. */
  readonly isLinear: boolean;
  /** Index to world, row by row, or null for a frustum. */
  readonly matrix: number[] | null;
  /** World to index, row by row, or null for a frustum. */
  readonly inverse: number[] | null;
  private readonly second?: { matrix: number[]; inverse: number[] };
  private readonly frustumTerms?: { min: Vec3; lx: number; xo: number; yo: number; gamma: number; depthOnLz: number };

  constructor(map: VdbMap) {
    this.map = map;
    const matrix = linearMatrix(map);
    if (matrix !== undefined) {
      this.isLinear = true;
      this.matrix = matrix;
      this.inverse = invertAffine(matrix);
    } else {
      this.isLinear = false;
      this.matrix = null;
      this.inverse = null;
      const frustum = map.frustum!;
      const secondMatrix = linearMatrix(frustum.secondMap)!;
      this.second = { matrix: secondMatrix, inverse: invertAffine(secondMatrix) };
      const lx = frustum.bboxMax[0] - frustum.bboxMin[0];
      const ly = frustum.bboxMax[1] - frustum.bboxMin[1];
      const lz = frustum.bboxMax[2] - frustum.bboxMin[2];
      if (lx === 0 || ly === 0 || lz === 0 || frustum.depth === 0 || frustum.taper === 0) {
        throw vdbError(VdbErrorCode.VDB_CORRUPT, 'a frustum map with an empty index box, zero depth or zero taper');
      }
      this.frustumTerms = {
        min: frustum.bboxMin,
        lx,
        xo: 0.5 * lx,
        yo: 0.5 * ly,
        gamma: (1 / frustum.taper - 1) / frustum.depth,
        depthOnLz: frustum.depth / lz,
      };
    }
  }

  /** The map type name as stored (`UniformScaleMap`, `ScaleTranslateMap`, ...). */
  get type(): VdbMapType {
    return this.map.type;
  }

  /** World position of index-space point (i, j, k) (voxel centres are at integer coordinates). */
  indexToWorld(i: number, j: number, k: number, out: Vec3 = [0, 0, 0]): Vec3 {
    if (this.matrix !== null) return applyRowMatrix(this.matrix, i, j, k, out);
    const t = this.frustumTerms!;
    let x = i - t.min[0] - t.xo;
    let y = j - t.min[1] - t.yo;
    const z = (k - t.min[2]) * t.depthOnLz;
    const scale = (t.gamma * z + 1) / t.lx;
    x *= scale;
    y *= scale;
    return applyRowMatrix(this.second!.matrix, x, y, z, out);
  }

  /** Index-space position of world point (x, y, z). */
  worldToIndex(x: number, y: number, z: number, out: Vec3 = [0, 0, 0]): Vec3 {
    if (this.inverse !== null) return applyRowMatrix(this.inverse, x, y, z, out);
    const t = this.frustumTerms!;
    applyRowMatrix(this.second!.inverse, x, y, z, out);
    const invScale = t.lx / (t.gamma * out[2] + 1);
    out[0] = out[0] * invScale + t.xo + t.min[0];
    out[1] = out[1] * invScale + t.yo + t.min[1];
    out[2] = out[2] / t.depthOnLz + t.min[2];
    return out;
  }

  /**
   * The size of a voxel along each index axis in world units at index point `at`: the lengths of
   * the images of the three unit index steps (OpenVDB's `voxelSize()`). The default point is the
   * origin for linear maps (where every point gives the same answer) and, as OpenVDB does, the
   * centre of the near face of the index box for frustums.
   */
  voxelSize(at?: Vec3): Vec3 {
    if (at === undefined) {
      const frustum = this.map.frustum;
      at = frustum === undefined ? [0, 0, 0] : [0.5 * (frustum.bboxMin[0] + frustum.bboxMax[0]), 0.5 * (frustum.bboxMin[1] + frustum.bboxMax[1]), frustum.bboxMin[2]];
    }
    const o = this.indexToWorld(at[0], at[1], at[2]);
    const result: Vec3 = [0, 0, 0];
    for (let axis = 0; axis < 3; axis++) {
      const p = this.indexToWorld(at[0] + (axis === 0 ? 1 : 0), at[1] + (axis === 1 ? 1 : 0), at[2] + (axis === 2 ? 1 : 0));
      result[axis] = Math.hypot(p[0] - o[0], p[1] - o[1], p[2] - o[2]);
    }
    return result;
  }

  /** The linear part: the matrix of a linear map, or a frustum's second (linear) map. */
  get linearMatrix(): number[] {
    return this.matrix ?? this.second!.matrix;
  }

  /** True when the voxel size is the same along the three axes (vdb_print's "voxel size" case). */
  hasUniformScale(tolerance = 1e-8): boolean {
    const [x, y, z] = this.voxelSize();
    return Math.abs(x - y) <= tolerance * Math.max(x, y) && Math.abs(x - z) <= tolerance * Math.max(x, z);
  }

  /** The world-space box around the index box [min, max] (voxel centres; `padding` 0.5 gives
   *  the voxels' outer faces): the bounds of its eight transformed corners. */
  worldBoundingBox(min: Vec3, max: Vec3, padding = 0): { min: Vec3; max: Vec3 } {
    const lo: Vec3 = [Infinity, Infinity, Infinity];
    const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
    const p: Vec3 = [0, 0, 0];
    for (let corner = 0; corner < 8; corner++) {
      const x = corner & 1 ? max[0] + padding : min[0] - padding;
      const y = corner & 2 ? max[1] + padding : min[1] - padding;
      const z = corner & 4 ? max[2] + padding : min[2] - padding;
      this.indexToWorld(x, y, z, p);
      for (let a = 0; a < 3; a++) {
        if (p[a]! < lo[a]!) lo[a] = p[a]!;
        if (p[a]! > hi[a]!) hi[a] = p[a]!;
      }
    }
    return { min: lo, max: hi };
  }
}

/** Reads a transform (a map) at the reader's position. */
export function readTransform(reader: ByteReader, fileVersion: number): VdbTransform {
  return new VdbTransform(readMap(reader, fileVersion));
}
