/**
 * DWAA (code 8, 32 scanlines per chunk) and DWAB (code 9, 256 scanlines per chunk): DreamWorks
 * Animation's lossy DCT compression. See "OpenEXR File Layout" > "DWAA/DWAB Compression"
 * (openexr.com) and OpenEXR's `ImfDwaCompressor.cpp` (3.1) / `internal_dwa_*.h` (3.2+).
 *
 * Packed chunk (all integers little-endian):
 *   11 x u64   version (0, 1 or 2), unknown uncompressed / compressed size, AC compressed size,
 *              DC compressed size, RLE compressed / uncompressed / raw size, AC value count,
 *              DC value count, AC compression (0 static Huffman, 1 zlib)
 *   rules      version 2 only: u16 total size (itself included), then per rule a NUL-terminated
 *              channel-name suffix, a byte (cscIndex + 1) << 4 | scheme << 2 | caseInsensitive and
 *              a pixel type byte. Versions 0 and 1 use the legacy rules ("r", "red", "g", ... any case).
 *   unknown    zlib of the UNKNOWN channels, each channel's lines one after another
 *   AC         Huffman (see `huffman.ts`) or zlib of the run-length coded AC values of every
 *              LOSSY_DCT channel (see `dwa-lossy.ts`)
 *   DC         zlib, with OpenEXR's ZIP predictor and byte split, of the DC values
 *   RLE        zlib of OpenEXR's RLE of the RLE channels, split into byte planes
 *
 * Channels are classified by the suffix of their name after the last '.' and by their type: the
 * default rules send R, G, B, Y, BY, RY (HALF or FLOAT) to LOSSY_DCT, A to RLE, anything else to
 * UNKNOWN (zlib). R, G and B of one layer (same prefix and sampling) are coded together as Y'CbCr;
 * those sets are coded first, in sorted order of their prefix (OpenEXR 3.1 keeps them in a
 * std::map), then the remaining channels in channel-list order.
 */
import { decodeUtf8, encodeUtf8 } from '@vfxkit/core';
import { PixelType } from './types.js';
import type { ChunkInfo, CodecContext, CompressionMethod } from './types.js';
import { checkUnpackedSize, chunkGeometry, corruptChunk, hasSampleLine, inflateExactly } from './codec-support.js';
import type { ChannelGeometry } from './codec-support.js';
import { huffmanDecode, huffmanEncode, maxHuffmanValues } from './huffman.js';
import { prepareRowProducts, rowProductTable } from './dwa-dct.js';
import { ValueList, decodeLossyDct, encodeLossyDct } from './dwa-lossy.js';
import type { LossyChannel, ValueCursor } from './dwa-lossy.js';
import { dwaToLinearTable, dwaToNonlinearTable } from './dwa-tables.js';

/** How a channel is coded. */
const Scheme = { UNKNOWN: 0, LOSSY_DCT: 1, RLE: 2 } as const;
type Scheme = (typeof Scheme)[keyof typeof Scheme];

const AcCompression = { STATIC_HUFFMAN: 0, DEFLATE: 1 } as const;

/** The default compression level (`dwaCompressionLevel`). */
export const DEFAULT_DWA_LEVEL = 45;

const HEADER_SIZE = 11 * 8;
const VERSION = 0;
const UNKNOWN_UNCOMPRESSED_SIZE = 1;
const UNKNOWN_COMPRESSED_SIZE = 2;
const AC_COMPRESSED_SIZE = 3;
const DC_COMPRESSED_SIZE = 4;
const RLE_COMPRESSED_SIZE = 5;
const RLE_UNCOMPRESSED_SIZE = 6;
const RLE_RAW_SIZE = 7;
const AC_UNCOMPRESSED_COUNT = 8;
const DC_UNCOMPRESSED_COUNT = 9;
const AC_COMPRESSION = 10;

/** A channel classification rule. */
interface DwaRule {
  suffix: string;
  scheme: Scheme;
  type: PixelType;
  /** 0, 1, 2 for the R, G, B of a Y'CbCr set; -1 otherwise. */
  cscIndex: number;
  caseInsensitive: boolean;
}

function rule(suffix: string, scheme: Scheme, type: PixelType, cscIndex: number, caseInsensitive: boolean): DwaRule {
  return { suffix, scheme, type, cscIndex, caseInsensitive };
}

const { HALF, FLOAT, UINT } = PixelType;
const { LOSSY_DCT, RLE } = Scheme;

const DEFAULT_RULES: readonly DwaRule[] = [
  rule('R', LOSSY_DCT, HALF, 0, false),
  rule('R', LOSSY_DCT, FLOAT, 0, false),
  rule('G', LOSSY_DCT, HALF, 1, false),
  rule('G', LOSSY_DCT, FLOAT, 1, false),
  rule('B', LOSSY_DCT, HALF, 2, false),
  rule('B', LOSSY_DCT, FLOAT, 2, false),
  rule('Y', LOSSY_DCT, HALF, -1, false),
  rule('Y', LOSSY_DCT, FLOAT, -1, false),
  rule('BY', LOSSY_DCT, HALF, -1, false),
  rule('BY', LOSSY_DCT, FLOAT, -1, false),
  rule('RY', LOSSY_DCT, HALF, -1, false),
  rule('RY', LOSSY_DCT, FLOAT, -1, false),
  rule('A', RLE, UINT, -1, false),
  rule('A', RLE, HALF, -1, false),
  rule('A', RLE, FLOAT, -1, false),
];

const LEGACY_RULES: readonly DwaRule[] = [
  ...[
    ['r', 0],
    ['red', 0],
    ['g', 1],
    ['grn', 1],
    ['green', 1],
    ['b', 2],
    ['blu', 2],
    ['blue', 2],
    ['y', -1],
    ['by', -1],
    ['ry', -1],
  ].flatMap(([suffix, index]) => [
    rule(suffix as string, LOSSY_DCT, HALF, index as number, true),
    rule(suffix as string, LOSSY_DCT, FLOAT, index as number, true),
  ]),
  rule('a', RLE, UINT, -1, true),
  rule('a', RLE, HALF, -1, true),
  rule('a', RLE, FLOAT, -1, true),
];

function matches(rule: DwaRule, suffix: string, type: PixelType): boolean {
  if (rule.type !== type) return false;
  return rule.caseInsensitive ? suffix.toLowerCase() === rule.suffix.toLowerCase() : suffix === rule.suffix;
}

function splitName(name: string): { prefix: string; suffix: string } {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { prefix: '', suffix: name } : { prefix: name.slice(0, dot), suffix: name.slice(dot + 1) };
}

/** Each channel's scheme, and the Y'CbCr sets as [r, g, b] channel indices. */
function classify(channels: readonly ChannelGeometry[], rules: readonly DwaRule[]): { schemes: Scheme[]; cscSets: number[][] } {
  const schemes: Scheme[] = [];
  const prefixes = new Map<string, number[]>();
  channels.forEach((channel, index) => {
    const { prefix, suffix } = splitName(channel.name);
    let set = prefixes.get(prefix);
    if (set === undefined) prefixes.set(prefix, (set = [-1, -1, -1]));
    let scheme: Scheme = Scheme.UNKNOWN;
    for (const candidate of rules) {
      if (matches(candidate, suffix, channel.type)) {
        scheme = candidate.scheme;
        if (candidate.cscIndex >= 0) set[candidate.cscIndex] = index;
      }
    }
    schemes.push(scheme);
  });
  const cscSets: number[][] = [];
  for (const prefix of [...prefixes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [red, green, blue] = prefixes.get(prefix)! as [number, number, number];
    if (red < 0 || green < 0 || blue < 0) continue;
    const r = channels[red]!;
    const g = channels[green]!;
    const b = channels[blue]!;
    if (r.xSampling !== g.xSampling || r.xSampling !== b.xSampling || r.ySampling !== g.ySampling || r.ySampling !== b.ySampling) continue;
    cscSets.push([red, green, blue]);
  }
  return { schemes, cscSets };
}

/** Parses the version-2 rules at `packed[offset]`; returns them and their size in bytes. */
function readRules(packed: Uint8Array, offset: number, end: number, method: string): { rules: DwaRule[]; size: number } {
  if (offset + 2 > end) throw corruptChunk(method, 'the chunk ends before its channel rules');
  const size = packed[offset]! | (packed[offset + 1]! << 8);
  if (size < 2) throw corruptChunk(method, `the channel rules declare ${size} bytes, less than their own size field`);
  if (offset + size > end) throw corruptChunk(method, `the channel rules (${size} bytes) run past the end of the chunk`);
  const rules: DwaRule[] = [];
  let at = offset + 2;
  const rulesEnd = offset + size;
  while (at < rulesEnd) {
    let nul = at;
    while (nul < rulesEnd && packed[nul] !== 0) nul++;
    if (nul - at > 255 || nul + 3 > rulesEnd) throw corruptChunk(method, 'a channel rule is cut off');
    const suffix = decodeUtf8(packed.subarray(at, nul));
    const value = packed[nul + 1]!;
    const type = packed[nul + 2]!;
    const cscIndex = (value >> 4) - 1;
    const scheme = (value >> 2) & 3;
    if (cscIndex > 2) throw corruptChunk(method, `a channel rule has colour index ${cscIndex}`);
    if (scheme > 2) throw corruptChunk(method, `a channel rule has scheme ${scheme}`);
    if (type > 2) throw corruptChunk(method, `a channel rule has pixel type ${type}`);
    rules.push(rule(suffix, scheme as Scheme, type as PixelType, cscIndex, (value & 1) !== 0));
    at = nul + 3;
  }
  return { rules, size };
}

let rleBuffer = new Uint8Array(0);

/** Room for `size` bytes of RLE output, reused from chunk to chunk up to 4 MiB (larger: their own array). */
function rleScratch(size: number): Uint8Array {
  if (size > 1 << 22) return new Uint8Array(size);
  if (rleBuffer.length < size) rleBuffer = new Uint8Array(Math.min(1 << 22, Math.max(size, rleBuffer.length * 2)));
  return rleBuffer.subarray(0, size);
}

/** OpenEXR's RLE (`rleUncompress`): n < 0 copies -n bytes, n >= 0 repeats the next byte n + 1 times. */
function rleDecode(input: Uint8Array, outSize: number, method: string): Uint8Array {
  // Every byte of `out` is written before the end check passes: a reused array is as good as a new one.
  const out = rleScratch(outSize);
  const written = rleRuns(input, out, outSize, method);
  if (written !== outSize) throw corruptChunk(method, `the RLE data decodes to ${written} bytes, expected ${outSize}`);
  return out;
}

/**
 * The loop of `rleDecode`: decodes all of `input` into `out` (at most `outSize` bytes) and returns
 * the count. Kept apart from the end check: V8 compiles this loop during the first call (on-stack
 * replacement), before any code after the loop has run; with the check after the loop, that
 * compiled loop gave up at the check in later calls (up to ~200 times in 12 HD DWAA decodes, each
 * call then run partly in the interpreter: some decodes took 175 ms instead of 125).
 */
function rleRuns(input: Uint8Array, out: Uint8Array, outSize: number, method: string): number {
  let at = 0;
  let output = 0;
  while (at < input.length) {
    const count = (input[at++]! << 24) >> 24;
    if (count < 0) {
      const length = -count;
      if (at + length > input.length || output + length > outSize) throw corruptChunk(method, 'the RLE data runs past its end');
      // Runs are at most 127 bytes: a plain loop beats making a subarray for set() on short ones.
      if (length >= 48) out.set(input.subarray(at, at + length), output);
      else for (let i = 0; i < length; i++) out[output + i] = input[at + i]!;
      at += length;
      output += length;
    } else {
      if (at >= input.length || output + count + 1 > outSize) throw corruptChunk(method, 'the RLE data runs past its end');
      const value = input[at++]!;
      for (let i = 0; i <= count; i++) out[output + i] = value;
      output += count + 1;
    }
  }
  return output;
}

/** OpenEXR's RLE (`rleCompress`): runs of 3 or more equal bytes (up to 128), literals up to 127. */
function rleEncode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length + Math.ceil(input.length / 127) + 2);
  let output = 0;
  let runStart = 0;
  let runEnd = 1;
  const end = input.length;
  while (runStart < end) {
    while (runEnd < end && input[runStart] === input[runEnd] && runEnd - runStart - 1 < 127) runEnd++;
    if (runEnd - runStart >= 3) {
      out[output++] = runEnd - runStart - 1;
      out[output++] = input[runStart]!;
      runStart = runEnd;
    } else {
      while (
        runEnd < end &&
        ((runEnd + 1 >= end || input[runEnd] !== input[runEnd + 1]) || (runEnd + 2 >= end || input[runEnd + 1] !== input[runEnd + 2])) &&
        runEnd - runStart < 127
      ) {
        runEnd++;
      }
      out[output++] = (runStart - runEnd) & 0xff;
      while (runStart < runEnd) out[output++] = input[runStart++]!;
    }
    runEnd++;
  }
  return out.subarray(0, output);
}

/** Undoes OpenEXR's ZIP predictor and byte split (`Zip::uncompress` after inflate). */
function zipReconstruct(bytes: Uint8Array): Uint8Array {
  for (let i = 1; i < bytes.length; i++) bytes[i] = (bytes[i - 1]! + bytes[i]! - 128) & 0xff;
  const out = new Uint8Array(bytes.length);
  const half = (bytes.length + 1) >> 1;
  for (let i = 0, first = 0, second = half; i < bytes.length; ) {
    out[i++] = bytes[first++]!;
    if (i < bytes.length) out[i++] = bytes[second++]!;
  }
  return out;
}

/** OpenEXR's ZIP byte split and predictor (`Zip::compress` before deflate). */
function zipDeconstruct(bytes: Uint8Array): Uint8Array {
  const split = new Uint8Array(bytes.length);
  const half = (bytes.length + 1) >> 1;
  for (let i = 0, first = 0, second = half; i < bytes.length; ) {
    split[first++] = bytes[i++]!;
    if (i < bytes.length) split[second++] = bytes[i++]!;
  }
  for (let i = split.length - 1; i > 0; i--) split[i] = (split[i]! - split[i - 1]! + 128 + 256) & 0xff;
  return split;
}

function readSize(view: DataView, index: number, method: string): number {
  const low = view.getUint32(index * 8, true);
  const high = view.getUint32(index * 8 + 4, true);
  if (high !== 0) throw corruptChunk(method, `header field ${index} is ${high} * 2^32 + ${low}, far more than a chunk can hold`);
  return low;
}

/** Byte offsets of each sampled line of each channel in the chunk's Xdr buffer. */
function lineOffsets(info: ChunkInfo, channels: readonly ChannelGeometry[]): number[][] {
  const rows = channels.map((): number[] => []);
  let offset = 0;
  for (let line = 0; line < info.height; line++) {
    const y = info.yMin + line;
    channels.forEach((channel, c) => {
      if (channel.height === 0 || !hasSampleLine(y, channel.ySampling)) return;
      rows[c]!.push(offset);
      offset += channel.width * channel.bytesPerSample;
    });
  }
  return rows;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let acBuffer = new Uint16Array(0);

/**
 * Room for `count` AC values, reused from chunk to chunk (decoding is synchronous and the values
 * are only read while the chunk is decoded). Every value read is written first: the Huffman and
 * zlib paths fill exactly `count` values and the cursor never reads past `count`.
 */
function acScratch(count: number): Uint16Array {
  // Kept only up to 4 MiB (a DWAB chunk 8K pixels wide): larger chunks get their own array.
  if (count > 1 << 21) return new Uint16Array(count);
  if (acBuffer.length < count) acBuffer = new Uint16Array(Math.min(1 << 21, Math.max(count, acBuffer.length * 2)));
  return acBuffer;
}

/**
 * An RLE channel's samples from byte planes (byte k of every sample of the channel, then byte
 * k + 1, ...) at `planes[start]` into its lines of the Xdr buffer (line offsets `rows`).
 */
function interleavePlanes(planes: Uint8Array, start: number, width: number, height: number, bytesPerSample: number, rows: readonly number[], out: Uint8Array): void {
  const plane = width * height;
  for (let line = 0; line < height; line++) {
    let at = rows[line]!;
    const source = start + line * width;
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < bytesPerSample; k++) out[at++] = planes[source + k * plane + x]!;
    }
  }
}

/** `interleavePlanes` for 2-byte samples, as little-endian 16-bit stores into `words` (the Xdr buffer). */
function interleavePlanes16(planes: Uint8Array, start: number, width: number, height: number, rows: readonly number[], words: Uint16Array): void {
  const plane = width * height;
  for (let line = 0; line < height; line++) {
    const word = rows[line]! >> 1;
    const low = start + line * width;
    const high = low + plane;
    // Four at a time (fewer loop checks; ~1.5x faster in V8), then the rest.
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const a = planes[low + x]! | (planes[high + x]! << 8);
      const b = planes[low + x + 1]! | (planes[high + x + 1]! << 8);
      const c = planes[low + x + 2]! | (planes[high + x + 2]! << 8);
      const d = planes[low + x + 3]! | (planes[high + x + 3]! << 8);
      words[word + x] = a;
      words[word + x + 1] = b;
      words[word + x + 2] = c;
      words[word + x + 3] = d;
    }
    for (; x < width; x++) words[word + x] = planes[low + x]! | (planes[high + x]! << 8);
  }
}

/**
 * `count` little-endian 16-bit values of `bytes` into `values`. (The loops of `dwaDecompress` are in
 * functions of their own: V8 compiles a long loop while its function runs, on-stack, before the code
 * after the loop has run, and such a compiled `dwaDecompress` gave up at that code again and again,
 * up to 10 times in 12 HD decodes, each time finishing the chunk in the interpreter.)
 */
function readWords(bytes: Uint8Array, values: Uint16Array, count: number): void {
  for (let i = 0; i < count; i++) values[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
}

/** `prepareRowProducts` for every value of `halves` (16-bit values; a larger one is no half). */
function prepareAll(halves: Int32Array | Uint16Array): void {
  const products = rowProductTable();
  for (let i = 0; i < halves.length; i++) if (halves[i]! < 65536) prepareRowProducts(products, halves[i]!);
}

/**
 * Decompresses one DWAA or DWAB chunk into its Xdr buffer: `output` when it is given and large
 * enough (every byte of the chunk is written), else a new array.
 */
export function dwaDecompress(packed: Uint8Array, info: ChunkInfo, context: CodecContext, method = 'dwaa', output?: Uint8Array): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(method, info, channels);

  // 1. The header counters.
  if (packed.length < HEADER_SIZE) throw corruptChunk(method, `the chunk is ${packed.length} bytes, shorter than its ${HEADER_SIZE}-byte header`);
  const view = new DataView(packed.buffer, packed.byteOffset, HEADER_SIZE);
  const size = (index: number): number => readSize(view, index, method);
  const version = size(VERSION);
  const unknownUncompressedSize = size(UNKNOWN_UNCOMPRESSED_SIZE);
  const unknownCompressedSize = size(UNKNOWN_COMPRESSED_SIZE);
  const acCompressedSize = size(AC_COMPRESSED_SIZE);
  const dcCompressedSize = size(DC_COMPRESSED_SIZE);
  const rleCompressedSize = size(RLE_COMPRESSED_SIZE);
  const rleUncompressedSize = size(RLE_UNCOMPRESSED_SIZE);
  const rleRawSize = size(RLE_RAW_SIZE);
  const acCount = size(AC_UNCOMPRESSED_COUNT);
  const dcCount = size(DC_UNCOMPRESSED_COUNT);
  const acCompression = size(AC_COMPRESSION);
  if (version > 2) throw corruptChunk(method, `unknown DWA version ${version} (0, 1 and 2 exist)`);
  if (unknownUncompressedSize + rleRawSize > info.unpackedSize) {
    throw corruptChunk(method, `the header declares ${unknownUncompressedSize + rleRawSize} bytes of zlib and RLE data for a ${info.unpackedSize}-byte chunk`);
  }

  // 2. Channel rules and classification.
  let offset = HEADER_SIZE;
  let rules = LEGACY_RULES;
  if (version >= 2) {
    const read = readRules(packed, offset, packed.length, method);
    rules = read.rules;
    offset += read.size;
  }
  const compressedTotal = unknownCompressedSize + acCompressedSize + dcCompressedSize + rleCompressedSize;
  if (offset + compressedTotal > packed.length) {
    throw corruptChunk(method, `the header declares ${compressedTotal} bytes of data but the chunk has ${packed.length - offset} after its header`);
  }
  const { schemes, cscSets } = classify(channels, rules);
  const sizeOf = (scheme: Scheme): number =>
    channels.reduce((sum, channel, c) => (schemes[c] === scheme ? sum + channel.width * channel.height * channel.bytesPerSample : sum), 0);
  const unknownBytes = sizeOf(Scheme.UNKNOWN);
  const rleBytes = sizeOf(Scheme.RLE);
  if (unknownBytes > 0 ? unknownUncompressedSize < unknownBytes || unknownCompressedSize === 0 : unknownUncompressedSize > 0 || unknownCompressedSize > 0) {
    throw corruptChunk(method, `the zlib section (${unknownUncompressedSize} bytes) does not fit the ${unknownBytes} bytes of its channels`);
  }
  if (rleBytes > 0 ? rleRawSize < rleBytes || rleCompressedSize === 0 : rleRawSize > 0 || rleCompressedSize > 0 || rleUncompressedSize > 0) {
    throw corruptChunk(method, `the RLE section (${rleRawSize} bytes) does not fit the ${rleBytes} bytes of its channels`);
  }
  const lossyChannels = schemes.filter((scheme) => scheme === Scheme.LOSSY_DCT).length;
  const blocks = Math.ceil(info.height / 8) * Math.ceil(info.width / 8) * lossyChannels;
  if (acCount > blocks * 63 || dcCount > blocks) {
    throw corruptChunk(method, `the header declares ${acCount} AC and ${dcCount} DC values, more than ${lossyChannels} DCT channels can have`);
  }

  // 3. The sections.
  const unknownStart = offset;
  const acStart = unknownStart + unknownCompressedSize;
  const dcStart = acStart + acCompressedSize;
  const rleStart = dcStart + dcCompressedSize;
  let unknown: Uint8Array = new Uint8Array(0);
  if (unknownCompressedSize > 0) {
    unknown = inflateExactly(context, packed.subarray(unknownStart, acStart), unknownUncompressedSize, method, 'zlib section');
  }
  if (acCount > 0 && acCompression === AcCompression.STATIC_HUFFMAN && acCount > maxHuffmanValues(acCompressedSize)) {
    throw corruptChunk(method, `${acCompressedSize} bytes of Huffman data cannot hold ${acCount} AC values`);
  }
  const ac: ValueCursor = { values: acScratch(acCount), position: 0, end: acCount };
  if (acCount > 0) {
    if (acCompressedSize === 0) throw corruptChunk(method, `the header declares ${acCount} AC values but no AC data`);
    // The inverse DCT's row-pass products of every AC value (see `rowProductTable`): the symbols of
    // the Huffman code (a few hundred), or every value of a zlib-coded section.
    if (acCompression === AcCompression.STATIC_HUFFMAN) {
      prepareAll(huffmanDecode(packed, acStart, acCompressedSize, ac.values, 0, acCount, method));
    } else if (acCompression === AcCompression.DEFLATE) {
      const bytes = inflateExactly(context, packed.subarray(acStart, dcStart), acCount * 2, method, 'AC section');
      readWords(bytes, ac.values, acCount);
      prepareAll(ac.values.subarray(0, acCount));
    } else {
      throw corruptChunk(method, `unknown AC compression ${acCompression} (0 Huffman and 1 zlib exist)`);
    }
  }
  const dc: ValueCursor = { values: new Uint16Array(dcCount), position: 0, end: dcCount };
  if (dcCompressedSize > 0) {
    const bytes = zipReconstruct(inflateExactly(context, packed.subarray(dcStart, rleStart), dcCount * 2, method, 'DC section'));
    readWords(bytes, dc.values, dcCount);
  } else if (dcCount !== 0) {
    throw corruptChunk(method, `the header declares ${dcCount} DC values but no DC data`);
  }
  let rle: Uint8Array = new Uint8Array(0);
  if (rleRawSize > 0) {
    const maxRle = 2 * rleBytes + 16;
    if (rleUncompressedSize > maxRle) throw corruptChunk(method, `the RLE section declares ${rleUncompressedSize} bytes, more than its channels can need`);
    const runs = inflateExactly(context, packed.subarray(rleStart, rleStart + rleCompressedSize), rleUncompressedSize, method, 'RLE section');
    rle = rleDecode(runs, rleRawSize, method);
  }

  // 4. The channels, into the Xdr buffer.
  const out = output !== undefined && output.length >= info.unpackedSize ? output.subarray(0, info.unpackedSize) : new Uint8Array(info.unpackedSize);
  const rows = lineOffsets(info, channels);
  const done = channels.map(() => false);
  const toLinear = dwaToLinearTable();
  for (const set of cscSets) {
    if (set.some((c) => schemes[c] !== Scheme.LOSSY_DCT)) throw corruptChunk(method, 'a colour set has a channel that is not DCT coded');
    const first = channels[set[0]!]!;
    const lossy = set.map((c): LossyChannel => ({ type: channels[c]!.type, rows: rows[c]! }));
    decodeLossyDct(lossy, first.width, first.height, ac, dc, toLinear, out, method);
    for (const c of set) done[c] = true;
  }
  let unknownAt = 0;
  let rleAt = 0;
  // Little-endian 16-bit stores for HALF RLE channels where the platform matches the Xdr order.
  const words = LITTLE_ENDIAN ? new Uint16Array(out.buffer, out.byteOffset, out.byteLength >> 1) : undefined;
  for (let c = 0; c < channels.length; c++) {
    if (done[c]) continue;
    const channel = channels[c]!;
    const { width, height, bytesPerSample } = channel;
    const lineBytes = width * bytesPerSample;
    if (schemes[c] === Scheme.LOSSY_DCT) {
      const lossy: LossyChannel[] = [{ type: channel.type, rows: rows[c]! }];
      decodeLossyDct(lossy, width, height, ac, dc, channel.pLinear ? undefined : toLinear, out, method);
    } else if (schemes[c] === Scheme.RLE) {
      if (bytesPerSample === 2 && words !== undefined) interleavePlanes16(rle, rleAt, width, height, rows[c]!, words);
      else interleavePlanes(rle, rleAt, width, height, bytesPerSample, rows[c]!, out);
      rleAt += width * height * bytesPerSample;
    } else {
      for (let line = 0; line < height; line++) {
        out.set(unknown.subarray(unknownAt, unknownAt + lineBytes), rows[c]![line]!);
        unknownAt += lineBytes;
      }
    }
  }
  return out;
}

/** Options of the DWA compressors. */
export interface DwaOptions {
  /** `dwaCompressionLevel`: the base quantization error is level / 100000. Default 45. */
  level?: number;
  /** zlib level for the zlib, DC and RLE sections (OpenEXR uses 9 for zlib and RLE). */
  zlibLevel?: number;
}

/** Compresses one chunk's Xdr buffer with DWA (the same bytes for DWAA and DWAB; only the chunk height differs). */
export function dwaCompress(raw: Uint8Array, info: ChunkInfo, context: CodecContext, options: DwaOptions = {}, method = 'dwaa'): Uint8Array {
  const channels = chunkGeometry(info);
  checkUnpackedSize(method, info, channels);
  if (raw.length !== info.unpackedSize) throw corruptChunk(method, `the raw chunk is ${raw.length} bytes, expected ${info.unpackedSize}`);
  const level = options.level ?? DEFAULT_DWA_LEVEL;
  const baseError = Math.fround(Math.fround(level) / 100000);

  // 1. Rules: the default rules that match at least one channel, in rule order.
  const relevant = DEFAULT_RULES.filter((candidate) => channels.some((channel) => matches(candidate, splitName(channel.name).suffix, channel.type)));
  const ruleBytes = relevant.map((candidate) => {
    const suffix = encodeUtf8(candidate.suffix);
    const bytes = new Uint8Array(suffix.length + 3);
    bytes.set(suffix);
    bytes[suffix.length + 1] = (((candidate.cscIndex + 1) & 15) << 4) | ((candidate.scheme & 3) << 2) | (candidate.caseInsensitive ? 1 : 0);
    bytes[suffix.length + 2] = candidate.type;
    return bytes;
  });
  const rulesSize = 2 + ruleBytes.reduce((sum, bytes) => sum + bytes.length, 0);
  const { schemes, cscSets } = classify(channels, DEFAULT_RULES);

  // 2. Channel data by scheme.
  const rows = lineOffsets(info, channels);
  const ac = new ValueList(1024);
  const dc = new ValueList(256);
  const done = channels.map(() => false);
  const toNonlinear = dwaToNonlinearTable();
  for (const set of cscSets) {
    const first = channels[set[0]!]!;
    const lossy = set.map((c): LossyChannel => ({ type: channels[c]!.type, rows: rows[c]! }));
    encodeLossyDct(lossy, first.width, first.height, raw, toNonlinear, baseError, ac, dc);
    for (const c of set) done[c] = true;
  }
  const unknownParts: Uint8Array[] = [];
  const rleParts: Uint8Array[] = [];
  channels.forEach((channel, c) => {
    if (done[c]) return;
    const { width, height, bytesPerSample } = channel;
    if (schemes[c] === Scheme.LOSSY_DCT) {
      encodeLossyDct([{ type: channel.type, rows: rows[c]! }], width, height, raw, channel.pLinear ? undefined : toNonlinear, baseError, ac, dc);
    } else if (schemes[c] === Scheme.RLE) {
      const plane = width * height;
      const planes = new Uint8Array(plane * bytesPerSample);
      for (let line = 0; line < height; line++) {
        let at = rows[c]![line]!;
        for (let x = 0; x < width; x++) {
          for (let k = 0; k < bytesPerSample; k++) planes[k * plane + line * width + x] = raw[at++]!;
        }
      }
      rleParts.push(planes);
    } else {
      const lineBytes = width * bytesPerSample;
      const part = new Uint8Array(lineBytes * height);
      for (let line = 0; line < height; line++) part.set(raw.subarray(rows[c]![line]!, rows[c]![line]! + lineBytes), line * lineBytes);
      unknownParts.push(part);
    }
  });

  // 3. The sections.
  const concat = (parts: Uint8Array[]): Uint8Array => {
    const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return all;
  };
  const unknownRaw = concat(unknownParts);
  const unknownPacked = unknownRaw.length > 0 ? context.zlib.deflate(unknownRaw, options.zlibLevel ?? 9) : new Uint8Array(0);
  const acPacked = ac.length > 0 ? huffmanEncode(ac.values, ac.length) : new Uint8Array(0);
  let dcPacked: Uint8Array = new Uint8Array(0);
  if (dc.length > 0) {
    const bytes = new Uint8Array(dc.length * 2);
    for (let i = 0; i < dc.length; i++) {
      bytes[2 * i] = dc.values[i]! & 0xff;
      bytes[2 * i + 1] = dc.values[i]! >>> 8;
    }
    dcPacked = context.zlib.deflate(zipDeconstruct(bytes), options.zlibLevel);
  }
  const rleRaw = concat(rleParts);
  const rleRuns = rleRaw.length > 0 ? rleEncode(rleRaw) : new Uint8Array(0);
  const rlePacked = rleRuns.length > 0 ? context.zlib.deflate(rleRuns, options.zlibLevel ?? 9) : new Uint8Array(0);

  const out = new Uint8Array(HEADER_SIZE + rulesSize + unknownPacked.length + acPacked.length + dcPacked.length + rlePacked.length);
  const view = new DataView(out.buffer);
  const counters = [2, unknownRaw.length, unknownPacked.length, acPacked.length, dcPacked.length, rlePacked.length, rleRuns.length, rleRaw.length, ac.length, dc.length, AcCompression.STATIC_HUFFMAN];
  counters.forEach((value, index) => view.setUint32(index * 8, value, true));
  let at = HEADER_SIZE;
  out[at] = rulesSize & 0xff;
  out[at + 1] = rulesSize >> 8;
  at += 2;
  for (const bytes of ruleBytes) {
    out.set(bytes, at);
    at += bytes.length;
  }
  for (const section of [unknownPacked, acPacked, dcPacked, rlePacked]) {
    out.set(section, at);
    at += section.length;
  }
  return out;
}

/** A DWAA method with its own options (the `dwaa` object uses the defaults). */
export function dwaaMethod(options: DwaOptions = {}): CompressionMethod {
  return {
    name: 'dwaa',
    code: 8,
    linesPerChunk: 32,
    lossy: true,
    decompress: (packed, info, context, output) => dwaDecompress(packed, info, context, 'dwaa', output),
    compress: (raw, info, context) => dwaCompress(raw, info, context, options, 'dwaa'),
  };
}

/** A DWAB method with its own options (the `dwab` object uses the defaults). */
export function dwabMethod(options: DwaOptions = {}): CompressionMethod {
  return {
    name: 'dwab',
    code: 9,
    linesPerChunk: 256,
    lossy: true,
    decompress: (packed, info, context, output) => dwaDecompress(packed, info, context, 'dwab', output),
    compress: (raw, info, context) => dwaCompress(raw, info, context, options, 'dwab'),
  };
}

/** DWAA: lossy DCT, 32 scanlines per chunk. */
export const dwaa: CompressionMethod = dwaaMethod();

/** DWAB: lossy DCT, 256 scanlines per chunk. */
export const dwab: CompressionMethod = dwabMethod();
