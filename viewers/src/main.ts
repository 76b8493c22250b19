/**
 * Entry point of the `vfx view` app, kept small so the work starts before the app's code has
 * loaded: it asks for the session, starts the decode workers and, as soon as the session names the
 * first file, has them fetch and decode it, while the app (three.js, the viewers, the chrome) loads
 * (a dynamic import, started once the decode has been asked for). The app takes that first decode
 * into its frame cache. `window.vfxView` is published at once and forwards to the app once built.
 */
import './style.css';
import type { App } from './app.js';
import type { Session, ViewInfo, VfxViewApi } from './contract.js';
import { Decoder, defaultWorkers } from './decoder.js';
import { firstDecode } from './session.js';

performance.mark('vfx:main');
const query = new URLSearchParams(location.search);
// `workers=N` (1-8) sets how many decode workers there are (tests force bands with 2).
const workers = Number(query.get('workers'));
// `inflaters=0` turns off the decode worker's inflate helper (decode/inflate-helper.ts), `inflaters=1` forces it.
const inflaters = query.get('inflaters') === '0' ? 0 : query.get('inflaters') === '1' ? 1 : undefined;
const decoder = new Decoder(Number.isInteger(workers) && workers >= 1 && workers <= 8 ? workers : defaultWorkers(), inflaters);
const session: Promise<Session> = fetch('api/session', { cache: 'no-store' }).then(async (response) => {
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText} for api/session`);
  return (await response.json()) as Session;
});
const preloaded = session.then(
  (document) => {
    if (document === null || typeof document !== 'object' || !Array.isArray(document.items)) return undefined;
    performance.mark('vfx:session-read');
    const first = firstDecode(document, query);
    if (first === undefined) return undefined;
    const promise = decoder.decode(first.request);
    promise.catch(() => undefined); // the app reports a failure when it takes this result
    return { key: first.key, promise };
  },
  () => undefined,
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
