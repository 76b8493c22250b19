/**
 * The decode worker's side of an inflate helper (inflate.worker.ts): zlib streams sent to a second
 * worker, inflated there by DecompressionStream, and handed back. On a 4K half RGBA ZIP frame in
 * headless Chromium here, DecompressionStream takes about 250 ms of a decode worker's ~470 ms (the
 * rest: predictor and interleave into planes ~155 ms, proxy sums ~60 ms), so with the helper on a
 * free core the two threads share the work about evenly (exr-bands.ts decides which chunks go
 * where). On a saturated machine it changes little: the work is the same, on two threads.
 *
 * The page starts the helper beside the decode worker (decoder.ts: it sees the helper's `error`
 * event and stops it with the pool) and passes this worker one end of a MessageChannel; if the
 * helper dies the page says so (`fail`).
 */
import type { InflateAnswer, InflateJob, Inflater } from './native-inflate.js';

export type { InflateAnswer, InflateJob, Inflater };

/** From the page to a decode worker: its inflate helper's end of their channel, or that the helper
 *  died. */
export interface HelperMessage {
  helper: MessagePort | 'gone';
}

/** The inflate helper at the other end of `port`, kept for every later file. */
export class InflateHelper implements Inflater {
  private readonly pending = new Map<number, { resolve: (out: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failed: Error | undefined;

  constructor(private readonly port: MessagePort) {
    port.addEventListener('message', (event: MessageEvent<InflateAnswer>) => {
      const answer = event.data;
      const waiting = this.pending.get(answer.id);
      if (waiting === undefined) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiting.resolve(answer.out);
      else waiting.reject(new Error('the stream does not inflate'));
    });
    port.start();
  }

  inflate(data: Uint8Array, limit: number): Promise<Uint8Array> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = this.nextId++;
    const copy = data.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.postMessage({ id, data: copy, limit } satisfies InflateJob, [copy.buffer]);
    });
  }

  /** The helper is gone: what it holds fails (callers inflate those streams themselves), and so does
   *  anything asked of it later. */
  fail(reason: string): void {
    this.failed ??= new Error(`the inflate helper failed: ${reason}`);
    for (const waiting of this.pending.values()) waiting.reject(this.failed);
    this.pending.clear();
    this.port.close();
  }
}
