/**
 * What the PIZ, PXR24, B44 and DWA methods share: the geometry of each channel inside one chunk
 * (how many samples per line and how many sampled lines it has, OpenEXR's `compute_sampled_width`
 * and `compute_sampled_height`), the error they throw for bad data, and a zlib call that turns any
 * inflate failure into that error.
 *
 * See "OpenEXR File Layout" (openexr.com), section "Scan Line Blocks": a channel with y sampling s has
 * samples only on lines where `y % s === 0`, and x samples only at columns where `x % s === 0`.
 */
import type { VfxError } from '@vfxkit/core';
import { ExrErrorCode, exrError } from '../errors.js';
import { bytesPerSample } from './types.js';
import type { ChunkInfo, CodecContext, PixelType } from './types.js';

/** One channel of a chunk, with its sample counts inside that chunk. */
export interface ChannelGeometry {
  name: string;
  type: PixelType;
  /** Bytes per sample: 2 for HALF, 4 for UINT and FLOAT. */
  bytesPerSample: number;
  /** Samples on each sampled line of the chunk. */
  width: number;
  /** Sampled lines inside the chunk. */
  height: number;
  xSampling: number;
  ySampling: number;
  pLinear: boolean;
}

/** How many multiples of `sampling` lie in `[start, start + size - 1]` (negative coordinates too). */
export function sampledCount(start: number, size: number, sampling: number): number {
  if (size <= 0) return 0;
  if (sampling <= 1) return size;
  return Math.floor((start + size - 1) / sampling) - Math.floor((start - 1) / sampling);
}

/** True when a channel with this y sampling has a line at `y`. */
export function hasSampleLine(y: number, ySampling: number): boolean {
  return ySampling <= 1 || y % ySampling === 0;
}

/** The geometry of every channel of `info`, in channel-list order. */
export function chunkGeometry(info: ChunkInfo): ChannelGeometry[] {
  return info.channels.map((channel) => ({
    name: channel.name,
    type: channel.type,
    bytesPerSample: bytesPerSample(channel.type),
    width: sampledCount(info.xMin, info.width, channel.xSampling),
    height: sampledCount(info.yMin, info.height, channel.ySampling),
    xSampling: channel.xSampling,
    ySampling: channel.ySampling,
    pLinear: channel.pLinear,
  }));
}

/** Size in bytes of the Xdr buffer the channels of a chunk fill. */
export function xdrSize(channels: readonly ChannelGeometry[]): number {
  let size = 0;
  for (const channel of channels) size += channel.width * channel.height * channel.bytesPerSample;
  return size;
}

/** An `EXR_CORRUPT_CHUNK` error naming the method, e.g. `piz: Huffman table runs past its data`. */
export function corruptChunk(method: string, message: string): VfxError {
  return exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${method}: ${message}`);
}

/**
 * Throws unless `info.unpackedSize` is the size the channels give: the caller's size and the codec's
 * geometry must agree before anything is allocated.
 */
export function checkUnpackedSize(method: string, info: ChunkInfo, channels: readonly ChannelGeometry[]): void {
  const expected = xdrSize(channels);
  if (info.unpackedSize !== expected) {
    throw corruptChunk(
      method,
      `the chunk at y=${info.yMin} should hold ${expected} bytes for its ${info.width}x${info.height} pixels, but its unpacked size is ${info.unpackedSize}`,
    );
  }
}

/**
 * Inflates a zlib stream that must give exactly `size` bytes; any failure of the zlib codec (a
 * non-VfxError too), any short result, and a size no zlib stream of that length can reach become
 * `EXR_CORRUPT_CHUNK`.
 */
export function inflateExactly(context: CodecContext, data: Uint8Array, size: number, method: string, what: string): Uint8Array {
  // Deflate cannot beat 1032:1 (two bits for a 258-byte match): refuse before allocating.
  if (size > data.length * 1032 + 1024) {
    throw corruptChunk(method, `the ${what} (${data.length} bytes of zlib data) cannot inflate to the ${size} bytes it should hold`);
  }
  let result: Uint8Array;
  try {
    result = context.zlib.inflate(data, size);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw exrError(ExrErrorCode.EXR_CORRUPT_CHUNK, `${method}: cannot inflate the ${what} (${data.length} bytes): ${reason}`, {
      cause: error,
    });
  }
  if (result.length < size) {
    throw corruptChunk(method, `the ${what} inflates to ${result.length} bytes, expected ${size}`);
  }
  return result.length === size ? result : result.subarray(0, size);
}

/** Reads a little-endian unsigned 32-bit integer (the caller has checked the bounds). */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Writes a little-endian unsigned 32-bit integer. */
export function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}
