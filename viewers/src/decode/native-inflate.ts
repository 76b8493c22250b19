/**
 * One zlib stream inflated by the platform's own zlib (DecompressionStream, native code), and the
 * shapes of an inflate helper (inflate-helper.ts). Its own module, with no imports and no DOM types,
 * so the inflate helper worker (inflate.worker.ts) loads nothing else and Node tests can use it.
 */

/**
 * Inflates one zlib stream natively, refusing to produce more than `limit` bytes. The stream is fed
 * by its writer (a Blob's stream as the source cost 10-50% more for the 135 chunks of a 4K half
 * RGBA frame in headless Chromium here) and read in its 64 KiB pieces, so a stream that inflates
 * past its chunk's size is stopped there. The pieces are joined into `into` when it is given (at
 * least `limit` bytes: the result is a view of it), else into a new buffer: on that 4K frame a new
 * buffer per chunk cost about 70 ms of the 300 ms the inflating took (allocation, copy, GC).
 */
export async function inflateNative(data: Uint8Array, limit: number, into?: Uint8Array): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const pieces: Uint8Array[] = [];
  const target = into !== undefined && into.byteLength >= limit ? into : undefined;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new Error('chunk inflates past its size');
    }
    // Into `into` as each piece comes (while it is in the cache), else kept to be joined.
    if (target !== undefined) target.set(value, total - value.byteLength);
    else pieces.push(value);
  }
  if (target !== undefined) return target.subarray(0, total);
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}

/** A job for the helper: one zlib stream (a copy, transferred) and the most it may inflate to. */
export interface InflateJob {
  id: number;
  data: Uint8Array;
  limit: number;
}

export type InflateAnswer = { id: number; ok: true; out: Uint8Array } | { id: number; ok: false };

/** Something that inflates zlib streams somewhere else than this thread. */
export interface Inflater {
  /** Inflates `data` (left untouched: a copy is sent), refusing more than `limit` bytes. Rejects
   *  for a damaged stream, or when the helper is gone. */
  inflate(data: Uint8Array, limit: number): Promise<Uint8Array>;
}
