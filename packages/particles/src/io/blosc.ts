/**
 * Blosc 1.x chunks (c-blosc `blosc/blosc.c`, README_HEADER.rst): a 16-byte header (version,
 * codec version, flags, type size, uncompressed size, block size, compressed size, all
 * little-endian), then one start offset per block, then the blocks. A block is split into one
 * stream per byte of the type size (unless flag 0x10 says "don't split", or the block is the short
 * last one), each stream an int32 length and compressed bytes (stored raw when the length equals
 * the stream size); the byte shuffle (flag 0x01) is undone per block. Flag 0x02 means the whole
 * chunk is stored raw after the header.
 *
 * LZ4 and zlib blocks decode here, synchronously; other codecs (BloscLZ, Snappy, Zstd) and the bit
 * shuffle go to numcodecs' WebAssembly Blosc, which is asynchronous.
 */
import { partError, PartErrorCode } from '../errors.js';
import { lz4DecodeBlock } from './lz4.js';
import { fflateZlib, type ZlibCodec } from './compression.js';

export const BLOSC_HEADER_SIZE = 16;
const FLAG_SHUFFLE = 0x01;
const FLAG_MEMCPYED = 0x02;
const FLAG_BITSHUFFLE = 0x04;
const FLAG_DONT_SPLIT = 0x10;
const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;
const CODEC_NAMES = ['blosclz', 'lz4', 'snappy', 'zlib', 'zstd'];

export interface BloscHeader {
  version: number;
  flags: number;
  typeSize: number;
  /** Uncompressed bytes. */
  size: number;
  blockSize: number;
  /** Bytes of the whole chunk, header included. */
  compressedSize: number;
  codec: string;
}

export function readBloscHeader(bytes: Uint8Array, at: number): BloscHeader {
  if (at + BLOSC_HEADER_SIZE > bytes.length) {
    throw partError(PartErrorCode.PART_TRUNCATED, `Blosc chunk header at byte ${at} runs past the end`, { offset: at });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, BLOSC_HEADER_SIZE);
  const flags = bytes[at + 2]!;
  return {
    version: bytes[at]!,
    flags,
    typeSize: bytes[at + 3]!,
    size: view.getUint32(4, true),
    blockSize: view.getUint32(8, true),
    compressedSize: view.getUint32(12, true),
    codec: CODEC_NAMES[flags >> 5] ?? `codec ${flags >> 5}`,
  };
}

/** Whether this chunk decodes synchronously (LZ4, zlib or stored, byte shuffle or none). */
export function bloscDecodesSync(header: BloscHeader): boolean {
  if (header.flags & FLAG_MEMCPYED) return true;
  if (header.flags & FLAG_BITSHUFFLE && header.typeSize > 1) return false;
  return header.codec === 'lz4' || header.codec === 'zlib';
}

/** Decodes one Blosc chunk (`chunk` starts at its header) into `out` (length `header.size`). */
export function bloscDecodeSync(chunk: Uint8Array, out?: Uint8Array, zlib: ZlibCodec = fflateZlib): Uint8Array {
  const header = readBloscHeader(chunk, 0);
  const { size, blockSize, typeSize, flags, compressedSize } = header;
  if (compressedSize > chunk.length) {
    throw partError(PartErrorCode.PART_TRUNCATED, `Blosc chunk declares ${compressedSize} bytes, ${chunk.length} present`);
  }
  const target = out ?? new Uint8Array(size);
  if (target.length < size) throw partError(PartErrorCode.PART_BAD_ARGUMENT, `Blosc output buffer too small`);
  if (flags & FLAG_MEMCPYED) {
    if (BLOSC_HEADER_SIZE + size > compressedSize) {
      throw partError(PartErrorCode.PART_CORRUPT, `stored Blosc chunk declares ${size} bytes in ${compressedSize}`);
    }
    target.set(chunk.subarray(BLOSC_HEADER_SIZE, BLOSC_HEADER_SIZE + size));
    return target;
  }
  if (!bloscDecodesSync(header)) {
    throw partError(
      PartErrorCode.PART_ASYNC_REQUIRED,
      `Blosc chunk uses ${header.codec}${flags & FLAG_BITSHUFFLE ? ' with bit shuffle' : ''}, which only the asynchronous decoder handles: use readParticlesAsync`,
    );
  }
  if (size === 0) return target;
  if (blockSize <= 0 || typeSize <= 0) throw partError(PartErrorCode.PART_CORRUPT, `Blosc chunk has block size ${blockSize}, type size ${typeSize}`);
  const blocks = Math.ceil(size / blockSize);
  const leftover = size % blockSize;
  if (BLOSC_HEADER_SIZE + blocks * 4 > compressedSize) throw partError(PartErrorCode.PART_CORRUPT, `Blosc block table runs past the chunk`);
  const view = new DataView(chunk.buffer, chunk.byteOffset, compressedSize);
  const shuffle = (flags & FLAG_SHUFFLE) !== 0 && typeSize > 1;
  const scratch = shuffle ? new Uint8Array(blockSize) : undefined;
  for (let b = 0; b < blocks; b++) {
    const isLeftover = b === blocks - 1 && leftover > 0;
    const bsize = isLeftover ? leftover : blockSize;
    let at = view.getInt32(BLOSC_HEADER_SIZE + b * 4, true);
    const dest = target.subarray(b * blockSize, b * blockSize + bsize);
    const into = scratch !== undefined ? scratch.subarray(0, bsize) : dest;
    const splits = (flags & FLAG_DONT_SPLIT) === 0 && typeSize <= MAX_SPLITS && bsize / typeSize >= MIN_BUFFERSIZE && !isLeftover ? typeSize : 1;
    const streamSize = bsize / splits;
    let written = 0;
    for (let j = 0; j < splits; j++) {
      if (at < 0 || at + 4 > compressedSize) throw partError(PartErrorCode.PART_CORRUPT, `Blosc stream offset ${at} is outside the chunk`);
      const cbytes = view.getInt32(at, true);
      at += 4;
      if (cbytes < 0 || at + cbytes > compressedSize) throw partError(PartErrorCode.PART_CORRUPT, `Blosc stream of ${cbytes} bytes runs past the chunk`);
      const stream = into.subarray(written, written + streamSize);
      if (cbytes === streamSize) {
        stream.set(chunk.subarray(at, at + cbytes));
      } else if (header.codec === 'lz4') {
        const n = lz4DecodeBlock(chunk, at, at + cbytes, stream, 0, streamSize);
        if (n !== streamSize) throw partError(PartErrorCode.PART_CORRUPT, `Blosc LZ4 stream decodes to ${n} bytes, ${streamSize} expected`);
      } else {
        const inflated = zlib.inflate(chunk.subarray(at, at + cbytes), streamSize);
        if (inflated.length !== streamSize) throw partError(PartErrorCode.PART_CORRUPT, `Blosc zlib stream decodes to ${inflated.length} bytes`);
        stream.set(inflated);
      }
      at += cbytes;
      written += streamSize;
    }
    if (scratch !== undefined) unshuffle(typeSize, bsize, scratch, dest);
  }
  return target;
}

/** Blosc's byte unshuffle: byte j of element i sits at `j * elements + i`; a tail shorter than
 *  one element is stored as is. */
function unshuffle(typeSize: number, size: number, source: Uint8Array, target: Uint8Array): void {
  const elements = Math.floor(size / typeSize);
  for (let j = 0; j < typeSize; j++) {
    const base = j * elements;
    for (let i = 0; i < elements; i++) target[i * typeSize + j] = source[base + i]!;
  }
  const tail = elements * typeSize;
  if (tail < size) target.set(source.subarray(tail, size), tail);
}

/** Decodes one Blosc chunk with numcodecs (WebAssembly c-blosc): every codec and shuffle. */
export async function bloscDecodeAsync(chunk: Uint8Array): Promise<Uint8Array> {
  const { default: Blosc } = await import('numcodecs/blosc');
  const codec = Blosc.fromConfig({ id: 'blosc' });
  return await codec.decode(chunk);
}
