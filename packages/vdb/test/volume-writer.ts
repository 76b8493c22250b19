/**
 * A test-only writer of float grids in the older layouts (`io::Archive` and the node
 * `writeTopology`/`writeBuffers` of each file version): version 220/221 files keep a file-level
 * "is compressed" byte, store only the child-less slots of internal nodes and put the origin and a
 * buffer count in front of every leaf's values; 222 and later store compression per grid and a
 * mask-compression code before every value buffer. OpenVDB 10 reads 221 and later, so vdb_print
 * and pyopenvdb check what this writes before our reader is checked against it.
 */
import { ByteWriter, floatToHalf, halfToFloat } from '@vfxkit/core';
import { zlibSync } from 'fflate';
import type { VdbGrid } from '@vfxkit/vdb';

function writeString(w: ByteWriter, text: string): void {
  const bytes = new TextEncoder().encode(text);
  w.u32(bytes.length).bytes(bytes);
}

/** A value chunk: zlib with its int64 size (negative: raw), or the raw bytes. */
function chunk(w: ByteWriter, data: Uint8Array, zip: boolean): void {
  if (!zip) {
    w.bytes(data);
    return;
  }
  const packed = zlibSync(data);
  if (packed.length < data.length) w.i64(packed.length).bytes(packed);
  else w.i64(-data.length).bytes(data);
}

/** Value types the writer can turn a float grid into, and how each float becomes a value. */
export const WRITABLE_TYPES = {
  float: { bytes: 4, write: (w: ByteWriter, v: number) => w.f32(v), value: (v: number): number | number[] | boolean => Math.fround(v) },
  double: { bytes: 8, write: (w: ByteWriter, v: number) => w.f64(v * 1.5), value: (v: number) => Math.fround(v) * 1.5 },
  half: { bytes: 2, write: (w: ByteWriter, v: number) => w.u16(floatToHalf(v)), value: (v: number) => halfToFloat(floatToHalf(v)) },
  int32: { bytes: 4, write: (w: ByteWriter, v: number) => w.i32(Math.round(v * 1000)), value: (v: number) => Math.round(Math.fround(v) * 1000) + 0 },
  int64: { bytes: 8, write: (w: ByteWriter, v: number) => w.i64(BigInt(Math.round(v * 1e6)) * 1000n), value: (v: number) => Math.round(Math.fround(v) * 1e6) * 1000 + 0 },
  vec3i: {
    bytes: 12,
    write: (w: ByteWriter, v: number) => w.i32(Math.round(v * 100)).i32(Math.round(v * 200)).i32(-Math.round(v * 100)),
    value: (v: number) => [Math.round(Math.fround(v) * 100) + 0, Math.round(Math.fround(v) * 200) + 0, 0 - Math.round(Math.fround(v) * 100)],
  },
  vec3d: {
    bytes: 24,
    write: (w: ByteWriter, v: number) => w.f64(v).f64(v * 2).f64(-v),
    value: (v: number) => [Math.fround(v), Math.fround(v) * 2, -Math.fround(v)],
  },
  bool: { bytes: 1, write: (w: ByteWriter, v: number) => w.u8(v > 0 ? 1 : 0), value: (v: number) => v > 0 },
  // A mask grid's values are its active states: the writer stores tiles' active flags as values.
  mask: { bytes: 1, write: (w: ByteWriter, v: number) => w.u8(v > 0 ? 1 : 0), value: (_v: number) => true },
} as const;
export type WritableType = keyof typeof WRITABLE_TYPES;

function encode(type: WritableType, values: ArrayLike<number>): Uint8Array {
  const w = new ByteWriter(values.length * WRITABLE_TYPES[type].bytes + 16);
  for (let i = 0; i < values.length; i++) WRITABLE_TYPES[type].write(w, values[i]!);
  return w.toBytes();
}

/**
 * `grid` (a float grid with a linear transform) as a file of `version`, zipped or not, its values
 * turned into `type` (see WRITABLE_TYPES; bool and mask leaves store bit masks, never compressed).
 */
export function writeFloatGrid(grid: VdbGrid, version: 220 | 221 | 222 | 224 | 225, zip: boolean, type: WritableType = 'float'): Uint8Array {
  const tree = grid.tree;
  const layout = tree.layout;
  const old = version < 222;
  const w = new ByteWriter(1 << 20);
  w.u32(0x56444220).u32(0).u32(version).u32(1).u32(0).u8(1);
  if (old) w.u8(zip ? 1 : 0);
  w.bytes(new TextEncoder().encode('00000000-1111-2222-3333-444444444444'));
  w.u32(0); // no file metadata
  w.u32(1);
  writeString(w, grid.name);
  writeString(w, `Tree_${type}_5_4_3`);
  writeString(w, '');
  const offsets = w.length;
  w.u64(0).u64(0).u64(0);
  const gridAt = w.length;
  if (!old) w.u32(zip ? 1 : 0);
  // Metadata: the class and the name (OpenVDB takes a grid's name from its metadata).
  w.u32(2);
  for (const [key, value] of [['class', grid.gridClass], ['name', grid.name]]) {
    writeString(w, key!);
    writeString(w, 'string');
    const bytes = new TextEncoder().encode(value);
    w.u32(bytes.length).bytes(bytes);
  }
  // Transform: an AffineMap of the grid's matrix.
  writeString(w, 'AffineMap');
  for (const v of grid.transform.matrix!) w.f64(v);
  // Topology.
  const isMask = type === 'mask';
  w.i32(1).bytes(encode(type, [isMask ? 0 : tree.background[0]!]));
  const root = tree.root;
  w.u32(root.tileActive.length).u32(root.childIndices.length);
  for (let t = 0; t < root.tileActive.length; t++) {
    w.i32(root.tileOrigins[3 * t]!).i32(root.tileOrigins[3 * t + 1]!).i32(root.tileOrigins[3 * t + 2]!);
    w.bytes(encode(type, [isMask ? root.tileActive[t]! : root.tileValues[t]!])).u8(root.tileActive[t]!);
  }
  const leafOrder: number[] = [];
  const writeNode = (level: number, index: number): void => {
    const node = tree.levels[level]![index]!;
    const slots = layout.slots[level]!;
    w.bytes(new Uint8Array(node.childMask.buffer, node.childMask.byteOffset, node.childMask.byteLength));
    w.bytes(new Uint8Array(node.valueMask.buffer, node.valueMask.byteOffset, node.valueMask.byteLength));
    const values: number[] = [];
    for (let slot = 0; slot < slots; slot++) {
      if (old && node.children[slot]! >= 0) continue;
      const active = (node.valueMask[slot >>> 5]! >>> (slot & 31)) & 1;
      values.push(node.children[slot]! >= 0 ? 0 : isMask ? active : node.values[slot]!);
    }
    if (!old) w.u8(6); // every value stored
    chunk(w, encode(type, values), zip);
    for (let slot = 0; slot < slots; slot++) {
      const child = node.children[slot]!;
      if (child < 0) continue;
      if (level + 1 < layout.internalLog2.length) writeNode(level + 1, child);
      else {
        leafOrder.push(child);
        const words = tree.leaves.masks.subarray(child * layout.leafWords, (child + 1) * layout.leafWords);
        w.bytes(new Uint8Array(words.slice().buffer));
      }
    }
  };
  for (let c = 0; c < root.childIndices.length; c++) {
    w.i32(root.childOrigins[3 * c]!).i32(root.childOrigins[3 * c + 1]!).i32(root.childOrigins[3 * c + 2]!);
    writeNode(0, root.childIndices[c]!);
  }
  const blocks = w.length;
  for (const leaf of leafOrder) {
    w.bytes(new Uint8Array(tree.leaves.masks.slice(leaf * layout.leafWords, (leaf + 1) * layout.leafWords).buffer));
    const values = tree.leafValues(leaf);
    const start = tree.leafValueOffset(leaf);
    if (type === 'bool' || type === 'mask') {
      // Origin, then (bool) the values as bits.
      w.i32(tree.leaves.origins[3 * leaf]!).i32(tree.leaves.origins[3 * leaf + 1]!).i32(tree.leaves.origins[3 * leaf + 2]!);
      if (type === 'bool') {
        const bits = new Uint8Array(64);
        for (let n = 0; n < 512; n++) if (values[start + n]! > 0) bits[n >> 3]! |= 1 << (n & 7);
        w.bytes(bits);
      }
      continue;
    }
    if (old) {
      w.i32(tree.leaves.origins[3 * leaf]!).i32(tree.leaves.origins[3 * leaf + 1]!).i32(tree.leaves.origins[3 * leaf + 2]!);
      w.u8(1); // one buffer
    } else {
      w.u8(6);
    }
    chunk(w, encode(type, values.subarray(start, start + layout.leafSize)), zip);
  }
  const end = w.length;
  w.patchU64(offsets, gridAt);
  w.patchU64(offsets + 8, blocks);
  w.patchU64(offsets + 16, end);
  return w.toBytes();
}
