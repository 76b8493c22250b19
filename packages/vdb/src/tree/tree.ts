/**
 * A grid's sparse tree in memory: the root table, the internal node levels and the leaves, with
 * leaf values loaded lazily (64 leaves to a page, decoded from the file bytes when first touched,
 * like OpenVDB's delayed loading) or all at once (`loadValues`).
 *
 * Values are typed arrays in the grid's value type (see value-types.ts), components interleaved.
 * A mask grid holds no values: a voxel's value is its active state.
 */
import { ByteReader } from '@vfxkit/core';
import { needsAsyncError } from '../compression/chunks.js';
import type { DecodeRequest } from '../compression/chunks.js';
import { bloscDecompress } from '../compression/blosc.js';
import { VdbErrorCode, toVdbError, vdbError } from '../errors.js';
import type { Vec3 } from '../io/transform.js';
import { readLeafBufferSync } from './buffers.js';
import type { BufferContext } from './buffers.js';
import { countOn, isOn, popcount32 } from './layout.js';
import type { TreeLayout } from './layout.js';
import type { InternalNode, LeafTable, RootTable, Topology } from './topology.js';
import type { ValueArray, ValueTypeInfo } from './value-types.js';

/** A value as the public API returns it: bool and mask grids give booleans, vectors arrays. */
export type VdbValue = number | boolean | number[];

/** An index-space box, both corners inclusive. */
export interface IndexBox {
  min: Vec3;
  max: Vec3;
}

/** Where the leaf buffers are, for loading values on demand. */
export interface LeafSource {
  bytes: Uint8Array;
  /** File offset of `bytes[0]`. */
  byteOffset: number;
  /** Per leaf, the file offset of its buffer. */
  records: Float64Array;
  context: BufferContext;
}

/** Leaves per value page. */
export const LEAVES_PER_PAGE = 64;

export interface VdbTile {
  /** 0 for root tiles, 1.. for the internal levels (1 = the 32^3 nodes' tiles in 5_4_3). */
  level: number;
  /** The tile's first voxel. */
  origin: Vec3;
  /** Voxels per axis the tile covers (4096, 128 or 8 in 5_4_3). */
  size: number;
  active: boolean;
  value: VdbValue;
}

export interface VdbVoxel {
  x: number;
  y: number;
  z: number;
  value: VdbValue;
}

export class VdbTree {
  readonly valueType: ValueTypeInfo;
  readonly layout: TreeLayout;
  readonly background: ValueArray;
  readonly root: RootTable;
  /** Internal nodes by level (top first). */
  readonly levels: InternalNode[][];
  readonly leaves: LeafTable;
  /** The grid name, for error locations. */
  readonly location: string;
  /** True for mask grids (no values: value = active state). */
  readonly isMask: boolean;
  private readonly pages: (ValueArray | undefined)[];
  private readonly loaded: Uint8Array;
  private loadedCount = 0;
  private source: LeafSource | undefined;

  constructor(type: ValueTypeInfo, layout: TreeLayout, topology: Topology, location: string, source?: LeafSource) {
    this.valueType = type;
    this.layout = layout;
    this.background = topology.background;
    this.root = topology.root;
    this.levels = topology.levels;
    this.leaves = topology.leaves;
    this.location = location;
    this.isMask = type.kind === 'mask';
    this.pages = new Array(Math.ceil(this.leaves.count / LEAVES_PER_PAGE));
    this.loaded = new Uint8Array(this.leaves.count);
    this.source = source;
    if (this.isMask || source === undefined) {
      this.loaded.fill(1);
      this.loadedCount = this.leaves.count;
    }
  }

  get leafCount(): number {
    return this.leaves.count;
  }

  /** True once every leaf's values are in memory. */
  get valuesLoaded(): boolean {
    return this.loadedCount === this.leaves.count;
  }

  /** Voxels per leaf (512 for 8^3 leaves). */
  get leafSize(): number {
    return this.layout.leafSize;
  }

  private page(leaf: number): ValueArray {
    const p = Math.floor(leaf / LEAVES_PER_PAGE);
    let page = this.pages[p];
    if (page === undefined) {
      const leavesHere = Math.min(LEAVES_PER_PAGE, this.leaves.count - p * LEAVES_PER_PAGE);
      page = this.valueType.create(leavesHere * this.layout.leafSize * this.valueType.components);
      this.pages[p] = page;
    }
    return page;
  }

  /** Offset of `leaf`'s first value in its page array (`leafValues`). */
  leafValueOffset(leaf: number): number {
    return (leaf % LEAVES_PER_PAGE) * this.layout.leafSize * this.valueType.components;
  }

  private reader: ByteReader | undefined;

  /** Decodes `leaf` from the file bytes; returns a request when the async decoder is needed. */
  private readLeaf(leaf: number, predecoded?: Uint8Array): DecodeRequest | undefined {
    const source = this.source!;
    this.reader ??= new ByteReader(source.bytes);
    const reader = this.reader;
    reader.offset = source.records[leaf]! - source.byteOffset;
    return this.decodeLeafAt(reader, leaf, predecoded);
  }

  /**
   * Decodes `leaf` from `reader`, positioned at the leaf's buffer (used while walking the buffers
   * in order). Returns a request, having stored nothing, when the async decoder is needed.
   */
  decodeLeafAt(reader: ByteReader, leaf: number, predecoded?: Uint8Array): DecodeRequest | undefined {
    const source = this.source!;
    const request = readLeafBufferSync(reader, source.context, this.leaves, leaf, this.page(leaf), this.leafValueOffset(leaf), predecoded);
    if (request !== undefined) return request;
    this.loaded[leaf] = 1;
    this.loadedCount++;
    if (this.loadedCount === this.leaves.count) {
      this.source = undefined;
      this.reader = undefined;
    }
    return undefined;
  }

  /**
   * The array holding `leaf`'s values (at `leafValueOffset(leaf)`), decoding the leaf first if it
   * is not loaded. Throws VDB_NEEDS_ASYNC when that needs the asynchronous Blosc decoder.
   */
  leafValues(leaf: number): ValueArray {
    if (this.loaded[leaf] === 0) {
      let request: DecodeRequest | undefined;
      try {
        request = this.readLeaf(leaf);
      } catch (error) {
        throw toVdbError(error, this.location);
      }
      if (request !== undefined) throw needsAsyncError(request, this.location);
    }
    return this.page(leaf);
  }

  /** Whether `leaf`'s values are in memory. */
  isLeafLoaded(leaf: number): boolean {
    return this.loaded[leaf] === 1;
  }

  /** Stores values for a leaf (point data grids fill their offsets this way). */
  setLeafValues(leaf: number, values: ArrayLike<number>): void {
    const page = this.page(leaf);
    const offset = this.leafValueOffset(leaf);
    for (let i = 0; i < values.length; i++) page[offset + i] = values[i]!;
    if (this.loaded[leaf] === 0) {
      this.loaded[leaf] = 1;
      this.loadedCount++;
    }
  }

  /** Decodes every leaf that is not loaded yet, synchronously (VDB_NEEDS_ASYNC for zstd data). */
  loadValuesSync(): this {
    for (let leaf = 0; leaf < this.leaves.count; leaf++) if (this.loaded[leaf] === 0) this.leafValues(leaf);
    return this;
  }

  /** Decodes every leaf that is not loaded yet, using the asynchronous decoder where needed. */
  async loadValues(): Promise<this> {
    try {
      for (let leaf = 0; leaf < this.leaves.count; leaf++) {
        if (this.loaded[leaf] !== 0) continue;
        const request = this.readLeaf(leaf);
        if (request === undefined) continue;
        let decoded: Uint8Array;
        try {
          decoded = await bloscDecompress(request.frame, request.expectedBytes);
        } catch (error) {
          throw vdbError(VdbErrorCode.VDB_CORRUPT, `blosc data does not decode (${(error as Error).message})`, { offset: request.offset, cause: error });
        }
        this.readLeaf(leaf, decoded);
      }
    } catch (error) {
      throw toVdbError(error, this.location);
    }
    return this;
  }

  /** The file bytes this tree still needs for lazy loading (undefined once everything is loaded). */
  get pendingSource(): LeafSource | undefined {
    return this.source;
  }

  // ---- values of tiles and leaves -----------------------------------------------------------

  /** Converts the value at `array[offset]` to the public form. */
  valueAt(array: ArrayLike<number>, offset: number): VdbValue {
    const type = this.valueType;
    if (type.kind === 'bool' || type.kind === 'mask') return array[offset] !== 0;
    if (type.components === 1) return array[offset]!;
    const out: number[] = [];
    for (let c = 0; c < type.components; c++) out.push(array[offset + c]!);
    return out;
  }

  /** The background value in the public form. */
  backgroundValue(): VdbValue {
    return this.valueAt(this.background, 0);
  }

  // ---- iteration --------------------------------------------------------------------------------

  /**
   * Calls `visit` for every tile (root and internal), active or not: origin, voxels per axis, its
   * value array and offset, and whether it is active. `level` 0 is the root.
   */
  forEachTile(visit: (x: number, y: number, z: number, size: number, values: ValueArray, offset: number, active: boolean, level: number) => void): void {
    const components = this.valueType.components;
    const root = this.root;
    const rootSize = 1 << this.layout.totalLog2[0]!;
    for (let t = 0; t < root.tileActive.length; t++) {
      visit(root.tileOrigins[3 * t]!, root.tileOrigins[3 * t + 1]!, root.tileOrigins[3 * t + 2]!, rootSize, root.tileValues, t * components, root.tileActive[t] === 1, 0);
    }
    this.levels.forEach((nodes, level) => {
      const log2 = this.layout.internalLog2[level]!;
      const shift = this.layout.childTotalLog2[level]!;
      const dimMask = (1 << log2) - 1;
      const size = 1 << shift;
      const slots = this.layout.slots[level]!;
      for (const node of nodes) {
        for (let slot = 0; slot < slots; slot++) {
          if (node.children[slot]! >= 0) continue;
          const x = node.x + ((slot >>> (2 * log2)) << shift);
          const y = node.y + (((slot >>> log2) & dimMask) << shift);
          const z = node.z + ((slot & dimMask) << shift);
          visit(x, y, z, size, node.values, slot * components, isOn(node.valueMask, 0, slot), level + 1);
        }
      }
    });
  }

  /** Calls `visit` for every active tile (see `forEachTile`). */
  forEachActiveTile(visit: (x: number, y: number, z: number, size: number, values: ValueArray, offset: number, level: number) => void): void {
    const components = this.valueType.components;
    const root = this.root;
    const rootSize = 1 << this.layout.totalLog2[0]!;
    for (let t = 0; t < root.tileActive.length; t++) {
      if (root.tileActive[t] !== 1) continue;
      visit(root.tileOrigins[3 * t]!, root.tileOrigins[3 * t + 1]!, root.tileOrigins[3 * t + 2]!, rootSize, root.tileValues, t * components, 0);
    }
    this.levels.forEach((nodes, level) => {
      const log2 = this.layout.internalLog2[level]!;
      const shift = this.layout.childTotalLog2[level]!;
      const dimMask = (1 << log2) - 1;
      const size = 1 << shift;
      for (const node of nodes) {
        const words = node.valueMask.length;
        for (let w = 0; w < words; w++) {
          let bits = node.valueMask[w]! & ~node.childMask[w]!;
          while (bits !== 0) {
            const bit = 31 - Math.clz32(bits & -bits);
            bits &= bits - 1;
            const slot = (w << 5) | bit;
            const x = node.x + ((slot >>> (2 * log2)) << shift);
            const y = node.y + (((slot >>> log2) & dimMask) << shift);
            const z = node.z + ((slot & dimMask) << shift);
            visit(x, y, z, size, node.values, slot * components, level + 1);
          }
        }
      }
    });
  }

  /**
   * Calls `visit` for every active leaf voxel: its coordinates, the array holding its value and
   * the offset there (for mask grids the array is empty). Loads leaves as it goes.
   */
  forEachActiveVoxel(visit: (x: number, y: number, z: number, values: ValueArray, offset: number) => void): void {
    const { leafLog2, leafWords } = this.layout;
    const components = this.valueType.components;
    const dimMask = (1 << leafLog2) - 1;
    const masks = this.leaves.masks;
    const origins = this.leaves.origins;
    const empty = this.valueType.create(0);
    for (let leaf = 0; leaf < this.leaves.count; leaf++) {
      const values = this.isMask ? empty : this.leafValues(leaf);
      const base = this.isMask ? 0 : this.leafValueOffset(leaf);
      const ox = origins[3 * leaf]!, oy = origins[3 * leaf + 1]!, oz = origins[3 * leaf + 2]!;
      for (let w = 0; w < leafWords; w++) {
        let bits = masks[leaf * leafWords + w]!;
        while (bits !== 0) {
          const bit = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const n = (w << 5) | bit;
          visit(ox + (n >>> (2 * leafLog2)), oy + ((n >>> leafLog2) & dimMask), oz + (n & dimMask), values, base + n * components);
        }
      }
    }
  }

  /** Every active leaf voxel with its value (allocates per voxel; see `forEachActiveVoxel`). */
  *activeVoxels(): IterableIterator<VdbVoxel> {
    const list: VdbVoxel[] = [];
    const { leafLog2, leafWords } = this.layout;
    const dimMask = (1 << leafLog2) - 1;
    for (let leaf = 0; leaf < this.leaves.count; leaf++) {
      list.length = 0;
      const values = this.isMask ? undefined : this.leafValues(leaf);
      const base = this.isMask ? 0 : this.leafValueOffset(leaf);
      const o = this.leaves.origins;
      for (let n = 0; n < this.layout.leafSize; n++) {
        if (!isOn(this.leaves.masks, leaf * leafWords, n)) continue;
        list.push({
          x: o[3 * leaf]! + (n >>> (2 * leafLog2)),
          y: o[3 * leaf + 1]! + ((n >>> leafLog2) & dimMask),
          z: o[3 * leaf + 2]! + (n & dimMask),
          value: values === undefined ? true : this.valueAt(values, base + n * this.valueType.components),
        });
      }
      yield* list;
    }
  }

  /** Every tile (root and internal); `activeOnly` keeps the active ones. */
  *tiles(options: { activeOnly?: boolean } = {}): IterableIterator<VdbTile> {
    const list: VdbTile[] = [];
    this.forEachTile((x, y, z, size, values, offset, active, level) => {
      if (options.activeOnly === true && !active) return;
      list.push({ level, origin: [x, y, z], size, active, value: this.valueAt(values, offset) });
    });
    yield* list;
  }

  // ---- statistics ---------------------------------------------------------------------------

  /** Active voxels in leaves. */
  activeLeafVoxelCount(): number {
    return countOn(this.leaves.masks, 0, this.leaves.masks.length);
  }

  /** Active tiles at every level (root included). */
  activeTileCount(): number {
    let count = 0;
    for (let t = 0; t < this.root.tileActive.length; t++) count += this.root.tileActive[t]!;
    for (const nodes of this.levels) {
      for (const node of nodes) {
        for (let w = 0; w < node.valueMask.length; w++) {
          const bits = node.valueMask[w]! & ~node.childMask[w]!;
          if (bits !== 0) count += popcount32(bits);
        }
      }
    }
    return count;
  }

  /** Active voxels, counting every voxel an active tile covers (OpenVDB's `activeVoxelCount`). */
  activeVoxelCount(): number {
    let count = this.activeLeafVoxelCount();
    this.forEachActiveTile((_x, _y, _z, size) => {
      count += size * size * size;
    });
    return count;
  }

  /** Inactive voxels in leaves. */
  inactiveLeafVoxelCount(): number {
    return this.leaves.count * this.layout.leafSize - this.activeLeafVoxelCount();
  }

  /** Node counts per level, root first: [1, 32^3 nodes, 16^3 nodes, leaves] in 5_4_3. */
  nodeCounts(): number[] {
    return [1, ...this.levels.map((nodes) => nodes.length), this.leaves.count];
  }

  /** True when the tree has no leaves and no tiles. */
  isEmpty(): boolean {
    return this.leaves.count === 0 && this.root.tileActive.length === 0 && this.levels.every((nodes) => nodes.length === 0);
  }

  /**
   * The index box of the active voxels and active tiles (OpenVDB's
   * `evalActiveVoxelBoundingBox`), or undefined when nothing is active.
   */
  activeBoundingBox(): IndexBox | undefined {
    const min: Vec3 = [Infinity, Infinity, Infinity];
    const max: Vec3 = [-Infinity, -Infinity, -Infinity];
    const { leafLog2, leafWords } = this.layout;
    const dimMask = (1 << leafLog2) - 1;
    const masks = this.leaves.masks;
    const o = this.leaves.origins;
    for (let leaf = 0; leaf < this.leaves.count; leaf++) {
      const ox = o[3 * leaf]!, oy = o[3 * leaf + 1]!, oz = o[3 * leaf + 2]!;
      // Cheap reject: a leaf entirely inside the current box cannot grow it.
      const far = ox + dimMask, fary = oy + dimMask, farz = oz + dimMask;
      if (ox >= min[0] && far <= max[0] && oy >= min[1] && fary <= max[1] && oz >= min[2] && farz <= max[2]) continue;
      for (let w = 0; w < leafWords; w++) {
        let bits = masks[leaf * leafWords + w]!;
        while (bits !== 0) {
          const bit = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const n = (w << 5) | bit;
          const x = ox + (n >>> (2 * leafLog2)), y = oy + ((n >>> leafLog2) & dimMask), z = oz + (n & dimMask);
          if (x < min[0]) min[0] = x;
          if (x > max[0]) max[0] = x;
          if (y < min[1]) min[1] = y;
          if (y > max[1]) max[1] = y;
          if (z < min[2]) min[2] = z;
          if (z > max[2]) max[2] = z;
        }
      }
    }
    this.forEachActiveTile((x, y, z, size) => {
      if (x < min[0]) min[0] = x;
      if (y < min[1]) min[1] = y;
      if (z < min[2]) min[2] = z;
      if (x + size - 1 > max[0]) max[0] = x + size - 1;
      if (y + size - 1 > max[1]) max[1] = y + size - 1;
      if (z + size - 1 > max[2]) max[2] = z + size - 1;
    });
    return min[0] === Infinity ? undefined : { min, max };
  }

  /** The index box of all leaves (OpenVDB's `evalLeafBoundingBox`), or undefined without leaves. */
  leafBoundingBox(): IndexBox | undefined {
    if (this.leaves.count === 0) return undefined;
    const min: Vec3 = [Infinity, Infinity, Infinity];
    const max: Vec3 = [-Infinity, -Infinity, -Infinity];
    const last = (1 << this.layout.leafLog2) - 1;
    const o = this.leaves.origins;
    for (let i = 0; i < o.length; i += 3) {
      for (let a = 0; a < 3; a++) {
        if (o[i + a]! < min[a]!) min[a] = o[i + a]!;
        if (o[i + a]! + last > max[a]!) max[a] = o[i + a]! + last;
      }
    }
    return { min, max };
  }

  /**
   * The smallest and largest active value (voxels and tiles), or undefined when nothing is
   * active. Vectors are compared component by component (each component's own extremes).
   */
  minMax(): { min: VdbValue; max: VdbValue } | undefined {
    const components = this.valueType.components;
    if (this.isMask) return this.activeVoxelCount() > 0 ? { min: true, max: true } : undefined;
    const lo = new Float64Array(components).fill(Infinity);
    const hi = new Float64Array(components).fill(-Infinity);
    let seen = false;
    const { leafWords } = this.layout;
    const masks = this.leaves.masks;
    for (let leaf = 0; leaf < this.leaves.count; leaf++) {
      const values = this.leafValues(leaf);
      const base = this.leafValueOffset(leaf);
      for (let w = 0; w < leafWords; w++) {
        let bits = masks[leaf * leafWords + w]!;
        if (bits === 0) continue;
        seen = true;
        while (bits !== 0) {
          const bit = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const at = base + ((w << 5) | bit) * components;
          for (let c = 0; c < components; c++) {
            const v = values[at + c]!;
            if (v < lo[c]!) lo[c] = v;
            if (v > hi[c]!) hi[c] = v;
          }
        }
      }
    }
    this.forEachActiveTile((_x, _y, _z, _size, values, offset) => {
      seen = true;
      for (let c = 0; c < components; c++) {
        const v = values[offset + c]!;
        if (v < lo[c]!) lo[c] = v;
        if (v > hi[c]!) hi[c] = v;
      }
    });
    if (!seen) return undefined;
    return { min: this.valueAt(lo, 0), max: this.valueAt(hi, 0) };
  }
}

/** Throws VDB_BAD_ARGUMENT unless `box` has min <= max on every axis and integer corners. */
export function checkIndexBox(box: IndexBox, what = 'bounding box'): void {
  for (let a = 0; a < 3; a++) {
    if (!Number.isInteger(box.min[a]) || !Number.isInteger(box.max[a]) || box.min[a]! > box.max[a]!) {
      throw vdbError(
        VdbErrorCode.VDB_BAD_ARGUMENT,
        `${what} must have integer corners with min <= max on every axis; got min (${box.min.join(', ')}) max (${box.max.join(', ')})`,
      );
    }
  }
}

