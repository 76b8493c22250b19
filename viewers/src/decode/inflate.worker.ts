/**
 * An inflate helper: a worker that only inflates zlib streams (DecompressionStream) for one decode
 * worker, so a large EXR's ZIP chunks are inflated on a second core while the decode worker reads
 * the file and turns inflated chunks into channel planes (exr-bands.ts). The page starts it beside
 * its decode worker and hands each one end of a MessageChannel (decoder.ts): jobs and answers go
 * straight between the two workers. Each job is answered with the inflated bytes (transferred) or
 * `ok: false` (a damaged stream, or one inflating past its limit: the decode worker then decodes
 * that chunk itself, by readExr's rules).
 */
import type { InflateAnswer, InflateJob } from './native-inflate.js';
import { inflateNative } from './native-inflate.js';

interface Scope {
  addEventListener(type: 'message', listener: (event: MessageEvent<{ port?: MessagePort }>) => void): void;
}
const scope = self as unknown as Scope;

function serve(port: MessagePort): void {
  port.addEventListener('message', (event: MessageEvent<InflateJob>) => {
    const { id, data, limit } = event.data;
    inflateNative(data, limit).then(
      (out) => {
        // A piece of a larger buffer is copied out, so only its bytes travel.
        const own = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
        port.postMessage({ id, ok: true, out: own } satisfies InflateAnswer, [own.buffer]);
      },
      () => port.postMessage({ id, ok: false } satisfies InflateAnswer),
    );
  });
  port.start();
}

scope.addEventListener('message', (event) => {
  if (event.data.port !== undefined) serve(event.data.port);
});
