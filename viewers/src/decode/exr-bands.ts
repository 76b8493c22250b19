/**
 * One band of rows of a scanline EXR part, decoded by one of several workers at once: a 4K frame is
 * read by two (or more) workers side by side, each fetching only its own chunks (an HTTP Range
 * request, or a slice of a dropped File) and inflating each chunk as soon as its bytes have arrived,
 * so the transfer, the inflating and the other worker's work overlap. The page joins the bands
 * (decoder.ts).
 *
 * Each worker reads the headers and offset tables from the file's first bytes, splits the part's
 * chunks into `count` runs of neighbouring scanline blocks (the same split in every worker: it
 * depends only on the header), and decodes its run with `readExr(..., { region })` over a buffer of
 * the file's size that holds the headers and its chunks (readExr touches only the chunks of the
 * region). The pixels and errors are those of `readExr` on the whole file; a part that cannot be
 * split (tiled, deep, subsampled channels, too few chunks, headers longer than the first read) is
 * decoded whole by band 0, and the other bands answer `null`.
 */
import { EXR_LINES_PER_CHUNK, hasCompression, readExr, readExrHeader } from '@vfxkit/exr';
import type { ExrChannelData, ExrHeader, ExrImage } from '@vfxkit/exr';
import type { ProxyChannel, ProxyRequest } from '../protocol.js';
import { proxyPlan } from '../shared/exr-proxy.js';
import { ProxyBuilder } from '../shared/proxy.js';
import { ViewError } from './errors.js';
import { inflateNative, zlibFrom } from './exr-inflate.js';
import type { Inflater } from './native-inflate.js';
import { EXR_HEAD_BYTES as HEAD_BYTES } from '../protocol.js';

/** ZIP chunks an inflate helper holds at once: enough that it never waits for the next. */
const HELPER_DEPTH = 4;
/** ZIP chunks a decode worker inflates at once by itself (without a helper). */
const LOCAL_DEPTH = 2;



export interface BandSource {
  source: string | Blob;
  name: string;
  /** The file's size in bytes (from the session, or the dropped File). */
  size: number;
}

export interface BandPlan {
  header: ExrHeader;
  part: number;
  /** This band's rows (data-window y, inclusive) and its chunks (offset-table indices). */
  yMin: number;
  yMax: number;
  chunks: number[];
  /** The chunks' file offsets, by table index. */
  offsets: number[];
  /** Bytes this band must have: [start, end). */
  start: number;
  end: number;
}

/** A byte range of the source as a stream, and where the stream starts in the file. */
async function openRange(from: BandSource, start: number, end: number, early?: Promise<Response>): Promise<{ stream: ReadableStream<Uint8Array>; at: number }> {
  if (typeof from.source !== 'string') return { stream: from.source.slice(start, end).stream(), at: start };
  let response: Response;
  try {
    response = await (early ?? fetch(from.source, { cache: 'no-store', headers: { Range: `bytes=${start}-${end - 1}` } } as RequestInit));
  } catch (error) {
    throw new ViewError('IO', `cannot fetch ${from.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok || response.body === null) throw new ViewError('IO', `the server answered ${response.status} ${response.statusText} for ${from.name}`);
  // A server that ignores Range sends the whole file (200): it starts at 0.
  return { stream: response.body, at: response.status === 206 ? start : 0 };
}

/** Reads `[start, end)` of the source into `into` (a buffer of the file's size). */
async function readRange(from: BandSource, into: Uint8Array, start: number, end: number, onProgress?: (filled: number) => void, early?: Promise<Response>): Promise<number> {
  const { stream, at } = await openRange(from, start, end, early);
  const reader = stream.getReader();
  let position = at;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = Math.max(0, Math.min(value.byteLength, into.byteLength - position));
    into.set(room === value.byteLength ? value : value.subarray(0, room), position);
    position += value.byteLength;
    onProgress?.(Math.min(position, into.byteLength));
    if (position > end) {
      await reader.cancel();
      break;
    }
  }
  return position;
}

/** The band's plan from the file's first bytes, or undefined when the part cannot be split. */
export function planBand(head: Uint8Array, size: number, wantedPart: number | undefined, band: number, count: number): BandPlan | undefined {
  let header: ExrHeader;
  try {
    header = readExrHeader(head);
  } catch {
    return undefined; // headers longer than the first read, or broken: the whole-file path says what is wrong
  }
  // The part asked for, else the first flat one (as the whole-file path picks it).
  const partIndex = wantedPart ?? header.parts.find((p) => p.type === 'scanlineimage' || p.type === 'tiledimage')?.index ?? 0;
  const part = header.parts[partIndex];
  if (part === undefined || part.type !== 'scanlineimage') return undefined;
  if (part.channels.some((c) => c.xSampling !== 1 || c.ySampling !== 1)) return undefined;
  // A method this build cannot decode is left whole to readExr, which names it.
  const lines = hasCompression(part.compression) ? EXR_LINES_PER_CHUNK[part.compression] : undefined;
  if (lines === undefined || part.chunkCount < count * 2) return undefined;
  let table = header.offsetTablesOffset;
  for (let i = 0; i < partIndex; i++) table += header.parts[i]!.chunkCount * 8;
  if (table + part.chunkCount * 8 > head.byteLength) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const offsets: number[] = [];
  for (let c = 0; c < part.chunkCount; c++) {
    const offset = Number(view.getBigUint64(table + c * 8, true));
    if (offset < table + part.chunkCount * 8 || offset >= size) return undefined; // damaged table: the whole-file path reports it
    offsets.push(offset);
  }
  const first = Math.floor((part.chunkCount * band) / count);
  const last = Math.floor((part.chunkCount * (band + 1)) / count) - 1;
  const chunks: number[] = [];
  for (let c = first; c <= last; c++) chunks.push(c);
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const nextAfter = (offset: number): number => {
    // The first chunk starting after `offset`, or the file's end.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]! <= offset) low = mid + 1;
      else high = mid;
    }
    return low < sorted.length ? sorted[low]! : size;
  };
  let start = size;
  let end = 0;
  for (const c of chunks) {
    start = Math.min(start, offsets[c]!);
    end = Math.max(end, nextAfter(offsets[c]!));
  }
  const { yMin, yMax } = part.dataWindow;
  return {
    header,
    part: partIndex,
    yMin: yMin + first * lines,
    yMax: Math.min(yMax, yMin + (last + 1) * lines - 1),
    chunks,
    offsets,
    start,
    end,
  };
}

/** A band's decoded rows: the plan, the channels of its rows, and the proxies asked for. */
export interface DecodedBand {
  plan: BandPlan;
  image: ExrImage;
  /** Display-resolution proxies by channel name: means for a band that is the whole part, else
   *  this band's sums (`partial`; the page adds the bands' and divides: normalizeProxy). */
  proxies: Map<string, ProxyChannel>;
}

/**
 * Fetches and decodes band `band` of `count` of the part asked for (else the first flat one): the
 * plan (its rows) and the channels of those rows, or `null` when the part is not split (the worker
 * then decodes the whole file for band 0; the other bands answer nothing).
 *
 * Each ZIP chunk is inflated natively as soon as its bytes are in, and decoded as soon as it is
 * inflated (one pass: fastChunk) into the band's planes and the proxies' sums, so the transfer, the
 * inflating and the decoding overlap; other chunks are decoded by `readExr` over their rows once all
 * bytes are in. If any chunk fails, the band is read again by one `readExr` over its rows, whose
 * error (or pixels) is then the answer.
 */
export async function decodeBand(
  from: BandSource,
  wantedPart: number | undefined,
  band: number,
  count: number,
  mark: (name: string) => void,
  /** The response to the head's range request when it was asked for already. */
  early?: Promise<Response>,
  proxy?: ProxyRequest,
  /** Set to the whole file when a single band read all of it but the part cannot be split. */
  whole?: { bytes?: Uint8Array },
  /** An inflate helper on another thread: ZIP chunks go to it first (see `dispatch` below). */
  helper?: Inflater,
): Promise<DecodedBand | null> {
  const headSize = Math.min(from.size, HEAD_BYTES);
  const file = new Uint8Array(from.size);
  // One band of one (a single worker) reads the whole file in one request: the head first, then
  // the chunks from the same stream (no second request); several bands read the head, then their
  // own chunks by a range request each.
  let stream: Promise<number> | undefined;
  let filled = 0;
  let progress: ((filled: number) => void) | undefined;
  if (count === 1) {
    let headIn: () => void = () => undefined;
    const head = new Promise<void>((resolve) => (headIn = resolve));
    stream = readRange(from, file, 0, from.size, (at) => {
      filled = at;
      if (at >= headSize) headIn();
      progress?.(at);
    }, early);
    await Promise.race([head, stream]);
  } else {
    await readRange(from, file, 0, headSize, undefined, early);
  }
  mark('worker:head');
  const plan = planBand(file.subarray(0, headSize), from.size, wantedPart, band, count);
  if (plan === undefined) {
    // Not split: the whole file is read by band 0 (from these bytes when it has them all).
    if (stream !== undefined && whole !== undefined) {
      await stream;
      whole.bytes = file;
    }
    return null;
  }
  const partIndex = plan.part;
  const part = plan.header.parts[partIndex]!;
  const window = part.dataWindow;
  const width = window.xMax - window.xMin + 1;
  const lines = EXR_LINES_PER_CHUNK[part.compression];
  const bandRows = plan.yMax - plan.yMin + 1;
  // Proxies of the channels the first view draws.
  const builders = new Map<string, ProxyBuilder>();
  // (The same plan as the server's first-paint proxies: shared/exr-proxy.ts.)
  const wantedProxies = proxy === undefined ? undefined : proxyPlan(part, proxy);
  for (const c of wantedProxies?.channels ?? []) builders.set(c.name, new ProxyBuilder(width, window.yMax - window.yMin + 1, wantedProxies!.factor));
  // The band's planes, in the part's channel order and types (as readExr returns them).
  const planes: ExrChannelData[] = part.channels.map((channel) => {
    const size = width * bandRows;
    return { ...channel, width, height: bandRows, data: channel.type === 'half' ? new Uint16Array(size) : channel.type === 'float' ? new Float32Array(size) : new Uint32Array(size) };
  });
  const proxyOf = planes.map((plane) => builders.get(plane.name));
  const lineBytes = part.channels.reduce((sum, c) => sum + width * (c.type === 'half' ? 2 : 4), 0);
  let failed = false;
  const inflated = new Map<number, Uint8Array>();
  /** The rows of chunk `c`: data-window y, inclusive. */
  const rowsOf = (c: number): [number, number] => {
    const y0 = window.yMin + c * lines;
    return [y0, Math.min(plan.yMax, y0 + lines - 1)];
  };
  /** A chunk `readExr` decodes (stored, or not inflated natively): copied into the planes. */
  const readChunk = (c: number): void => {
    if (failed) return;
    const [y0, y1] = rowsOf(c);
    let image: ExrImage;
    try {
      image = readExr(file, { part: partIndex, region: { xMin: window.xMin, xMax: window.xMax, yMin: y0, yMax: y1 }, zlib: zlibFrom(inflated) });
    } catch {
      failed = true; // the whole-band read below gives readExr's own answer
      return;
    }
    image.channels.forEach((channel, i) => {
      planes[i]!.data.set(channel.data, (y0 - plan.yMin) * width);
      proxyOf[i]?.add(channel.data, channel.type === 'half', y0 - window.yMin, y1 - y0 + 1);
    });
  };
  /**
   * A ZIP/ZIPS chunk inflated natively, decoded in one pass: the predictor undone over the first
   * half of the bytes, then over the second half while each (even, odd) byte pair, one 16-bit word
   * of the scanlines, goes straight to its channel's plane (and, for half channels with a proxy,
   * into the proxy's sums): what zip.ts + readExr do in three passes and two copies. The leader and
   * the sizes are checked as readExr checks them; anything unexpected goes to readChunk.
   */
  const fastChunk = (c: number, offset: number, packed: number, bytes: Uint8Array): void => {
    if (failed) return;
    const [y0, y1] = rowsOf(c);
    const rows = y1 - y0 + 1;
    const multipart = plan.header.flags.multipart;
    // A packed size equal to the unpacked size means stored uncompressed (readExr's rule).
    const wrong = packed === rows * lineBytes || bytes.byteLength !== rows * lineBytes;
    if (wrong || (multipart && view.getInt32(offset, true) !== partIndex) || view.getInt32(offset + (multipart ? 4 : 0), true) !== y0) {
      readChunk(c);
      return;
    }
    const n = bytes.byteLength;
    const half = n >> 1; // n is even: every sample has 2 or 4 bytes
    let previous = bytes[0]!;
    for (let i = 1; i < half; i++) {
      previous = (previous + bytes[i]! + 128) & 0xff;
      bytes[i] = previous;
    }
    let j = 0; // word index in the scanlines
    for (let r = 0; r < rows; r++) {
      const row = (y0 - plan.yMin + r) * width;
      const proxyRow = y0 - window.yMin + r;
      for (let ch = 0; ch < planes.length; ch++) {
        const plane = planes[ch]!;
        if (plane.type === 'half') {
          const out = plane.data as Uint16Array;
          for (let x = 0; x < width; x++, j++) {
            previous = (previous + bytes[half + j]! + 128) & 0xff;
            out[row + x] = bytes[j]! | (previous << 8);
          }
          proxyOf[ch]?.add(out.subarray(row, row + width), true, proxyRow, 1);
        } else {
          // 32-bit samples: two words each, little-endian, as the platform stores them.
          const out = new Uint16Array(plane.data.buffer, plane.data.byteOffset + row * 4, width * 2);
          for (let x = 0; x < width * 2; x++, j++) {
            previous = (previous + bytes[half + j]! + 128) & 0xff;
            out[x] = bytes[j]! | (previous << 8);
          }
          proxyOf[ch]?.add(plane.data.subarray(row, row + width) as Float32Array | Uint32Array, false, proxyRow, 1);
        }
      }
    }
  };
  // Inflate each ZIP chunk natively as soon as its bytes are in (its leader gives its size), and
  // decode it once inflated; other chunks are decoded once everything has arrived.
  const zip = part.compression === 'zip' || part.compression === 'zips';
  const limit = width * lines * part.channels.length * 4;
  const leader = (plan.header.flags.multipart ? 4 : 0) + 4;
  const waiting = plan.chunks.map((c) => ({ c, offset: plan.offsets[c]! })).sort((a, b) => a.offset - b.offset);
  const decoded = new Set<number>();
  let next = 0;
  const view = new DataView(file.buffer);
  /** Chunks whose bytes are in, not yet sent to be inflated. */
  const ready: { c: number; offset: number; packed: number; data: Uint8Array }[] = [];
  let active = 0;
  /** Chunks this thread is inflating (with a helper: one at a time), their scratch buffers, and
   *  how many of this band's chunks the helper holds. */
  let local = 0;
  const scratch: Uint8Array[] = [];
  let atHelper = 0;
  let byHelper = 0;
  let drained: (() => void) | undefined;
  const done = (): void => {
    active--;
    dispatch();
    if (active === 0 && ready.length === 0) drained?.();
  };
  const whenInflated = (c: number, offset: number, packed: number) => (out: Uint8Array): void => {
    decoded.add(c);
    fastChunk(c, offset, packed, out);
  };
  /** A chunk inflated on this thread, into a scratch buffer (inflateNative: no new buffer per chunk). */
  const inflateHere = (chunk: (typeof ready)[number]): void => {
    const { c, offset, packed, data } = chunk;
    active++;
    local++;
    const buffer = scratch.pop() ?? new Uint8Array(limit);
    settle(
      inflateNative(data, limit, buffer)
        .then(whenInflated(c, offset, packed), () => undefined)
        .finally(() => {
          // fastChunk has used the bytes by now (synchronously): the buffer is free again.
          scratch.push(buffer);
          local--;
        }),
    );
  };
  const toHelper = (chunk: (typeof ready)[number]): void => {
    const { c, offset, packed, data } = chunk;
    active++;
    atHelper++;
    const onInflated = whenInflated(c, offset, packed);
    settle(
      helper!.inflate(data, limit).then(
        (out) => {
          atHelper--;
          byHelper++;
          onInflated(out);
        },
        () => {
          atHelper--;
          return inflateNative(data, limit).then(onInflated, () => undefined);
        },
      ),
    );
  };
  const settle = (job: Promise<void>): void => {
    job
      .catch(() => {
        failed = true; // anything unexpected: the whole-band read below gives readExr's answer
      })
      .finally(done);
  };
  /** Runs `work` in a task of its own (after the tasks already queued: the helper's answers). */
  let tick: InstanceType<typeof MessageChannel> | undefined;
  const soon: (() => void)[] = [];
  const nextTask = (work: () => void): void => {
    if (tick === undefined) {
      tick = new MessageChannel();
      const port = tick.port1 as unknown as { addEventListener(type: 'message', listener: () => void): void; start(): void; unref?: () => void };
      port.addEventListener('message', () => soon.shift()?.());
      port.start();
      // Node (the tests): the channel must not keep the process alive if this band fails midway.
      port.unref?.();
    }
    soon.push(work);
    tick.port2.postMessage(0);
  };
  let localSoon = false;
  /**
   * Sends ready chunks to be inflated. Without a helper, two at a time on this thread (as fast as
   * all at once). With one, the helper gets the chunks (a few in flight, so it never waits for this
   * thread) and this thread, which also turns every inflated chunk into planes, inflates one itself
   * only when the helper is behind, and only from a task of its own: an inflate here runs as one
   * chain of promise reactions, and chained directly they kept the helper's answers (tasks) waiting
   * until the end (the helper inflated 8-24 of 135 chunks). A chunk the helper could not inflate
   * (damaged, or the helper gone) is tried here; if it fails here too it is decoded at the end, where
   * readExr's own path decides.
   */
  const dispatch = (): void => {
    while (ready.length > 0) {
      if (helper === undefined) {
        if (local >= LOCAL_DEPTH) return;
        inflateHere(ready.shift()!);
      } else if (atHelper < HELPER_DEPTH) {
        toHelper(ready.shift()!);
      } else {
        if (local >= 1 || ready.length <= HELPER_DEPTH || localSoon) return;
        localSoon = true;
        nextTask(() => {
          localSoon = false;
          if (atHelper >= HELPER_DEPTH && local < 1 && ready.length > HELPER_DEPTH) inflateHere(ready.shift()!);
          else dispatch();
        });
        return;
      }
    }
  };
  const onProgress = (filled: number): void => {
    if (!zip) return;
    while (next < waiting.length) {
      const { c, offset } = waiting[next]!;
      if (offset + leader + 4 > filled) break;
      const packed = view.getInt32(offset + leader, true);
      const dataStart = offset + leader + 4;
      if (packed < 7 || dataStart + packed > from.size) {
        next++; // damaged or stored: decoded at the end, where readExr's own path decides
        continue;
      }
      if (dataStart + packed > filled) break;
      ready.push({ c, offset, packed, data: file.subarray(dataStart, dataStart + packed) });
      next++;
    }
    dispatch();
  };
  if (stream !== undefined) {
    progress = onProgress;
    onProgress(filled);
    await stream;
  } else {
    if (plan.start < headSize) onProgress(headSize);
    const rest = Math.max(plan.start, headSize);
    if (plan.end > rest) await readRange(from, file, rest, plan.end, onProgress);
  }
  mark('worker:fetched');
  if (active > 0 || ready.length > 0) await new Promise<void>((resolve) => (drained = resolve));
  tick?.port1.close();
  tick?.port2.close();
  // How the chunks were shared (the bench and the tests read it): `worker:helper N/M`.
  if (helper !== undefined) mark(`worker:helper ${byHelper}/${plan.chunks.length}`);
  mark('worker:inflated');
  for (const c of plan.chunks) if (!decoded.has(c)) readChunk(c);
  const region = { xMin: window.xMin, xMax: window.xMax, yMin: plan.yMin, yMax: plan.yMax };
  let image: ExrImage;
  if (failed) {
    image = readExr(file, { part: partIndex, region, zlib: zlibFrom(inflated) });
    builders.clear(); // no proxies for a band read the slow way (it is rare: a damaged file)
  } else {
    image = {
      part: partIndex,
      name: part.name,
      type: 'scanlineimage',
      dataWindow: region,
      displayWindow: part.displayWindow,
      width,
      height: bandRows,
      compression: part.compression,
      lineOrder: part.lineOrder,
      tiles: part.tiles,
      level: { x: 0, y: 0 },
      channels: planes,
      attributes: part.attributes,
    };
  }
  mark('worker:decoded');
  const proxies = new Map<string, ProxyChannel>();
  const allRows = plan.yMin === window.yMin && plan.yMax === window.yMax;
  for (const [name, builder] of builders) proxies.set(name, allRows ? builder.finish() : builder.partial());
  return { plan, image, proxies };
}
