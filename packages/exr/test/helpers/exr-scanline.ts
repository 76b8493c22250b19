/**
 * Just enough of a single-part scanline OpenEXR reader and writer to test the compression methods
 * on real bytes without the package's own header and chunk layer: the header attributes `channels`,
 * `compression` and `dataWindow`, the offset table, and each chunk's `y` and packed bytes. It can
 * also reassemble a file from other packed chunks (a new compression attribute and offset table),
 * so that OpenEXR's own tools can read what our compressors wrote.
 *
 * Test-only: it trusts its input far more than the real reader may (a `lenient` mode keeps going on
 * the damaged files of the `invalid/` fixtures, clipping chunks at the end of the file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzlibSync, zlibSync } from 'fflate';
import type { ChunkChannel, ChunkInfo, CodecContext, CompressionMethod, PixelType, ZlibCodec } from '../../src/compression/types.js';

export const Compression = { NONE: 0, RLE: 1, ZIPS: 2, ZIP: 3, PIZ: 4, PXR24: 5, B44: 6, B44A: 7, DWAA: 8, DWAB: 9 } as const;
const LINES_PER_CHUNK = [1, 1, 1, 16, 32, 16, 32, 32, 32, 256];

export function linesPerChunk(compression: number): number {
  const lines = LINES_PER_CHUNK[compression];
  if (lines === undefined) throw new Error(`unknown compression ${compression}`);
  return lines;
}

export interface ExrAttribute {
  name: string;
  type: string;
  /** Offset of the value in the file. */
  offset: number;
  size: number;
}

export interface ExrChunk {
  y: number;
  /** Offset of the chunk (its y field) in the file. */
  offset: number;
  packed: Uint8Array;
  info: ChunkInfo;
}

export interface ScanlineExr {
  bytes: Uint8Array;
  attributes: Map<string, ExrAttribute>;
  channels: ChunkChannel[];
  compression: number;
  dataWindow: { xMin: number; yMin: number; xMax: number; yMax: number };
  /** Offset of the offset table (the byte after the header's terminating null). */
  headerEnd: number;
  chunks: ExrChunk[];
}

function bytesPerSample(type: number): number {
  return type === 1 ? 2 : 4;
}

function sampled(start: number, size: number, sampling: number): number {
  if (sampling <= 1) return size;
  return Math.floor((start + size - 1) / sampling) - Math.floor((start - 1) / sampling);
}

/** The ChunkInfo of the chunk starting at line `y`. */
export function chunkInfo(exr: Pick<ScanlineExr, 'channels' | 'dataWindow'>, y: number, lines: number): ChunkInfo {
  const { xMin, xMax, yMax } = exr.dataWindow;
  const width = xMax - xMin + 1;
  const height = Math.max(0, Math.min(lines, yMax - y + 1));
  let unpackedSize = 0;
  for (const channel of exr.channels) {
    unpackedSize += sampled(xMin, width, channel.xSampling) * sampled(y, height, channel.ySampling) * bytesPerSample(channel.type);
  }
  return { channels: exr.channels, xMin, yMin: y, width, height, unpackedSize };
}

const LENIENT_SIZES: Record<string, number> = { compression: 1, lineOrder: 1, box2i: 16, box2f: 16, float: 4, double: 8, int: 4, v2f: 8, v2i: 8, v3f: 12 };

function readCString(bytes: Uint8Array, offset: number, end: number): [string, number] {
  let i = offset;
  while (i < end && bytes[i] !== 0) i++;
  return [new TextDecoder('latin1').decode(bytes.subarray(offset, i)), i + 1];
}

/** Parses a single-part scanline file. `lenient` clips chunks at the end of a damaged file. */
export function parseScanlineExr(bytes: Uint8Array, options: { lenient?: boolean } = {}): ScanlineExr {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 20000630) throw new Error('not an OpenEXR file');
  const flags = view.getUint32(4, true) >>> 8;
  if (flags & (0x02 | 0x08 | 0x10)) throw new Error('only single-part scanline files are supported by this test helper');
  const attributes = new Map<string, ExrAttribute>();
  let offset = 8;
  for (;;) {
    if (offset >= bytes.length) throw new Error('header runs past the end of the file');
    if (bytes[offset] === 0) {
      offset++;
      break;
    }
    const [name, afterName] = readCString(bytes, offset, bytes.length);
    const [type, afterType] = readCString(bytes, afterName, bytes.length);
    let size = view.getInt32(afterType, true);
    if (options.lenient) {
      // Like OpenEXR's C++ reader, read known types by their own layout whatever size is declared.
      const fixed = LENIENT_SIZES[type];
      if (fixed !== undefined) size = fixed;
      else if (type === 'chlist') {
        let end = afterType + 4;
        while (end < bytes.length && bytes[end] !== 0) end = readCString(bytes, end, bytes.length)[1] + 16;
        size = end + 1 - (afterType + 4);
      }
    }
    if (size < 0 || afterType + 4 + size > bytes.length) throw new Error(`attribute ${name} runs past the end of the file`);
    attributes.set(name, { name, type, offset: afterType + 4, size });
    offset = afterType + 4 + size;
  }
  const headerEnd = offset;

  const channelsAttribute = attributes.get('channels');
  const compressionAttribute = attributes.get('compression');
  const windowAttribute = attributes.get('dataWindow');
  if (!channelsAttribute || !compressionAttribute || !windowAttribute) throw new Error('missing a required attribute');
  const channels: ChunkChannel[] = [];
  let at = channelsAttribute.offset;
  const channelsEnd = channelsAttribute.offset + channelsAttribute.size;
  while (at < channelsEnd && bytes[at] !== 0) {
    const [name, next] = readCString(bytes, at, channelsEnd);
    const type = view.getInt32(next, true) as PixelType;
    const pLinear = bytes[next + 4] !== 0;
    const xSampling = view.getInt32(next + 8, true);
    const ySampling = view.getInt32(next + 12, true);
    channels.push({ name, type, pLinear, xSampling, ySampling });
    at = next + 16;
  }
  const compression = bytes[compressionAttribute.offset]!;
  const dataWindow = {
    xMin: view.getInt32(windowAttribute.offset, true),
    yMin: view.getInt32(windowAttribute.offset + 4, true),
    xMax: view.getInt32(windowAttribute.offset + 8, true),
    yMax: view.getInt32(windowAttribute.offset + 12, true),
  };
  const lines = linesPerChunk(compression);
  const chunkCount = Math.ceil((dataWindow.yMax - dataWindow.yMin + 1) / lines);
  const exr: ScanlineExr = { bytes, attributes, channels, compression, dataWindow, headerEnd, chunks: [] };
  for (let i = 0; i < chunkCount; i++) {
    const tableAt = headerEnd + 8 * i;
    if (tableAt + 8 > bytes.length) {
      if (options.lenient) break;
      throw new Error('offset table runs past the end of the file');
    }
    const chunkOffset = Number(view.getBigUint64(tableAt, true));
    if (chunkOffset + 8 > bytes.length) {
      if (options.lenient) continue;
      throw new Error(`chunk ${i} starts past the end of the file`);
    }
    const y = view.getInt32(chunkOffset, true);
    const packedSize = view.getInt32(chunkOffset + 4, true);
    let end = chunkOffset + 8 + packedSize;
    if (packedSize < 0 || end > bytes.length) {
      if (!options.lenient) throw new Error(`chunk ${i} runs past the end of the file`);
      end = bytes.length;
    }
    exr.chunks.push({ y, offset: chunkOffset, packed: bytes.subarray(chunkOffset + 8, end), info: chunkInfo(exr, y, lines) });
  }
  return exr;
}

/** All lines of the image in Xdr layout: the concatenation of every chunk's Xdr buffer, in y order. */
export function imageXdr(exr: ScanlineExr, decode: (chunk: ExrChunk) => Uint8Array): Uint8Array {
  const ordered = [...exr.chunks].sort((a, b) => a.y - b.y);
  const parts = ordered.map((chunk) => (chunk.packed.length === chunk.info.unpackedSize ? chunk.packed : decode(chunk)));
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits a whole-image Xdr buffer (from `imageXdr`) into the raw chunks of a method with `lines` per chunk. */
export function rawChunks(exr: ScanlineExr, image: Uint8Array, lines: number): { y: number; info: ChunkInfo; raw: Uint8Array }[] {
  const chunks: { y: number; info: ChunkInfo; raw: Uint8Array }[] = [];
  let offset = 0;
  for (let y = exr.dataWindow.yMin; y <= exr.dataWindow.yMax; y += lines) {
    const info = chunkInfo(exr, y, lines);
    chunks.push({ y, info, raw: image.subarray(offset, offset + info.unpackedSize) });
    offset += info.unpackedSize;
  }
  if (offset !== image.length) throw new Error(`image has ${image.length} bytes, chunks cover ${offset}`);
  return chunks;
}

/**
 * A copy of `source`'s header with the compression attribute set to `compression`, followed by a new
 * offset table and the chunks as given (`stored`: the packed bytes, or the raw bytes when packing
 * did not make the chunk smaller, as OpenEXR stores them).
 */
export function assembleScanlineExr(source: ScanlineExr, compression: number, chunks: { y: number; stored: Uint8Array }[]): Uint8Array {
  const header = source.bytes.slice(0, source.headerEnd);
  header[source.attributes.get('compression')!.offset] = compression;
  let size = header.length + 8 * chunks.length;
  for (const chunk of chunks) size += 8 + chunk.stored.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  let offset = header.length + 8 * chunks.length;
  chunks.forEach((chunk, i) => {
    view.setBigUint64(header.length + 8 * i, BigInt(offset), true);
    view.setInt32(offset, chunk.y, true);
    view.setInt32(offset + 4, chunk.stored.length, true);
    out.set(chunk.stored, offset + 8);
    offset += 8 + chunk.stored.length;
  });
  return out;
}

/** What OpenEXR stores for a chunk: the packed bytes when smaller than the raw bytes, else the raw bytes. */
export function storedChunk(raw: Uint8Array, packed: Uint8Array): Uint8Array {
  return packed.length < raw.length ? packed : raw;
}

/** zlib through fflate, for the codec context of these tests. */
export const testZlib: ZlibCodec = {
  inflate(data: Uint8Array, expectedSize: number): Uint8Array {
    // Into a buffer of the expected size, as the package's zlib does: a hostile stream cannot grow it.
    return unzlibSync(data, { out: new Uint8Array(expectedSize) });
  },
  deflate(data: Uint8Array, level = 6): Uint8Array {
    return zlibSync(data, { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
  },
};

export const testContext: CodecContext = { zlib: testZlib };

// ---------------------------------------------------------------------------------------------
// Reference tools and fixtures

/** The real-files folder (`VFX_REAL_FIXTURES`, default /work/shared/fixtures-real), when present. */
export function realFixture(relative: string): string | undefined {
  const root = process.env['VFX_REAL_FIXTURES'] ?? '/work/shared/fixtures-real';
  const path = join(root, relative);
  return existsSync(path) ? path : undefined;
}

const toolCache = new Map<string, boolean>();

/** True when `name` runs (OpenImageIO's oiiotool, idiff; OpenEXR's exrheader). */
export function haveTool(name: string): boolean {
  let found = toolCache.get(name);
  if (found === undefined) {
    const result = spawnSync(name, ['--help'], { encoding: 'utf8' });
    found = result.error === undefined;
    toolCache.set(name, found);
  }
  return found;
}

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export function runTool(name: string, args: string[]): string {
  const result = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A fresh temporary folder and a function that removes it. */
export function tempFolder(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function readExr(path: string, options: { lenient?: boolean } = {}): ScanlineExr {
  return parseScanlineExr(new Uint8Array(readFileSync(path)), options);
}

/**
 * Writes a test image with oiiotool: a smooth gradient plus noise plus a checker (so that chunks have
 * flat areas, edges and noise), `channels` named as given, `types` like `['half', 'Z=float']`.
 */
export function writePatternExr(
  path: string,
  options: { width: number; height: number; channels: string[]; types: string[]; compression: string; origin?: string; scale?: number; extra?: string[] },
): void {
  const n = options.channels.length;
  const size = `${options.width}x${options.height}`;
  const scale = options.scale ?? 1;
  const top = Array.from({ length: n }, (_, i) => (0.05 * (i + 1) * scale).toFixed(3)).join(',');
  const bottom = Array.from({ length: n }, (_, i) => ((1.5 - 0.2 * i) * scale).toFixed(3)).join(',');
  const checkerA = Array.from({ length: n }, () => '0').join(',');
  const checkerB = Array.from({ length: n }, (_, i) => (0.25 * scale * ((i % 3) + 1)).toFixed(3)).join(',');
  const args = [
    '--pattern', `fill:top=${top}:bottom=${bottom}`, size, String(n),
    '--pattern', `noise:type=gaussian:mean=0:stddev=${(0.005 * scale).toFixed(4)}:seed=7`, size, String(n),
    '--add',
    '--pattern', `checker:width=13:height=11:color1=${checkerA}:color2=${checkerB}`, size, String(n),
    '--add',
    '--chnames', options.channels.join(','),
  ];
  if (options.origin) args.push('--origin', options.origin);
  for (const type of options.types) args.push('-d', type);
  args.push(...(options.extra ?? []));
  args.push('--compression', options.compression, '-o', path);
  runTool('oiiotool', args);
}

// ---------------------------------------------------------------------------------------------
// Round trips through OpenEXR

const TYPE_NAMES = ['uint', 'half', 'float'];

/** oiiotool `-d` arguments that keep every channel of `exr` in its own type. */
export function keepTypes(exr: ScanlineExr): string[] {
  return exr.channels.flatMap((channel) => ['-d', `${channel.name}=${TYPE_NAMES[channel.type]}`]);
}

/** The whole image of `path` as OpenEXR (through oiiotool) decodes it: its Xdr lines, in y order. */
export function openexrImage(path: string, folder: string): Uint8Array {
  const exr = readExr(path);
  const reference = join(folder, `reference-${Math.random().toString(36).slice(2)}.exr`);
  runTool('oiiotool', [path, ...keepTypes(exr), '--compression', 'none', '-o', reference]);
  const decoded = readExr(reference);
  if (decoded.compression !== Compression.NONE) throw new Error('oiiotool did not write an uncompressed file');
  return imageXdr(decoded, () => {
    throw new Error('an uncompressed file should have no packed chunk');
  });
}

/** The whole image of `exr` decoded by `method` (raw chunks copied). */
export function decodeImage(exr: ScanlineExr, method: CompressionMethod, context: CodecContext = testContext): Uint8Array {
  return imageXdr(exr, (chunk) => method.decompress(chunk.packed, chunk.info, context));
}

/**
 * A file with `source`'s header and the whole-image Xdr buffer `image` compressed by `method`
 * (chunks stored raw where compressing does not make them smaller).
 */
export function encodeImage(source: ScanlineExr, image: Uint8Array, method: CompressionMethod, context: CodecContext = testContext): Uint8Array {
  const chunks = rawChunks(source, image, method.linesPerChunk).map((chunk) => ({
    y: chunk.y,
    stored: storedChunk(chunk.raw, method.compress!(chunk.raw, chunk.info, context)),
  }));
  return assembleScanlineExr(source, method.code, chunks);
}

/** Index of the first differing byte of two buffers, -1 when equal (and equally long). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/**
 * Finds a 65,536-entry little-endian uint16 table inside a binary (a compiled OpenEXR library) by
 * a 64-byte probe taken from `table` at entry `probeIndex`; returns the table found there.
 */
export function findTable(binary: Uint8Array, table: Uint16Array, probeIndex: number): Uint16Array | undefined {
  const bytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const probe = Buffer.from(bytes.subarray(2 * probeIndex, 2 * probeIndex + 64));
  const haystack = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  for (let at = haystack.indexOf(probe); at >= 0; at = haystack.indexOf(probe, at + 1)) {
    const start = at - 2 * probeIndex;
    if (start < 0 || start + 2 * 65536 > binary.length) continue;
    const found = new Uint16Array(65536);
    const view = new DataView(binary.buffer, binary.byteOffset + start, 2 * 65536);
    for (let i = 0; i < 65536; i++) found[i] = view.getUint16(2 * i, true);
    return found;
  }
  return undefined;
}

/** The whole image of an uncompressed file (its chunks are the Xdr lines themselves). */
export function uncompressedImage(exr: ScanlineExr): Uint8Array {
  if (exr.compression !== Compression.NONE) throw new Error('not an uncompressed file');
  return imageXdr(exr, () => {
    throw new Error('an uncompressed file should have no packed chunk');
  });
}
