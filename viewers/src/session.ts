/**
 * What the page needs before the app's code (three.js, the viewers, the chrome) has loaded: the
 * options from the session and the query string, and which file the first view shows, so main.ts
 * can start decoding it while the rest of the app loads. app.ts uses the same functions, so the
 * first decode lands in its frame cache under the same key.
 */
import { CHANNELS, DISPLAYS } from './contract.js';
import type { Session, SessionFrame, SessionItem, ViewOptions } from './contract.js';
import type { Decoded, DecodedImage, DecodeRequest } from './protocol.js';

export const DEFAULTS: ViewOptions = {
  item: 0,
  compare: null,
  frame: null,
  exposure: 0,
  gamma: 1,
  display: 'srgb',
  channel: 'rgb',
  layer: '',
  part: 0,
  attr: '',
  grid: '',
  camera: '',
  wipe: 0.5,
};

function number(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Options from the session defaults and the query string. */
export function optionsFrom(session: Session | undefined, query: URLSearchParams): ViewOptions {
  const options: ViewOptions = { ...DEFAULTS };
  const s = session?.options ?? {};
  if (s.frame !== undefined) options.frame = s.frame;
  if (s.exposure !== undefined) options.exposure = s.exposure;
  if (s.gamma !== undefined) options.gamma = s.gamma;
  if (s.display !== undefined && DISPLAYS.includes(s.display)) options.display = s.display;
  if (s.camera !== undefined) options.camera = s.camera;
  if (s.compare !== undefined) options.compare = s.compare;
  options.item = number(query.get('item')) ?? options.item;
  const compare = number(query.get('compare'));
  if (compare !== undefined) options.compare = compare;
  const frame = number(query.get('frame'));
  if (frame !== undefined) options.frame = frame;
  options.exposure = number(query.get('exposure')) ?? options.exposure;
  options.gamma = number(query.get('gamma')) ?? options.gamma;
  const display = query.get('display');
  if (display !== null && (DISPLAYS as readonly string[]).includes(display)) options.display = display as ViewOptions['display'];
  const channel = query.get('channel');
  if (channel !== null && (CHANNELS as readonly string[]).includes(channel)) options.channel = channel as ViewOptions['channel'];
  options.layer = query.get('layer') ?? options.layer;
  options.part = number(query.get('part')) ?? options.part;
  options.attr = query.get('attr') ?? options.attr;
  options.grid = query.get('grid') ?? options.grid;
  options.camera = query.get('camera') ?? options.camera;
  options.wipe = number(query.get('wipe')) ?? options.wipe;
  return options;
}

/** The frame of `item` to show for `frame`: exact, else the nearest at or before, else the first. */
export function entryFor(item: SessionItem, frame: number | null): SessionFrame | undefined {
  if (frame !== null) {
    const exact = item.frames.find((f) => f.frame === frame);
    if (exact !== undefined) return exact;
    // The nearest frame at or before (sequences with holes hold the last frame).
    const before = item.frames.filter((f) => f.frame !== null && f.frame <= frame);
    if (before.length > 0) return before[before.length - 1];
  }
  return item.frames[0];
}

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

/** EXR files from this size on have their first paint made by the server (`api/proxy`) when it can:
 *  the size from which the worker, too, makes proxies (decoder.ts splits such files into bands). */
export const SERVER_PROXY_MIN_BYTES = 2 * 1024 * 1024;

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
    // compare view (the wipe needs both files), or a small file (the worker is quick on it).
    const [, itemIndex, frameIndex] = /^files\/(\d+)\/(\d+)\//.exec(entry.url) ?? [];
    if (query.get('serverproxy') !== '0' && options.compare === null && entry.size >= SERVER_PROXY_MIN_BYTES && itemIndex !== undefined && frameIndex !== undefined) {
      const params = new URLSearchParams({ w: String(request.proxy.width), h: String(request.proxy.height), channel: options.channel });
      if (options.layer !== '') params.set('layer', options.layer);
      if (options.part > 0) params.set('part', String(options.part));
      proxyUrl = new URL(`api/proxy/${itemIndex}/${frameIndex}?${params}`, document.baseURI).href;
    }
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
