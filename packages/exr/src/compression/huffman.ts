/**
 * OpenEXR's static Huffman coder for 16-bit values, used by PIZ for the wavelet coefficients and by
 * DWAA/DWAB for the run-length coded AC coefficients (OpenEXR `ImfHuf.cpp`, `internal_huf.c`).
 *
 * Stream layout (all integers little-endian):
 *   u32 im        smallest symbol with a code
 *   u32 iM        largest symbol with a code; iM is also the run-length symbol (the encoder adds it)
 *   u32 tableLength  bytes of the packed code table (informative; decoders use what they read)
 *   u32 nBits     bits of coded data after the table
 *   u32 0         reserved
 *   code table    for symbols im..iM, the 6-bit code length, with runs of zero lengths packed:
 *                 59..62 = 2..5 zero lengths, 63 + 8 bits n = n + 6 zero lengths; MSB first,
 *                 padded to a whole byte
 *   data          nBits of codes, MSB first. The code of iM followed by 8 bits n repeats the
 *                 previous value n more times.
 *
 * Codes are canonical: they follow from the lengths alone. Shorter codes have numerically higher
 * values, codes of one length increase with the symbol, and lengths go up to 58 bits. Decoding
 * resolves codes of up to 14 bits with one table lookup (two codes at once, up to 14 bits together,
 * where the stream is made mostly of them, as DWA's is, and a small first-level table for codes of
 * up to 12 bits); longer codes by a second table of the (at most 11) bits after their 14-bit prefix,
 * or where that does not fit, looked up per length under the prefix, with the results of OpenEXR's
 * `hufDecode`. Every length and count is checked against the bytes present and the output size: bad
 * data throws `EXR_CORRUPT_CHUNK`, never reads out of bounds.
 */
import type { VfxError } from '@vfxkit/core';
import { corruptChunk, readUint32, writeUint32 } from './codec-support.js';

const ENCODE_SIZE = 65537; // 2^16 symbols plus the run-length pseudo-symbol
const DECODE_BITS = 14;
const DECODE_SIZE = 1 << DECODE_BITS;
const MAX_CODE_LENGTH = 58;
const SHORT_ZEROCODE_RUN = 59;
const LONG_ZEROCODE_RUN = 63;
const SHORTEST_LONG_RUN = 2 + LONG_ZEROCODE_RUN - SHORT_ZEROCODE_RUN;
const LONGEST_LONG_RUN = 255 + SHORTEST_LONG_RUN;
const HEADER_SIZE = 20;

/**
 * Canonical code values from code lengths (OpenEXR `hufCanonicalCodeTable`). Lengths of 0 get no
 * code. Code values are small (below 2^18 for any length table) even when the code is long: long
 * codes are mostly leading zeros.
 */
function canonicalCodes(lengths: Uint8Array, codes: Uint32Array): void {
  const start = new Float64Array(MAX_CODE_LENGTH + 1);
  for (let i = 0; i < ENCODE_SIZE; i++) start[lengths[i]!]! += 1;
  let code = 0;
  for (let length = MAX_CODE_LENGTH; length > 0; length--) {
    const next = Math.floor((code + start[length]!) / 2);
    start[length] = code;
    code = next;
  }
  for (let i = 0; i < ENCODE_SIZE; i++) {
    const length = lengths[i]!;
    if (length > 0) codes[i] = start[length]!++;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * The most 16-bit values a Huffman stream of `bytes` bytes can produce: at best every 9 bits (a
 * 1-bit run code and an 8-bit count) repeat the previous value 255 times. Lets callers refuse a
 * declared count before allocating for it.
 */
export function maxHuffmanValues(bytes: number): number {
  return Math.ceil((bytes * 8 * 255) / 9) + 1;
}

/** Reads bits MSB first from `bytes[start, end)`; every read checks the end. */
class TableReader {
  private position: number;
  private buffer = 0;
  private bufferBits = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly method: string,
  ) {
    this.position = start;
  }

  /** Bytes consumed so far end here (a partly used byte counts whole). */
  get offset(): number {
    return this.position;
  }

  read(count: number): number {
    while (this.bufferBits < count) {
      if (this.position >= this.end) throw corruptChunk(this.method, 'the Huffman code table runs past the end of its data');
      this.buffer = ((this.buffer << 8) | this.bytes[this.position++]!) & 0xffff;
      this.bufferBits += 8;
    }
    this.bufferBits -= count;
    return (this.buffer >>> this.bufferBits) & ((1 << count) - 1);
  }
}

/**
 * Decodes an OpenEXR Huffman stream (`packed[offset, offset + length)`) into exactly `count` 16-bit
 * values of `out` starting at `outOffset`. `method` names the codec in error messages. Returns the
 * symbols that have a code (every value decoded is one of them), in increasing order, in an array
 * reused by the next call.
 */
export function huffmanDecode(
  packed: Uint8Array,
  offset: number,
  length: number,
  out: Uint16Array,
  outOffset: number,
  count: number,
  method: string,
): Int32Array {
  if (length < HEADER_SIZE) {
    if (count === 0) return decodeScratch.coded.subarray(0, 0);
    throw corruptChunk(method, `the Huffman data is ${length} bytes, too short for its ${HEADER_SIZE}-byte header`);
  }
  const end = offset + length;
  const minSymbol = readUint32(packed, offset);
  const maxSymbol = readUint32(packed, offset + 4);
  const nBits = readUint32(packed, offset + 12);
  if (minSymbol >= ENCODE_SIZE || maxSymbol >= ENCODE_SIZE) {
    throw corruptChunk(method, `Huffman symbol range ${minSymbol}..${maxSymbol} is outside 0..${ENCODE_SIZE - 1}`);
  }
  const dataBytes = Math.ceil(nBits / 8);
  if (HEADER_SIZE + dataBytes > length) {
    throw corruptChunk(method, `the Huffman data declares ${nBits} bits but only ${length - HEADER_SIZE} bytes follow its header`);
  }

  // 1. Code lengths, run-length packed (into a zeroed scratch table shared by every call).
  const lengths = decodeScratch.lengths;
  lengths.fill(0);
  // The symbols that have a code, in increasing order.
  const coded = decodeScratch.coded;
  let codedCount = 0;
  const reader = new TableReader(packed, offset + HEADER_SIZE, end, method);
  for (let symbol = minSymbol; symbol <= maxSymbol; symbol++) {
    const codeLength = reader.read(6);
    if (codeLength === LONG_ZEROCODE_RUN) {
      const run = reader.read(8) + SHORTEST_LONG_RUN;
      if (symbol + run > maxSymbol + 1) throw corruptChunk(method, 'a run of unused Huffman symbols goes past the last symbol');
      symbol += run - 1;
    } else if (codeLength >= SHORT_ZEROCODE_RUN) {
      const run = codeLength - SHORT_ZEROCODE_RUN + 2;
      if (symbol + run > maxSymbol + 1) throw corruptChunk(method, 'a run of unused Huffman symbols goes past the last symbol');
      symbol += run - 1;
    } else if (codeLength > 0) {
      lengths[symbol] = codeLength;
      coded[codedCount++] = symbol;
    }
  }
  const dataStart = reader.offset;
  if (nBits > 8 * (end - dataStart)) {
    throw corruptChunk(method, `the Huffman data declares ${nBits} bits but only ${end - dataStart} bytes follow its code table`);
  }
  // Canonical codes (`canonicalCodes` over the coded symbols only).
  const codes = decodeScratch.codes;
  const nextCode = new Float64Array(MAX_CODE_LENGTH + 1);
  for (let k = 0; k < codedCount; k++) nextCode[lengths[coded[k]!]!]! += 1;
  for (let length = MAX_CODE_LENGTH, code = 0; length > 0; length--) {
    const next = Math.floor((code + nextCode[length]!) / 2);
    nextCode[length] = code;
    code = next;
  }
  for (let k = 0; k < codedCount; k++) {
    const symbol = coded[k]!;
    codes[symbol] = nextCode[lengths[symbol]!]!++;
  }

  // 2. Decoding table: codes of up to 14 bits fill all the entries they prefix; longer codes are
  //    listed under their 14-bit prefix.
  // Short codes: (length << 24) | symbol for every 14-bit index the code prefixes; 0 for none.
  const shortCodes = decodeScratch.shortCodes;
  shortCodes.fill(0);
  // Long codes by their 14-bit prefix: `longBuckets[bucketIds[prefix] - 1]` (0: no long code).
  const longBuckets: LongCodes[] = [];
  const bucketIds = decodeScratch.bucketIds;
  bucketIds.fill(0);
  for (let k = 0; k < codedCount; k++) {
    const symbol = coded[k]!;
    const codeLength = lengths[symbol]!;
    const code = codes[symbol]!;
    if (codeLength < 31 ? code >>> codeLength !== 0 : code >= 2 ** codeLength) throw corruptChunk(method, 'the Huffman code lengths do not form a prefix code');
    if (codeLength > DECODE_BITS) {
      const index = Math.floor(code / 2 ** (codeLength - DECODE_BITS));
      if (shortCodes[index] !== 0) throw corruptChunk(method, 'the Huffman code lengths do not form a prefix code');
      let bucket = bucketIds[index] === 0 ? undefined : longBuckets[bucketIds[index]! - 1]!;
      if (bucket === undefined) {
        bucket = { symbols: [], lengths: [], byCode: new Map<number, number>(), table: undefined, extraBits: 0 };
        longBuckets.push(bucket);
        bucketIds[index] = longBuckets.length;
      }
      bucket.byCode.set(code * 64 + codeLength, bucket.symbols.length);
      bucket.symbols.push(symbol);
      if (!bucket.lengths.includes(codeLength)) bucket.lengths.push(codeLength);
    } else {
      const first = code << (DECODE_BITS - codeLength);
      const entries = 1 << (DECODE_BITS - codeLength);
      for (let i = first; i < first + entries; i++) {
        if (shortCodes[i] !== 0 || bucketIds[i] !== 0) {
          throw corruptChunk(method, 'the Huffman code lengths do not form a prefix code');
        }
        shortCodes[i] = (codeLength << 24) | symbol;
      }
    }
  }

  let longTableEntries = 0;
  for (const bucket of longBuckets) {
    bucket.lengths.sort((a, b) => a - b);
    // A table of the bits after the prefix, where they are few and the codes under it form a
    // prefix code (then at most one matches, the one the search below would find).
    const extraBits = bucket.lengths[bucket.lengths.length - 1]! - DECODE_BITS;
    if (extraBits > LONG_TABLE_BITS || longTableEntries + (1 << extraBits) > MAX_LONG_TABLE_ENTRIES) continue;
    longTableEntries += 1 << extraBits;
    const table = new Int32Array(1 << extraBits);
    let prefixFree = true;
    for (const symbol of bucket.symbols) {
      const codeLength = lengths[symbol]!;
      const low = codes[symbol]! % 2 ** (codeLength - DECODE_BITS);
      const first = low << (DECODE_BITS + extraBits - codeLength);
      const end = first + (1 << (DECODE_BITS + extraBits - codeLength));
      for (let i = first; i < end; i++) {
        if (table[i] !== 0) prefixFree = false;
        table[i] = (codeLength << 24) | symbol;
      }
    }
    if (prefixFree) {
      bucket.table = table;
      bucket.extraBits = extraBits;
    }
  }
  // The first level: codes of up to FAST_BITS bits, by the first FAST_BITS bits (0: look further).
  const fastCodes = decodeScratch.fastCodes;
  for (let i = 0; i < FAST_SIZE; i++) {
    const entry = shortCodes[i << (DECODE_BITS - FAST_BITS)]!;
    fastCodes[i] = entry !== 0 && entry >>> 24 <= FAST_BITS ? entry : 0;
  }

  // 3. The coded bits, copied with 4 zero bytes of padding so that peeks never leave the array.
  const data = dataScratch(dataBytes + 4);
  data.set(packed.subarray(dataStart, dataStart + dataBytes));
  data.fill(0, dataBytes, dataBytes + 4);
  // Pairs of codes whose lengths add up to PAIR_BITS or less (neither the run code), by their
  // first PAIR_BITS bits: first length | total length << 4, and the two symbols.
  // Built per first code: its entries are the PAIR_BITS-bit indices it prefixes, and the second
  // code of the entry j-th under it is the one at index j << firstLength (the bits after it).
  const { pairInfo, pairSymbols } = decodeScratch;
  const pairShift = DECODE_BITS - PAIR_BITS;
  pairInfo.fill(0);
  let pairs = 0;
  for (let k = 0; k < codedCount; k++) {
    const first = coded[k]!;
    const firstLength = lengths[first]!;
    if (firstLength >= PAIR_BITS || first === maxSymbol) continue;
    const base = codes[first]! << (PAIR_BITS - firstLength);
    const entries = 1 << (PAIR_BITS - firstLength);
    for (let j = 0; j < entries; j++) {
      const second = shortCodes[(j << firstLength) << pairShift]!;
      const total = firstLength + (second >>> 24);
      if (second === 0 || total > PAIR_BITS || (second & 0xffffff) === maxSymbol) continue;
      pairInfo[base + j] = firstLength | (total << 4);
      pairSymbols[base + j] = first | ((second & 0xffff) << 16);
      pairs++;
    }
  }
  // The share of table entries with a pair is the share of codes that start one: when pairs are
  // rare (long codes, as PIZ has), checking for them costs more than they save.
  const usePairs = pairs >= PAIR_SIZE / 4;

  decodeBits(data, dataBytes, nBits, lengths, fastCodes, usePairs, pairInfo, pairSymbols, shortCodes, bucketIds, longBuckets, maxSymbol, out, outOffset, count, method);
  return coded.subarray(0, codedCount);
}

/**
 * Tables reused by every decode (decoding is synchronous; each call clears what it uses):
 * code lengths and codes per symbol, the 14-bit table and a small first-level table of the
 * codes of up to FAST_BITS bits, which stays in the L1 cache where most codes are found (12 bits
 * measured ~8% faster than 10 on PIZ's wavelet codes, which are longer than DWA's).
 */
const FAST_BITS = 12;
const FAST_SIZE = 1 << FAST_BITS;
const PAIR_BITS = 14;
const PAIR_SIZE = 1 << PAIR_BITS;
/** Long codes get a table of the bits after their 14-bit prefix when those are at most this many. */
const LONG_TABLE_BITS = 11;
/** ... and while all those tables together stay this small (a hostile code table cannot make it large). */
const MAX_LONG_TABLE_ENTRIES = 1 << 16;
const decodeScratch = {
  lengths: new Uint8Array(ENCODE_SIZE),
  codes: new Uint32Array(ENCODE_SIZE),
  shortCodes: new Int32Array(DECODE_SIZE),
  fastCodes: new Int32Array(FAST_SIZE),
  bucketIds: new Int32Array(DECODE_SIZE),
  pairInfo: new Uint8Array(PAIR_SIZE),
  pairSymbols: new Uint32Array(PAIR_SIZE),
  coded: new Int32Array(ENCODE_SIZE),
};

let dataBuffer = new Uint8Array(0);

/** Room for `size` bytes of coded data, reused from call to call up to 4 MiB (larger: their own array). */
function dataScratch(size: number): Uint8Array {
  if (size > 1 << 22) return new Uint8Array(size);
  if (dataBuffer.length < size) dataBuffer = new Uint8Array(Math.min(1 << 22, Math.max(size, dataBuffer.length * 2)));
  return dataBuffer;
}

/** The `count` (<= 25) bits of `data` starting at bit `position`, MSB first. */
function peekBits(data: Uint8Array, position: number, count: number): number {
  const byte = position >>> 3;
  const word = (data[byte]! << 24) | (data[byte + 1]! << 16) | (data[byte + 2]! << 8) | data[byte + 3]!;
  return (word << (position & 7)) >>> (32 - count);
}

/**
 * The long codes that share one 14-bit prefix. OpenEXR tries them in symbol order, reading more
 * bytes as each needs, and takes the first whose code matches; in a prefix code at most one can.
 * Looking each length's bits up in `byCode` finds the same code in a bounded number of steps even
 * when a hostile table puts thousands of codes under one prefix.
 */
interface LongCodes {
  /** Symbols in increasing order. */
  symbols: number[];
  /** The distinct code lengths, ascending. */
  lengths: number[];
  /** `code * 64 + length` -> index in `symbols`. */
  byCode: Map<number, number>;
  /** `(length << 24) | symbol` by the `extraBits` bits after the prefix (0: no code), when built. */
  table: Int32Array | undefined;
  extraBits: number;
}

/** The `codeLength` bits at `position` as a number, or -1 when they exceed 2^24 (no code is that large). */
function codeValue(data: Uint8Array, position: number, codeLength: number): number {
  let leading = codeLength - 24;
  let at = position;
  while (leading > 0) {
    const take = leading > 24 ? 24 : leading;
    if (peekBits(data, at, take) !== 0) return -1;
    at += take;
    leading -= take;
  }
  return peekBits(data, at, codeLength < 24 ? codeLength : 24);
}

/** Repeats the last value written `run` times (a run symbol); returns the new output position. */
function repeatLast(out: Uint16Array, outPosition: number, outOffset: number, outEnd: number, run: number, count: number, fail: (what: string) => VfxError): number {
  if (outPosition + run > outEnd) throw fail(`a run goes past the ${count} expected values`);
  if (outPosition === outOffset) throw fail('the data starts with a run');
  const value = out[outPosition - 1]!;
  for (let i = 0; i < run; i++) out[outPosition + i] = value;
  return outPosition + run;
}

/**
 * The decoding loop of OpenEXR's `hufDecode`, with the same results so that it accepts and rejects
 * the same streams: a code is decoded in the main loop (`decodeMainLoop`) while at least 14 bits
 * (padding included) start at it, then the last byte's padding is dropped and the remaining short
 * codes are decoded. OpenEXR reads bytes into a bit buffer as it goes; here the read position `bit`
 * alone says where the next code starts, and its 14 bits come from the 3 bytes under it (`data` has
 * 4 zero bytes of padding, so that read never leaves the array): no refill loop, no branch on buffer
 * state.
 */
function decodeBits(
  data: Uint8Array,
  dataBytes: number,
  nBits: number,
  lengths: Uint8Array,
  fastCodes: Int32Array,
  usePairs: boolean,
  pairInfo: Uint8Array,
  pairSymbols: Uint32Array,
  shortCodes: Int32Array,
  bucketIds: Int32Array,
  longBuckets: readonly LongCodes[],
  runSymbol: number,
  out: Uint16Array,
  outOffset: number,
  count: number,
  method: string,
): void {
  const outEnd = outOffset + count;
  const fail = (what: string): VfxError => corruptChunk(method, `Huffman data: ${what}`);
  let outPosition = decodeMainLoop(data, dataBytes, lengths, fastCodes, usePairs, pairInfo, pairSymbols, shortCodes, bucketIds, longBuckets, runSymbol, out, outOffset, count, fail);
  let bit = mainLoopEnd;

  // The last byte's padding bits are not data: fewer than 14 bits of data are left.
  let remaining = nBits - bit;
  while (remaining > 0) {
    // The remaining bits, then zeros, as a 14-bit index.
    const index = (peekBits(data, bit, DECODE_BITS) >>> (DECODE_BITS - remaining)) << (DECODE_BITS - remaining);
    const short = shortCodes[index]!;
    const codeLength = short >>> 24;
    if (short === 0 || codeLength > remaining) throw fail('the last code is cut off');
    bit += codeLength;
    remaining -= codeLength;
    const symbol = short & 0xffffff;
    if (symbol === runSymbol) {
      if (remaining < 8) throw fail('a run length is cut off');
      outPosition = repeatLast(out, outPosition, outOffset, outEnd, peekBits(data, bit, 8), count, fail);
      bit += 8;
      remaining -= 8;
    } else {
      if (outPosition >= outEnd) throw fail(`more than the ${count} expected values`);
      out[outPosition++] = symbol;
    }
  }
  if (outPosition !== outEnd) throw fail(`it decodes to ${outPosition - outOffset} values, expected ${count}`);
}

/** Where `decodeMainLoop` stopped reading (a bit position): module state, not a return value (see there). */
let mainLoopEnd = 0;

/**
 * The main loop of `decodeBits`: decodes codes into `out` from `outOffset` while 14 bits (padding
 * included) start at the read position; returns the output position and leaves the read position
 * in `mainLoopEnd`. A function of its own, ending in a plain return and a module-variable store
 * (neither has type feedback to lack): V8 compiles a long loop while its function runs (on-stack
 * replacement), before the code after the loop has ever run, and such a compiled `decodeBits` gave
 * up at that code in every later call (15 times in 12 HD PIZ decodes).
 */
function decodeMainLoop(
  data: Uint8Array,
  dataBytes: number,
  lengths: Uint8Array,
  fastCodes: Int32Array,
  usePairs: boolean,
  pairInfo: Uint8Array,
  pairSymbols: Uint32Array,
  shortCodes: Int32Array,
  bucketIds: Int32Array,
  longBuckets: readonly LongCodes[],
  runSymbol: number,
  out: Uint16Array,
  outOffset: number,
  count: number,
  fail: (what: string) => VfxError,
): number {
  let bit = 0;
  let outPosition = outOffset;
  const outEnd = outOffset + count;
  const totalBits = dataBytes * 8;
  // The last bit position at which 14 bits (padding included) start.
  const limit = totalBits - DECODE_BITS;

  // Big-endian 32-bit reads: one load (and a byte swap) for the 14 bits at any bit position
  // (three byte loads before: the Huffman stage of a DWAA decode took ~20% less time).
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Where two pairs (at most 2 x 14 bits, 4 values) can follow without reaching either end.
  const pairLimit = limit - 2 * PAIR_BITS;
  const pairOutEnd = outEnd - 4;
  while (bit <= limit) {
    if (usePairs) {
      // Pairs only, away from both ends: a tight inner loop with no end checks per pair (at most
      // two pairs per 32-bit read). Anything else (a single, long or run code) goes to the loop below.
      while (bit <= pairLimit && outPosition <= pairOutEnd) {
        const word = view.getUint32(bit >>> 3);
        const pairIndex = (word << (bit & 7)) >>> (32 - PAIR_BITS);
        const pair = pairInfo[pairIndex]!;
        if (pair === 0) break;
        const symbols = pairSymbols[pairIndex]!;
        out[outPosition] = symbols & 0xffff;
        out[outPosition + 1] = symbols >>> 16;
        outPosition += 2;
        const shift = (bit & 7) + (pair >>> 4);
        bit += pair >>> 4;
        if (shift > 32 - PAIR_BITS) continue;
        // The next pair from the same 32 bits.
        const nextIndex = (word << shift) >>> (32 - PAIR_BITS);
        const next = pairInfo[nextIndex]!;
        if (next === 0) break;
        const nextSymbols = pairSymbols[nextIndex]!;
        out[outPosition] = nextSymbols & 0xffff;
        out[outPosition + 1] = nextSymbols >>> 16;
        outPosition += 2;
        bit += next >>> 4;
      }
      if (bit > limit) break;
    }
    const word = view.getUint32(bit >>> 3);
    const index = (word << (bit & 7)) >>> (32 - DECODE_BITS);
    // Two short codes at once; the second is one the loop would decode too (14 bits follow it).
    if (usePairs) {
      const pairIndex = index >>> (DECODE_BITS - PAIR_BITS);
      const pair = pairInfo[pairIndex]!;
      if (pair !== 0 && outPosition + 2 <= outEnd && bit + (pair & 15) <= limit) {
        const symbols = pairSymbols[pairIndex]!;
        out[outPosition] = symbols & 0xffff;
        out[outPosition + 1] = symbols >>> 16;
        outPosition += 2;
        const shift = (bit & 7) + (pair >>> 4);
        bit += pair >>> 4;
        // And the next pair from the same 32 bits when they hold its 14 bits (as the loop would).
        if (shift <= 32 - DECODE_BITS && bit <= limit) {
          const nextIndex = ((word << shift) >>> (32 - DECODE_BITS)) >>> (DECODE_BITS - PAIR_BITS);
          const next = pairInfo[nextIndex]!;
          if (next !== 0 && outPosition + 2 <= outEnd && bit + (next & 15) <= limit) {
            const nextSymbols = pairSymbols[nextIndex]!;
            out[outPosition] = nextSymbols & 0xffff;
            out[outPosition + 1] = nextSymbols >>> 16;
            outPosition += 2;
            bit += next >>> 4;
          }
        }
        continue;
      }
    }
    let fast = fastCodes[index >>> (DECODE_BITS - FAST_BITS)]!;
    let short = fast !== 0 ? fast : shortCodes[index]!;
    if (short !== 0 && (short & 0xffffff) !== runSymbol) {
      // Short codes other than the run code, as many as start in this 32-bit word with their 14
      // bits inside it: the next index comes from the word in a register, not from a new load at
      // the new bit position (that load made the chain from one code to the next ~2x longer).
      let shift = bit & 7;
      for (;;) {
        if (outPosition >= outEnd) throw fail(`more than the ${count} expected values`);
        out[outPosition++] = short & 0xffffff;
        const codeLength = short >>> 24;
        bit += codeLength;
        shift += codeLength;
        if (shift > 32 - DECODE_BITS || bit > limit) break;
        const next = (word << shift) >>> (32 - DECODE_BITS);
        fast = fastCodes[next >>> (DECODE_BITS - FAST_BITS)]!;
        short = fast !== 0 ? fast : shortCodes[next]!;
        if (short === 0 || (short & 0xffffff) === runSymbol) break;
      }
      continue;
    }
    let symbol: number;
    if (short !== 0) {
      bit += short >>> 24;
      symbol = short & 0xffffff;
    } else {
      const id = bucketIds[index]!;
      if (id === 0) throw fail('a code that is in no table');
      const bucket = longBuckets[id - 1]!;
      const available = totalBits - bit;
      const table = bucket.table;
      if (table !== undefined && available >= DECODE_BITS + bucket.extraBits) {
        const entry = table[peekBits(data, bit + DECODE_BITS, bucket.extraBits)]!;
        if (entry === 0) throw fail('a long code that is in no table');
        symbol = entry & 0xffffff;
        bit += entry >>> 24;
      } else {
        // The first symbol (in symbol order) whose code matches, among the lengths the rest of the data can hold.
        let found = -1;
        for (const candidateLength of bucket.lengths) {
          if (candidateLength > available) break;
          const value = codeValue(data, bit, candidateLength);
          if (value < 0) continue;
          const at = bucket.byCode.get(value * 64 + candidateLength);
          if (at !== undefined && (found < 0 || at < found)) found = at;
        }
        if (found < 0) throw fail('a long code that is in no table');
        symbol = bucket.symbols[found]!;
        bit += lengths[symbol]!;
      }
    }
    if (symbol === runSymbol) {
      if (bit + 8 > totalBits) throw fail('a run length is cut off');
      outPosition = repeatLast(out, outPosition, outOffset, outEnd, peekBits(data, bit, 8), count, fail);
      bit += 8;
    } else {
      if (outPosition >= outEnd) throw fail(`more than the ${count} expected values`);
      out[outPosition++] = symbol;
    }
  }

  mainLoopEnd = bit;
  return outPosition;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Code lengths from symbol frequencies, exactly as OpenEXR's `hufBuildEncTable` computes them
 * (including its heap order for equal frequencies, so that the output is byte-identical):
 * returns the smallest and largest coded symbol; the largest is the run-length pseudo-symbol.
 */
function buildCodeLengths(frequencies: Float64Array, lengths: Uint8Array): { min: number; max: number } {
  let min = 0;
  while (frequencies[min] === 0) min++;
  const heap = new Int32Array(ENCODE_SIZE);
  const link = new Int32Array(ENCODE_SIZE);
  let size = 0;
  let max = min;
  for (let i = min; i < ENCODE_SIZE; i++) {
    link[i] = i;
    if (frequencies[i] !== 0) {
      heap[size++] = i;
      max = i;
    }
  }
  max++;
  frequencies[max] = 1;
  heap[size++] = max;

  // A binary heap with the least frequent symbol on top (ties: the higher index first), with the
  // sift operations of libstdc++'s make_heap/pop_heap/push_heap that OpenEXR mirrors.
  const greater = (a: number, b: number): boolean =>
    frequencies[a]! > frequencies[b]! || (frequencies[a] === frequencies[b] && a > b);
  const pushUp = (hole: number, top: number, value: number): void => {
    let parent = (hole - 1) >> 1;
    while (hole > top && greater(heap[parent]!, value)) {
      heap[hole] = heap[parent]!;
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    heap[hole] = value;
  };
  const adjust = (hole: number, length: number, value: number): void => {
    const top = hole;
    let child = hole;
    while (child < (length - 1) >> 1) {
      child = 2 * (child + 1);
      if (greater(heap[child]!, heap[child - 1]!)) child--;
      heap[hole] = heap[child]!;
      hole = child;
    }
    if ((length & 1) === 0 && child === (length - 2) >> 1) {
      child = 2 * (child + 1);
      heap[hole] = heap[child - 1]!;
      hole = child - 1;
    }
    pushUp(hole, top, value);
  };
  const pop = (length: number): void => {
    if (length > 1) {
      const last = length - 1;
      const value = heap[last]!;
      heap[last] = heap[0]!;
      adjust(0, last, value);
    }
  };
  if (size >= 2) {
    for (let parent = (size - 2) >> 1; ; parent--) {
      adjust(parent, size, heap[parent]!);
      if (parent === 0) break;
    }
  }

  const depth = new Int32Array(ENCODE_SIZE);
  while (size > 1) {
    const smallest = heap[0]!;
    pop(size);
    size--;
    const second = heap[0]!;
    pop(size);
    frequencies[second]! += frequencies[smallest]!;
    pushUp(size - 1, 0, heap[size - 1]!);

    for (let j = second; ; j = link[j]!) {
      depth[j]!++;
      if (link[j] === j) {
        link[j] = smallest;
        break;
      }
    }
    for (let j = smallest; ; j = link[j]!) {
      depth[j]!++;
      if (link[j] === j) break;
    }
  }
  for (let i = 0; i < ENCODE_SIZE; i++) {
    if (depth[i]! > MAX_CODE_LENGTH) throw corruptChunk('huffman', `a code of ${depth[i]} bits is longer than the format allows`);
    lengths[i] = depth[i]!;
  }
  return { min, max };
}

/** A growable MSB-first bit writer. */
class BitWriter {
  bytes: Uint8Array;
  length = 0;
  private buffer = 0;
  private bufferBits = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  /** Writes the low `count` bits of `value` (`value` below 2^24; `count` up to 58, zero-extended). */
  write(count: number, value: number): void {
    while (count > 24) {
      const zeros = count - 24 > 16 ? 16 : count - 24;
      this.writeSmall(zeros, 0);
      count -= zeros;
    }
    if (count > 16) {
      this.writeSmall(count - 16, value >>> 16);
      this.writeSmall(16, value & 0xffff);
    } else {
      this.writeSmall(count, value);
    }
  }

  private writeSmall(count: number, value: number): void {
    this.buffer = ((this.buffer << count) | value) & 0xffffff;
    this.bufferBits += count;
    while (this.bufferBits >= 8) {
      this.bufferBits -= 8;
      this.pushByte((this.buffer >>> this.bufferBits) & 0xff);
    }
  }

  private pushByte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }

  /** Bits written so far. */
  get bitCount(): number {
    return this.length * 8 + this.bufferBits;
  }

  /** Pads the last byte with zeros. */
  flush(): void {
    if (this.bufferBits > 0) {
      this.pushByte((this.buffer << (8 - this.bufferBits)) & 0xff);
      this.bufferBits = 0;
    }
  }
}

/**
 * Encodes `values[0, count)` into an OpenEXR Huffman stream (byte-identical to OpenEXR's
 * `hufCompress`). Returns an empty array for `count === 0`, as OpenEXR does.
 */
export function huffmanEncode(values: Uint16Array, count: number): Uint8Array {
  if (count === 0) return new Uint8Array(0);
  const frequencies = new Float64Array(ENCODE_SIZE);
  for (let i = 0; i < count; i++) frequencies[values[i]!]!++;
  const lengths = new Uint8Array(ENCODE_SIZE);
  const { min, max } = buildCodeLengths(frequencies, lengths);
  const codes = new Uint32Array(ENCODE_SIZE);
  canonicalCodes(lengths, codes);

  // 1. The code table.
  const table = new BitWriter(1024);
  for (let symbol = min; symbol <= max; symbol++) {
    const codeLength = lengths[symbol]!;
    if (codeLength === 0) {
      let run = 1;
      while (symbol < max && run < LONGEST_LONG_RUN && lengths[symbol + 1] === 0) {
        symbol++;
        run++;
      }
      if (run >= 2) {
        if (run >= SHORTEST_LONG_RUN) {
          table.write(6, LONG_ZEROCODE_RUN);
          table.write(8, run - SHORTEST_LONG_RUN);
        } else {
          table.write(6, SHORT_ZEROCODE_RUN + run - 2);
        }
        continue;
      }
    }
    table.write(6, codeLength);
  }
  table.flush();

  // 2. The data: runs of one value (up to 256) become the value's code, the run code and 8 bits,
  //    when that is shorter than repeating the code.
  const data = new BitWriter(count + 64);
  const runLength = lengths[max]!;
  const runCode = codes[max]!;
  const send = (symbol: number, repeats: number): void => {
    const symbolLength = lengths[symbol]!;
    const symbolCode = codes[symbol]!;
    if (symbolLength + runLength + 8 < symbolLength * repeats) {
      data.write(symbolLength, symbolCode);
      data.write(runLength, runCode);
      data.write(8, repeats);
    } else {
      for (let i = 0; i <= repeats; i++) data.write(symbolLength, symbolCode);
    }
  };
  let current = values[0]!;
  let repeats = 0;
  for (let i = 1; i < count; i++) {
    const next = values[i]!;
    if (repeats === 255 || next !== current) {
      send(current, repeats);
      repeats = 0;
      current = next;
    } else {
      repeats++;
    }
  }
  send(current, repeats);
  const nBits = data.bitCount;
  data.flush();
  if (nBits > 0xffffffff) throw corruptChunk('huffman', 'the coded data is longer than 2^32 bits');

  const out = new Uint8Array(HEADER_SIZE + table.length + data.length);
  writeUint32(out, 0, min);
  writeUint32(out, 4, max);
  writeUint32(out, 8, table.length);
  writeUint32(out, 12, nBits);
  writeUint32(out, 16, 0);
  out.set(table.bytes.subarray(0, table.length), HEADER_SIZE);
  out.set(data.bytes.subarray(0, data.length), HEADER_SIZE + table.length);
  return out;
}
