/**
 * Interleaved particle records <-> the model's dense columns. partio's binary formats store
 * particle after particle (classic BGEO, PLY, PRT); the model keeps one typed array per attribute.
 * This module:
 *
 * - walks the records once, in blocks of about 64 KiB, and moves every field of a block while it
 *   is in the cache (one pass over the input, not one pass per attribute);
 * - moves 32-bit values (float32, int32, and float64 as word pairs) at 4-byte offsets as raw words
 *   between an `Int32Array` over the records and one over the column, swapping bytes with shifts
 *   for big-endian files: no float conversion, NaN payloads kept bit for bit; when reading,
 *   records that are not 4-byte aligned in the caller's bytes go through an aligned scratch
 *   block first (when writing, such records go through DataView);
 * - moves everything else (uint8 colours, float16, 64-bit integers, values at odd offsets) with
 *   `readStrided`/`writeStrided`: V8 compiles DataView access to plain loads, and on the project
 *   machine it measured as fast as a byte-by-byte copy, or faster;
 * - takes the records in pieces of any size (`RecordDecoder.push`, fed by an inflating stream),
 *   so a compressed format never holds its whole inflated payload.
 *
 * What bounds the readers is not this loop but the first touch of the new arrays (page faults:
 * the benchmark's "memory floor" line).
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

/** Copies `n` records' worth of `width` words from strided `src` to dense `dst`, byte-swapping
 *  each word when `swap`. */
function gatherWords(src: Int32Array, s: number, strideWords: number, n: number, width: number, dst: Int32Array, d: number, swap: boolean): void {
  if (!swap) {
    if (width === 3) {
      for (let i = 0; i < n; i++, s += strideWords, d += 3) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
      }
    } else if (width === 1) {
      for (let i = 0; i < n; i++, s += strideWords) dst[d++] = src[s]!;
    } else {
      for (let i = 0; i < n; i++, s += strideWords) for (let k = 0; k < width; k++) dst[d++] = src[s + k]!;
    }
    return;
  }
  if (width === 3) {
    for (let i = 0; i < n; i++, s += strideWords, d += 3) {
      const a = src[s]!;
      const b = src[s + 1]!;
      const c = src[s + 2]!;
      dst[d] = (a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
      dst[d + 1] = (b << 24) | ((b & 0xff00) << 8) | ((b >>> 8) & 0xff00) | (b >>> 24);
      dst[d + 2] = (c << 24) | ((c & 0xff00) << 8) | ((c >>> 8) & 0xff00) | (c >>> 24);
    }
  } else {
    for (let i = 0; i < n; i++, s += strideWords) {
      for (let k = 0; k < width; k++) {
        const a = src[s + k]!;
        dst[d++] = (a << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24);
      }
    }
  }
}

/** The mirror of `gatherWords`: dense `src` into strided `dst`. */
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

/** Swaps the two words of every 8-byte value in `words[from, from + length)` (big-endian doubles
 *  after their words were byte-swapped). */
function swapWordPairs(words: Int32Array, from: number, length: number): void {
  for (let i = from, end = from + length; i < end; i += 2) {
    const a = words[i]!;
    words[i] = words[i + 1]!;
    words[i + 1] = a;
  }
}

/** How a field moves: raw 32-bit words, bytes widened to Int32 (uint8 colours), or the DataView
 *  path (V8 compiles DataView reads to plain loads: measured as fast as a byte-by-byte copy for
 *  values at unaligned offsets, and faster than one on this machine). */
type Mode = 'words' | 'uint8' | 'view';

interface Plan {
  field: RecordField;
  mode: Mode;
  /** Bytes per value on the raw paths (4 or 8). */
  size: number;
  /** The column as 32-bit words ('words'). */
  words: Int32Array | undefined;
}

function plans(fields: readonly RecordField[], stride: number): Plan[] {
  return fields.map((field) => {
    const { storage, data } = field;
    let size = 0;
    if (hostIsLittleEndian) {
      if ((storage === 'float32' && data instanceof Float32Array) || (storage === 'int32' && data instanceof Int32Array)) size = 4;
      else if (storage === 'float64' && data instanceof Float64Array) size = 8;
    }
    if (size > 0 && field.offset % 4 === 0 && stride % 4 === 0) return { field, mode: 'words', size, words: wordsOf(data) };
    if (storage === 'uint8' && data instanceof Int32Array) return { field, mode: 'uint8', size: 1, words: undefined };
    return { field, mode: 'view', size: 0, words: undefined };
  });
}

/**
 * Decodes records arriving in pieces (`push`) into the fields' columns. Create it for `count`
 * records of `stride` bytes; `finish()` checks that exactly that many arrived.
 */
export class RecordDecoder {
  readonly #stride: number;
  readonly #count: number;
  readonly #little: boolean;
  readonly #plans: Plan[];
  readonly #blockRecords: number;
  readonly #scratch: Uint8Array;
  readonly #scratchWords: Int32Array;
  readonly #scratchView: DataView;
  /** Bytes waiting in the scratch buffer (a block not yet complete). */
  #pending = 0;
  /** Records decoded so far. */
  #done = 0;

  constructor(count: number, stride: number, fields: readonly RecordField[], littleEndian: boolean) {
    if (stride < 1) throw partError(PartErrorCode.PART_CORRUPT, `records of ${stride} bytes`);
    this.#stride = stride;
    this.#count = count;
    this.#little = littleEndian;
    this.#plans = plans(fields, stride);
    this.#blockRecords = Math.max(1, Math.min(count, Math.floor(BLOCK_BYTES / stride)));
    const bytes = this.#blockRecords * stride;
    const buffer = new ArrayBuffer((bytes + 7) & ~7);
    this.#scratch = new Uint8Array(buffer, 0, bytes);
    this.#scratchWords = new Int32Array(buffer);
    this.#scratchView = new DataView(buffer);
  }

  /** Records decoded so far. */
  get records(): number {
    return this.#done;
  }

  /** Decodes `n` whole records held at byte `at` of `bytes` (`words` and `view` cover the same
   *  bytes; `words` only when they are 4-byte aligned). */
  #decode(bytes: Uint8Array, words: Int32Array | undefined, view: DataView, at: number, n: number): void {
    const first = this.#done;
    const stride = this.#stride;
    const strideWords = stride >>> 2;
    const swap = !this.#little;
    for (const plan of this.#plans) {
      const { offset, width, storage, data } = plan.field;
      if (plan.mode === 'words' && words !== undefined) {
        const valueWords = (width * plan.size) >>> 2;
        gatherWords(words, (at + offset) >>> 2, strideWords, n, valueWords, plan.words!, first * valueWords, swap);
        if (plan.size === 8 && swap) swapWordPairs(plan.words!, first * valueWords, n * valueWords);
      } else if (plan.mode === 'uint8') {
        for (let i = 0, s = at + offset, d = first * width; i < n; i++, s += stride) for (let k = 0; k < width; k++) data[d++] = bytes[s + k]!;
      } else {
        readStrided(view, at + offset, stride, n, width, storage, this.#little, data.subarray(first * width, (first + n) * width));
      }
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
    const blockBytes = this.#blockRecords * stride;
    // Fill a started block first.
    if (this.#pending > 0) {
      const take = Math.min(bytes.length, blockBytes - this.#pending);
      this.#scratch.set(bytes.subarray(0, take), this.#pending);
      this.#pending += take;
      at = take;
      this.#flushScratch(false);
    }
    const aligned = hostIsLittleEndian && (bytes.byteOffset + at) % 4 === 0;
    // Records whose stride is not a multiple of 4 move byte-wise anyway: no scratch copy for them.
    const inPlace = aligned || stride % 4 !== 0;
    if (inPlace && bytes.length - at >= stride) {
      // Decode the whole records straight from the caller's bytes.
      const n = Math.floor((bytes.length - at) / stride);
      const start = bytes.byteOffset + at;
      const region = bytes.subarray(at, at + n * stride);
      const words = aligned && stride % 4 === 0 ? new Int32Array(bytes.buffer, start, (n * stride) >>> 2) : undefined;
      const view = new DataView(bytes.buffer, start, n * stride);
      for (let done = 0; done < n; done += this.#blockRecords) {
        const m = Math.min(this.#blockRecords, n - done);
        this.#decode(region, words, view, done * stride, m);
      }
      at += n * stride;
    } else {
      while (bytes.length - at >= blockBytes) {
        this.#scratch.set(bytes.subarray(at, at + blockBytes));
        this.#pending = blockBytes;
        this.#flushScratch(false);
        at += blockBytes;
      }
    }
    if (at < bytes.length) {
      this.#scratch.set(bytes.subarray(at), this.#pending);
      this.#pending += bytes.length - at;
      this.#flushScratch(false);
    }
  }

  /** Decodes the whole records in the scratch buffer (all of them, or only a full block). */
  #flushScratch(partial: boolean): void {
    const blockBytes = this.#blockRecords * this.#stride;
    if (this.#pending === 0 || (!partial && this.#pending < blockBytes)) return;
    const n = Math.floor(this.#pending / this.#stride);
    if (n > 0) this.#decode(this.#scratch, this.#stride % 4 === 0 ? this.#scratchWords : undefined, this.#scratchView, 0, n);
    const rest = this.#pending - n * this.#stride;
    if (rest > 0) this.#scratch.copyWithin(0, n * this.#stride, this.#pending);
    this.#pending = rest;
  }

  /** Decodes what is left; throws PART_TRUNCATED unless all `count` records arrived. */
  finish(what = 'the particle data'): void {
    this.#flushScratch(true);
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
  const fieldPlans = plans(fields, aligned ? stride : 1).map((plan): Plan => (plan.mode === 'words' && !aligned ? { ...plan, mode: 'view', words: undefined } : plan));
  const swap = !littleEndian;
  const strideWords = stride >>> 2;
  const blockRecords = Math.max(1, Math.min(count, Math.floor(BLOCK_BYTES / stride)));
  const region = out.subarray(start, start + count * stride);
  const words = aligned ? new Int32Array(out.buffer, out.byteOffset + start, (count * stride) >>> 2) : undefined;
  const view = new DataView(out.buffer, out.byteOffset + start, count * stride);
  for (let first = 0; first < count; first += blockRecords) {
    const n = Math.min(blockRecords, count - first);
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
}
