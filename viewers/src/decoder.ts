/**
 * A small pool of decode workers. Stateless decodes go to the least busy worker; Alembic
 * documents stay on the worker that opened them (the archive lives there).
 */
import type { AbcFrame, Decoded, DecodedAlembic, DecodeRequest, WorkerError, WorkerRequest, WorkerResponse } from './protocol.js';

export class DecodeFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (value: Decoded | AbcFrame | null) => void;
  reject: (error: DecodeFailure) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

export class Decoder {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly documentSlot = new Map<number, Slot>();
  private nextId = 1;

  constructor(size = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1))) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
      const slot: Slot = { worker, busy: 0 };
      worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
        const message = event.data;
        const waiting = this.pending.get(message.id);
        if (waiting === undefined) return;
        this.pending.delete(message.id);
        slot.busy--;
        if (message.ok) waiting.resolve(message.result);
        else waiting.reject(new DecodeFailure(message.error.code, message.error.message));
      });
      worker.addEventListener('error', (event) => {
        // A worker that dies fails everything it was doing (never a hang).
        for (const [id, waiting] of this.pending) {
          waiting.reject(new DecodeFailure('WORKER', `the decode worker failed: ${event.message || 'unknown error'}`));
          this.pending.delete(id);
        }
        slot.busy = 0;
      });
      this.slots.push(slot);
    }
  }

  private send(slot: Slot, request: WorkerRequest): Promise<Decoded | AbcFrame | null> {
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, request });
    });
  }

  private leastBusy(): Slot {
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  async decode(request: DecodeRequest): Promise<Decoded> {
    const slot = this.leastBusy();
    const result = (await this.send(slot, request)) as Decoded;
    if (result.kind === 'alembic') this.documentSlot.set(result.doc, slot);
    return result;
  }

  async alembicFrame(document: DecodedAlembic, time: number): Promise<AbcFrame> {
    const slot = this.documentSlot.get(document.doc);
    if (slot === undefined) throw new DecodeFailure('BAD_USAGE', 'that Alembic archive is closed');
    return (await this.send(slot, { type: 'abc-frame', doc: document.doc, time })) as AbcFrame;
  }

  /** Stops every worker (the page is going away): pending requests fail. */
  terminate(): void {
    for (const slot of this.slots) slot.worker.terminate();
    for (const waiting of this.pending.values()) waiting.reject(new DecodeFailure('CANCELLED', 'the page was closed'));
    this.pending.clear();
  }

  closeAlembic(document: DecodedAlembic): void {
    const slot = this.documentSlot.get(document.doc);
    if (slot === undefined) return;
    this.documentSlot.delete(document.doc);
    void this.send(slot, { type: 'abc-close', doc: document.doc }).catch(() => undefined);
  }
}

export function failureMessage(error: unknown): string {
  if (error instanceof DecodeFailure) return error.code !== 'ERROR' && error.code !== 'IO' ? `${error.message} (${error.code})` : error.message;
  const e = error as Partial<WorkerError> | undefined;
  return e?.message ?? String(error);
}
