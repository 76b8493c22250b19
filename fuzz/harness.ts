/**
 * What the fuzzers share: a seedable generator, and a worker that runs a fuzz target module on one
 * mutated file at a time with a time bound (a hang or a crash terminates it and a fresh one starts).
 * A target module posts `{ ready: true }` once loaded, then answers each `{ id, bytes }` message with
 * a result carrying the same `id`.
 */
import { Worker } from 'node:worker_threads';

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Evaluated in each worker: register tsx (its --import hook does not reach workers on Node 20),
 *  then load the target. */
const bootstrap = `
const { workerData } = require('node:worker_threads');
const ready = workerData.tsx ? import(workerData.tsx).then((api) => api.register()) : Promise.resolve();
ready.then(() => import(workerData.target));
`;

function tsxApi(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

export interface TargetWorkerOptions {
  /** The worker's heap limit. */
  memoryMb: number;
  /** Swallow what the target prints (its stdout and stderr are not piped to ours). */
  quiet?: boolean;
}

/** One target module in a worker thread, answering one file at a time. */
export class TargetWorker<Result extends { id: number }> {
  private worker!: Worker;
  private ready!: Promise<void>;
  private pending: { id: number; resolve: (result: Result | { crash: string }) => void } | undefined;
  private nextId = 1;
  /** How long the last `run` took, from sending the file to the answer (start-up excluded). */
  lastMs = 0;

  constructor(
    private readonly target: URL,
    private readonly options: TargetWorkerOptions,
  ) {
    this.start();
  }

  private settle(answer: Result | { crash: string }): void {
    if (this.pending === undefined) return;
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve(answer);
  }

  private start(): void {
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { tsx: tsxApi(), target: this.target.href },
      execArgv: ['--conditions=source'],
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      ...(this.options.quiet ? { stdout: true, stderr: true } : {}),
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (message.ready === true) {
          this.worker.off('message', onMessage);
          resolve();
        }
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
    this.worker.on('message', (message: Result) => {
      if (this.pending !== undefined && message.id === this.pending.id) this.settle(message);
    });
    this.worker.on('error', (error: Error) => this.settle({ crash: `${error.name}: ${error.message}` }));
    this.worker.on('exit', (code) => this.settle({ crash: `worker exited with code ${code}` }));
  }

  /** Runs the target on `bytes`; a hang past `timeoutMs` terminates the worker (a new one starts). */
  async run(bytes: Uint8Array, timeoutMs: number): Promise<Result | { crash: string } | { hang: number }> {
    await this.ready;
    const started = performance.now();
    const id = this.nextId++;
    const answer = new Promise<Result | { crash: string }>((resolve) => {
      this.pending = { id, resolve };
    });
    this.worker.postMessage({ id, bytes });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ hang: number }>((resolve) => {
      timer = setTimeout(() => resolve({ hang: timeoutMs }), timeoutMs);
    });
    const result = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    this.lastMs = performance.now() - started;
    if ('hang' in result || 'crash' in result) {
      this.pending = undefined;
      await this.worker.terminate();
      this.start();
    }
    return result;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
