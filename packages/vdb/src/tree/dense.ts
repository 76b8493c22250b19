/**
 * Dense export: a box of the sparse grid as one Float32Array (x fastest, then y, then z; vector
 * components interleaved), ready for a WebGL Data3DTexture.
 *
 * Every voxel in the box belongs to exactly one of: no root entry (background), a root tile, an
 * internal node's tile, or a leaf voxel (active or not, with its stored value). So the export is
 * one pass over the tiles and leaves that meet the box, not a lookup per voxel.
 *
 * A box with more voxels than `maxVoxels` is resampled with an integer step `s`: each output cell
 * covers s^3 voxels (fewer at the far edges) and holds their mean (`filter: 'average'`, exact
 * for tiles, which add their value times their overlap) or the value of the cell's centre voxel
 * (`filter: 'nearest'`).
 */
import { VdbErrorCode, vdbError } from '../errors.js';
import type { Vec3, VdbTransform } from '../io/transform.js';
import { VdbAccessor } from './accessor.js';
import { checkIndexBox } from './tree.js';
import type { IndexBox, VdbTree } from './tree.js';

export interface DenseOptions {
  /** The index box to export, corners inclusive; default the active bounding box. */
  bbox?: IndexBox;
  /** Most output cells; larger boxes are resampled with the smallest step that fits (default
   *  2^24 = 256^3). */
  maxVoxels?: number;
  /** Voxels per output cell along each axis (overrides `maxVoxels`'s choice). */
  step?: number;
  /** How a resampled cell gets its value (default `average`). */
  filter?: 'average' | 'nearest';
}

export interface VdbDense {
  /** `dims[0] * dims[1] * dims[2] * components` values, x fastest. */
  data: Float32Array;
  /** Output cells per axis. */
  dims: Vec3;
  components: number;
  /** The index box exported. */
  bbox: IndexBox;
  /** Voxels per cell along each axis (1: no resampling). */
  step: number;
  /**
   * Maps texture coordinates (u, v, w in [0, 1] across the cells) to index space, as a row-major
   * 4x4 matrix in OpenVDB's row-vector layout ([u v w 1] * M): cell (0,0,0)'s outer corner is at
   * bbox.min - 0.5.
   */
  textureToIndex: number[];
  /** Texture coordinates to world space (linear transforms only; null for a frustum). */
  textureToWorld: number[] | null;
}

/** The grid-like input of `toDense`. */
export interface DenseSource {
  tree: VdbTree;
  transform: VdbTransform;
}

const DEFAULT_MAX_DENSE = 2 ** 24;
const ONE = [1];
const ZERO = [0];

function multiply(a: number[], b: number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[4 * r + c]! += a[4 * r + k]! * b[4 * k + c]!;
  return out;
}

/** Samples `grid`'s tree into a dense Float32Array (see the module comment). */
export function toDense(grid: DenseSource, options: DenseOptions = {}): VdbDense {
  const tree = grid.tree;
  const components = tree.valueType.components;
  const bbox = options.bbox ?? tree.activeBoundingBox() ?? { min: [0, 0, 0], max: [0, 0, 0] };
  checkIndexBox(bbox, 'toDense bbox');
  const size: Vec3 = [bbox.max[0] - bbox.min[0] + 1, bbox.max[1] - bbox.min[1] + 1, bbox.max[2] - bbox.min[2] + 1];
  const budget = options.maxVoxels ?? DEFAULT_MAX_DENSE;
  let step = options.step ?? 1;
  if (!Number.isInteger(step) || step < 1) {
    throw vdbError(VdbErrorCode.VDB_BAD_ARGUMENT, `toDense step must be a positive integer; got ${step}`);
  }
  const cellsFor = (s: number): number => Math.ceil(size[0] / s) * Math.ceil(size[1] / s) * Math.ceil(size[2] / s);
  if (options.step === undefined) {
    step = Math.max(1, Math.floor(Math.cbrt((size[0] * size[1] * size[2]) / budget)));
    while (cellsFor(step) > budget) step++;
  }
  const dims: Vec3 = [Math.ceil(size[0] / step), Math.ceil(size[1] / step), Math.ceil(size[2] / step)];
  const cells = dims[0] * dims[1] * dims[2];
  if (cells * components > 2 ** 31 - 1 || (options.step !== undefined && cells > budget)) {
    throw vdbError(VdbErrorCode.VDB_LIMIT, `a dense export of ${dims.join(' x ')} cells exceeds maxVoxels (${budget}); pass a larger step or a smaller box`);
  }
  const data = new Float32Array(cells * components);
  const filter = options.filter ?? 'average';
  if (step === 1) fillExact(tree, bbox, dims, data);
  else if (filter === 'nearest') fillNearest(tree, bbox, dims, step, data);
  else fillAverage(tree, bbox, dims, step, data);

  const textureToIndex = [
    dims[0] * step, 0, 0, 0,
    0, dims[1] * step, 0, 0,
    0, 0, dims[2] * step, 0,
    bbox.min[0] - 0.5, bbox.min[1] - 0.5, bbox.min[2] - 0.5, 1,
  ];
  const world = grid.transform.matrix;
  return {
    data,
    dims,
    components,
    bbox: { min: [...bbox.min] as Vec3, max: [...bbox.max] as Vec3 },
    step,
    textureToIndex,
    textureToWorld: world === null ? null : multiply(textureToIndex, world),
  };
}

/** Calls `visit` for every tile and leaf meeting `bbox` (tiles: origin, size, values, offset). */
function visitRegions(
  tree: VdbTree,
  bbox: IndexBox,
  tile: (x: number, y: number, z: number, size: number, values: ArrayLike<number>, offset: number) => void,
  leaf: (leafIndex: number) => void,
): void {
  const meets = (x: number, y: number, z: number, size: number): boolean =>
    x <= bbox.max[0] && x + size - 1 >= bbox.min[0] && y <= bbox.max[1] && y + size - 1 >= bbox.min[1] && z <= bbox.max[2] && z + size - 1 >= bbox.min[2];
  tree.forEachTile((x, y, z, size, values, offset, active) => {
    if (!meets(x, y, z, size)) return;
    // A mask grid's value is its active state.
    if (tree.isMask) tile(x, y, z, size, active ? ONE : ZERO, 0);
    else tile(x, y, z, size, values, offset);
  });
  const o = tree.leaves.origins;
  const leafSize = 1 << tree.layout.leafLog2;
  for (let n = 0; n < tree.leaves.count; n++) {
    if (meets(o[3 * n]!, o[3 * n + 1]!, o[3 * n + 2]!, leafSize)) leaf(n);
  }
}

function fillExact(tree: VdbTree, bbox: IndexBox, dims: Vec3, data: Float32Array): void {
  const components = tree.valueType.components;
  const background = tree.isMask ? [0] : Array.from(tree.background);
  for (let i = 0; i < data.length; i += components) for (let c = 0; c < components; c++) data[i + c] = background[c]!;
  const [nx, ny] = dims;
  const index = (x: number, y: number, z: number): number => ((z - bbox.min[2]) * ny + (y - bbox.min[1])) * nx + (x - bbox.min[0]);
  visitRegions(
    tree,
    bbox,
    (x, y, z, size, values, offset) => {
      const x0 = Math.max(x, bbox.min[0]), x1 = Math.min(x + size - 1, bbox.max[0]);
      const y0 = Math.max(y, bbox.min[1]), y1 = Math.min(y + size - 1, bbox.max[1]);
      const z0 = Math.max(z, bbox.min[2]), z1 = Math.min(z + size - 1, bbox.max[2]);
      for (let k = z0; k <= z1; k++) {
        for (let j = y0; j <= y1; j++) {
          let at = index(x0, j, k) * components;
          for (let i = x0; i <= x1; i++, at += components) for (let c = 0; c < components; c++) data[at + c] = values[offset + c]!;
        }
      }
    },
    (leaf) => {
      const { leafLog2, leafWords } = tree.layout;
      const dim = 1 << leafLog2;
      const ox = tree.leaves.origins[3 * leaf]!, oy = tree.leaves.origins[3 * leaf + 1]!, oz = tree.leaves.origins[3 * leaf + 2]!;
      const values = tree.isMask ? undefined : tree.leafValues(leaf);
      const base = tree.isMask ? 0 : tree.leafValueOffset(leaf);
      const masks = tree.leaves.masks;
      for (let a = 0; a < dim; a++) {
        const x = ox + a;
        if (x < bbox.min[0] || x > bbox.max[0]) continue;
        for (let b = 0; b < dim; b++) {
          const y = oy + b;
          if (y < bbox.min[1] || y > bbox.max[1]) continue;
          for (let c3 = 0; c3 < dim; c3++) {
            const z = oz + c3;
            if (z < bbox.min[2] || z > bbox.max[2]) continue;
            const n = (a << (2 * leafLog2)) | (b << leafLog2) | c3;
            const at = index(x, y, z) * components;
            if (values === undefined) {
              data[at] = (masks[leaf * leafWords + (n >>> 5)]! >>> (n & 31)) & 1;
            } else {
              for (let c = 0; c < components; c++) data[at + c] = values[base + n * components + c]!;
            }
          }
        }
      }
    },
  );
}

function fillNearest(tree: VdbTree, bbox: IndexBox, dims: Vec3, step: number, data: Float32Array): void {
  const components = tree.valueType.components;
  const accessor = new VdbAccessor(tree);
  const half = step >> 1;
  let at = 0;
  for (let k = 0; k < dims[2]; k++) {
    const z = Math.min(bbox.min[2] + k * step + half, bbox.max[2]);
    for (let j = 0; j < dims[1]; j++) {
      const y = Math.min(bbox.min[1] + j * step + half, bbox.max[1]);
      for (let i = 0; i < dims[0]; i++, at += components) {
        const x = Math.min(bbox.min[0] + i * step + half, bbox.max[0]);
        if (tree.isMask) {
          data[at] = accessor.isActive(x, y, z) ? 1 : 0;
        } else {
          const { array, offset } = accessor.locateRaw(x, y, z);
          for (let c = 0; c < components; c++) data[at + c] = array[offset + c]!;
        }
      }
    }
  }
}

function fillAverage(tree: VdbTree, bbox: IndexBox, dims: Vec3, step: number, data: Float32Array): void {
  const components = tree.valueType.components;
  const background = tree.isMask ? [0] : Array.from(tree.background);
  const [nx, ny, nz] = dims;
  const sums = new Float64Array(nx * ny * nz * components);
  const cellOf = (v: number, axis: number): number => Math.floor((v - bbox.min[axis]!) / step);
  // Tiles: (value - background) times the overlap with each cell.
  const overlaps = (lo: number, hi: number, axis: number): { first: number; counts: number[] } => {
    const first = cellOf(lo, axis);
    const last = cellOf(hi, axis);
    const counts: number[] = [];
    for (let c = first; c <= last; c++) {
      const cellLo = bbox.min[axis]! + c * step;
      const cellHi = Math.min(cellLo + step - 1, bbox.max[axis]!);
      counts.push(Math.min(hi, cellHi) - Math.max(lo, cellLo) + 1);
    }
    return { first, counts };
  };
  visitRegions(
    tree,
    bbox,
    (x, y, z, size, values, offset) => {
      const delta: number[] = [];
      let zero = true;
      for (let c = 0; c < components; c++) {
        delta.push(values[offset + c]! - background[c]!);
        if (delta[c] !== 0) zero = false;
      }
      if (zero) return;
      const ox = overlaps(Math.max(x, bbox.min[0]), Math.min(x + size - 1, bbox.max[0]), 0);
      const oy = overlaps(Math.max(y, bbox.min[1]), Math.min(y + size - 1, bbox.max[1]), 1);
      const oz = overlaps(Math.max(z, bbox.min[2]), Math.min(z + size - 1, bbox.max[2]), 2);
      oz.counts.forEach((cz, kz) => {
        oy.counts.forEach((cy, ky) => {
          ox.counts.forEach((cx, kx) => {
            const cell = ((oz.first + kz) * ny + (oy.first + ky)) * nx + (ox.first + kx);
            const weight = cx * cy * cz;
            for (let c = 0; c < components; c++) sums[cell * components + c]! += delta[c]! * weight;
          });
        });
      });
    },
    (leaf) => {
      const { leafLog2, leafWords } = tree.layout;
      const dim = 1 << leafLog2;
      const ox = tree.leaves.origins[3 * leaf]!, oy = tree.leaves.origins[3 * leaf + 1]!, oz = tree.leaves.origins[3 * leaf + 2]!;
      const values = tree.isMask ? undefined : tree.leafValues(leaf);
      const base = tree.isMask ? 0 : tree.leafValueOffset(leaf);
      for (let a = 0; a < dim; a++) {
        const x = ox + a;
        if (x < bbox.min[0] || x > bbox.max[0]) continue;
        const cx = cellOf(x, 0);
        for (let b = 0; b < dim; b++) {
          const y = oy + b;
          if (y < bbox.min[1] || y > bbox.max[1]) continue;
          const cy = cellOf(y, 1);
          for (let c3 = 0; c3 < dim; c3++) {
            const z = oz + c3;
            if (z < bbox.min[2] || z > bbox.max[2]) continue;
            const cell = (cellOf(z, 2) * ny + cy) * nx + cx;
            const n = (a << (2 * leafLog2)) | (b << leafLog2) | c3;
            if (values === undefined) {
              sums[cell]! += (tree.leaves.masks[leaf * leafWords + (n >>> 5)]! >>> (n & 31)) & 1;
            } else {
              for (let c = 0; c < components; c++) sums[cell * components + c]! += values[base + n * components + c]! - background[c]!;
            }
          }
        }
      }
    },
  );
  const extent = (cell: number, axis: number, size: number): number => Math.min(step, size - cell * step);
  const sizeOf = [bbox.max[0] - bbox.min[0] + 1, bbox.max[1] - bbox.min[1] + 1, bbox.max[2] - bbox.min[2] + 1];
  let at = 0;
  for (let k = 0; k < nz; k++) {
    const ez = extent(k, 2, sizeOf[2]!);
    for (let j = 0; j < ny; j++) {
      const ey = extent(j, 1, sizeOf[1]!);
      for (let i = 0; i < nx; i++) {
        const count = extent(i, 0, sizeOf[0]!) * ey * ez;
        for (let c = 0; c < components; c++, at++) data[at] = background[c]! + sums[at]! / count;
      }
    }
  }
}
