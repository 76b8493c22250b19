/**
 * The messages between the worker runner (parent thread) and its workers (`worker-entry.ts`).
 *
 * Everything crossing the thread boundary goes through the structured-clone algorithm, which keeps
 * plain data and drops class identity, so errors travel as plain objects and are rebuilt on the
 * parent's side. The same plain shapes would travel through a queue (BullMQ on Redis) for the
 * distributed runner.
 */
import { VfxError } from '../errors.js';
import type { ErrorCategory } from '../errors.js';

/** What the worker needs to know at start: which export of which module does the work. */
export interface WorkerJobReference {
  /** A URL (`file:`, `data:`) or bare specifier the worker can `import()`. */
  moduleHref: string;
  exportName: string;
}

/** The `workerData` of each worker. */
export interface WorkerStartData {
  job: WorkerJobReference;
  /** The worker program (`worker-entry`), imported by the bootstrap once loaders are in place. */
  entryHref: string;
  /** tsx's `esm/api` module, when the parent runs under tsx: the bootstrap registers it first so the
   *  worker loads TypeScript (tsx's `--import` does not register itself in worker threads on
   *  Node 20). */
  tsxApiHref?: string;
}

/** Parent to worker. */
export type ParentMessage =
  | { type: 'run'; id: number; index: number; item: unknown }
  /** Abort the signal the work function of task `id` received. */
  | { type: 'abort'; id: number };

/** Worker to parent: the end of task `id`. */
export type WorkerMessage = { type: 'result'; id: number; ok: true; value: unknown } | { type: 'result'; id: number; ok: false; error: SerializedError };

/** An error as plain data: what a `VfxError` needs to be rebuilt, or the name, message and code
 *  of any other error. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  category?: ErrorCategory;
  file?: string;
  offset?: number;
  location?: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: `a non-error value was thrown: ${String(error)}` };
  const serialized: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) serialized.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') serialized.code = code;
  if (error instanceof VfxError) {
    serialized.category = error.category;
    if (error.file !== undefined) serialized.file = error.file;
    if (error.offset !== undefined) serialized.offset = error.offset;
    if (error.location !== undefined) serialized.location = error.location;
  }
  return serialized;
}

/** A `VfxError` again when it was one; otherwise an `Error` with the original name, message and
 *  code, for the runner to wrap as it wraps any other error. */
export function deserializeError(serialized: SerializedError): Error {
  if (serialized.name === 'VfxError' && serialized.code !== undefined) {
    const error = new VfxError(
      serialized.code,
      serialized.message,
      { file: serialized.file, offset: serialized.offset, location: serialized.location },
      serialized.category,
    );
    if (serialized.stack !== undefined) error.stack = serialized.stack;
    return error;
  }
  const error: Error & { code?: string } = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.code !== undefined) error.code = serialized.code;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
