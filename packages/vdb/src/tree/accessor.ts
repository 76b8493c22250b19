/**
 * Random access by index coordinate with a cached path, like OpenVDB's `ValueAccessor`: the last
 * leaf and the last node of every internal level are remembered, so neighbouring lookups skip the
 * root table and most of the descent.
 */
import { VdbErrorCode, vdbError } from '../errors.js';
import { isOn } from './layout.js';
import { rootKey } from './topology.js';
import type { VdbTree, VdbValue } from './tree.js';
import type { ValueArray } from './value-types.js';

/** Depths of the last lookup (OpenVDB's `getValueDepth`): 1..levels are internal tiles,
 *  levels + 1 a leaf voxel. */
const DEPTH_BACKGROUND = -1;
const DEPTH_ROOT_TILE = 0;

export class VdbAccessor {
  readonly tree: VdbTree;
  private readonly levelCount: number;
  private readonly levelMasks: number[];
  private readonly leafMask: number;
  // Cached path: origin and node per level, and the leaf.
  private readonly nodeX: number[];
  private readonly nodeY: number[];
  private readonly nodeZ: number[];
  private readonly nodeIndex: number[];
  private leafX = 0;
  private leafY = 0;
  private leafZ = 0;
  private leafIndex = -1;
  // Result of the last `locate`.
  private array: ArrayLike<number>;
  private offset = 0;
  private active = false;
  private depth = -1;

  constructor(tree: VdbTree) {
    this.tree = tree;
    this.levelCount = tree.layout.internalLog2.length;
    this.levelMasks = tree.layout.totalLog2.map((total) => ~((1 << total) - 1));
    this.leafMask = ~((1 << tree.layout.leafLog2) - 1);
    this.nodeX = new Array(this.levelCount).fill(0);
    this.nodeY = new Array(this.levelCount).fill(0);
    this.nodeZ = new Array(this.levelCount).fill(0);
    this.nodeIndex = new Array(this.levelCount).fill(-1);
    this.array = tree.background;
  }

  /** Forgets the cached path (call after the tree changes). */
  clear(): void {
    this.leafIndex = -1;
    this.nodeIndex.fill(-1);
  }

  private fromLeaf(leaf: number, x: number, y: number, z: number): void {
    const tree = this.tree;
    const { leafLog2, leafWords } = tree.layout;
    const dimMask = (1 << leafLog2) - 1;
    const n = ((x & dimMask) << (2 * leafLog2)) | ((y & dimMask) << leafLog2) | (z & dimMask);
    this.active = isOn(tree.leaves.masks, leaf * leafWords, n);
    this.depth = this.levelCount + 1;
    if (tree.isMask) {
      this.array = this.active ? ONE : ZERO;
      this.offset = 0;
    } else {
      this.array = tree.leafValues(leaf);
      this.offset = tree.leafValueOffset(leaf) + n * tree.valueType.components;
    }
  }

  private fromNode(level: number, index: number, x: number, y: number, z: number): void {
    const tree = this.tree;
    const layout = tree.layout;
    for (;;) {
      const node = tree.levels[level]![index]!;
      const log2 = layout.internalLog2[level]!;
      const shift = layout.childTotalLog2[level]!;
      const dimMask = (1 << log2) - 1;
      const slot = (((x >> shift) & dimMask) << (2 * log2)) | (((y >> shift) & dimMask) << log2) | ((z >> shift) & dimMask);
      const child = node.children[slot]!;
      if (child < 0) {
        this.array = node.values;
        this.offset = slot * tree.valueType.components;
        this.active = isOn(node.valueMask, 0, slot);
        this.depth = level + 1;
        return;
      }
      if (level + 1 === this.levelCount) {
        this.leafIndex = child;
        this.leafX = x & this.leafMask;
        this.leafY = y & this.leafMask;
        this.leafZ = z & this.leafMask;
        this.fromLeaf(child, x, y, z);
        return;
      }
      level++;
      index = child;
      const mask = this.levelMasks[level]!;
      this.nodeIndex[level] = index;
      this.nodeX[level] = x & mask;
      this.nodeY[level] = y & mask;
      this.nodeZ[level] = z & mask;
    }
  }

  /** Finds the value of voxel (x, y, z); the result is in array/offset/active/depth. */
  private locate(x: number, y: number, z: number): void {
    if (this.leafIndex >= 0 && (x & this.leafMask) === this.leafX && (y & this.leafMask) === this.leafY && (z & this.leafMask) === this.leafZ) {
      this.fromLeaf(this.leafIndex, x, y, z);
      return;
    }
    for (let level = this.levelCount - 1; level >= 0; level--) {
      const mask = this.levelMasks[level]!;
      if (this.nodeIndex[level]! >= 0 && (x & mask) === this.nodeX[level] && (y & mask) === this.nodeY[level] && (z & mask) === this.nodeZ[level]) {
        this.fromNode(level, this.nodeIndex[level]!, x, y, z);
        return;
      }
    }
    const tree = this.tree;
    const mask = this.levelMasks[0]!;
    const entry = tree.root.lookup.get(rootKey(x & mask, y & mask, z & mask));
    if (entry === undefined) {
      this.array = tree.background;
      this.offset = 0;
      this.active = false;
      this.depth = DEPTH_BACKGROUND;
      return;
    }
    if (entry < 0) {
      const tile = -entry - 1;
      this.array = tree.root.tileValues;
      this.offset = tile * tree.valueType.components;
      this.active = tree.root.tileActive[tile] === 1;
      this.depth = DEPTH_ROOT_TILE;
      return;
    }
    this.nodeIndex[0] = entry;
    this.nodeX[0] = x & mask;
    this.nodeY[0] = y & mask;
    this.nodeZ[0] = z & mask;
    this.fromNode(0, entry, x, y, z);
  }

  private check(x: number, y: number, z: number): void {
    if (!Number.isInteger(x) || !Number.isInteger(y) || !Number.isInteger(z) || Math.abs(x) > 2147483648 || Math.abs(y) > 2147483648 || Math.abs(z) > 2147483648) {
      throw vdbError(VdbErrorCode.VDB_BAD_ARGUMENT, `index coordinates must be 32-bit integers; got (${x}, ${y}, ${z})`);
    }
  }

  /** The value at voxel (x, y, z): a number, a boolean (bool and mask grids) or a vector. */
  getValue(x: number, y: number, z: number): VdbValue {
    this.check(x, y, z);
    this.locate(x, y, z);
    return this.tree.valueAt(this.array, this.offset);
  }

  /** Component `component` of the value at (x, y, z) as a number (bool: 0/1), without allocating. */
  getComponent(x: number, y: number, z: number, component = 0): number {
    this.locate(x | 0, y | 0, z | 0);
    return this.array[this.offset + component]!;
  }

  /** The value at (x, y, z) written to `out` (one entry per component); returns `out`. */
  getValueInto<T extends { [index: number]: number; length: number }>(x: number, y: number, z: number, out: T): T {
    this.locate(x | 0, y | 0, z | 0);
    for (let c = 0; c < this.tree.valueType.components; c++) out[c] = this.array[this.offset + c]!;
    return out;
  }

  /** Whether voxel (x, y, z) is active (in an active leaf voxel or an active tile). */
  isActive(x: number, y: number, z: number): boolean {
    this.check(x, y, z);
    this.locate(x, y, z);
    return this.active;
  }

  /** Value and active state at once. */
  probe(x: number, y: number, z: number): { value: VdbValue; active: boolean; depth: number } {
    this.check(x, y, z);
    this.locate(x, y, z);
    return { value: this.tree.valueAt(this.array, this.offset), active: this.active, depth: this.depth };
  }

  /**
   * Where the value of (x, y, z) lives, as OpenVDB's `getValueDepth`: -1 the background, 0 a root
   * tile, 1.. an internal level's tile, levels + 1 (3 in 5_4_3) a leaf voxel.
   */
  valueDepth(x: number, y: number, z: number): number {
    this.check(x, y, z);
    this.locate(x, y, z);
    return this.depth;
  }

  /** The array and offset holding the last located value (internal use by dense export). */
  locateRaw(x: number, y: number, z: number): { array: ArrayLike<number>; offset: number } {
    this.locate(x, y, z);
    return { array: this.array, offset: this.offset };
  }
}

const ONE: ValueArray = Uint8Array.of(1);
const ZERO: ValueArray = Uint8Array.of(0);
