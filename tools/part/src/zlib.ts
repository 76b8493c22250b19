/**
 * node:zlib behind @vfxkit/particles' `ZlibCodec`, for the CLI: Node's native zlib inflates and
 * deflates several times faster than the pure-TypeScript default (fflate), and undoes and makes
 * the gzip layer of `.bgeo.gz`, `.pdc.gz`, ... Reading PRT goes through a
 * zlib stream (`inflateChunksAsync`), so a PRT file's records are decoded into the attribute arrays
 * as they inflate and the whole inflated payload is never held; zlib itself checks the Adler-32.
 */
import { createInflate, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import type { ZlibCodec } from '@vfxkit/particles';

/** Output piece size of the inflate stream: large enough to keep per-piece costs small. */
const STREAM_CHUNK = 1 << 18;

export const nodeZlib: ZlibCodec = {
  inflate(data, expectedSize) {
    // maxOutputLength stops a hostile stream from inflating past the size the header declares.
    const out = inflateSync(data, { maxOutputLength: Math.max(1, expectedSize) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  deflate(data, level) {
    const out = deflateSync(data, { level: level ?? 6 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  gunzip(data, expectedSize) {
    // zlib checks the CRC-32 and the length itself; maxOutputLength bounds a lying stream.
    const out = gunzipSync(data, { maxOutputLength: Math.max(1, expectedSize) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  gzip(data, level) {
    const out = gzipSync(data, { level: level ?? 6 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  inflateChunksAsync(data, onChunk) {
    return new Promise<void>((resolve, reject) => {
      const stream = createInflate({ chunkSize: STREAM_CHUNK });
      let failed = false;
      stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          onChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        } catch (error) {
          failed = true;
          stream.destroy();
          reject(error);
        }
      });
      stream.on('error', (error) => {
        if (!failed) reject(error);
        failed = true;
      });
      stream.on('end', () => {
        if (!failed) resolve();
      });
      stream.end(data);
    });
  },
};
