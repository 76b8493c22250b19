/**
 * Interleaved particle records <-> the model's dense columns. partio's binary formats store
 * particle after particle (classic BGEO, PLY, PRT); the model keeps one typed array per attribute.
 * This module:
 *
 * - walks the records once, in blocks of about 64 KiB, and moves every field of a block while it
 *   is in the cache (one pass over the input, not one pass per attribute);
 * - reads 32-bit values (float32, int32, and float64 as word pairs) as raw words into an
 *   `Int32Array` over the column: no float conversion, NaN payloads kept bit for bit. Records of
 *   a 4-byte stride at an aligned address in little-endian order are read through an `Int32Array`;
 *   all others (unaligned, any stride, big-endian) through `DataView.getInt32`, which V8 compiles
 *   to one load (plus a byte swap): measured faster than the aligned scratch copy it replaced;
 * - widens uint8 values (PLY colours) straight into the Int32Array column, and moves everything
 *   else (float16, 16- and 64-bit integers) with `readStrided` (DataView, value by value);
 * - writes with the mirror image: raw words where the records are aligned, DataView otherwise;
 * - takes the records in pieces of any size (`RecordDecoder.push`, fed by an inflating stream),
 *   so a compressed format never holds its whole inflated payload.
 *
 * What bounds the readers is the first touch of the new arrays (page faults: the benchmark's
 * "memory floor" line, about 0.16-0.20 s of CPU for 381 MiB on the project machine); this loop
 * adds about 0.08-0.13 s for 10 M particles of P, v, id, Cd.
 */
import { hostIsLittleEndian } from '../io/big-endian.js';
import { storageSize } from '../model.js';
import type { AttributeData, StorageType } from '../model.js';
import { partError, PartErrorCode } from '../errors.js';
import { readStrided, writeStrided } from './common.js';

/** One field of a record: `width` values stored as `storage` at byte `offset` of every record. */
export interface RecordField {
  offset: number;
  width: number;
  storage: StorageType;
  /** The dense column: `count * width` values (with `repeat`, `width` values written to every
   *  record, for constants such as classic BGEO's homogeneous w). */
  data: AttributeData;
  /** Writing only: `data` holds one record's values, repeated in every record. */
  repeat?: boolean;
}

/** Bytes in one block: small enough to stay in L2 with its columns, large enough to amortise. */
const BLOCK_BYTES = 1 << 16;

function wordsOf(data: AttributeData): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
}

/*
 * Decoding kernels. Each moves one field of `n` records into its dense column, the record stride
 * and the column cursor in locals, unrolled for the common widths (3, 1, 4). 32-bit values move as
 * raw words into an Int32Array view of the column (float bits copied, never converted):
 * - `wordsFromWords`: little-endian records at a 4-byte aligned address, read as an Int32Array;
 * - `wordsFromView`: any alignment, either byte order, read with DataView.getInt32 (V8 compiles it
 *   to one load, plus a byte swap for big-endian: measured faster on this machine than copying a
 *   block to an aligned scratch buffer and swapping with shifts);
 * - `bytesToWords`: uint8 values (PLY colours) widened to Int32.
 */

function wordsFromWords(src: Int32Array, s: number, strideWords: number, n: number, width: number, dst: Int32Array, d: number): void {
  if (width === 3) {
    for (let i = 0; i < n; i++, s += strideWords, d += 3) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
    }
  } else if (width === 1) {
    for (let i = 0; i < n; i++, s += strideWords) dst[d++] = src[s]!;
  } else if (width === 4) {
    for (let i = 0; i < n; i++, s += strideWords, d += 4) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
      dst[d + 3] = src[s + 3]!;
    }
  } else {
    for (let i = 0; i < n; i++, s += strideWords) for (let k = 0; k < width; k++) dst[d++] = src[s + k]!;
  }
}

function wordsFromView(view: DataView, s: number, stride: number, n: number, width: number, little: boolean, dst: Int32Array, d: number): void {
  if (width === 3) {
    for (let i = 0; i < n; i++, s += stride, d += 3) {
      dst[d] = view.getInt32(s, little);
      dst[d + 1] = view.getInt32(s + 4, little);
      dst[d + 2] = view.getInt32(s + 8, little);
    }
  } else if (width === 1) {
    for (let i = 0; i < n; i++, s += stride) dst[d++] = view.getInt32(s, little);
  } else if (width === 4) {
    for (let i = 0; i < n; i++, s += stride, d += 4) {
      dst[d] = view.getInt32(s, little);
      dst[d + 1] = view.getInt32(s + 4, little);
      dst[d + 2] = view.getInt32(s + 8, little);
      dst[d + 3] = view.getInt32(s + 12, little);
    }
  } else {
    for (let i = 0; i < n; i++, s += stride) for (let k = 0; k < width; k++) dst[d++] = view.getInt32(s + 4 * k, little);
  }
}

/** Big-endian 8-byte values as word pairs: the low word is the second one in the record. */
function wordPairsFromBigEndian(view: DataView, s: number, stride: number, n: number, width: number, dst: Int32Array, d: number): void {
  for (let i = 0; i < n; i++, s += stride) {
    for (let k = 0; k < width; k++, d += 2) {
      dst[d] = view.getInt32(s + 8 * k + 4, false);
      dst[d + 1] = view.getInt32(s + 8 * k, false);
    }
  }
}

function bytesToWords(src: Uint8Array, s: number, stride: number, n: number, width: number, dst: Int32Array, d: number): void {
  if (width === 3) {
    for (let i = 0; i < n; i++, s += stride, d += 3) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
    }
  } else if (width === 4) {
    for (let i = 0; i < n; i++, s += stride, d += 4) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
      dst[d + 3] = src[s + 3]!;
    }
  } else {
    for (let i = 0; i < n; i++, s += stride) for (let k = 0; k < width; k++) dst[d++] = src[s + k]!;
  }
}

/** Writing kernels: dense column words into strided records through DataView (any alignment,
 *  either byte order). */
function wordsToView(src: Int32Array, s: number, n: number, width: number, view: DataView, d: number, stride: number, little: boolean): void {
  if (width === 3) {
    for (let i = 0; i < n; i++, d += stride, s += 3) {
      view.setInt32(d, src[s]!, little);
      view.setInt32(d + 4, src[s + 1]!, little);
      view.setInt32(d + 8, src[s + 2]!, little);
    }
  } else if (width === 1) {
    for (let i = 0; i < n; i++, d += stride) view.setInt32(d, src[s++]!, little);
  } else {
    for (let i = 0; i < n; i++, d += stride) for (let k = 0; k < width; k++) view.setInt32(d + 4 * k, src[s++]!, little);
  }
}

function wordPairsToBigEndian(src: Int32Array, s: number, n: number, width: number, view: DataView, d: number, stride: number): void {
  for (let i = 0; i < n; i++, d += stride) {
    for (let k = 0; k < width; k++, s += 2) {
      view.setInt32(d + 8 * k, src[s + 1]!, false);
      view.setInt32(d + 8 * k + 4, src[s]!, false);
    }
  }
}

/** Aligned records: dense column words `src` into strided record words `dst`, byte-swapped when `swap`. */
function scatterWords(src: Int32Array, s: number, n: number, width: number, dst: Int32Array, d: number, strideWords: number, swap: boolean): void {
  if (!swap) {
    if (width === 3) {
      for (let i = 0; i < n; i++, d += strideWords, s += 3) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
      }
    } else if (width === 1) {
      for (let i = 0; i < n; i++, d += strideWords) dst[d] = src[s++]!;
    } else {
      for (let i = 0; i < n; i++, d += strideWords) for (let k = 0; k < width; k++) dst[d + k] = src[s++]!;
    }
    return;
  }
  if (width === 3) {
    for (let i = 0; i < n; i++, d += strideWords, s += 3) {
      const a = src[s]!;
      const b = src[s + 1]!;
      const c = src[s + 2]!;
      dst[d] = (a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
      dst[d + 1] = (b << 24) | ((b & 0xff00) << 8) | ((b >>> 8) & 0xff00) | (b >>> 24);
      dst[d + 2] = (c << 24) | ((c & 0xff00) << 8) | ((c >>> 8) & 0xff00) | (c >>> 24);
    }
  } else {
    for (let i = 0; i < n; i++, d += strideWords) {
      for (let k = 0; k < width; k++) {
        const a = src[s++]!;
        dst[d + k] = (a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
      }
    }
  }
}

/** How a field moves: raw 32-bit words (float32, int32, float64 as word pairs), bytes widened
 *  to Int32 (uint8 colours), or `readStrided` (DataView, value by value) for everything else. */
type Mode = 'words' | 'uint8' | 'view';

interface Plan {
  field: RecordField;
  mode: Mode;
  /** Bytes per value on the raw paths (4 or 8). */
  size: number;
  /** The column as 32-bit words ('words', 'uint8'). */
  words: Int32Array | undefined;
}

/** Raw 32-bit words need a little-endian host (the column's words are the host's) and columns of
 *  the storage's own type. */
function plans(fields: readonly RecordField[]): Plan[] {
  return fields.map((field) => {
    const { storage, data } = field;
    let size = 0;
    if (hostIsLittleEndian) {
      if ((storage === 'float32' && data instanceof Float32Array) || (storage === 'int32' && data instanceof Int32Array)) size = 4;
      else if (storage === 'float64' && data instanceof Float64Array) size = 8;
    }
    if (size > 0) return { field, mode: 'words', size, words: wordsOf(data) };
    if (storage === 'uint8' && data instanceof Int32Array) return { field, mode: 'uint8', size: 1, words: data };
    return { field, mode: 'view', size: 0, words: undefined };
  });
}

/** Decodes `m` records starting at byte `base` of `bytes` (record number `record`), field by
 *  field. A function of its own, called once per block, so that it is optimised as a whole
 *  rather than only by on-stack replacement inside one long loop (measured faster). */
function decodeBlock(plans: readonly Plan[], bytes: Uint8Array, view: DataView, words: Int32Array | undefined, stride: number, little: boolean, base: number, m: number, record: number): void {
  const strideWords = stride >>> 2;
  for (let p = 0; p < plans.length; p++) {
    const plan = plans[p]!;
    const { offset, width, storage, data } = plan.field;
    const s = base + offset;
    if (plan.mode === 'words') {
      const valueWords = (width * plan.size) >>> 2;
      const d = record * valueWords;
      if (words !== undefined && offset % 4 === 0) wordsFromWords(words, s >>> 2, strideWords, m, valueWords, plan.words!, d);
      else if (plan.size === 8 && !little) wordPairsFromBigEndian(view, s, stride, m, width, plan.words!, d);
      else wordsFromView(view, s, stride, m, valueWords, little, plan.words!, d);
    } else if (plan.mode === 'uint8') {
      bytesToWords(bytes, s, stride, m, width, plan.words!, record * width);
    } else {
      readStrided(view, s, stride, m, width, storage, little, data.subarray(record * width, (record + m) * width));
    }
  }
}

/**
 * Decodes records arriving in pieces (`push`) into the fields' columns. Create it for `count`
 * records of `stride` bytes; `finish()` checks that exactly that many arrived. Whole records are
 * decoded where they lie in the pieces (one pass, in blocks of about 64 KiB so that every field
 * of a block is read while it is in the cache); only a record split between two pieces is
 * gathered in a one-record scratch buffer first.
 */
export class RecordDecoder {
  readonly #stride: number;
  readonly #count: number;
  readonly #little: boolean;
  readonly #plans: Plan[];
  readonly #blockRecords: number;
  /** One record split between two pieces. */
  readonly #scratch: Uint8Array;
  /** Bytes waiting in the scratch buffer. */
  #pending = 0;
  /** Records decoded so far. */
  #done = 0;

  constructor(count: number, stride: number, fields: readonly RecordField[], littleEndian: boolean) {
    if (stride < 1) throw partError(PartErrorCode.PART_CORRUPT, `records of ${stride} bytes`);
    this.#stride = stride;
    this.#count = count;
    this.#little = littleEndian;
    this.#plans = plans(fields);
    this.#blockRecords = Math.max(1, Math.min(count, Math.floor(BLOCK_BYTES / stride)));
    this.#scratch = new Uint8Array(stride);
  }

  /** Records decoded so far. */
  get records(): number {
    return this.#done;
  }

  /** Decodes the `n` whole records that start at `bytes[0]`. */
  #decode(bytes: Uint8Array, n: number): void {
    const stride = this.#stride;
    const little = this.#little;
    const address = bytes.byteOffset;
    const length = n * stride;
    const view = new DataView(bytes.buffer, address, length);
    // Little-endian 4-byte records at an aligned address: the fields at 4-byte offsets read as words.
    const aligned = little && stride % 4 === 0 && address % 4 === 0;
    const words = aligned ? new Int32Array(bytes.buffer, address, length >>> 2) : undefined;
    for (let first = 0; first < n; first += this.#blockRecords) {
      decodeBlock(this.#plans, bytes, view, words, stride, little, first * stride, Math.min(this.#blockRecords, n - first), this.#done + first);
    }
    this.#done += n;
  }

  /** Takes the next `bytes` of the record stream. Bytes beyond `count` records are refused. */
  push(bytes: Uint8Array): void {
    const stride = this.#stride;
    const remaining = (this.#count - this.#done) * stride - this.#pending;
    if (bytes.length > remaining) {
      throw partError(PartErrorCode.PART_CORRUPT, `the particle data holds more than the ${this.#count} records of ${stride} bytes the header declares`);
    }
    let at = 0;
    // Complete a record split by the previous piece.
    if (this.#pending > 0) {
      const take = Math.min(bytes.length, stride - this.#pending);
      this.#scratch.set(bytes.subarray(0, take), this.#pending);
      this.#pending += take;
      at = take;
      if (this.#pending < stride) return;
      this.#decode(this.#scratch, 1);
      this.#pending = 0;
    }
    const n = Math.floor((bytes.length - at) / stride);
    if (n > 0) this.#decode(bytes.subarray(at, at + n * stride), n);
    at += n * stride;
    if (at < bytes.length) {
      this.#scratch.set(bytes.subarray(at), 0);
      this.#pending = bytes.length - at;
    }
  }

  /** Throws PART_TRUNCATED unless all `count` records arrived. */
  finish(what = 'the particle data'): void {
    if (this.#done !== this.#count || this.#pending !== 0) {
      throw partError(
        PartErrorCode.PART_TRUNCATED,
        `${what} ends after ${this.#done * this.#stride + this.#pending} of ${this.#count * this.#stride} bytes (${this.#count} records of ${this.#stride} bytes)`,
      );
    }
  }
}

/**
 * Reads `count` records of `stride` bytes, the first at byte `start` of `bytes`, into the fields'
 * columns. The caller has checked that the bytes are present.
 */
export function readRecords(bytes: Uint8Array, start: number, count: number, stride: number, fields: readonly RecordField[], littleEndian: boolean): void {
  if (count === 0) return;
  const decoder = new RecordDecoder(count, stride, fields, littleEndian);
  decoder.push(bytes.subarray(start, start + count * stride));
  decoder.finish();
}

/**
 * Writes `count` records of `stride` bytes from the fields' columns into `out`, the first at byte
 * `start`. Bytes no field covers are left as they are (zero in a new buffer). Records that are not
 * 4-byte aligned in `out` are written through DataView, never through a scratch block: reading a
 * fresh buffer's untouched pages to merge a block would fault every page twice.
 */
export function writeRecords(out: Uint8Array, start: number, count: number, stride: number, fields: readonly RecordField[], littleEndian: boolean): void {
  if (count === 0) return;
  const aligned = hostIsLittleEndian && (out.byteOffset + start) % 4 === 0 && stride % 4 === 0;
  const fieldPlans = plans(fields);
  const blockRecords = Math.max(1, Math.min(count, Math.floor(BLOCK_BYTES / stride)));
  const region = out.subarray(start, start + count * stride);
  const words = aligned ? new Int32Array(out.buffer, out.byteOffset + start, (count * stride) >>> 2) : undefined;
  const view = new DataView(out.buffer, out.byteOffset + start, count * stride);
  for (let first = 0; first < count; first += blockRecords) {
    encodeBlock(fieldPlans, region, words, view, stride, littleEndian, first, Math.min(blockRecords, count - first));
  }
}

/** Writes records `first` to `first + n` (one block) of every field: a function of its own, called
 *  once per block (see `decodeBlock`). */
function encodeBlock(fieldPlans: readonly Plan[], region: Uint8Array, words: Int32Array | undefined, view: DataView, stride: number, littleEndian: boolean, first: number, n: number): void {
  const swap = !littleEndian;
  const strideWords = stride >>> 2;
  const base = first * stride;
  for (const plan of fieldPlans) {
    const { offset, width, storage, data, repeat } = plan.field;
    if (repeat) {
      // One record's bytes, encoded once, then stored in every record of the block.
      const one = new Uint8Array(width * storageSize(storage));
      writeStrided(new DataView(one.buffer), 0, 0, 1, width, storage, littleEndian, data);
      if (words !== undefined && offset % 4 === 0 && one.length % 4 === 0) {
        const values = new Int32Array(one.buffer);
        for (let i = 0, d = (base + offset) >>> 2; i < n; i++, d += strideWords) for (let k = 0; k < values.length; k++) words[d + k] = values[k]!;
      } else if (one.length === 4) {
        const value = new DataView(one.buffer).getInt32(0, true);
        for (let i = 0, d = base + offset; i < n; i++, d += stride) view.setInt32(d, value, true);
      } else {
        for (let i = 0, d = base + offset; i < n; i++, d += stride) region.set(one, d);
      }
    } else if (plan.mode === 'words' && (words === undefined || offset % 4 !== 0)) {
      // Unaligned records: the column's words through DataView.setInt32 (no float conversion).
      const valueWords = (width * plan.size) >>> 2;
      if (plan.size === 8 && swap) wordPairsToBigEndian(plan.words!, first * valueWords, n, width, view, base + offset, stride);
      else wordsToView(plan.words!, first * valueWords, n, valueWords, view, base + offset, stride, littleEndian);
    } else if (plan.mode === 'words' && words !== undefined) {
      const valueWords = (width * plan.size) >>> 2;
      const source = plan.words!;
      if (plan.size === 8 && swap) {
        // Big-endian doubles: swap the word pair as well as the bytes of each word.
        for (let i = 0; i < n; i++) {
          const from = (first + i) * valueWords;
          const d = (base + i * stride + offset) >>> 2;
          for (let k = 0; k < valueWords; k += 2) {
            const a = source[from + k + 1]!;
            const b = source[from + k]!;
            words[d + k] = (a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
            words[d + k + 1] = (b << 24) | ((b & 0xff00) << 8) | ((b >>> 8) & 0xff00) | (b >>> 24);
          }
        }
      } else {
        scatterWords(source, first * valueWords, n, valueWords, words, (base + offset) >>> 2, strideWords, swap);
      }
    } else {
      writeStrided(view, base + offset, stride, n, width, storage, littleEndian, data.subarray(first * width, (first + n) * width));
    }
  }
}
