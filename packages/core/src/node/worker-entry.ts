/**
 * The program each worker of `createWorkerRunner` runs (imported by the runner's small bootstrap,
 * after any loader is registered): import the job module once, then for every
 * `run` message call the named export with the item and post back its value or its error. A worker
 * handles one task at a time (the parent never sends a second before the first ends), but keeps
 * a controller per task so a late `abort` finds the right signal.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ErrorCode, VfxError } from '../errors.js';
import { serializeError } from './worker-protocol.js';
import type { ParentMessage, WorkerMessage, WorkerStartData } from './worker-protocol.js';

type WorkFunction = (item: unknown, context: { signal: AbortSignal; index: number }) => unknown;

const port = parentPort;
if (port === null) throw new Error('worker-entry is the program of a worker thread; it cannot run on the main thread');
const { moduleHref, exportName } = (workerData as WorkerStartData).job;
const controllers = new Map<number, AbortController>();
let loadedWork: Promise<WorkFunction> | undefined;

async function loadWork(): Promise<WorkFunction> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(moduleHref)) as Record<string, unknown>;
  } catch (cause) {
    throw new VfxError(ErrorCode.BAD_USAGE, `the worker cannot import the job module ${moduleHref}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  const work = namespace[exportName];
  if (typeof work !== 'function') {
    throw new VfxError(ErrorCode.BAD_USAGE, `the job module ${moduleHref} has no function export named '${exportName}'`);
  }
  return work as WorkFunction;
}

async function runTask(id: number, index: number, item: unknown): Promise<void> {
  const controller = new AbortController();
  controllers.set(id, controller);
  let reply: WorkerMessage;
  try {
    loadedWork ??= loadWork();
    const work = await loadedWork;
    // An abort that came while the module loaded: the work never starts.
    controller.signal.throwIfAborted();
    const value = await work(item, { signal: controller.signal, index });
    reply = { type: 'result', id, ok: true, value };
  } catch (error) {
    reply = { type: 'result', id, ok: false, error: serializeError(error) };
  } finally {
    controllers.delete(id);
  }
  try {
    port?.postMessage(reply);
  } catch (cause) {
    // The value could not be cloned (a function, a class with private state, ...): report that
    // instead of losing the task.
    const error = new VfxError(
      ErrorCode.BAD_USAGE,
      `the result of '${exportName}' cannot be sent back from the worker (it must be structured-clonable): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    port?.postMessage({ type: 'result', id, ok: false, error: serializeError(error) } satisfies WorkerMessage);
  }
}

port.on('message', (message: ParentMessage) => {
  if (message.type === 'abort') {
    controllers.get(message.id)?.abort(new VfxError(ErrorCode.CANCELLED, 'the work was cancelled'));
    return;
  }
  void runTask(message.id, message.index, message.item);
});
