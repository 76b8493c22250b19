/**
 * The entry of the server's proxy thread (proxy-thread.ts): answers `{ id, input }` messages with
 * `proxyJob(input)` (proxy-job.ts), its sums' buffers transferred, or the error's code and message;
 * `{ id, kind: 'prefetch', input }` with `prefetchJob(input)` (proxy-prefetch.ts).
 * Started ahead of the first request (`workerData.warm`), it first runs the job once on a small
 * synthetic frame (warmUpProxyJob; a request that comes meanwhile waits for it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { proxyJob, warmUpProxyJob, type ProxyJobInput } from './proxy-job.js';
import { prefetchJob, type PrefetchInput } from './proxy-prefetch.js';

type Message = { id: number; kind?: 'proxy'; input: ProxyJobInput } | { id: number; kind: 'prefetch'; input: PrefetchInput };

parentPort?.on('message', (message: Message) => {
  try {
    if (message.kind === 'prefetch') {
      parentPort!.postMessage({ id: message.id, ok: true, value: prefetchJob(message.input) });
      return;
    }
    const value = proxyJob(message.input);
    const transfer = value.body !== undefined && value.body !== null ? [value.body.buffer as ArrayBuffer] : value.band === null ? [] : value.band.proxies.map((p) => p.proxy.data.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: message.id, ok: true, value }, transfer);
  } catch (error) {
    const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : error instanceof RangeError ? 'LIMIT_EXCEEDED' : 'ERROR';
    parentPort!.postMessage({ id: message.id, ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } });
  }
});

if ((workerData as { warm?: unknown } | null)?.warm === true) {
  try {
    warmUpProxyJob();
  } catch {
    // Only a warm-up: the real jobs report their own errors.
  }
}
