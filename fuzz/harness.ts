/**
 * What the fuzzers share: a seedable generator, and a worker that runs a fuzz target module on one
 * mutated file at a time with a time bound (a hang or a crash terminates it and a fresh one starts).
 * A target module posts `{ ready: true }` once loaded, then answers each `{ id, bytes }` message with
 * a result carrying the same `id`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A seed file: its name (relative to the folder it came from) and its bytes. */
export interface SeedFile {
  name: string;
  bytes: Uint8Array;
}

/** Every file under `dir` (recursively, in name order) whose name ends with `extension` and that has at most `maxSize` bytes. */
export function realSeeds(dir: string, extension: string, maxSize = Infinity): SeedFile[] {
  const seeds: SeedFile[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const info = statSync(full);
      if (info.isDirectory()) walk(full);
      else if (name.endsWith(extension) && info.size <= maxSize) seeds.push({ name: relative(dir, full), bytes: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(dir);
  return seeds;
}

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

/** A mutated file and what was done to it. */
export interface Mutation {
  bytes: Uint8Array;
  what: string;
}

/**
 * The mutations every format shares, by `kind`: 0 a few bit flips, 1 one byte changed, 2 a
 * truncation, 3 a run of one byte value inserted, 4 an int32 (little-endian) set to one of
 * `int32Values` at a place at least `int32Tail` bytes before the end. Format-specific fuzzers add
 * their own kinds above these.
 */
export function mutateBytes(bytes: Uint8Array, next: () => number, kind: 0 | 1 | 2 | 3 | 4, int32Values: readonly number[], int32Tail = 4): Mutation {
  const at = (n = bytes.length) => Math.floor(next() * n);
  const out = new Uint8Array(bytes);
  switch (kind) {
    case 0: {
      const count = 1 + at(8);
      for (let i = 0; i < count; i++) out[at()]! ^= 1 << at(8);
      return { bytes: out, what: `${count} bit flips` };
    }
    case 1: {
      const offset = at();
      out[offset] = at(256);
      return { bytes: out, what: `byte ${offset} changed` };
    }
    case 2: {
      const length = at();
      return { bytes: bytes.subarray(0, length), what: `truncated to ${length}` };
    }
    case 3: {
      const offset = at();
      const run = new Uint8Array(1 + at(64)).fill(at(256));
      const grown = new Uint8Array(bytes.length + run.length);
      grown.set(bytes.subarray(0, offset));
      grown.set(run, offset);
      grown.set(bytes.subarray(offset), offset + run.length);
      return { bytes: grown, what: `${run.length} bytes inserted at ${offset}` };
    }
    default: {
      const offset = at(Math.max(1, bytes.length - int32Tail));
      const value = int32Values[at(int32Values.length)]!;
      new DataView(out.buffer, out.byteOffset).setInt32(offset, value, true);
      return { bytes: out, what: `int32 at ${offset} set to ${value}` };
    }
  }
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
