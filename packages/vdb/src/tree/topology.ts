/**
 * Tree topology (`Tree::readTopology`, `RootNode::readTopology`, `InternalNode::readTopology`,
 * `LeafNode::readTopology`): everything but the leaf values, read before the buffers.
 *
 * 1. int32 buffer count (always 1 since OpenVDB 2);
 * 2. the root: background value (full precision), uint32 tile count, uint32 child count, the tiles
 *    (int32 x, y, z origin; value; one active byte), then each child: int32 origin and the child's
 *    topology;
 * 3. an internal node: child mask, value mask, its tile values as one compressed value buffer
 *    (before NODE_MASK_COMPRESSION: only the slots without a child), then its children in slot
 *    order;
 * 4. a leaf: its value mask (for mask grids, which have no values, the mask is the data).
 *
 * Before allocating, every count is checked against the bytes left (each child needs at least its
 * masks) and against `maxNodes`.
 */
import type { ByteReader } from '@vfxkit/core';
import type { Decoding } from '../compression/chunks.js';
import { VdbErrorCode, vdbError } from '../errors.js';
import { FileVersion } from '../io/constants.js';
import { countOn, isOn, loadMask } from './layout.js';
import type { TreeLayout } from './layout.js';
import { readCompressedValues } from './values.js';
import type { ValueContext } from './values.js';
import { readFullValue } from './value-types.js';
import type { ValueArray } from './value-types.js';

/** An internal node: origin, masks (32-bit words) and one entry per slot. */
export interface InternalNode {
  x: number;
  y: number;
  z: number;
  childMask: Uint32Array;
  valueMask: Uint32Array;
  /** Per slot: index of the child in the next level (or the leaf index), -1 for a tile. */
  children: Int32Array;
  /** Per slot: the tile value (components interleaved); meaningless where a child is. */
  values: ValueArray;
}

/** Leaves, flat: origins (x, y, z per leaf) and value masks (`layout.leafWords` words per leaf). */
export interface LeafTable {
  count: number;
  origins: Int32Array;
  masks: Uint32Array;
}

export interface RootTable {
  /** Tile origins (x, y, z per tile). */
  tileOrigins: Int32Array;
  tileValues: ValueArray;
  tileActive: Uint8Array;
  /** Children: origin (x, y, z) and index in level 0, in file order. */
  childOrigins: Int32Array;
  childIndices: Int32Array;
  /** Per child (file order): the range of leaves below it, [first, last). */
  childLeafStart: Int32Array;
  childLeafEnd: Int32Array;
  /** Entry by key (`x,y,z` origin): >= 0 a child's index in level 0, < 0 tile number -(n + 1). */
  lookup: Map<string, number>;
}

export interface Topology {
  background: ValueArray;
  root: RootTable;
  levels: InternalNode[][];
  leaves: LeafTable;
}

export interface TopologyContext extends ValueContext {
  layout: TreeLayout;
  maxNodes: number;
  /** Read tile values (false: skip them, only sizes matter). */
  readValues: boolean;
  location: string;
}

class LeafBuilder {
  count = 0;
  origins: Int32Array;
  masks: Uint32Array;
  private maskBytes: Uint8Array;
  constructor(private readonly words: number) {
    this.origins = new Int32Array(3 * 64);
    this.masks = new Uint32Array(words * 64);
    this.maskBytes = new Uint8Array(this.masks.buffer);
  }
  /** Adds a leaf, copying its mask from `bytes[at ...]` (little-endian words). */
  add(x: number, y: number, z: number, bytes: Uint8Array, at: number): void {
    if (this.count * 3 >= this.origins.length) {
      const origins = new Int32Array(this.origins.length * 2);
      origins.set(this.origins);
      this.origins = origins;
      const masks = new Uint32Array(this.masks.length * 2);
      masks.set(this.masks);
      this.masks = masks;
      this.maskBytes = new Uint8Array(masks.buffer);
    }
    const i = this.count++;
    this.origins[3 * i] = x;
    this.origins[3 * i + 1] = y;
    this.origins[3 * i + 2] = z;
    const length = this.words * 4;
    const target = this.maskBytes;
    for (let k = 0, t = i * length; k < length; k++) target[t + k] = bytes[at + k]!;
  }
  finish(): LeafTable {
    return { count: this.count, origins: this.origins.slice(0, this.count * 3), masks: this.masks.slice(0, this.count * this.words) };
  }
}

export function rootKey(x: number, y: number, z: number): string {
  return `${x},${y},${z}`;
}

/** The fewest topology bytes a node at `level` (levels.length = leaf) can take. */
function minimumNodeBytes(layout: TreeLayout, level: number): number {
  if (level >= layout.internalLog2.length) return layout.leafMaskBytes;
  return 2 * layout.maskBytes[level]!;
}

export function* readTopology(reader: ByteReader, options: TopologyContext): Decoding<Topology> {
  const context: TopologyContext = { ...options };
  const { layout, type, location } = context;
  const components = type.components;
  const fullBytes = type.componentBytes * components;
  const levelCount = layout.internalLog2.length;
  const levels: InternalNode[][] = layout.internalLog2.map(() => []);
  const leaves = new LeafBuilder(layout.leafWords);
  let nodeCount = 0;

  const checkCount = (count: number, level: number, what: string, at: number): void => {
    const need = count * minimumNodeBytes(layout, level);
    if (need > reader.remaining) {
      throw vdbError(
        VdbErrorCode.VDB_TRUNCATED,
        `${what} declares ${count} children, which need at least ${need} bytes of topology; only ${reader.remaining} are left`,
        { offset: at, location },
      );
    }
    if (nodeCount + count > context.maxNodes) {
      throw vdbError(VdbErrorCode.VDB_LIMIT, `the tree has more than ${context.maxNodes} nodes (limit maxNodes)`, { offset: at, location });
    }
    nodeCount += count;
  };

  // 1. Buffer count.
  reader.i32('tree buffer count');

  // 2. The root.
  const background = type.create(components);
  readFullValue(type, reader.subarray(fullBytes, 'background value'), 0, background, 0);
  // Inactive values below default to the background (OpenVDB's getGridBackgroundValuePtr).
  context.background = background;
  const tableAt = reader.offset;
  const tileCount = reader.u32('root tile count');
  const childCount = reader.u32('root child count');
  const tileBytes = 12 + fullBytes + 1;
  const need = tileCount * tileBytes + childCount * (12 + minimumNodeBytes(layout, 0));
  if (need > reader.remaining) {
    throw vdbError(
      VdbErrorCode.VDB_TRUNCATED,
      `the root declares ${tileCount} tiles and ${childCount} children, which need at least ${need} bytes; only ${reader.remaining} are left`,
      { offset: tableAt, location },
    );
  }
  if (tileCount + childCount > context.maxNodes) {
    throw vdbError(VdbErrorCode.VDB_LIMIT, `the root declares ${tileCount + childCount} entries, more than maxNodes (${context.maxNodes})`, {
      offset: tableAt,
      location,
    });
  }
  nodeCount = tileCount + childCount;
  const rootMask = (1 << layout.totalLog2[0]!) - 1;
  const lookup = new Map<string, number>();
  const tileOrigins = new Int32Array(tileCount * 3);
  const tileValues = type.create(tileCount * components);
  const tileActive = new Uint8Array(tileCount);
  const checkOrigin = (x: number, y: number, z: number, at: number, what: string): void => {
    if ((x & rootMask) !== 0 || (y & rootMask) !== 0 || (z & rootMask) !== 0) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `root ${what} origin (${x}, ${y}, ${z}) is not a multiple of ${rootMask + 1}`, { offset: at, location });
    }
    const key = rootKey(x, y, z);
    if (lookup.has(key)) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `two root entries at (${x}, ${y}, ${z})`, { offset: at, location });
    }
  };
  for (let t = 0; t < tileCount; t++) {
    const at = reader.offset;
    const x = reader.i32(), y = reader.i32(), z = reader.i32();
    checkOrigin(x, y, z, at, 'tile');
    tileOrigins[3 * t] = x;
    tileOrigins[3 * t + 1] = y;
    tileOrigins[3 * t + 2] = z;
    readFullValue(type, reader.subarray(fullBytes, 'root tile value'), 0, tileValues, t * components);
    tileActive[t] = reader.u8('root tile active flag') !== 0 ? 1 : 0;
    lookup.set(rootKey(x, y, z), -(t + 1));
  }

  // 3. Internal nodes, depth first.
  const readInternal = function* (level: number, x: number, y: number, z: number): Decoding<number> {
    const slots = layout.slots[level]!;
    const words = layout.maskBytes[level]! >>> 2;
    const at = reader.offset;
    const childMask = new Uint32Array(words);
    const valueMask = new Uint32Array(words);
    loadMask(reader.subarray(layout.maskBytes[level]!, 'child mask'), childMask, 0);
    loadMask(reader.subarray(layout.maskBytes[level]!, 'value mask'), valueMask, 0);
    const children = new Int32Array(slots).fill(-1);
    const values = type.create(context.readValues ? slots * components : 0);
    const what = `internal node at (${x}, ${y}, ${z})`;
    if (context.fileVersion < FileVersion.NODE_MASK_COMPRESSION) {
      // Only the slots without a child were stored, in slot order.
      const stored = slots - countOn(childMask, 0, words);
      const temp = context.readValues ? type.create(stored * components) : null;
      yield* readCompressedValues(reader, context, stored, valueMask, 0, temp, 0, what);
      if (temp !== null) {
        for (let slot = 0, n = 0; slot < slots; slot++) {
          if (isOn(childMask, 0, slot)) continue;
          for (let c = 0; c < components; c++) values[slot * components + c] = temp[n * components + c]!;
          n++;
        }
      }
    } else {
      yield* readCompressedValues(reader, context, slots, valueMask, 0, context.readValues ? values : null, 0, what);
    }
    const node: InternalNode = { x, y, z, childMask, valueMask, children, values };
    const index = levels[level]!.length;
    levels[level]!.push(node);
    const childCountHere = countOn(childMask, 0, words);
    checkCount(childCountHere, level + 1, what, at);
    const log2 = layout.internalLog2[level]!;
    const dimMask = (1 << log2) - 1;
    const shift = layout.childTotalLog2[level]!;
    for (let w = 0; w < words; w++) {
      let bits = childMask[w]!;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const slot = (w << 5) | bit;
        const cx = x + ((slot >>> (2 * log2)) << shift);
        const cy = y + (((slot >>> log2) & dimMask) << shift);
        const cz = z + ((slot & dimMask) << shift);
        if (level + 1 < levelCount) {
          children[slot] = yield* readInternal(level + 1, cx, cy, cz);
        } else {
          children[slot] = leaves.count;
          reader.need(layout.leafMaskBytes, 'leaf value mask');
          leaves.add(cx, cy, cz, reader.bytes, reader.offset);
          reader.offset += layout.leafMaskBytes;
        }
      }
    }
    return index;
  };

  const childOrigins = new Int32Array(childCount * 3);
  const childIndices = new Int32Array(childCount);
  const childLeafStart = new Int32Array(childCount);
  const childLeafEnd = new Int32Array(childCount);
  for (let c = 0; c < childCount; c++) {
    const at = reader.offset;
    const x = reader.i32(), y = reader.i32(), z = reader.i32();
    checkOrigin(x, y, z, at, 'child');
    childOrigins[3 * c] = x;
    childOrigins[3 * c + 1] = y;
    childOrigins[3 * c + 2] = z;
    childLeafStart[c] = leaves.count;
    const index = yield* readInternal(0, x, y, z);
    childIndices[c] = index;
    childLeafEnd[c] = leaves.count;
    lookup.set(rootKey(x, y, z), index);
  }

  return {
    background,
    root: { tileOrigins, tileValues, tileActive, childOrigins, childIndices, childLeafStart, childLeafEnd, lookup },
    levels,
    leaves: leaves.finish(),
  };
}
