/**
 * Blosc 1 frames (c-blosc's `blosc.c`, format version 2), decoded here without WebAssembly so that
 * reading stays synchronous for the compressors OpenVDB uses (LZ4, and BloscLZ or zlib from builds
 * without LZ4). Frames this decoder does not handle (zstd, snappy, bit-shuffle) go to numcodecs'
 * WebAssembly Blosc, which is asynchronous.
 *
 * A frame: a 16-byte header (version, compressor version, flags, type size, uncompressed size,
 * block size, compressed size), then unless the data was stored plainly (flag MEMCPYED) one int32
 * start offset per block. Each block holds `typesize` separately compressed splits (or one, for
 * small or leftover blocks, or when flag 0x10 says so), each an int32 size then the compressed
 * bytes (or the raw bytes when the size equals the split's length). Flag SHUFFLE means the block's
 * bytes were transposed by type size before compression.
 */
import { unzlibSync } from 'fflate';
import { verifyZlibChecksum } from '@vfxkit/core';
import { blosclzDecompress } from './blosclz.js';
import { lz4DecompressBlock } from './lz4.js';

const FLAG_SHUFFLE = 0x1;
const FLAG_MEMCPYED = 0x2;
const FLAG_BITSHUFFLE = 0x4;
const FLAG_DONT_SPLIT = 0x10;
const HEADER_BYTES = 16;
const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;

export const BLOSC_COMPRESSORS = ['blosclz', 'lz4', 'snappy', 'zlib', 'zstd'] as const;

export interface BloscHeader {
  version: number;
  compressorVersion: number;
  flags: number;
  typeSize: number;
  /** Uncompressed bytes. */
  uncompressedBytes: number;
  blockSize: number;
  /** Bytes of the whole frame, header included. */
  compressedBytes: number;
  /** The compressor's name (`lz4`, `blosclz`, `zlib`, `zstd`, `snappy`) or `code N`. */
  compressor: string;
}

export function readBloscHeader(frame: Uint8Array): BloscHeader {
  if (frame.length < HEADER_BYTES) throw new Error(`blosc frame of ${frame.length} bytes is shorter than its 16-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const flags = frame[2]!;
  const code = flags >>> 5;
  return {
    version: frame[0]!,
    compressorVersion: frame[1]!,
    flags,
    typeSize: frame[3]!,
    uncompressedBytes: view.getInt32(4, true),
    blockSize: view.getInt32(8, true),
    compressedBytes: view.getInt32(12, true),
    compressor: BLOSC_COMPRESSORS[code] ?? `code ${code}`,
  };
}

/** Why a frame cannot be decoded synchronously, or undefined when it can. */
export function bloscNeedsAsync(header: BloscHeader): string | undefined {
  if (header.flags & FLAG_MEMCPYED) return undefined;
  if (header.flags & FLAG_BITSHUFFLE && header.blockSize >= header.typeSize) return 'bit-shuffle';
  if (header.compressor === 'lz4' || header.compressor === 'blosclz' || header.compressor === 'zlib') return undefined;
  return header.compressor;
}

/** Undoes a 4-byte shuffle into 32-bit words (the case OpenVDB writes: floats, vec3s, int32). */
function unshuffle4(elements: number, src: Uint8Array, words: Uint32Array): void {
  const s1 = elements, s2 = 2 * elements, s3 = 3 * elements;
  for (let i = 0; i < elements; i++) {
    words[i] = (src[i]! | (src[s1 + i]! << 8) | (src[s2 + i]! << 16) | (src[s3 + i]! << 24)) >>> 0;
  }
}

function unshuffle(typeSize: number, blockSize: number, src: Uint8Array, dest: Uint8Array, destOffset: number): void {
  const elements = Math.floor(blockSize / typeSize);
  const remainder = blockSize % typeSize;
  if (typeSize === 4 && ((dest.byteOffset + destOffset) & 3) === 0) {
    unshuffle4(elements, src, new Uint32Array(dest.buffer, dest.byteOffset + destOffset, elements));
  } else {
    for (let j = 0; j < typeSize; j++) {
      const base = j * elements;
      for (let i = 0; i < elements; i++) dest[destOffset + i * typeSize + j] = src[base + i]!;
    }
  }
  for (let r = blockSize - remainder; r < blockSize; r++) dest[destOffset + r] = src[r]!;
}

function decompressSplit(compressor: string, input: Uint8Array, output: Uint8Array, offset: number, length: number): number {
  switch (compressor) {
    case 'lz4':
      return lz4DecompressBlock(input, output, offset, length);
    case 'blosclz':
      return blosclzDecompress(input, output, offset, length);
    default: {
      // Bounded by the split's declared size (fflate never grows a given buffer), checksum verified.
      const inflated = unzlibSync(input, { out: new Uint8Array(length) });
      verifyZlibChecksum(input, inflated);
      output.set(inflated, offset);
      return inflated.length;
    }
  }
}

let scratch = new Uint8Array(0);

function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/**
 * Decodes a Blosc frame synchronously. Returns undefined when the frame needs the asynchronous
 * decoder (see `bloscNeedsAsync`); throws an Error for malformed frames. `expectedBytes`, when
 * given, must equal the frame's uncompressed size (OpenVDB checks the same); `output`, when given,
 * receives the data (it must hold exactly the uncompressed size).
 */
export function bloscDecompressSync(frame: Uint8Array, expectedBytes?: number, output?: Uint8Array): Uint8Array | undefined {
  if (frame.length < HEADER_BYTES) throw new Error(`blosc frame of ${frame.length} bytes is shorter than its 16-byte header`);
  const version = frame[0]!;
  const flags = frame[2]!;
  const typeSize = frame[3]!;
  const nbytes = int32At(frame, 4);
  const blockSize = int32At(frame, 8);
  const compressedBytes = int32At(frame, 12);
  // c-blosc 1 writes format version 2 (its first releases 1); anything newer is Blosc 2's.
  if (version > 2) throw new Error(`blosc format version ${version} is newer than Blosc 1 writes`);
  if (expectedBytes !== undefined && nbytes !== expectedBytes) {
    throw new Error(`blosc frame holds ${nbytes} bytes; expected ${expectedBytes}`);
  }
  if (compressedBytes > frame.length || compressedBytes < HEADER_BYTES) {
    throw new Error(`blosc frame declares ${compressedBytes} bytes but ${frame.length} are present`);
  }
  if (nbytes < 0) throw new Error(`blosc frame declares ${nbytes} bytes`);
  if (output !== undefined && output.length !== nbytes) throw new Error(`blosc output buffer of ${output.length} bytes for ${nbytes}`);
  if (nbytes === 0) return output ?? new Uint8Array(0);
  if (flags & FLAG_MEMCPYED) {
    if (HEADER_BYTES + nbytes > compressedBytes) throw new Error('blosc plain frame is shorter than its data');
    const out = output ?? new Uint8Array(nbytes);
    out.set(frame.subarray(HEADER_BYTES, HEADER_BYTES + nbytes));
    return out;
  }
  const code = flags >>> 5;
  const compressor = BLOSC_COMPRESSORS[code];
  if (flags & FLAG_BITSHUFFLE && blockSize >= typeSize) return undefined;
  if (compressor !== 'lz4' && compressor !== 'blosclz' && compressor !== 'zlib') return undefined;
  if (blockSize <= 0 || typeSize <= 0) throw new Error(`blosc frame with block size ${blockSize} and type size ${typeSize}`);
  const out = output ?? new Uint8Array(nbytes);
  const blocks = Math.ceil(nbytes / blockSize);
  const leftover = nbytes % blockSize;
  if (HEADER_BYTES + blocks * 4 > compressedBytes) throw new Error('blosc block table runs past the frame');
  const doShuffle = (flags & FLAG_SHUFFLE) !== 0 && typeSize > 1;
  const dontSplit = (flags & FLAG_DONT_SPLIT) !== 0;
  if (doShuffle && scratch.length < blockSize) scratch = new Uint8Array(blockSize);
  for (let block = 0; block < blocks; block++) {
    const isLeftover = block === blocks - 1 && leftover > 0;
    const size = isLeftover ? leftover : blockSize;
    const target = doShuffle ? scratch : out;
    const targetBase = doShuffle ? 0 : block * blockSize;
    const splits = !dontSplit && typeSize <= MAX_SPLITS && size / typeSize >= MIN_BUFFERSIZE && !isLeftover ? typeSize : 1;
    const splitSize = Math.floor(size / splits);
    let at = int32At(frame, HEADER_BYTES + block * 4);
    let written = 0;
    for (let split = 0; split < splits; split++) {
      if (at < 0 || at + 4 > compressedBytes) throw new Error('blosc split runs past the frame');
      const splitBytes = int32At(frame, at);
      at += 4;
      if (splitBytes < 0 || at + splitBytes > compressedBytes) throw new Error('blosc split runs past the frame');
      const input = frame.subarray(at, at + splitBytes);
      const offset = targetBase + written;
      if (splitBytes === splitSize) {
        target.set(input, offset);
      } else {
        const count = decompressSplit(compressor, input, target, offset, splitSize);
        if (count !== splitSize) throw new Error(`blosc split decodes to ${count} bytes; expected ${splitSize}`);
      }
      at += splitBytes;
      written += splitSize;
    }
    if (doShuffle) unshuffle(typeSize, size, scratch, out, block * blockSize);
  }
  return out;
}

type NumcodecsBlosc = { decode(data: Uint8Array): Uint8Array | Promise<Uint8Array> };
let numcodecs: Promise<NumcodecsBlosc> | undefined;

/** numcodecs' WebAssembly Blosc, loaded on first use. */
async function numcodecsBlosc(): Promise<NumcodecsBlosc> {
  numcodecs ??= import('numcodecs/blosc').then((module) => module.default.fromConfig({ id: 'blosc' }) as NumcodecsBlosc);
  return numcodecs;
}

/** Decodes any Blosc frame: synchronously when possible, else through numcodecs. */
export async function bloscDecompress(frame: Uint8Array, expectedBytes?: number): Promise<Uint8Array> {
  const result = bloscDecompressSync(frame, expectedBytes);
  if (result !== undefined) return result;
  const codec = await numcodecsBlosc();
  const header = readBloscHeader(frame);
  const decoded = await codec.decode(frame.subarray(0, header.compressedBytes));
  if (expectedBytes !== undefined && decoded.length !== expectedBytes) {
    throw new Error(`blosc frame decodes to ${decoded.length} bytes; expected ${expectedBytes}`);
  }
  return decoded;
}
