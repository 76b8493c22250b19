/**
 * Entry point of the `vfx view` app, kept small so the work starts before the app's code has
 * loaded: it asks for the session, starts the decode workers and, as soon as the session names the
 * first file, has them fetch and decode it, while the app (three.js, the viewers, the chrome) loads
 * (a dynamic import, started once the decode has been asked for). The app takes that first decode
 * into its frame cache. For a large EXR it asks the server for the first paint instead
 * (server-proxy.ts), and the workers start once the app has drawn it. `window.vfxView` is published at once and forwards to the app once built.
 */
import './style.css';
import type { App } from './app.js';
import type { Session, ViewInfo, VfxViewApi } from './contract.js';
import { Decoder, defaultWorkers } from './decoder.js';
import type { Decoded } from './protocol.js';
import { fetchServerProxy } from './server-proxy.js';
import { firstDecode, type FirstView } from './session.js';

performance.mark('vfx:main');
const query = new URLSearchParams(location.search);
// `workers=N` (1-8) sets how many decode workers there are (tests force bands with 2).
const workers = Number(query.get('workers'));
// `inflaters=0` turns off the decode worker's inflate helper (decode/inflate-helper.ts), `inflaters=1` forces it.
const inflaters = query.get('inflaters') === '0' ? 0 : query.get('inflaters') === '1' ? 1 : undefined;
// The workers start now, unless the first paint may come from the server (server-proxy.ts): then
// once the session says it does not, or once that first paint is drawn.
const maybeServerProxy = query.get('proxy') !== '0' && query.get('serverproxy') !== '0';
const decoder = new Decoder(Number.isInteger(workers) && workers >= 1 && workers <= 8 ? workers : defaultWorkers(), inflaters, !maybeServerProxy);
const session: Promise<Session> = fetch('api/session', { cache: 'no-store' }).then(async (response) => {
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText} for api/session`);
  return (await response.json()) as Session;
});
// The server's inline script may have asked for the first paint already (server-proxy.ts): taken
// below when it is the URL the page wants, else cancelled.
const early = window.vfxEarlyProxy;
delete window.vfxEarlyProxy;
const preloaded: Promise<FirstView | undefined> = session.then(
  (document) => {
    if (document === null || typeof document !== 'object' || !Array.isArray(document.items)) {
      early?.abort();
      return undefined;
    }
    performance.mark('vfx:session-read');
    const first = firstDecode(document, query);
    const earlyResponse = early !== undefined && early.url === first?.proxyUrl ? early.response : undefined;
    if (earlyResponse === undefined) early?.abort();
    if (first === undefined) return undefined;
    let full: Promise<Decoded> | undefined;
    /** The worker's decode, started once: with its own proxies unless the server's were drawn. */
    const start = (withProxies: boolean): Promise<Decoded> => {
      if (full === undefined) {
        const { proxy, ...plain } = first.request;
        full = decoder.decode(withProxies && proxy !== undefined ? { ...plain, proxy } : plain);
        full.catch(() => undefined); // the app reports a failure when it takes this result
      }
      return full;
    };
    if (first.proxyUrl === undefined) {
      start(true);
      return { key: first.key, full: () => start(true) };
    }
    // A large EXR: the server's first paint first (server-proxy.ts); the worker's fetch and decode
    // of the whole file wait until it is drawn (both would share the same cores), or start at
    // once when the server has none.
    if (earlyResponse === undefined) performance.mark('vfx:proxy-asked');
    const preview = fetchServerProxy(first.proxyUrl, earlyResponse).then((image) => {
      if (image === undefined) start(true);
      return image;
    });
    return { key: first.key, preview, full: () => start(false) };
  },
  () => {
    early?.abort();
    return undefined;
  },
);
let failed: string | null = null;
let app: App | undefined;
let api: VfxViewApi | undefined;
/** The app once its code has loaded and it is built (undefined if it could not start). */
const started: Promise<App | undefined> = (async () => {
  try {
    // The app's code is fetched once the first decode has been handed to the workers: evaluating
    // it holds this thread for a while, and the request must not wait behind it.
    await preloaded;
    const { App: AppClass } = await import('./app.js');
    performance.mark('vfx:app-loaded');
    const root = document.getElementById('app') ?? document.body;
    return new AppClass(root, query, session, decoder, preloaded);
  } catch (error) {
    failed = `The viewer could not start: ${error instanceof Error ? error.message : String(error)}`;
    document.documentElement.dataset.vfxStatus = 'error';
    document.body.textContent = failed;
    return undefined;
  }
})();
void started.then((built) => {
  app = built;
  api = built?.api();
});

const loadingInfo = (): ViewInfo => ({ status: failed === null ? 'loading' : 'error', name: '', kind: 'unknown', frame: null, frames: [], summary: {}, error: failed });
const later = async <T>(work: (app: App) => Promise<T> | T, otherwise: T): Promise<T> => {
  const built = await started;
  return built === undefined ? otherwise : work(built);
};

// `window.vfxView` exists from the start (automation need not poll for it); until the app has
// loaded, its calls wait for it and its getters say 'loading'.
window.vfxView = {
  get status() {
    return api?.status ?? (failed === null ? 'loading' : 'error');
  },
  get error() {
    return api?.error ?? failed;
  },
  whenReady: () => later((a) => a.whenReady(), loadingInfo()),
  info: () => app?.info() ?? loadingInfo(),
  set: (options) => later((a) => a.set(options), loadingInfo()),
  probe: (x, y) => app?.probe(x, y) ?? null,
  project: (p) => app?.project(p) ?? null,
  play: (fps) => void later((a) => a.play(fps), undefined),
  pause: () => void later((a) => a.pause(), undefined),
  stats: () => app?.stats() ?? { framesShown: 0, cachedFrames: 0 },
  openFiles: (files) => later((a) => a.openFiles(files), loadingInfo()),
};
