/**
 * The decode worker's entry, kept small so that it runs at once: the first request's bytes are
 * asked for as soon as it arrives (the whole file, or for a band of an EXR the head with the
 * headers and offset tables), while the decoders (decode/work.ts: @vfxkit/exr and the rest) load.
 */
import type { AbcFrame, Decoded, DecodeRequest, WorkerRequest, WorkerResponse } from './protocol.js';
import { EXR_HEAD_BYTES } from './protocol.js';
import { InflateHelper, type HelperMessage } from './decode/inflate-helper.js';

interface Scope {
  postMessage(message: WorkerResponse, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<{ id: number; request: WorkerRequest } | HelperMessage>) => void): void;
}
const scope = self as unknown as Scope;

// The decoders start loading now, beside the first message.
const work = import('./decode/work.js');
work.catch(() => undefined); // a request reports it (fail below)

/**
 * This worker's inflate helper (decode/inflate-helper.ts), when the page started one beside it
 * (decoder.ts: one decode worker and two or more cores, or `inflaters=1`): a large EXR read as one
 * band has its ZIP chunks inflated there.
 */
let helper: InflateHelper | undefined;
function helperFor(request: DecodeRequest): InflateHelper | undefined {
  if (request.kind !== 'exr' || request.band === undefined || request.band[1] !== 1) return undefined;
  return helper;
}

/** The first fetch of a request from the server, started before the decoders have loaded. */
function startFetch(request: DecodeRequest): Promise<Response> | undefined {
  if (typeof request.source !== 'string') return undefined;
  // A band of several reads the head first (its chunks by a second request); a single band, and
  // anything else, the whole file.
  const init = request.band !== undefined && request.band[1] > 1 && request.size !== undefined && request.size > 0
    ? { cache: 'no-store', headers: { Range: `bytes=0-${Math.min(request.size, EXR_HEAD_BYTES) - 1}` } }
    : { cache: 'no-store' };
  const response = fetch(request.source, init as RequestInit);
  response.catch(() => undefined); // the decoder reports it when it reads the response
  return response;
}

scope.addEventListener('message', (event) => {
  if ('helper' in event.data) {
    const message = event.data.helper;
    if (message === 'gone') helper?.fail('the helper worker stopped');
    else helper = new InflateHelper(message);
    return;
  }
  const { id, request } = event.data;
  const marks: [string, number][] = [['worker:message', performance.timeOrigin + performance.now()]];
  const early = request.type === 'decode' ? startFetch(request) : undefined;
  const inflater = request.type === 'decode' ? helperFor(request) : undefined;
  const run = async (): Promise<Decoded | AbcFrame | null> => {
    const decoders = await work;
    if (request.type === 'decode') return decoders.decode(request, marks, early, inflater);
    if (request.type === 'abc-frame') return (await import('./decode/alembic.js')).alembicFrame(request.doc, request.time);
    (await import('./decode/alembic.js')).closeAlembic(request.doc);
    return null;
  };
  const fail = async (error: unknown): Promise<void> => {
    const described = await work.then(
      (decoders) => decoders.describeError(error),
      (loading: unknown) => ({ code: 'WORKER', message: `the decoders did not load: ${loading instanceof Error ? loading.message : String(loading)}` }),
    );
    scope.postMessage({ id, ok: false, error: described }, []);
  };
  run().then(
    async (result) => {
      try {
        const transfer = (await work).transferables(result);
        marks.push(['worker:post', performance.timeOrigin + performance.now()]);
        scope.postMessage({ id, ok: true, result, marks }, transfer);
      } catch (error) {
        await fail(error);
      }
    },
    fail,
  );
});
