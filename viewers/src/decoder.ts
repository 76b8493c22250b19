/**
 * A small pool of decode workers. Stateless decodes go to the least busy worker; Alembic
 * documents stay on the worker that opened them (the archive lives there).
 */
import type { HelperMessage } from './decode/inflate-helper.js';
import { normalizeProxy, type ProxyChannel } from './shared/proxy.js';
import type { AbcFrame, Decoded, DecodedAlembic, DecodedImage, DecodeRequest, ImageChannel, WorkerError, WorkerRequest, WorkerResponse } from './protocol.js';

/** EXR files at least this large are decoded by all workers at once, a band of rows each. */
const BAND_MIN_BYTES = 2 * 1024 * 1024;

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

/** One decode worker per core but one, one to four. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

export class Decoder {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly documentSlot = new Map<number, Slot>();
  private readonly helpers: Worker[] = [];
  private nextId = 1;

  /**
   * `size` workers: one per core but one (left to the page), one to four. With two or more, a large
   * EXR is split across all of them; on a 2-core machine that was busy with other work, one worker
   * decoding the whole file was faster (bench/view.ts), and that worker uses the second core through
   * its inflate helper (decode/inflate-helper.ts): no bands to join on the page's thread.
   */
  constructor(
    private readonly size = defaultWorkers(),
    /** Inflate helpers (decode/inflate-helper.ts): 0 for none, 1 for one beside a single decode
     *  worker; undefined: one beside a single decode worker when there are two or more cores. */
    private readonly inflaters?: number,
    /** False: the workers start with the first request (or start()), not now. main.ts waits when
     *  the first paint may come from the server (their start-up would compete with it for the cores). */
    startNow = true,
  ) {
    if (startNow) this.start();
  }

  /** Starts the workers (once). */
  start(): void {
    if (this.slots.length > 0) return;
    const { size, inflaters } = this;
    const cores = navigator.hardwareConcurrency || 1;
    const withHelper = size === 1 && typeof DecompressionStream !== 'undefined' && (inflaters === 1 || (inflaters === undefined && cores >= 2));
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
      const slot: Slot = { worker, busy: 0 };
      if (withHelper) {
        // Started here, beside the decode worker (this page sees it fail and stops it), and joined
        // to it by a channel of their own.
        const helper = new Worker(new URL('./decode/inflate.worker.ts', import.meta.url), { type: 'module' });
        const channel = new MessageChannel();
        helper.postMessage({ port: channel.port1 }, [channel.port1]);
        worker.postMessage({ helper: channel.port2 } satisfies HelperMessage, [channel.port2]);
        helper.addEventListener('error', () => worker.postMessage({ helper: 'gone' } satisfies HelperMessage));
        this.helpers.push(helper);
      }
      worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
        const message = event.data;
        performance.mark('vfx:message');
        const waiting = this.pending.get(message.id);
        if (waiting === undefined) return;
        this.pending.delete(message.id);
        slot.busy--;
        if (message.ok) {
          // The worker's timings as the page's performance marks (epoch ms -> this page's clock).
          for (const [name, at] of message.marks ?? []) performance.mark(name, { startTime: Math.max(0, at - performance.timeOrigin) });
          waiting.resolve(message.result);
        }
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
    this.start();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  async decode(request: DecodeRequest): Promise<Decoded> {
    // A large EXR goes as bands (one per worker; one band with one worker: its chunks are still
    // fetched in one stream and inflated as they arrive, overlapping the transfer).
    if (request.kind === 'exr' && request.band === undefined && (request.size ?? 0) >= BAND_MIN_BYTES) return this.decodeBands(request);
    const slot = this.leastBusy();
    const result = (await this.send(slot, request)) as Decoded;
    if (result.kind === 'alembic') this.documentSlot.set(result.doc, slot);
    return result;
  }

  /** An EXR decoded by every worker at once, each a band of rows (decode/exr-bands.ts), joined here. */
  private async decodeBands(request: DecodeRequest): Promise<Decoded> {
    this.start();
    const count = this.slots.length;
    const bands = (await Promise.all(this.slots.map((slot, i) => this.send(slot, { ...request, band: [i, count] })))) as (Decoded | null)[];
    const first = bands[0];
    if (first === null || first === undefined) throw new DecodeFailure('WORKER', `no worker decoded ${request.name}`);
    if (first.kind !== 'image' || first.rows === undefined) return first; // not split: decoded whole by band 0
    const parts = bands.filter((b): b is DecodedImage => b !== null && b.kind === 'image' && b.rows !== undefined);
    const { width, height, dataWindow } = first;
    const rows = parts.reduce((sum, part) => sum + part.rows![1] - part.rows![0] + 1, 0);
    if (parts.length !== count || rows !== height) {
      // The bands do not tile the part (the file changed between two reads?): read it whole.
      return (await this.send(this.leastBusy(), request)) as Decoded;
    }
    const { rows: _rows, ...image } = first;
    if (parts.length === 1) return image; // one band: the whole data window already
    const channels: ImageChannel[] = first.channels.map((channel, c) => {
      const data = channel.data instanceof Uint16Array ? new Uint16Array(width * height) : channel.data instanceof Float32Array ? new Float32Array(width * height) : new Uint8Array(width * height);
      const bytes = new Uint8Array(data.buffer);
      for (const part of parts) {
        const piece = part.channels[c]!.data;
        bytes.set(new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength), (part.rows![0] - dataWindow.yMin) * width * data.BYTES_PER_ELEMENT);
      }
      const { proxy: _proxy, ...plain } = channel;
      // The proxies: every band's sums added, then divided (shared/proxy.ts).
      // (The worker's bands send float32 sums: `partial`.)
      const sums = parts.map((part) => part.channels[c]!.proxy).filter((p): p is ProxyChannel => p !== undefined && 'partial' in p && p.partial === true);
      if (sums.length === parts.length && sums.every((p) => p.data.length === sums[0]!.data.length)) {
        const total = sums[0]!.data;
        for (const other of sums.slice(1)) for (let i = 0; i < total.length; i++) total[i]! += other.data[i]!;
        normalizeProxy(total, width, height, sums[0]!.factor);
        return { ...plain, width, height, data, proxy: { factor: sums[0]!.factor, width: sums[0]!.width, height: sums[0]!.height, data: total } };
      }
      return { ...plain, width, height, data };
    });
    return { ...image, channels };
  }

  async alembicFrame(document: DecodedAlembic, time: number): Promise<AbcFrame> {
    const slot = this.documentSlot.get(document.doc);
    if (slot === undefined) throw new DecodeFailure('BAD_USAGE', 'that Alembic archive is closed');
    return (await this.send(slot, { type: 'abc-frame', doc: document.doc, time })) as AbcFrame;
  }

  /** Stops every worker (the page is going away): pending requests fail. */
  terminate(): void {
    for (const slot of this.slots) slot.worker.terminate();
    for (const helper of this.helpers) helper.terminate();
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
