/**
 * A thread a view server makes its first-paint proxies on (proxy.ts, which keeps one or two, each
 * decoding a band of the frame's rows), so that decoding a 4K frame (0.3-0.7 s) never holds the
 * event loop that serves the app's files, which the page asks for at the same time. Started with
 * the server when the session holds an EXR frame large enough for the page to ask for a proxy (it
 * then loads its code and warms it on a small synthetic frame while the browser starts, and decodes
 * none of the session's files until asked), else on the first request (no warm-up then); ended
 * with the server. A thread that dies fails the job it had and is replaced by the next one.
 *
 * Under tsx (the tests and the bench run the TypeScript sources) the thread registers tsx itself
 * and resolves the packages' `source` condition, as @vfxkit/core's worker runner does.
 */
import { Worker } from 'node:worker_threads';
import type { ProxyJobInput, ProxyJobOutput } from './proxy-job.js';
import type { PrefetchInput, PrefetchOutput } from './proxy-prefetch.js';

export interface ProxyThreadError {
  code: string;
  message: string;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ProxyThreadError };

const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './proxy-worker.ts' : './proxy-worker.js', import.meta.url);
/** Evaluated (as CommonJS) in the new thread: register tsx when running from source, then the entry. */
const bootstrap = `
const { workerData } = require('node:worker_threads');
const registered = workerData.tsx ? import(workerData.tsx).then((api) => { api.register(); }) : Promise.resolve();
registered.then(() => import(workerData.entry));
`;

export class ProxyThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: ProxyThreadError) => void }>();
  private nextId = 1;
  private closed = false;

  /** Starts the thread now: it loads its code and runs the job once on a small synthetic frame
   *  (warmUpProxyJob), so that the first real request does not run cold code; then it waits. */
  start(): void {
    this.spawn(true);
  }

  private spawn(warm: boolean): void {
    if (this.worker !== undefined || this.closed) return;
    let tsx: string | undefined;
    if (fromSource) {
      try {
        tsx = import.meta.resolve('tsx/esm/api');
      } catch {
        tsx = undefined;
      }
    }
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { entry: entry.href, warm, ...(tsx !== undefined ? { tsx } : {}) },
      execArgv: fromSource ? ['--conditions=source'] : [],
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(reply.error);
    });
    const fail = (message: string): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject({ code: 'WORKER', message });
      this.pending.clear();
    };
    worker.on('error', (error) => fail(`the proxy thread failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the proxy thread stopped (exit code ${code})`));
    this.worker = worker;
  }

  /** Runs one job on the thread (started if need be, without the warm-up: the job is waiting). */
  run(input: ProxyJobInput): Promise<ProxyJobOutput> {
    return this.post<ProxyJobOutput>('proxy', input);
  }

  /** Decodes the first view's frame into planes kept on the thread for its request (proxy-prefetch.ts). */
  prefetch(input: PrefetchInput): Promise<PrefetchOutput> {
    return this.post<PrefetchOutput>('prefetch', input);
  }

  private post<T>(kind: 'proxy' | 'prefetch', input: ProxyJobInput | PrefetchInput): Promise<T> {
    if (this.closed) return Promise.reject<T>({ code: 'CANCELLED', message: 'the server is closing' } satisfies ProxyThreadError);
    this.spawn(false);
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref(); // busy: keep the process up until the answer
      worker.postMessage({ id, kind, input });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
