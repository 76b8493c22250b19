/**
 * three.js adapter for @vfxkit/vdb: a grid (or a dense export of it) as a `Data3DTexture` plus the
 * matrix that places the texture's unit cube in world space, for ray-marching viewers.
 *
 * Scalars become a one-channel float texture (`RedFormat`), vectors an RGBA float texture (alpha
 * 1; WebGL 2 has no three-channel float 3D textures). Texture coordinate (u, v, w) in [0, 1]^3
 * covers the exported index box; `matrix` maps it to world space (`VdbVolume.boxMatrix` does the
 * same for a `BoxGeometry(1, 1, 1)` centred at the origin). Frustum grids have no linear matrix
 * and are refused (VDB_UNSUPPORTED).
 *
 * @example
 * import { createVdbVolume } from '@vfxkit/vdb/three';
 * const volume = createVdbVolume(grid, { maxVoxels: 128 ** 3 });
 * const mesh = new Mesh(new BoxGeometry(1, 1, 1), rayMarchMaterial(volume.texture));
 * mesh.matrixAutoUpdate = false;
 * mesh.matrix.copy(volume.boxMatrix);
 */
import { Box3, ClampToEdgeWrapping, Data3DTexture, FloatType, LinearFilter, Matrix4, NearestFilter, RedFormat, RGBAFormat, Vector3 } from 'three';
import { VdbErrorCode, vdbError } from '../errors.js';
import { toDense } from '../tree/dense.js';
import type { DenseOptions, DenseSource, VdbDense } from '../tree/dense.js';

export interface VdbVolume {
  texture: Data3DTexture;
  /** The dense export the texture holds. */
  dense: VdbDense;
  /** Texture coordinates [0, 1]^3 to world space. */
  matrix: Matrix4;
  /** A `BoxGeometry(1, 1, 1)` centred at the origin to world space (matrix x translate 0.5). */
  boxMatrix: Matrix4;
  /** The world-space box around the textured region. */
  box: Box3;
  /** Smallest and largest value in the texture (first component for vectors' length), for
   *  transfer functions. */
  range: [number, number];
}

export interface VdbVolumeOptions extends DenseOptions {
  /** `linear` (default) or `nearest` texture filtering. */
  textureFilter?: 'linear' | 'nearest';
}

/** The three.js matrix (column vectors) of an OpenVDB-layout row-vector matrix. */
export function threeMatrix(rowVectorMatrix: readonly number[]): Matrix4 {
  // A row-major row-vector matrix is the column-major layout of the column-vector matrix.
  return new Matrix4().fromArray(rowVectorMatrix as number[]);
}

/** A Data3DTexture (and placement) for `grid` or an existing dense export. */
export function createVdbVolume(source: DenseSource | VdbDense, options: VdbVolumeOptions = {}): VdbVolume {
  const dense = 'data' in source ? source : toDense(source, options);
  if (dense.textureToWorld === null) {
    throw vdbError(VdbErrorCode.VDB_UNSUPPORTED, 'a frustum-transformed grid has no linear texture placement; resample it into a linear grid first');
  }
  const [nx, ny, nz] = dense.dims;
  let data: Float32Array = dense.data;
  let format: typeof RedFormat | typeof RGBAFormat = RedFormat;
  if (dense.components === 3) {
    data = new Float32Array(nx * ny * nz * 4);
    for (let i = 0, j = 0; i < dense.data.length; i += 3, j += 4) {
      data[j] = dense.data[i]!;
      data[j + 1] = dense.data[i + 1]!;
      data[j + 2] = dense.data[i + 2]!;
      data[j + 3] = 1;
    }
    format = RGBAFormat;
  } else if (dense.components !== 1) {
    throw vdbError(VdbErrorCode.VDB_UNSUPPORTED, `a ${dense.components}-component grid has no texture layout (expected 1 or 3)`);
  }
  const texture = new Data3DTexture(data, nx, ny, nz);
  texture.format = format;
  texture.type = FloatType;
  const filter = options.textureFilter === 'nearest' ? NearestFilter : LinearFilter;
  texture.minFilter = filter;
  texture.magFilter = filter;
  texture.wrapS = texture.wrapT = texture.wrapR = ClampToEdgeWrapping;
  texture.unpackAlignment = 1;
  texture.needsUpdate = true;

  const matrix = threeMatrix(dense.textureToWorld);
  const boxMatrix = matrix.clone().multiply(new Matrix4().makeTranslation(0.5, 0.5, 0.5));
  const box = new Box3();
  const corner = new Vector3();
  for (let c = 0; c < 8; c++) box.expandByPoint(corner.set(c & 1, (c >> 1) & 1, (c >> 2) & 1).applyMatrix4(matrix));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < dense.data.length; i += dense.components) {
    let v = dense.data[i]!;
    if (dense.components === 3) v = Math.hypot(dense.data[i]!, dense.data[i + 1]!, dense.data[i + 2]!);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { texture, dense, matrix, boxMatrix, box, range: [lo === Infinity ? 0 : lo, hi === -Infinity ? 0 : hi] };
}
