/**
 * @vfxkit/exr/node: node:zlib behind the codec's `ZlibCodec` interface, for callers that want
 * Node's native (faster) zlib instead of the pure-TypeScript default:
 *
 *   import { readExr } from '@vfxkit/exr';
 *   import { nodeZlib } from '@vfxkit/exr/node';
 *   const image = readExr(bytes, { zlib: nodeZlib });
 *
 * and `readExrHead` / `readExrHeadFrom` (head.ts): a file's headers and offset tables read from disk
 * without its chunks.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { ZlibCodec } from '../compression/types.js';

/** OpenEXR's default deflate level (3.x). */
const DEFAULT_LEVEL = 4;

export const nodeZlib: ZlibCodec = {
  inflate(data, expectedSize) {
    // maxOutputLength stops a hostile stream from inflating past the chunk's declared size; an
    // output chunk of the expected size inflates in one step into one buffer (the default 16 KiB
    // chunks are inflated one by one and then concatenated).
    const size = Math.max(64, expectedSize);
    const out = inflateSync(data, { maxOutputLength: size, chunkSize: size });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  deflate(data, level) {
    const out = deflateSync(data, { level: level ?? DEFAULT_LEVEL });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

export { readExrHead, readExrHeadFrom, writeRewrittenExr, type ExrHead } from './head.js';
