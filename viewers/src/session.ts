/**
 * What the page needs before the app's code (three.js, the viewers, the chrome) has loaded: the
 * options from the session and the query string, and which file the first view shows, so main.ts
 * can start decoding it while the rest of the app loads. app.ts uses the same functions, so the
 * first decode lands in its frame cache under the same key.
 */
import type { Session, SessionFrame, SessionItem } from './contract.js';
import type { Decoded, DecodedImage, DecodeRequest } from './protocol.js';
import { entryFor, optionsFrom, serverProxyTarget, serverProxyUrl } from './shared/view-options.js';

export { DEFAULTS, entryFor, optionsFrom, SERVER_PROXY_MIN_BYTES } from './shared/view-options.js';

/** The frame cache's key of one decoded frame (with the part or grid it was decoded for). */
export function cacheKey(item: SessionItem, frame: SessionFrame, part: number, grid: string): string {
  return `${item.id}|${frame.url}|p${part}|g${grid}`;
}

/** The decode request of one frame. */
export function decodeRequest(item: SessionItem, entry: SessionFrame, source: string | Blob, part: number, grid: string): DecodeRequest {
  return {
    type: 'decode',
    source,
    name: entry.name,
    kind: item.kind,
    size: entry.size,
    ...(part > 0 ? { part } : {}),
    ...(grid !== '' ? { grid } : {}),
  };
}

/** The first view's decode, keyed as the app's frame cache keys it, and the server's first-paint
 *  proxy to ask for first (`proxyUrl`, see server-proxy.ts); undefined when nothing is shown. */
export function firstDecode(session: Session, query: URLSearchParams): { key: string; request: DecodeRequest; proxyUrl?: string } | undefined {
  const options = optionsFrom(session, query);
  const item = session.items[options.item];
  if (item === undefined) return undefined;
  const entry = entryFor(item, options.frame);
  if (entry === undefined) return undefined;
  const request = decodeRequest(item, entry, new URL(entry.url, document.baseURI).href, options.part, options.grid);
  let proxyUrl: string | undefined;
  if (item.kind === 'exr' && query.get('proxy') !== '0') {
    // The first paint of a large EXR can be a display-resolution proxy (shared/proxy.ts): the
    // canvas is at most the window, in device pixels. `proxy=0` in the query turns it off.
    const dpr = window.devicePixelRatio || 1;
    request.proxy = { width: Math.round(window.innerWidth * dpr), height: Math.round(window.innerHeight * dpr), layer: options.layer, channel: options.channel };
    // Made by the server (tools/view api/proxy) from the same frame, unless `serverproxy=0`, a
    // compare view (the wipe needs both files), or a small file (the worker is quick on it): the
    // URL the page's HTML may have asked for already (early-proxy.ts).
    const target = serverProxyTarget(session, query);
    if (target !== undefined) proxyUrl = new URL(serverProxyUrl(target, request.proxy.width, request.proxy.height), document.baseURI).href;
  }
  return { key: cacheKey(item, entry, options.part, options.grid), request, ...(proxyUrl !== undefined ? { proxyUrl } : {}) };
}

/**
 * The first view's decode as main.ts hands it to the app: `full()` is the worker's decode (started
 * by main.ts at once, or, after a server proxy, when the app asks: once the proxy is drawn), and
 * `preview` the server's first paint when one was asked for (undefined once it failed: main.ts then
 * started the worker's decode, with its own proxies, at once).
 */
export interface FirstView {
  key: string;
  full: () => Promise<Decoded>;
  preview?: Promise<DecodedImage | undefined>;
}
