/**
 * A minimal writer of OpenVDB point data grids for tests, following `PointDataLeafNode::
 * writeBuffers` with no compression: one grid, attributes stored plainly (not paged), one shared
 * descriptor. OpenVDB reads what it writes (vdb_print, vdb_tool); vdb_tool then re-writes it in its
 * own encodings (Blosc, paged arrays), which the reader must read back to the same attributes.
 */
import { ByteWriter, floatToHalf } from '@vfxkit/core';

export interface SynthAttribute {
  name: string;
  valueType: string;
  codec: string;
  /** Stored bytes per point (per value when uniform). */
  encode(point: number, out: ByteWriter): void;
  uniform?: boolean;
  stride?: number;
}

export interface SynthPoints {
  /** Index-space positions, 3 per point. */
  positions: Float64Array;
  voxelSize: number;
  attributes: SynthAttribute[];
  groups: { name: string; offset: number }[];
  /** Descriptor metadata (`string:N` entries for string attributes). */
  strings: string[];
}

function writeString(w: ByteWriter, text: string): void {
  const bytes = new TextEncoder().encode(text);
  w.u32(bytes.length).bytes(bytes);
}

function writeMetadata(w: ByteWriter, entries: [string, string, (w: ByteWriter) => void][]): void {
  w.u32(entries.length);
  for (const [name, type, value] of entries) {
    writeString(w, name);
    writeString(w, type);
    const inner = new ByteWriter();
    value(inner);
    w.u32(inner.length).bytes(inner.view8());
  }
}

/** The bytes of a one-grid .vdb file holding `points` (all within index [0, 128)^3). */
export function writePointsFile(points: SynthPoints): Uint8Array {
  const count = points.positions.length / 3;
  // Points into voxels and leaves.
  const voxelOf: number[][] = [];
  const leaves = new Map<string, { origin: number[]; voxels: number[][] }>();
  for (let p = 0; p < count; p++) {
    const voxel = [0, 1, 2].map((a) => Math.round(points.positions[3 * p + a]!));
    if (voxel.some((v) => v < 0 || v >= 128)) throw new Error('points must lie in [0, 128)^3');
    voxelOf.push(voxel);
    const origin = voxel.map((v) => v & ~7);
    const key = origin.join(',');
    let leaf = leaves.get(key);
    if (leaf === undefined) {
      leaf = { origin, voxels: Array.from({ length: 512 }, () => []) };
      leaves.set(key, leaf);
    }
    leaf.voxels[((voxel[0]! & 7) << 6) | ((voxel[1]! & 7) << 3) | (voxel[2]! & 7)]!.push(p);
  }
  // Leaves in slot order of their 16^3 parent (x, then y, then z).
  const ordered = [...leaves.values()].sort((a, b) => a.origin[0]! - b.origin[0]! || a.origin[1]! - b.origin[1]! || a.origin[2]! - b.origin[2]!);
  const order = ordered.map((leaf) => leaf.voxels.flat());

  const w = new ByteWriter(1 << 20);
  // Header.
  w.u32(0x56444220).u32(0).u32(224).u32(10).u32(0).u8(1);
  w.bytes(new TextEncoder().encode('01234567-89ab-cdef-0123-456789abcdef'));
  writeMetadata(w, [['creator', 'string', (m) => m.utf8('vfxkit test writer')]]);
  w.u32(1);
  // Descriptor with offsets patched later.
  writeString(w, 'points');
  writeString(w, 'Tree_ptdataidx32_5_4_3');
  writeString(w, '');
  const offsetsAt = w.length;
  w.u64(0).u64(0).u64(0);
  const gridAt = w.length;
  w.u32(0); // compression: none
  writeMetadata(w, [['class', 'string', (m) => m.utf8('unknown')]]);
  // UniformScaleMap: scale, voxel size, 1/scale, 1/scale^2, 1/(2 scale).
  writeString(w, 'UniformScaleMap');
  const s = points.voxelSize;
  for (const v of [s, s, 1 / s, 1 / (s * s), 1 / (2 * s)]) w.f64(v).f64(v).f64(v);
  // Topology: one root child at the origin, one 16^3 node at the origin.
  w.i32(1).u32(0).u32(0).u32(1).i32(0).i32(0).i32(0);
  const l1Child = new Uint8Array(4096);
  l1Child[0] = 1;
  w.bytes(l1Child).bytes(new Uint8Array(4096)).u8(6).bytes(new Uint8Array(32768 * 4));
  const l2Child = new Uint8Array(512);
  for (const leaf of ordered) {
    const slot = ((leaf.origin[0]! >> 3) << 8) | ((leaf.origin[1]! >> 3) << 4) | (leaf.origin[2]! >> 3);
    l2Child[slot >> 3]! |= 1 << (slot & 7);
  }
  w.bytes(l2Child).bytes(new Uint8Array(512)).u8(6).bytes(new Uint8Array(4096 * 4));
  const masks = ordered.map((leaf) => {
    const mask = new Uint8Array(64);
    leaf.voxels.forEach((list, n) => {
      if (list.length > 0) mask[n >> 3]! |= 1 << (n & 7);
    });
    return mask;
  });
  for (const mask of masks) w.bytes(mask);
  const blockAt = w.length;
  // Buffers, in passes.
  const n = points.attributes.length;
  w.u16(2 * n + 4);
  for (let leaf = 0; leaf < ordered.length; leaf++) w.u16(0xffff); // pass 0
  const storage = points.attributes.map((attribute) => (indices: number[]): Uint8Array => {
    const out = new ByteWriter();
    if (attribute.uniform) attribute.encode(indices[0] ?? 0, out);
    else for (const p of indices) attribute.encode(p, out);
    return out.toBytes();
  });
  ordered.forEach((_leaf, l) => {
    // pass 1: the shared descriptor with the first leaf, then every leaf's array metadata.
    if (l === 0) {
      w.u8(1);
      w.u64(n);
      for (const a of points.attributes) {
        writeString(w, a.valueType);
        writeString(w, a.codec);
      }
      const names = points.attributes.map((a, i) => [a.name, i] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1));
      for (const [name, i] of names) {
        writeString(w, name);
        w.u64(i);
      }
      const groups = [...points.groups].sort((x, y) => (x.name < y.name ? -1 : 1));
      w.u64(groups.length);
      for (const g of groups) {
        writeString(w, g.name);
        w.u64(g.offset);
      }
      writeMetadata(
        w,
        points.strings.map((text, i) => [`string:${i}`, 'string', (m: ByteWriter) => m.utf8(text)]),
      );
    }
    points.attributes.forEach((a, k) => {
      const data = storage[k]!(order[l]!);
      w.u64(6 + data.length).u8(0x8).u8((a.uniform ? 0x2 : 0) | ((a.stride ?? 1) > 1 ? 0x1 : 0)).u32(order[l]!.length);
      if ((a.stride ?? 1) > 1) w.u32(a.stride!);
    });
  });
  // passes 2..n+1: nothing for arrays that are not paged.
  // pass n+2: voxel buffers (mask, uint16 0xFFFF = raw, 512 end offsets).
  ordered.forEach((leaf, l) => {
    w.bytes(masks[l]!).u16(0xffff);
    let end = 0;
    for (const list of leaf.voxels) {
      end += list.length;
      w.u32(end);
    }
  });
  // passes n+3..2n+2: attribute buffers.
  points.attributes.forEach((a, k) => {
    ordered.forEach((_leaf, l) => {
      if (!a.uniform) w.u8(0);
      w.bytes(storage[k]!(order[l]!));
    });
  });
  const end = w.length;
  w.patchU64(offsetsAt, gridAt);
  w.patchU64(offsetsAt + 8, blockAt);
  w.patchU64(offsetsAt + 16, end);
  void voxelOf;
  return w.toBytes();
}

/** Helpers for attribute encoders. */
export const encoders = {
  f32: (values: Float32Array | Float64Array, width: number) => (p: number, out: ByteWriter) => {
    for (let c = 0; c < width; c++) out.f32(values[p * width + c]!);
  },
  half: (values: Float32Array | Float64Array, width: number) => (p: number, out: ByteWriter) => {
    for (let c = 0; c < width; c++) out.u16(floatToHalf(values[p * width + c]!));
  },
  i32: (values: Int32Array) => (p: number, out: ByteWriter) => {
    out.i32(values[p]!);
  },
  u8: (values: Uint8Array, width = 1) => (p: number, out: ByteWriter) => {
    for (let c = 0; c < width; c++) out.u8(values[p * width + c]!);
  },
  u16: (values: Uint16Array, width: number) => (p: number, out: ByteWriter) => {
    for (let c = 0; c < width; c++) out.u16(values[p * width + c]!);
  },
  u32: (values: Uint32Array) => (p: number, out: ByteWriter) => {
    out.u32(values[p]!);
  },
};
