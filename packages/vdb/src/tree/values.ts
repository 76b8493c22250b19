/**
 * Value buffers with active-mask compression (`io::readCompressedValues`, `io/Compression.h`).
 *
 * From NODE_MASK_COMPRESSION (222) on, every buffer of node values opens with a one-byte code
 * (`MaskCompression`) saying which inactive values the writer left out:
 *
 * 1. read the code (before 222: none, every value is stored);
 * 2. codes 2, 4, 5 store one inactive value, code 5 a second one (full precision, never halves);
 * 3. codes 3, 4, 5 store a selection mask (one bit per value) choosing between the two inactive
 *    values (for 3: -background and +background; for 4: the stored value and background);
 * 4. with ACTIVE_MASK compression and any code but 6 only the active values follow (as many as the
 *    node's value mask has bits on), else all of them; halves when the grid saves floats as halves
 *    (a half buffer of zero values is not written at all);
 * 5. inactive slots are rebuilt from the code: inactive value 1 where the selection bit is on,
 *    inactive value 0 elsewhere (background, or -background for codes 1 and 3).
 */
import type { ByteReader } from '@vfxkit/core';
import { readChunkSync, skipChunk } from '../compression/chunks.js';
import type { Decoding, DecodeRequest } from '../compression/chunks.js';
import { VdbErrorCode, vdbError } from '../errors.js';
import { Compression, FileVersion, MaskCompression } from '../io/constants.js';
import { countOn, isOn, maskByteCount, maskFromBytes } from './layout.js';
import { convertValues, negateValue, readFullValue, storedValueBytes } from './value-types.js';
import type { ValueArray, ValueTypeInfo } from './value-types.js';


/** What a value buffer reader needs to know about the grid. */
export interface ValueContext {
  type: ValueTypeInfo;
  fileVersion: number;
  compression: number;
  /** The grid saves floats as halves. */
  fromHalf: boolean;
  background: ValueArray;
}

let scratchValues: { kind: string; array: ValueArray } | undefined;
const inactiveArrays = new Map<string, [ValueArray, ValueArray]>();

/** Two reusable value arrays for the inactive values of `type`. */
function inactiveScratch(type: ValueTypeInfo): [ValueArray, ValueArray] {
  const key = `${type.kind}${type.components}`;
  let pair = inactiveArrays.get(key);
  if (pair === undefined) {
    pair = [type.create(type.components), type.create(type.components)];
    inactiveArrays.set(key, pair);
  }
  return pair;
}

/** `count * components` stored values as numbers: a view of `bytes` where the layout allows,
 *  else converted into a scratch array reused by the next call. */
function storedValues(type: ValueTypeInfo, fromHalf: boolean, bytes: Uint8Array, count: number): ArrayLike<number> {
  const n = count * type.components;
  const half = fromHalf && type.isReal;
  if (!half) {
    if (type.kind === 'f32' && (bytes.byteOffset & 3) === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    if (type.kind === 'i32' && (bytes.byteOffset & 3) === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, n);
    if (type.kind === 'u32' && (bytes.byteOffset & 3) === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, n);
    if (type.kind === 'f64' && (bytes.byteOffset & 7) === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, n);
  }
  if (scratchValues === undefined || scratchValues.kind !== type.kind || scratchValues.array.length < n) {
    scratchValues = { kind: type.kind, array: type.create(Math.max(n, 4096)) };
  }
  convertValues(type, fromHalf, bytes, count, scratchValues.array, 0);
  return scratchValues.array;
}

/**
 * Reads (or with `dest` null, skips) a buffer of `count` values whose active ones are flagged by
 * the mask at `maskWords[maskStart ...]`, writing all `count` values to `dest[destOffset ...]`.
 * Returns a DecodeRequest, having written nothing, when the buffer is Blosc data only the
 * asynchronous decoder reads: decode it and call again from the same position with `predecoded`.
 */
export function readCompressedValuesSync(
  reader: ByteReader,
  context: ValueContext,
  count: number,
  maskWords: Uint32Array,
  maskStart: number,
  dest: ValueArray | null,
  destOffset: number,
  what: string,
  predecoded?: Uint8Array,
): DecodeRequest | undefined {
  const { type } = context;
  const components = type.components;
  // 1. The mask-compression code.
  let code: number = MaskCompression.NO_MASK_AND_ALL_VALS;
  const codeAt = reader.offset;
  if (context.fileVersion >= FileVersion.NODE_MASK_COMPRESSION) {
    code = reader.u8(`mask compression code of ${what}`);
    if (code > MaskCompression.NO_MASK_AND_ALL_VALS) {
      throw vdbError(VdbErrorCode.VDB_CORRUPT, `${what} has mask compression code ${code}; codes go from 0 to 6`, { offset: codeAt });
    }
  }
  // 2. Stored inactive values.
  const fullBytes = type.componentBytes * components;
  let inactive0Bytes: Uint8Array | undefined;
  let inactive1Bytes: Uint8Array | undefined;
  if (code === MaskCompression.NO_MASK_AND_ONE_INACTIVE_VAL || code === MaskCompression.MASK_AND_ONE_INACTIVE_VAL || code === MaskCompression.MASK_AND_TWO_INACTIVE_VALS) {
    inactive0Bytes = reader.subarray(fullBytes, `inactive value of ${what}`);
    if (code === MaskCompression.MASK_AND_TWO_INACTIVE_VALS) inactive1Bytes = reader.subarray(fullBytes, `second inactive value of ${what}`);
  }
  // 3. The selection mask.
  let selectionBytes: Uint8Array | undefined;
  if (code === MaskCompression.MASK_AND_NO_INACTIVE_VALS || code === MaskCompression.MASK_AND_ONE_INACTIVE_VAL || code === MaskCompression.MASK_AND_TWO_INACTIVE_VALS) {
    selectionBytes = reader.subarray(maskByteCount(count), `selection mask of ${what}`);
  }
  // 4. The stored values.
  const words = Math.ceil(count / 32);
  const maskCompressed = (context.compression & Compression.ACTIVE_MASK) !== 0 && code !== MaskCompression.NO_MASK_AND_ALL_VALS;
  const stored = maskCompressed ? countOn(maskWords, maskStart, words) : count;
  const half = context.fromHalf && type.isReal;
  const bytes = storedValueBytes(type, context.fromHalf) * stored;
  const empty = half && stored < 1; // HalfReader writes nothing for an empty buffer
  if (dest === null) {
    if (!empty) skipChunk(reader, context.compression, bytes, `values of ${what}`);
    return undefined;
  }
  let data: Uint8Array = EMPTY;
  if (!empty) {
    const chunk = readChunkSync(reader, context.compression, bytes, `values of ${what}`, predecoded);
    if (!(chunk instanceof Uint8Array)) return chunk;
    data = chunk;
  }
  if (stored === count) {
    convertValues(type, context.fromHalf, data, count, dest, destOffset);
    return undefined;
  }
  // 5. Rebuild the inactive values: fill with inactive value 0, put value 1 where the selection
  //    mask is on, then the active values where the value mask is on.
  const [inactive0, inactive1] = inactiveScratch(type);
  if (inactive0Bytes !== undefined) readFullValue(type, inactive0Bytes, 0, inactive0, 0);
  else inactive0.set(code === MaskCompression.NO_MASK_OR_INACTIVE_VALS ? context.background : negateValue(type, context.background));
  if (inactive1Bytes !== undefined) readFullValue(type, inactive1Bytes, 0, inactive1, 0);
  else inactive1.set(context.background);
  if (components === 1) dest.fill(inactive0[0]!, destOffset, destOffset + count);
  else for (let slot = 0; slot < count; slot++) for (let c = 0; c < components; c++) dest[destOffset + slot * components + c] = inactive0[c]!;
  if (selectionBytes !== undefined) {
    const selection = maskFromBytes(selectionBytes);
    for (let slot = 0; slot < count; slot++) {
      if (isOn(selection, 0, slot)) for (let c = 0; c < components; c++) dest[destOffset + slot * components + c] = inactive1[c]!;
    }
  }
  if (stored === 0) return undefined;
  const active = storedValues(type, context.fromHalf, data, stored);
  let next = 0;
  for (let w = 0; w < words; w++) {
    let bits = maskWords[maskStart + w]!;
    if (bits === 0) continue;
    const base = destOffset + (w << 5) * components;
    if (components === 1) {
      if (bits === -1 || bits === 0xffffffff) {
        for (let b = 0; b < 32; b++) dest[base + b] = active[next + b]!;
        next += 32;
        continue;
      }
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        dest[base + bit] = active[next++]!;
      }
    } else {
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const out = base + bit * components;
        for (let c = 0; c < components; c++) dest[out + c] = active[next * components + c]!;
        next++;
      }
    }
  }
  return undefined;
}

/** `readCompressedValuesSync` as a decoding reader. */
export function* readCompressedValues(
  reader: ByteReader,
  context: ValueContext,
  count: number,
  maskWords: Uint32Array,
  maskStart: number,
  dest: ValueArray | null,
  destOffset: number,
  what: string,
): Decoding<void> {
  const start = reader.offset;
  const request = readCompressedValuesSync(reader, context, count, maskWords, maskStart, dest, destOffset, what);
  if (request === undefined) return;
  const decoded = yield request;
  reader.offset = start;
  readCompressedValuesSync(reader, context, count, maskWords, maskStart, dest, destOffset, what, decoded);
}

const EMPTY = new Uint8Array(0);
