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
import { readExr, readExrHeader } from '@vfxkit/exr';
import type { ExrHeader } from '@vfxkit/exr';
import { ViewError } from './errors.js';
import { inflateNative, zlibFrom } from './exr-inflate.js';
import { EXR_HEAD_BYTES as HEAD_BYTES } from '../protocol.js';

/** Scanlines per chunk by compression (OpenEXR file layout: "Scan Line Based Images"). */
const LINES_PER_CHUNK: Record<string, number> = { none: 1, rle: 1, zips: 1, zip: 16, piz: 32, pxr24: 16, b44: 32, b44a: 32, dwaa: 32, dwab: 256 };


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
  const lines = LINES_PER_CHUNK[part.compression];
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

/**
 * Fetches and decodes band `band` of `count` of the part asked for (else the first flat one): the
 * plan (its rows) and the channels of those rows, or `null` when the part is not split (the worker
 * then decodes the whole file for band 0; the other bands answer nothing).
 */
export async function decodeBand(
  from: BandSource,
  wantedPart: number | undefined,
  band: number,
  count: number,
  mark: (name: string) => void,
  /** The response to the head's range request when it was asked for already. */
  early?: Promise<Response>,
): Promise<{ plan: BandPlan; image: ReturnType<typeof readExr> } | null> {
  const headSize = Math.min(from.size, HEAD_BYTES);
  const file = new Uint8Array(from.size);
  await readRange(from, file, 0, headSize, undefined, early);
  mark('worker:head');
  const plan = planBand(file.subarray(0, headSize), from.size, wantedPart, band, count);
  if (plan === undefined) return null;
  const partIndex = plan.part;
  const part = plan.header.parts[partIndex]!;
  // Inflate each ZIP chunk natively as soon as its bytes are in (its leader gives its size).
  const zip = part.compression === 'zip' || part.compression === 'zips';
  const width = part.dataWindow.xMax - part.dataWindow.xMin + 1;
  const limit = width * (LINES_PER_CHUNK[part.compression] ?? 1) * part.channels.length * 4;
  const leader = (plan.header.flags.multipart ? 4 : 0) + 4;
  const waiting = plan.chunks.map((c) => plan.offsets[c]!).sort((a, b) => a - b);
  const inflated = new Map<number, Uint8Array>();
  const jobs: Promise<void>[] = [];
  let next = 0;
  const view = new DataView(file.buffer);
  const onProgress = (filled: number): void => {
    if (!zip) return;
    while (next < waiting.length) {
      const offset = waiting[next]!;
      if (offset + leader + 4 > filled) return;
      const packed = view.getInt32(offset + leader, true);
      const dataStart = offset + leader + 4;
      if (packed < 7 || dataStart + packed > from.size) {
        next++; // damaged or stored: readExr's own path decides
        continue;
      }
      if (dataStart + packed > filled) return;
      const data = file.subarray(dataStart, dataStart + packed);
      jobs.push(
        inflateNative(data, limit).then(
          (out) => void inflated.set(dataStart, out),
          () => undefined,
        ),
      );
      next++;
    }
  };
  if (plan.start < headSize) onProgress(headSize);
  const rest = Math.max(plan.start, headSize);
  if (plan.end > rest) await readRange(from, file, rest, plan.end, onProgress);
  mark('worker:fetched');
  await Promise.all(jobs);
  mark('worker:inflated');
  const image = readExr(file, {
    part: partIndex,
    region: { xMin: part.dataWindow.xMin, xMax: part.dataWindow.xMax, yMin: plan.yMin, yMax: plan.yMax },
    zlib: zlibFrom(inflated),
  });
  mark('worker:decoded');
  return { plan, image };
}
