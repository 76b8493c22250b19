/**
 * `GET /<token>/api/proxy/<item>/<frame>?w=W&h=H[&part=P][&layer=L][&channel=C]`: the first paint of
 * a large EXR, computed here. The server decodes the frame the page would fetch (`files/<item>/<frame>/...`)
 * with @vfxkit/exr and Node's zlib, and answers the display-resolution proxies the decode worker would
 * make for a W x H canvas: the same channels, factor and means (`@vfxkit/viewers/shared`, one
 * implementation), as a small binary (`encodeProxyPayload`). The page draws them, then has its
 * worker fetch and decode the whole file as before (the worker's decode is the authority: its
 * pixels replace the proxies, its errors are the ones shown).
 *
 * Per request, from the file as it is on disk now. The one exception: serving the HTML of a page
 * whose first view is such a frame (server.ts, early-proxy.ts) queues `prefetch`, which decodes
 * that frame into planes while the browser starts the page (proxy-prefetch.ts); the page's request
 * then reduces them instead of decoding again, when the file (size, modification time), part and
 * channels are the same; they are kept for that one request, at most 10 s. Made on a worker thread (proxy-thread.ts, proxy-job.ts), so the event loop
 * keeps serving the app's files, which the page loads meanwhile. One proxy at a time (a queue), so
 * a burst of requests holds one file and one decoded frame in memory, not one each. Bounded: W and H at most 8192, files up to 1 GiB,
 * frames up to 2^27 pixels (otherwise 413, and the page decodes in its worker as it did before).
 *
 * Answers: 200 (application/octet-stream; `Server-Timing` read, decode, reduce, job (the thread's
 * time), prefetched (the prefetch's decode, when its planes were used), and total: from the
 * request to the answer's first byte), 204 when there is
 * nothing to proxy (the image is not larger than the canvas, a deep or tiled-unsupported part, uint
 * or subsampled channels shown), 400 bad query, 404 no such item/frame, 413 too large, 415 not an
 * EXR, 422 a file @vfxkit/exr cannot read (JSON `{ error: { code, message } }`), never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openInside } from './http.js';
import type { ServedFile, ViewItem } from './items.js';
import { joinProxyBands, PROXY_MAX_PIXELS, type ProxyJobOutput, type ProxyWanted } from './proxy-job.js';
import { ProxyThread, type ProxyThreadError } from './proxy-thread.js';

export { makeProxy, PROXY_MAX_PIXELS } from './proxy-job.js';

/**
 * Threads a proxy is made on at once, each a band of rows (proxy-job.ts). One: on the shared 2-core
 * machine two measured no faster (first image medians 1.10 vs 1.00 s and 1.60 vs 1.34 s, interleaved
 * runs, load 4-5), the browser needing the other core meanwhile.
 */
export const PROXY_THREADS = 1;

/** The largest canvas side a proxy is made for. */
export const PROXY_MAX_SIDE = 8192;
/** The largest file the server decodes for a proxy. */
export const PROXY_MAX_FILE_BYTES = 1024 ** 3;

const CHANNEL_VIEWS = ['rgb', 'r', 'g', 'b', 'a', 'luminance'];

/** What a proxy request asks for, from its query string; a string says what is wrong. */
export function parseProxyQuery(query: URLSearchParams): ProxyWanted | string {
  const side = (name: string): number | string => {
    const text = query.get(name);
    if (text === null || !/^\d{1,5}$/.test(text)) return `${name} must be a whole number of pixels from 1 to ${PROXY_MAX_SIDE}`;
    const value = Number(text);
    return value >= 1 && value <= PROXY_MAX_SIDE ? value : `${name} must be a whole number of pixels from 1 to ${PROXY_MAX_SIDE}`;
  };
  const width = side('w');
  if (typeof width === 'string') return width;
  const height = side('h');
  if (typeof height === 'string') return height;
  const partText = query.get('part');
  if (partText !== null && !/^\d{1,4}$/.test(partText)) return 'part must be a part index';
  const layer = query.get('layer') ?? '';
  if (layer.length > 1024) return 'layer is too long';
  const channel = query.get('channel') ?? 'rgb';
  if (!CHANNEL_VIEWS.includes(channel)) return `channel must be one of ${CHANNEL_VIEWS.join(', ')}`;
  return { width, height, layer, channel, part: partText === null ? undefined : Number(partText) };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store' });
  response.end(bytes);
}

const problem = (response: ServerResponse, status: number, code: string, message: string): void => sendJson(response, status, { error: { code, message } });

/** Files from this size on: the page asks the server for their first paint (viewers/src/session.ts). */
export const PROXY_MIN_FILE_BYTES = 2 * 1024 * 1024;

export interface ProxyService {
  /** The `api/proxy` handler: `segments` are the path below the token (`api`, `proxy`, item, frame). */
  handle(request: IncomingMessage, response: ServerResponse, segments: string[], query: string): Promise<void>;
  /** Decodes frame `frame` of item `item` for the view `wanted`, in the queue, for the request the
   *  page's HTML is about to make (proxy-prefetch.ts; server.ts calls it when it serves that HTML).
   *  At most one waits at a time; failures are left to the request. */
  prefetch(item: number, frame: number, wanted: Omit<ProxyWanted, 'width' | 'height'>): void;
  /** Ends the proxy threads. */
  close(): Promise<void>;
}

/**
 * The `api/proxy` service of one server. Proxies are made one at a time, in the order asked, on the
 * server's proxy threads (proxy-thread.ts), started now when an EXR frame is large enough for the
 * page to ask for its proxy (they load their code and wait), else on the first request.
 */
/** What a prefetched frame is kept under: the frame, the file's size and modification time as the
 *  server opened it, and the view's part and channels (not the canvas). */
function prefetchKey(item: number, frame: number, file: { size: number; mtime: Date }, wanted: Omit<ProxyWanted, 'width' | 'height'>): string {
  return JSON.stringify([item, frame, file.size, file.mtime.getTime(), wanted.part ?? null, wanted.layer, wanted.channel]);
}

export function proxyService(items: ViewItem[], files: ServedFile[][]): ProxyService {
  let queue: Promise<void> = Promise.resolve();
  let prefetchWaiting = false;
  const threads = Array.from({ length: PROXY_THREADS }, () => new ProxyThread());
  if (items.some((item) => item.kind === 'exr' && item.frames.some((frame) => frame.size >= PROXY_MIN_FILE_BYTES))) for (const thread of threads) thread.start();
  const handle: ProxyService['handle'] = async (request, response, segments, query) => {
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      return problem(response, 405, 'BAD_USAGE', 'api/proxy answers GET only');
    }
    const [, , itemText = '', frameText = ''] = segments;
    if (segments.length !== 4 || !/^\d{1,9}$/.test(itemText) || !/^\d{1,9}$/.test(frameText)) return problem(response, 404, 'NOT_FOUND', 'expected api/proxy/<item>/<frame>');
    const item = items[Number(itemText)];
    const served = files[Number(itemText)]?.[Number(frameText)];
    const frame = item?.frames[Number(frameText)];
    if (item === undefined || frame === undefined || served === undefined) return problem(response, 404, 'NOT_FOUND', `no frame ${frameText} of item ${itemText}`);
    if (item.kind !== 'exr') return problem(response, 415, 'UNSUPPORTED', `${frame.name} is not an EXR: the server makes proxies of EXR frames only`);
    const wanted = parseProxyQuery(new URLSearchParams(query.startsWith('?') ? query.slice(1) : query));
    if (typeof wanted === 'string') return problem(response, 400, 'BAD_USAGE', wanted);
    const arrived = performance.now();
    let gone = false;
    response.once('close', () => (gone = true));
    const turn = queue.then(async () => {
      if (gone) return; // the page went away while waiting
      const opened = await openInside(served.path, served.root);
      if (opened === 'forbidden') return problem(response, 403, 'FORBIDDEN', `${frame.name} leaves the tree that was named`);
      if (opened === 'not-found') return problem(response, 404, 'NOT_FOUND', `${frame.name} is not there any more`);
      let results: ProxyJobOutput[];
      try {
        if (opened.size > PROXY_MAX_FILE_BYTES) return problem(response, 413, 'LIMIT_EXCEEDED', `${frame.name} is ${opened.size} bytes; the server makes proxies of files up to ${PROXY_MAX_FILE_BYTES}`);
        // On the proxy thread(s), a band of rows each, so that this event loop keeps serving the
        // app's files meanwhile.
        const fd = opened.handle.fd;
        // Every thread done with the descriptor before it is closed (a failure does not stop the others).
        const key = prefetchKey(Number(itemText), Number(frameText), opened, wanted);
        const settled = await Promise.allSettled(threads.map((thread, i) => thread.run({ fd, size: opened.size, wanted, band: [i, threads.length], key })));
        const failure = settled.find((r) => r.status === 'rejected');
        if (failure !== undefined) throw failure.reason;
        results = settled.map((r) => (r as PromiseFulfilledResult<ProxyJobOutput>).value);
      } catch (thrown) {
        const error = thrown as Partial<ProxyThreadError>;
        const code = error.code ?? 'ERROR';
        const message = error.message ?? 'the proxy was not made';
        const status = code === 'EXR_LIMIT' || code === 'LIMIT_EXCEEDED' ? 413 : code === 'WORKER' || code === 'CANCELLED' ? 503 : 422;
        return problem(response, status, code, `${frame.name}: ${message}`);
      } finally {
        await opened.handle.close().catch(() => undefined);
      }
      const body = results.length === 1 && results[0]!.body !== undefined ? results[0]!.body : joinProxyBands(results.map((r) => r.band));
      const slowest = (pick: (r: ProxyJobOutput) => number): number => Math.max(...results.map(pick));
      const [read, decode, reduce, job] = [slowest((r) => r.read), slowest((r) => r.decode), slowest((r) => r.reduce), slowest((r) => r.job)];
      // Reduced from planes prefetched when the page's HTML was served: how long their decode took.
      const prefetched = results.some((r) => r.prefetched === true) ? lastPrefetch?.decode : undefined;
      if (body === null) {
        response.writeHead(204, { 'Cache-Control': 'no-store' });
        response.end();
        return;
      }
      const f = (ms: number): string => ms.toFixed(1);
      response.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(body.byteLength),
        'Cache-Control': 'no-store',
        'Server-Timing': `read;dur=${f(read)}, decode;dur=${f(decode)}, reduce;dur=${f(reduce)}, job;dur=${f(job)}, ${prefetched !== undefined ? `prefetched;dur=${f(prefetched)}, ` : ''}total;dur=${f(performance.now() - arrived)}`,
      });
      response.end(body);
    });
    queue = turn.catch(() => undefined);
    await turn;
  };
  /** The last prefetch's decode time, by key (for the request's Server-Timing). */
  let lastPrefetch: { key: string; decode: number } | undefined;
  const prefetch: ProxyService['prefetch'] = (itemIndex, frameIndex, wanted) => {
    const item = items[itemIndex];
    const served = files[itemIndex]?.[frameIndex];
    // One thread holds the planes (a frame split across threads decodes in bands instead).
    if (item?.kind !== 'exr' || served === undefined || threads.length !== 1 || prefetchWaiting) return;
    prefetchWaiting = true; // a burst of page loads decodes once
    const turn = queue.then(async () => {
      prefetchWaiting = false;
      const opened = await openInside(served.path, served.root);
      if (opened === 'forbidden' || opened === 'not-found') return;
      try {
        if (opened.size > PROXY_MAX_FILE_BYTES) return;
        const key = prefetchKey(itemIndex, frameIndex, opened, wanted);
        const done = await threads[0]!.prefetch({ fd: opened.handle.fd, size: opened.size, key, wanted, maxPixels: PROXY_MAX_PIXELS });
        lastPrefetch = done.kept ? { key, decode: done.read + done.decode } : undefined;
      } catch {
        // The request decodes again and answers the error.
      } finally {
        await opened.handle.close().catch(() => undefined);
      }
    });
    queue = turn.catch(() => undefined);
  };
  return { handle, prefetch, close: async () => void (await Promise.all(threads.map((thread) => thread.close()))) };
}
