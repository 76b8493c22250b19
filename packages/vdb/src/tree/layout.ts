/**
 * Tree configurations and node masks (`tree/RootNode.h`, `InternalNode.h`, `LeafNode.h`,
 * `util/NodeMasks.h`). A grid type name such as `Tree_float_5_4_3` names the value type and the
 * log2 sizes of the node levels below the root: internal nodes of 32^3 and 16^3 children and leaves
 * of 8^3 voxels in the standard configuration. Other configurations (vdb_print registers
 * `Tree_float_4_3_3`, ...) follow the same rules and read too.
 *
 * Inside a node of log2 size `n` whose children each cover 2^c voxels per axis, the child or tile
 * slot holding voxel (x, y, z) is `(((x & (2^(n+c) - 1)) >> c) << 2n) | (((y & ...) >> c) << n) |
 * ((z & ...) >> c)`: z varies fastest. Node masks are arrays of 64-bit words, bit `n` in word
 * `n >> 6`; here they are read as little-endian 32-bit words (bit `n` in word `n >> 5`).
 */

export interface TreeLayout {
  /** log2 size of each internal level (top first), e.g. [5, 4]. */
  internalLog2: number[];
  /** log2 size of a leaf, e.g. 3. */
  leafLog2: number;
  /** Per internal level: log2 of the voxels a child covers per axis (e.g. [7, 3]). */
  childTotalLog2: number[];
  /** Per internal level: log2 of the voxels the node covers per axis (e.g. [12, 7]). */
  totalLog2: number[];
  /** Per internal level: slots (children or tiles) per node (e.g. [32768, 4096]). */
  slots: number[];
  /** Voxels per leaf (512). */
  leafSize: number;
  /** 32-bit mask words per leaf (16). */
  leafWords: number;
  /** Bytes of a leaf mask in the file (64). */
  leafMaskBytes: number;
  /** Per internal level: bytes of one node mask in the file (e.g. [4096, 512]). */
  maskBytes: number[];
}

/** Bytes a node mask of `bits` bits takes in the file (whole 64-bit words). */
export function maskByteCount(bits: number): number {
  return Math.ceil(bits / 64) * 8;
}

export function makeLayout(log2Dims: readonly number[]): TreeLayout {
  const internalLog2 = log2Dims.slice(0, -1);
  const leafLog2 = log2Dims[log2Dims.length - 1]!;
  const childTotalLog2: number[] = [];
  const totalLog2: number[] = [];
  let below = leafLog2;
  for (let level = internalLog2.length - 1; level >= 0; level--) {
    childTotalLog2[level] = below;
    below += internalLog2[level]!;
    totalLog2[level] = below;
  }
  const leafSize = 1 << (3 * leafLog2);
  const slots = internalLog2.map((n) => 1 << (3 * n));
  return {
    internalLog2,
    leafLog2,
    childTotalLog2,
    totalLog2,
    slots,
    leafSize,
    leafWords: maskByteCount(leafSize) >>> 2,
    leafMaskBytes: maskByteCount(leafSize),
    maskBytes: slots.map(maskByteCount),
  };
}

/** Bits set in `words[start, start + count)`. */
export function countOn(words: Uint32Array, start: number, count: number): number {
  let total = 0;
  for (let i = start, end = start + count; i < end; i++) {
    let v = words[i]!;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    total += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return total;
}

/** Bits set in one 32-bit word. */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Whether bit `n` of the mask starting at word `start` is on. */
export function isOn(words: Uint32Array, start: number, n: number): boolean {
  return (words[start + (n >>> 5)]! & (1 << (n & 31))) !== 0;
}

/** Copies a mask of `bytes.length` bytes (a multiple of 4) into `words` at word `at`. */
export function loadMask(bytes: Uint8Array, words: Uint32Array, at: number): void {
  const count = bytes.length >>> 2;
  if ((bytes.byteOffset & 3) === 0) {
    words.set(new Uint32Array(bytes.buffer, bytes.byteOffset, count), at);
    return;
  }
  for (let i = 0, b = 0; i < count; i++, b += 4) {
    words[at + i] = (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24)) >>> 0;
  }
}

/** A fresh mask (as 32-bit words) holding `bytes`. */
export function maskFromBytes(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.max(1, bytes.length >>> 2));
  loadMask(bytes, words, 0);
  return words;
}
