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
const STREAM_CHUNK = 1 << 20;

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
    // The stream inflates on libuv's thread pool; each 'data' handler only queues the piece (a
    // slice of a buffer the stream never writes again), so the pool inflates the next piece while
    // this thread decodes the queued ones (setImmediate): inflating and decoding overlap. The
    // stream asks the pool for the next piece only when this thread has taken the last one, so
    // at most a piece or two wait here: memory stays bounded without pausing the stream.
    return new Promise<void>((resolve, reject) => {
      const stream = createInflate({ chunkSize: STREAM_CHUNK });
      const queue: Buffer[] = [];
      let failed = false;
      let ended = false;
      let scheduled = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        queue.length = 0;
        stream.destroy();
        reject(error);
      };
      const drain = () => {
        scheduled = false;
        if (failed) return;
        try {
          for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) {
            onChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          }
        } catch (error) {
          fail(error);
          return;
        }
        if (ended) resolve();
      };
      const schedule = () => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(drain);
      };
      stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        queue.push(chunk);
        schedule();
      });
      stream.on('error', fail);
      stream.on('end', () => {
        ended = true;
        schedule();
      });
      stream.end(data);
    });
  },
};
