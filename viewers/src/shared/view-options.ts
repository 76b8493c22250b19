/**
 * The session document `vfx view` serves (`api/session`) and the view options the page reads from it
 * and from its query string: shared by the app (session.ts, app.ts) and the server (tools/view), so
 * both pick the same first view. The server uses `serverProxyTarget` to start the first paint's
 * request from the page's HTML (an inline script) before the app's code has loaded; the page asks for
 * the same URL (firstDecode) and takes that answer. Pure: no DOM, no Node.
 */

/** What the options are read from: the page's URLSearchParams (or the server's). */
export interface QueryParameters {
  get(name: string): string | null;
}

export type ItemKind = 'image' | 'exr' | 'particles' | 'volume' | 'alembic' | 'unknown';

export interface SessionFrame {
  frame: number | null;
  name: string;
  size: number;
  /** Relative to the app base (the server's `files/...`), or a blob: URL for dropped files. */
  url: string;
}

export interface SessionItem {
  id: string;
  name: string;
  kind: ItemKind;
  sequence: boolean;
  frames: SessionFrame[];
}

export type DisplayTransform = 'srgb' | 'rec709' | 'linear' | 'filmic';
export type ChannelView = 'rgb' | 'r' | 'g' | 'b' | 'a' | 'luminance';

export interface SessionOptions {
  frame?: number;
  exposure?: number;
  gamma?: number;
  display?: DisplayTransform;
  camera?: string;
  compare?: number;
}

export interface Session {
  version: 1;
  items: SessionItem[];
  options: SessionOptions;
}

/** What `set` takes (and the query parameters mean). */
export interface ViewOptions {
  item: number;
  compare: number | null;
  frame: number | null;
  exposure: number;
  gamma: number;
  display: DisplayTransform;
  channel: ChannelView;
  layer: string;
  part: number;
  attr: string;
  grid: string;
  camera: string;
  /** A/B split position, 0..1 of the canvas width. */
  wipe: number;
}

export const DISPLAYS: readonly DisplayTransform[] = ['srgb', 'rec709', 'linear', 'filmic'];
export const CHANNELS: readonly ChannelView[] = ['rgb', 'r', 'g', 'b', 'a', 'luminance'];

/** The options of a view nobody set. */
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
export function optionsFrom(session: Session | undefined, query: QueryParameters): ViewOptions {
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

/** EXR files from this size on have their first paint made by the server (`api/proxy`) when it can:
 *  the size from which the worker, too, makes proxies (decoder.ts splits such files into bands). */
export const SERVER_PROXY_MIN_BYTES = 2 * 1024 * 1024;

/** The server's first paint of a view (`api/proxy`): its path, and the query parameters after `w`
 *  and `h` (each with its leading `&`). */
export interface ServerProxyTarget {
  path: string;
  params: string;
  /** The item and frame (indices in the session), and the view's part, layer and channel. */
  item: number;
  frame: number;
  part: number;
  layer: string;
  channel: string;
}

/**
 * The server's first paint the page asks for first, less the canvas size (`w`, `h`: the window in
 * device pixels, known in the page only), for `session` opened with `query`: undefined when the
 * first view is not a large EXR (SERVER_PROXY_MIN_BYTES), is an A/B compare (the wipe needs both
 * files), or `proxy=0` / `serverproxy=0` turn it off.
 */
export function serverProxyTarget(session: Session, query: QueryParameters): ServerProxyTarget | undefined {
  if (query.get('proxy') === '0' || query.get('serverproxy') === '0') return undefined;
  const options = optionsFrom(session, query);
  const item = session.items[options.item];
  if (item === undefined || item.kind !== 'exr' || options.compare !== null) return undefined;
  const entry = entryFor(item, options.frame);
  if (entry === undefined || entry.size < SERVER_PROXY_MIN_BYTES) return undefined;
  const [, itemIndex, frameIndex] = /^files\/(\d+)\/(\d+)\//.exec(entry.url) ?? [];
  if (itemIndex === undefined || frameIndex === undefined) return undefined;
  const { channel, layer, part } = options;
  const params = `&channel=${encodeURIComponent(channel)}${layer !== '' ? `&layer=${encodeURIComponent(layer)}` : ''}${part > 0 ? `&part=${part}` : ''}`;
  return { path: `api/proxy/${itemIndex}/${frameIndex}`, params, item: Number(itemIndex), frame: Number(frameIndex), part, layer, channel };
}

/** The URL (relative to the app) of `target` for a `width` x `height` canvas. The server's inline
 *  script (tools/view early-proxy.ts) builds it the same way. */
export function serverProxyUrl(target: ServerProxyTarget, width: number, height: number): string {
  return `${target.path}?w=${width}&h=${height}${target.params}`;
}
