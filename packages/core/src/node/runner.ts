/**
 * The job runner: one interface for "run this function over these items", whatever runs it.
 *
 * - `createLocalRunner()` runs the work function in this thread with async concurrency: right for
 *   file I/O and for sharp, which has its own thread pool.
 * - `createWorkerRunner()` runs a module's export in a pool of worker threads: right for CPU-bound
 *   pure-TypeScript decoding.
 * - A distributed runner (BullMQ on Redis) will implement the same `JobRunner` later. Everything that
 *   crosses the runner boundary is therefore plain data: items and values should be
 *   structured-clonable, the `skipped()` marker is a plain object, errors come back as `VfxError`
 *   (which has `toJSON`).
 *
 * Shared behaviour (the scheduler below):
 * - Items are pulled lazily, one at a time, only when a slot is free, so an async iterable such as a
 *   tree scan feeds the run while it streams and is never read far ahead.
 * - Results keep the input order whatever the completion order.
 * - A failing item is recorded (`failed`, with a `VfxError` naming the item) and the run goes on.
 * - Cancellation: when the signal aborts, no new item starts; items in flight see the abort on the
 *   signal their work function received, and the run waits for them to settle, so nothing is still
 *   writing when `run` resolves. Items that never started are `cancelled`. Work that writes through
 *   atomic writes (temporary file + rename) therefore never leaves a half-written output.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ErrorCode, VfxError, isVfxError } from '../errors.js';
import type { ProgressEvent, ProgressListener } from '../progress.js';
import { deserializeError } from './worker-protocol.js';
import type { ParentMessage, WorkerJobReference, WorkerMessage, WorkerStartData } from './worker-protocol.js';

// ---------------------------------------------------------------------------------------------
// The interface

/** What a work function receives beside its item. */
export interface JobContext {
  /** Aborted when the run is cancelled: stop early (and throw, e.g. `signal.throwIfAborted()`). */
  signal: AbortSignal;
  /** The item's position in the input, from 0. */
  index: number;
}

/** The marker a work function returns to say an item was skipped on purpose (already converted,
 *  nothing to do). A plain object, so it survives structured cloning and JSON. */
export interface Skipped {
  readonly '@vfxkit/skipped': true;
  readonly reason: string;
}

/** Marks an item as skipped, with the reason a user will read. */
export function skipped(reason: string): Skipped {
  return { '@vfxkit/skipped': true, reason };
}

export function isSkipped(value: unknown): value is Skipped {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)['@vfxkit/skipped'] === true &&
    typeof (value as Record<string, unknown>)['reason'] === 'string'
  );
}

/** The work done for one item: its value, or `skipped(reason)`; throw to fail the item. */
export type JobFunction<I, O> = (item: I, context: JobContext) => O | Skipped | Promise<O | Skipped>;

export type JobOutcome = 'ok' | 'failed' | 'skipped' | 'cancelled';

export interface JobResult<I, O> {
  item: I;
  /** The item's position in the input, from 0. */
  index: number;
  /** How the item is named in progress and errors (see `RunOptions.label`). */
  label: string;
  outcome: JobOutcome;
  /** The work function's value, when `ok`. */
  value?: O;
  /** Why the item failed, when `failed`. */
  error?: VfxError;
  /** Why the item was skipped, when `skipped`. */
  reason?: string;
  /** Time spent on the item, in milliseconds (0 for items that never started). */
  ms: number;
}

export interface RunSummary<I, O> {
  /** One result per item pulled from the input, in input order. */
  results: Array<JobResult<I, O>>;
  ok: number;
  failed: number;
  skipped: number;
  cancelled: number;
  elapsedMs: number;
}

export interface RunOptions<I> {
  /** Items worked on at once. Default: the runner's own setting, else `os.availableParallelism()`. */
  concurrency?: number;
  /** Cancels the run (see the module notes). */
  signal?: AbortSignal;
  /** Called after each item ends (not for cancelled items), and once more at the end of the run
   *  with the final counts and, when the input was read to its end, the total. It must not throw:
   *  an exception from it stops the run, which then rejects with that exception. */
  onProgress?: ProgressListener;
  /** Names an item in progress events and errors. Default: the item itself when it is a string or
   *  a number, its `path` or `name` when it has one, else `item N`. */
  label?: (item: I) => string;
  /** Number of items, when the input cannot tell (an async iterable); arrays tell by themselves. */
  total?: number;
}

export interface JobRunner {
  /**
   * Runs `work` over `items` and resolves with every item's result once all have ended. Rejects
   * only for a usage error (bad options, a work function the runner cannot run), an input that
   * throws (unless the run was cancelled), or an `onProgress`/`label` callback that throws; never
   * for a failing item.
   */
  run<I, O>(items: Iterable<I> | AsyncIterable<I>, work: JobFunction<I, O>, options?: RunOptions<I>): Promise<RunSummary<I, O>>;
}

// ---------------------------------------------------------------------------------------------
// The local runner

/**
 * A runner working in this thread with async concurrency.
 *
 * @example
 * const summary = await createLocalRunner().run(files, convertFile, { concurrency: 8, signal, onProgress });
 * if (summary.failed > 0) process.exitCode = 1;
 */
export function createLocalRunner(): JobRunner {
  return {
    run<I, O>(items: Iterable<I> | AsyncIterable<I>, work: JobFunction<I, O>, options: RunOptions<I> = {}): Promise<RunSummary<I, O>> {
      if (typeof work !== 'function') return Promise.reject(invalidOption('work', 'a function', work));
      return schedule<I, O>(items, options, availableParallelism(), async (item, index, signal) => work(item, { signal, index }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The worker runner

export interface WorkerRunnerOptions {
  /** The module holding the work function: a URL (`new URL('./job.js', import.meta.url)`), a
   *  `file:` URL string, or an absolute path. Compiled JavaScript in production; under tsx (tests)
   *  TypeScript sources load too. */
  module: URL | string;
  /** The name of the export to call with each item: `(item, { signal, index }) => value`. */
  exportName: string;
  /** Worker threads at most (one item each at a time). Default `os.availableParallelism()`;
   *  `RunOptions.concurrency` overrides it per run. */
  concurrency?: number;
  /** On cancellation, how long a busy worker may take to notice its aborted signal before it is
   *  terminated. Default 0: terminate at once (CPU-bound work cannot notice anyway). */
  abortGraceMs?: number;
}

/**
 * A runner calling `module[exportName]` in a pool of worker threads, for CPU-bound work.
 *
 * `run(items, work)` takes the same work function as the local runner, so switching runners is one
 * line: `work` must be that very export (the runner imports the module once in this thread and
 * checks, so the types of the run are those of the function the workers call). Items and values
 * cross threads by structured cloning. A worker that crashes fails its item and is replaced; a
 * cancelled run terminates its busy workers. Workers start on demand and end with the run.
 *
 * @example
 * import { decodeFile } from './decode-job.js';
 * const runner = createWorkerRunner({ module: new URL('./decode-job.js', import.meta.url), exportName: 'decodeFile' });
 * const summary = await runner.run(paths, decodeFile, { onProgress });
 */
export function createWorkerRunner(options: WorkerRunnerOptions): JobRunner {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'an object', options);
  const moduleHref = toModuleHref(options.module);
  const { exportName } = options;
  if (typeof exportName !== 'string' || exportName === '') throw invalidOption('exportName', 'the name of an export', exportName);
  if (options.concurrency !== undefined) checkConcurrency(options.concurrency);
  const abortGraceMs = options.abortGraceMs ?? 0;
  if (!Number.isFinite(abortGraceMs) || abortGraceMs < 0) throw invalidOption('abortGraceMs', 'a number of milliseconds, 0 or more', abortGraceMs);
  const job: WorkerJobReference = { moduleHref, exportName };

  return {
    async run<I, O>(items: Iterable<I> | AsyncIterable<I>, work: JobFunction<I, O>, runOptions: RunOptions<I> = {}): Promise<RunSummary<I, O>> {
      await checkWorkIsExport(job, work);
      const pool = new WorkerPool(job, abortGraceMs);
      try {
        return await schedule<I, O>(items, runOptions, options.concurrency ?? availableParallelism(), (item, index, signal) =>
          pool.execute(item, index, signal),
        );
      } finally {
        await pool.close();
      }
    },
  };
}

function toModuleHref(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') throw invalidOption('module', 'a URL or an absolute path', module);
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module; // file:, data:, node:
  if (module.startsWith('.')) {
    throw invalidOption('module', "a URL or an absolute path (a relative path would resolve against the runner's own folder; use new URL('./job.js', import.meta.url))", module);
  }
  return module; // a bare specifier, resolved from @vfxkit/core
}

async function checkWorkIsExport(job: WorkerJobReference, work: unknown): Promise<void> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(job.moduleHref)) as Record<string, unknown>;
  } catch (cause) {
    throw new VfxError(ErrorCode.BAD_USAGE, `cannot import the job module ${job.moduleHref}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  const exported = namespace[job.exportName];
  if (typeof exported !== 'function') {
    throw new VfxError(ErrorCode.BAD_USAGE, `the job module ${job.moduleHref} has no function export named '${job.exportName}'`);
  }
  if (exported !== work) {
    throw new VfxError(
      ErrorCode.BAD_USAGE,
      `the work function given to run() is not the export '${job.exportName}' of ${job.moduleHref}, which is what the workers call; pass that export itself`,
    );
  }
}

/**
 * How workers start: the options and loaders they need to load modules as this thread does.
 *
 * Workers get the loader and export-condition flags of this process (`--import`, `--conditions`,
 * ...) and nothing else (workers refuse many flags). tsx is the exception: its `--import` hook does
 * not register itself in worker threads on Node 20, so it is taken out of the flags and the worker's
 * bootstrap registers it through tsx's API instead, before importing the worker program. That is
 * what lets tests run the TypeScript sources in workers; in production everything is compiled
 * JavaScript and the bootstrap only imports the program.
 */
interface WorkerLaunch {
  execArgv: string[];
  tsxApiHref: string | undefined;
}

function workerLaunch(): WorkerLaunch {
  const flagsWithValue = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);
  const execArgv: string[] = [];
  let tsxApiHref: string | undefined;
  const argv = process.execArgv;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument : argument.slice(0, equals);
    if (!flagsWithValue.has(flag)) continue;
    const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined) continue;
    if ((flag === '--import' || flag === '--loader' || flag === '--experimental-loader') && isTsxLoader(value)) {
      const api = tsxApiFor(value);
      if (api !== undefined) {
        tsxApiHref = api;
        continue;
      }
    }
    execArgv.push(`${flag}=${value}`);
  }
  return { execArgv, tsxApiHref };
}

/** `--import tsx`, or the loader file the tsx command line passes (`.../tsx/dist/loader.mjs`). */
function isTsxLoader(value: string): boolean {
  return value === 'tsx' || value === 'tsx/esm' || /[\\/]tsx[\\/]dist[\\/](?:loader|esm[\\/]index)\.mjs$/.test(value);
}

function tsxApiFor(loader: string): string | undefined {
  try {
    if (loader.startsWith('file:') || isAbsolute(loader)) {
      const loaderUrl = loader.startsWith('file:') ? new URL(loader) : pathToFileURL(loader);
      return new URL(loaderUrl.pathname.endsWith('/esm/index.mjs') ? './api/index.mjs' : './esm/api/index.mjs', loaderUrl).href;
    }
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined; // keep the flag as it is and hope this Node registers it in workers
  }
}

/** The worker program, beside this module: TypeScript when this module runs from source. */
const workerEntry = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', import.meta.url);

/** Evaluated (as CommonJS) in each new worker: register tsx if asked, then run the program. */
const workerBootstrap = `
const { workerData } = require('node:worker_threads');
const registered = workerData.tsxApiHref ? import(workerData.tsxApiHref).then((api) => { api.register(); }) : Promise.resolve();
registered.then(() => import(workerData.entryHref));
`;

interface PoolTask {
  id: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Undoes the abort listener and timer of the task. */
  cleanup(): void;
}

interface PoolWorker {
  thread: Worker;
  task: PoolTask | undefined;
  /** The uncaught error the worker reported before exiting, if any. */
  crash: Error | undefined;
  /** Set when the pool terminates the worker on purpose (cancellation, end of run). */
  terminatedByPool: boolean;
}

/** Worker threads, one task each at a time, spawned on demand and replaced when they die. The
 *  scheduler never asks for more tasks at once than the run's concurrency, which bounds the pool. */
class WorkerPool {
  readonly #job: WorkerJobReference;
  readonly #abortGraceMs: number;
  readonly #idle: PoolWorker[] = [];
  readonly #all = new Set<PoolWorker>();
  #nextTaskId = 1;

  constructor(job: WorkerJobReference, abortGraceMs: number) {
    this.#job = job;
    this.#abortGraceMs = abortGraceMs;
  }

  execute(item: unknown, index: number, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(cancelledError());
    const worker = this.#idle.pop() ?? this.#spawn();
    const id = this.#nextTaskId++;
    return new Promise<unknown>((resolve, reject) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        const message: ParentMessage = { type: 'abort', id };
        try {
          worker.thread.postMessage(message);
        } catch {
          // The worker is already gone; its exit settles the task.
        }
        const terminate = (): void => {
          if (worker.task?.id !== id) return;
          worker.terminatedByPool = true;
          void worker.thread.terminate();
        };
        if (this.#abortGraceMs === 0) terminate();
        else graceTimer = setTimeout(terminate, this.#abortGraceMs);
      };
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        if (graceTimer !== undefined) clearTimeout(graceTimer);
      };
      worker.task = { id, resolve, reject, cleanup };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const message: ParentMessage = { type: 'run', id, index, item };
        worker.thread.postMessage(message);
      } catch (cause) {
        worker.task = undefined;
        cleanup();
        this.#idle.push(worker);
        reject(
          new VfxError(ErrorCode.BAD_USAGE, `the item cannot be sent to a worker (it must be structured-clonable): ${cause instanceof Error ? cause.message : String(cause)}`, {
            cause,
          }),
        );
      }
    });
  }

  /** Terminates every worker; resolves when all have stopped. */
  async close(): Promise<void> {
    const stopping = [...this.#all].map((worker) => {
      worker.terminatedByPool = true;
      return worker.thread.terminate();
    });
    this.#idle.length = 0;
    await Promise.allSettled(stopping);
  }

  #spawn(): PoolWorker {
    const launch = workerLaunch();
    const startData: WorkerStartData = { job: this.#job, entryHref: workerEntry.href };
    if (launch.tsxApiHref !== undefined) startData.tsxApiHref = launch.tsxApiHref;
    const thread = new Worker(workerBootstrap, { eval: true, workerData: startData, execArgv: launch.execArgv });
    const worker: PoolWorker = { thread, task: undefined, crash: undefined, terminatedByPool: false };
    this.#all.add(worker);

    thread.on('message', (message: WorkerMessage) => {
      const task = worker.task;
      if (task === undefined || message.id !== task.id) return;
      this.#finish(worker, task);
      if (message.ok) task.resolve(message.value);
      else task.reject(deserializeError(message.error));
    });
    thread.on('messageerror', (cause: Error) => {
      const task = worker.task;
      if (task === undefined) return;
      this.#finish(worker, task);
      task.reject(new VfxError(ErrorCode.IO, `the result could not be received from the worker: ${cause.message}`, { cause }));
    });
    // A Worker without an 'error' listener would take the whole process down with it.
    thread.on('error', (error: Error) => {
      worker.crash = error;
    });
    thread.on('exit', (exitCode: number) => {
      this.#all.delete(worker);
      const idleAt = this.#idle.indexOf(worker);
      if (idleAt !== -1) this.#idle.splice(idleAt, 1);
      const task = worker.task;
      if (task === undefined) return;
      worker.task = undefined;
      task.cleanup();
      if (worker.terminatedByPool) {
        task.reject(cancelledError());
        return;
      }
      const why = worker.crash !== undefined ? `: ${worker.crash.message}` : '';
      task.reject(
        new VfxError(ErrorCode.IO, `the worker running this item stopped unexpectedly (exit code ${exitCode})${why}`, {
          cause: worker.crash,
        }),
      );
    });
    return worker;
  }

  /** The task of `worker` ended with a message: the worker is free again. */
  #finish(worker: PoolWorker, task: PoolTask): void {
    worker.task = undefined;
    task.cleanup();
    if (!worker.terminatedByPool) this.#idle.push(worker);
  }
}

// ---------------------------------------------------------------------------------------------
// The scheduler shared by the runners

async function schedule<I, O>(
  items: Iterable<I> | AsyncIterable<I>,
  options: RunOptions<I>,
  defaultConcurrency: number,
  execute: (item: I, index: number, signal: AbortSignal) => Promise<unknown>,
): Promise<RunSummary<I, O>> {
  const concurrency = options.concurrency ?? defaultConcurrency;
  checkConcurrency(concurrency);
  if (options.total !== undefined && (!Number.isInteger(options.total) || options.total < 0)) {
    throw invalidOption('total', 'an integer of 0 or more', options.total);
  }
  const iterator = iteratorOf(items);
  const startedAt = performance.now();

  // One controller for the run: the caller's signal aborts it, and so does a fatal error (an input
  // or a callback that throws), which must stop the items in flight as well.
  const controller = new AbortController();
  const external = options.signal;
  const forwardAbort = (): void => controller.abort(external?.reason);
  if (external?.aborted) forwardAbort();
  else external?.addEventListener('abort', forwardAbort, { once: true });
  let fatal: { error: unknown } | undefined;
  const stopWith = (error: unknown): void => {
    fatal ??= { error };
    controller.abort(error);
  };

  const results: Array<JobResult<I, O>> = [];
  let total = options.total ?? (Array.isArray(items) ? items.length : undefined);
  let completed = 0;
  const emit = (event: ProgressEvent): void => {
    if (options.onProgress === undefined || fatal !== undefined) return;
    try {
      options.onProgress(event);
    } catch (error) {
      stopWith(error);
    }
  };
  const labelOf = (item: I, index: number): string => {
    if (options.label === undefined) return defaultLabel(item, index);
    try {
      return String(options.label(item));
    } catch (error) {
      stopWith(error);
      return defaultLabel(item, index);
    }
  };

  const runOne = async (item: I, index: number): Promise<void> => {
    const result: JobResult<I, O> = { item, index, label: labelOf(item, index), outcome: 'cancelled', ms: 0 };
    results[index] = result;
    if (controller.signal.aborted) return;
    const begin = performance.now();
    try {
      const value = await execute(item, index, controller.signal);
      if (isSkipped(value)) {
        result.outcome = 'skipped';
        result.reason = value.reason;
      } else {
        result.outcome = 'ok';
        result.value = value as O;
      }
    } catch (error) {
      if (controller.signal.aborted && isAbortLike(error, controller.signal)) result.outcome = 'cancelled';
      else {
        result.outcome = 'failed';
        result.error = toVfxError(error, result.label);
      }
    }
    result.ms = performance.now() - begin;
    if (result.outcome === 'cancelled') return;
    completed++;
    emit({ completed, total, item: result.label, outcome: result.outcome });
  };

  // Pull an item only when a slot is free: the input is never read more than `concurrency` items
  // ahead of the work.
  const inFlight = new Set<Promise<void>>();
  let pulled = 0;
  let exhausted = false;
  try {
    while (!controller.signal.aborted) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (controller.signal.aborted) break;
      let next: IteratorResult<I> | typeof aborted;
      try {
        next = await untilAborted(iterator.next(), controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) stopWith(error);
        break;
      }
      if (next === aborted) break;
      if (next.done === true) {
        exhausted = true;
        total = pulled;
        break;
      }
      const running: Promise<void> = runOne(next.value, pulled++).finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    if (!exhausted) {
      if (Array.isArray(items) && fatal === undefined) {
        // A cancelled array: the items left are known, so they are reported as cancelled.
        for (; pulled < items.length; pulled++) {
          results[pulled] = { item: items[pulled] as I, index: pulled, label: labelOf(items[pulled] as I, pulled), outcome: 'cancelled', ms: 0 };
        }
      } else {
        // A lazy input is not drained (it may be a long scan or endless); it is told to stop.
        closeIterator(iterator);
      }
    }
    await Promise.all(inFlight);
  } finally {
    external?.removeEventListener('abort', forwardAbort);
  }

  const summary: RunSummary<I, O> = { results, ok: 0, failed: 0, skipped: 0, cancelled: 0, elapsedMs: 0 };
  for (const result of results) summary[result.outcome]++;
  summary.elapsedMs = performance.now() - startedAt;
  emit({ completed, total });
  // A fatal error (an input or a callback that threw) rejects the run; `emit` above is a no-op then.
  if (fatal !== undefined) throw fatal.error;
  return summary;
}

type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): AnyIterator<T> {
  if (items !== null && typeof items === 'object') {
    if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
    if (Symbol.iterator in items) return items[Symbol.iterator]();
  }
  throw invalidOption('items', 'an iterable or an async iterable', items);
}

function closeIterator<T>(iterator: AnyIterator<T>): void {
  try {
    const closing = iterator.return?.();
    if (closing instanceof Promise) closing.catch(() => undefined);
  } catch {
    // An input that fails while being told to stop has nothing more to give.
  }
}

const aborted: unique symbol = Symbol('aborted');

/** Waits for `promise`, or for the signal to abort, whichever comes first. A promise left behind
 *  has its rejection handled, so it cannot surface as unhandled. */
function untilAborted<T>(promise: Promise<T> | T, signal: AbortSignal): Promise<T | typeof aborted> {
  const settled = Promise.resolve(promise);
  if (signal.aborted) {
    settled.catch(() => undefined);
    return Promise.resolve(aborted);
  }
  return new Promise<T | typeof aborted>((resolve, reject) => {
    const onAbort = (): void => {
      settled.catch(() => undefined);
      resolve(aborted);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    settled.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Is this failure the work stopping because it was told to? */
function isAbortLike(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  if (isVfxError(error)) return error.code === ErrorCode.CANCELLED;
  if (error instanceof Error) return error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR';
  return false;
}

/** Any failure as a `VfxError` naming the item: a `VfxError` keeps its code; another error keeps
 *  its own string code (`ENOENT`, ...) or becomes `IO`. */
function toVfxError(error: unknown, label: string): VfxError {
  if (error instanceof VfxError) return error.withFile(label);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : ErrorCode.IO;
  const message = error instanceof Error ? error.message : `a non-error value was thrown: ${String(error)}`;
  const isCoreCode = (Object.values(ErrorCode) as string[]).includes(code);
  const vfxError = new VfxError(code, message, { file: label, cause: error }, isCoreCode ? undefined : 'io');
  if (error instanceof Error && error.stack !== undefined) vfxError.stack = error.stack;
  return vfxError;
}

function defaultLabel(item: unknown, index: number): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'number' || typeof item === 'bigint') return String(item);
  if (typeof item === 'object' && item !== null) {
    const { path, name } = item as { path?: unknown; name?: unknown };
    if (typeof path === 'string') return path;
    if (typeof name === 'string') return name;
  }
  return `item ${index + 1}`;
}

function cancelledError(): VfxError {
  return new VfxError(ErrorCode.CANCELLED, 'the work was cancelled');
}

function checkConcurrency(concurrency: unknown): void {
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw invalidOption('concurrency', 'an integer of 1 or more', concurrency);
  }
}

function invalidOption(name: string, expected: string, actual: unknown): VfxError {
  let shown: string;
  try {
    shown = typeof actual === 'function' ? 'a function' : (JSON.stringify(actual) ?? String(actual));
  } catch {
    shown = String(actual);
  }
  return new VfxError(ErrorCode.BAD_USAGE, `runner option '${name}' should be ${expected}, got ${shown}`);
}
