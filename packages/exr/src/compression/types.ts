/**
 * The contract between the chunk layer and the compression methods.
 *
 * OpenEXR compresses one chunk at a time: a block of scanlines (1 for NONE/RLE/ZIPS, 16 for
 * ZIP/PXR24, 32 for PIZ/B44/B44A/DWAA, 256 for DWAB) or one tile. Uncompressed, a chunk is laid out
 * as OpenEXR's "Xdr" buffer: for each scanline y of the block, for each channel in channel-list
 * order (sorted by name), that channel's samples on that line (only lines where
 * `y % ySampling === 0`, `ceil`-counted columns where `x % xSampling === 0`), each sample
 * little-endian (UINT 4 bytes, HALF 2, FLOAT 4). Every method maps between that layout and its
 * packed bytes. See OpenEXR's "OpenEXR File Layout" document and `ImfCompressor.h`.
 */

/** OpenEXR's pixel types, with their numeric codes in the channel list. */
export const PixelType = { UINT: 0, HALF: 1, FLOAT: 2 } as const;
export type PixelType = (typeof PixelType)[keyof typeof PixelType];

export function bytesPerSample(type: PixelType): number {
  return type === PixelType.HALF ? 2 : 4;
}

export interface ChunkChannel {
  name: string;
  type: PixelType;
  xSampling: number;
  ySampling: number;
  /** Perceptually linear hint (used by B44 and DWA to choose a transfer curve). */
  pLinear: boolean;
}

/** Everything a method needs to know about the chunk it (de)compresses. */
export interface ChunkInfo {
  /** Channels in channel-list order. */
  channels: readonly ChunkChannel[];
  /** Pixel-space bounds of the chunk, inclusive, in data-window coordinates. */
  xMin: number;
  yMin: number;
  /** Width and height of the chunk in pixels (before subsampling). */
  width: number;
  height: number;
  /** Size in bytes of the uncompressed Xdr buffer for this chunk. */
  unpackedSize: number;
}

/** zlib used by ZIP/ZIPS/PXR24/DWA: pure TS by default; the node adapter may pass node:zlib's. */
export interface ZlibCodec {
  /** Inflate a zlib stream (RFC 1950) into exactly `expectedSize` bytes (or fewer if the data is short). */
  inflate(data: Uint8Array, expectedSize: number): Uint8Array;
  /** Deflate into a zlib stream (RFC 1950). */
  deflate(data: Uint8Array, level?: number): Uint8Array;
}

export interface CodecContext {
  zlib: ZlibCodec;
}

/**
 * One compression method. `decompress` returns the Xdr buffer (exactly `info.unpackedSize` bytes)
 * and throws `VfxError` (`EXR_CORRUPT_CHUNK`) on bad data; it is never called for a chunk whose packed
 * size equals its unpacked size (OpenEXR stores such chunks raw, whatever the method).
 * `output`, when given, is a scratch array of at least `info.unpackedSize` bytes that a method may
 * decode into (writing every byte) and return a view of, to save an allocation per chunk; the caller
 * must be done with the result before it passes the same array again. Methods may ignore it.
 * `compress` returns packed bytes; the caller stores the raw chunk instead when they are not smaller.
 */
export interface CompressionMethod {
  /** OpenEXR's name: none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab. */
  name: string;
  /** The numeric code in the `compression` attribute. */
  code: number;
  /** Scanlines per chunk for scanline images. */
  linesPerChunk: number;
  /** True for methods that may change values (b44, b44a, dwaa, dwab; pxr24 for FLOAT). */
  lossy: boolean;
  decompress(packed: Uint8Array, info: ChunkInfo, context: CodecContext, output?: Uint8Array): Uint8Array;
  compress?(raw: Uint8Array, info: ChunkInfo, context: CodecContext): Uint8Array;
}
