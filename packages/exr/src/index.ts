/**
 * @vfxkit/exr: OpenEXR in pure TypeScript. Headers (every attribute type), scanline, tiled
 * (mip/rip-map) and deep parts, single- and multi-part, read and written with planar typed arrays
 * in each channel's native type. No node: imports: it runs in browsers as it does in Node.
 */
export * from './model.js';
export { ExrErrorCode, type ExrErrorCode as ExrErrorCodeValue } from './errors.js';
export { readExrHeader, isExr, attributeValue } from './header/header.js';
/** Scanlines per chunk of each compression method (OpenEXR's table; deep scanline parts use 1). */
export { LINES_PER_CHUNK as EXR_LINES_PER_CHUNK } from './header/layout.js';
/** The value bytes of one attribute (no name, type or size), as the writer stores them. */
export { writeAttributeValue } from './header/attributes.js';
export {
  splitStoredAttributes,
  storedAttribute,
  encodeStoredAttribute,
  offsetTablesEnd,
  rewriteExrHead,
  type StoredAttribute,
  type ExrHeaderEdit,
  type ExrHeadRewrite,
} from './header/rewrite.js';
export { readExr, readExrParts, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SAMPLES } from './read.js';
export { readExrChunks, type ExrChunkReadOptions, type ExrChunkLayout, type ExrDecodedChunk } from './read-chunks.js';
export { availableCompressions, hasCompression } from './compression/index.js';
export { fflateZlib } from './compression/zlib.js';
export type { ZlibCodec, CompressionMethod, ChunkInfo, CodecContext } from './compression/types.js';
export { writeExr } from './write.js';
export { ExrLoader, type ExrLoaderOptions } from './loader.js';
