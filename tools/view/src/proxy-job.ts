/**
 * The work of one `api/proxy` answer (proxy.ts), run on the server's proxy threads (proxy-thread.ts)
 * so that its event loop keeps serving the app's files meanwhile: the file is read from the
 * descriptor the server opened and checked, decoded with @vfxkit/exr and Node's zlib and reduced to
 * the proxies the decode worker would make (`@vfxkit/viewers/shared`), in one pass for scanline parts
 * (each chunk's lines go to the ProxyBuilders as it is decompressed: bandSums). A frame can be split in
 * bands of rows, one per thread, at multiples of the box size, so that no box straddles two bands:
 * the joined sums are then exactly those of the whole frame.
 */
import { readExr, readExrChunks, readExrHeader, writeExr, type Box2, type ExrChannel, type ExrChunkReadOptions } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { readFileBytes } from './file-bytes.js';
import { takePrefetched, type Prefetched } from './proxy-prefetch.js';
import {
  encodeProxyPayload,
  exrViewInfo,
  normalizeProxy,
  proxiesOf,
  proxyPlan,
  ProxyBuilder,
  type ExrViewInfo,
  type ProxyChannel,
  type ProxyPayloadChannel,
  type ProxyRequest,
} from '@vfxkit/viewers/shared';

/** The most pixels of a frame the server decodes for a proxy (readExr's maxPixels). */
export const PROXY_MAX_PIXELS = 2 ** 27;

export type ProxyWanted = ProxyRequest & { part: number | undefined };

export interface ProxyJobInput {
  /** A descriptor of the file, opened and checked by the server, open until the job ends. */
  fd: number;
  size: number;
  wanted: ProxyWanted;
  /** Band `[index, count]` of the frame's rows (default the whole frame). */
  band?: [number, number];
  /** Names the file's state and the view (proxy.ts): the planes prefetched under the same key, if
   *  any, are reduced instead of decoding the file again (proxy-prefetch.ts). */
  key?: string;
}

/** One band's proxies: the box sums of its rows (`partial`), and the frame's description. */
export interface ProxyBand {
  info: ExrViewInfo;
  channels: ProxyPayloadChannel[];
  proxies: { name: string; proxy: ProxyChannel }[];
}

export interface ProxyJobOutput {
  /** Null when there is nothing to proxy. */
  band: ProxyBand | null;
  /** The whole answer (null: nothing to proxy), when the job was the whole frame (one band). */
  body?: Uint8Array | null;
  /** Milliseconds spent reading, decoding and reducing. */
  read: number;
  decode: number;
  reduce: number;
  /** Milliseconds of the whole job on its thread (the answer encoded too). */
  job: number;
  /** Whether the frame's planes were prefetched (proxy-prefetch.ts): not decoded by this job. */
  prefetched?: boolean;
}

/** Band `index` of `count` of the proxy's `factor`-row boxes, as data-window rows [y0, y1). */
function bandRows(height: number, factor: number, index: number, count: number): [number, number] {
  const boxes = Math.ceil(height / factor);
  const first = Math.floor((boxes * index) / count);
  const last = Math.floor((boxes * (index + 1)) / count);
  return [Math.min(height, first * factor), Math.min(height, last * factor)];
}

/** The proxies of band `band` of the EXR file `source` (its bytes, or a function reading them: not
 *  called when prefetched planes serve), as box sums, or null when there is nothing to proxy.
 *  Throws @vfxkit/exr's VfxError for a file it cannot read. A scanline part is decoded and reduced
 *  in one pass (bandSums); a tiled one is read into planes by readExr, then reduced. */
export function makeProxyBand(
  source: Uint8Array | (() => Uint8Array),
  wanted: ProxyWanted,
  band: [number, number] = [0, 1],
  timings?: { decode: number; reduce: number; prefetched?: boolean },
  prefetched?: Prefetched,
): ProxyBand | null {
  const t0 = performance.now();
  let loaded = typeof source === 'function' ? undefined : source;
  const file = (): Uint8Array => (loaded ??= (source as () => Uint8Array)());
  // The prefetch read the header of the same file state (its key holds the size and mtime).
  const header = prefetched?.header ?? readExrHeader(file());
  const partIndex = wanted.part ?? header.parts.find((p) => p.type === 'scanlineimage' || p.type === 'tiledimage')?.index;
  const part = partIndex === undefined ? undefined : header.parts[partIndex];
  if (part === undefined || (part.type !== 'scanlineimage' && part.type !== 'tiledimage')) return null;
  const plan = proxyPlan(part, wanted);
  if (plan === undefined) return null;
  const window = part.dataWindow;
  const width = window.xMax - window.xMin + 1;
  const height = window.yMax - window.yMin + 1;
  const [y0, y1] = bandRows(height, plan.factor, band[0], band[1]);
  // Only the channels shown, of this band's rows (the page's worker reads them all).
  const options = {
    part: part.index,
    channels: plan.channels.map((c) => c.name),
    region: { xMin: window.xMin, xMax: window.xMax, yMin: window.yMin + y0, yMax: window.yMin + y1 - 1 },
    zlib: nodeZlib,
    maxPixels: PROXY_MAX_PIXELS,
  };
  let proxies: Map<string, ProxyChannel> | undefined;
  let reduce = 0;
  // The frame decoded when the page's HTML was asked for (proxy-prefetch.ts): its planes hold the
  // shown channels of the whole data window; reduced like readExr's (the same sums).
  const image = prefetched?.image;
  const planes =
    image !== undefined && y0 === 0 && y1 === height && image.part === part.index &&
    plan.channels.every((c) => image.channels.some((p) => p.name === c.name && p.width === width && p.height === height))
      ? image
      : undefined;
  if (y1 <= y0) proxies = undefined;
  else if (planes !== undefined) {
    const t1 = performance.now();
    proxies = proxiesOf(planes, plan, { y0, height });
    reduce = performance.now() - t1;
  } else if (part.type === 'scanlineimage') {
    const summed = bandSums(file(), options, plan, width, height);
    proxies = summed.proxies;
    reduce = summed.reduce;
  } else {
    const decoded = readExr(file(), options);
    const t1 = performance.now();
    proxies = proxiesOf(decoded, plan, { y0, height });
    reduce = performance.now() - t1;
  }
  const t2 = performance.now();
  // The whole part described, as the worker describes it (its every channel, in file order).
  const channels = part.channels.map(({ name, type, xSampling, ySampling }) => ({ name, type, xSampling, ySampling, width: Math.ceil(width / xSampling), height: Math.ceil(height / ySampling) }));
  const info = exrViewInfo(header, part.index, { dataWindow: window, displayWindow: part.displayWindow, compression: part.compression, name: part.name, channels });
  const sums = plan.channels.map((c) => ({ name: c.name, proxy: proxies?.get(c.name) ?? emptySums(width, height, plan.factor) }));
  if (timings !== undefined) {
    if (planes !== undefined) timings.prefetched = true;
    timings.decode = t2 - t0 - reduce;
    timings.reduce = reduce + (performance.now() - t2);
  }
  return { info, channels, proxies: sums };
}

/**
 * The box sums of a band of a scanline part's rows in one pass: each chunk decoded by readExrChunks
 * (@vfxkit/exr's chunk reading, checks and codecs) and its lines of the shown channels added to
 * their ProxyBuilders at once, line by line in increasing y, without whole-frame planes. The same
 * builder, the same rows in the same order, so the same float32 sums as proxiesOf over readExr's
 * planes (the worker's, byte for byte). `reduce`: milliseconds spent adding.
 */
export function bandSums(
  bytes: Uint8Array,
  options: ExrChunkReadOptions & { region: Box2 },
  plan: { factor: number; channels: readonly ExrChannel[] },
  width: number,
  height: number,
): { proxies: Map<string, ProxyChannel>; reduce: number } {
  let reduce = 0;
  // By the index of the chunks' channels (the selected ones in header order).
  let builders: (ProxyBuilder | undefined)[] = [];
  let halves: boolean[] = [];
  const layout = readExrChunks(bytes, options, (chunk, layout) => {
    if (builders.length === 0) {
      builders = layout.channels.map((c) => (plan.channels.some((p) => p.name === c.name) ? new ProxyBuilder(width, height, plan.factor) : undefined));
      halves = layout.channels.map((c) => c.type === 'half');
    }
    const t = performance.now();
    const top = layout.part.dataWindow.yMin;
    for (let y = chunk.region.yMin; y <= chunk.region.yMax; y++) {
      for (let c = 0; c < builders.length; c++) {
        const builder = builders[c];
        if (builder === undefined) continue;
        const row = chunk.samples(c, y);
        if (row !== undefined) builder.add(row, halves[c]!, y - top, 1);
      }
    }
    reduce += performance.now() - t;
  });
  const proxies = new Map<string, ProxyChannel>();
  layout.channels.forEach((c, i) => {
    const builder = builders[i];
    if (builder !== undefined) proxies.set(c.name, builder.partial());
  });
  return { proxies, reduce };
}

function emptySums(width: number, height: number, factor: number): ProxyChannel {
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  return { factor, width: w, height: h, data: new Float32Array(w * h), partial: true };
}

/** The answer from every band's sums: added, divided into means, encoded; null when any band has
 *  nothing to proxy or the bands disagree (the file changed between two reads). */
export function joinProxyBands(bands: readonly (ProxyBand | null)[]): Uint8Array | null {
  const first = bands[0];
  if (first === null || first === undefined || bands.some((b) => b === null)) return null;
  const proxies = new Map<string, ProxyChannel>();
  for (const [c, { name, proxy }] of first.proxies.entries()) {
    const total = proxy.data;
    for (const other of bands.slice(1)) {
      const sums = other!.proxies[c];
      if (sums === undefined || sums.name !== name || sums.proxy.data.length !== total.length) return null;
      for (let i = 0; i < total.length; i++) total[i]! += sums.proxy.data[i]!;
    }
    normalizeProxy(total, first.info.width, first.info.height, proxy.factor);
    proxies.set(name, { factor: proxy.factor, width: proxy.width, height: proxy.height, data: total });
  }
  return encodeProxyPayload(first.info, first.channels, proxies);
}

/** The whole answer for `bytes` made here, in one band (tests; the server splits it on its threads). */
export function makeProxy(bytes: Uint8Array, wanted: ProxyWanted): Uint8Array | null {
  return joinProxyBands([makeProxyBand(bytes, wanted)]);
}

/** Reads the file (one read of the size the server saw: a file that changed is cut or ends early,
 *  and readExr says what is wrong) and makes its band's proxies. */
export function proxyJob(input: ProxyJobInput): ProxyJobOutput {
  const t0 = performance.now();
  let read = 0;
  const load = (): Uint8Array => {
    const start = performance.now();
    const bytes = readFileBytes(input.fd, input.size);
    read = performance.now() - start;
    return bytes;
  };
  const timings: { decode: number; reduce: number; prefetched?: boolean } = { decode: 0, reduce: 0 };
  // Always asked: a prefetched frame of another key is dropped here (its memory freed).
  const prefetched = takePrefetched(input.key);
  // The file is read only when the prefetched planes do not serve.
  const band = makeProxyBand(load, input.wanted, input.band, timings, prefetched);
  timings.decode = Math.max(0, timings.decode - read);
  // The whole frame: the answer made here too (not on the server's event loop).
  if (input.band === undefined || input.band[1] === 1) {
    const body = joinProxyBands([band]);
    return { band: null, body, read, ...timings, job: performance.now() - t0 };
  }
  return { band, read, ...timings, job: performance.now() - t0 };
}

/**
 * Runs the proxy job's code once on a small synthetic frame (a 512x256 half RGBA ZIP EXR with noise,
 * written in memory by writeExr: about 500 KB), so that a fresh proxy thread's first real request
 * does not run cold code: the same path as a real job (readExrChunks, Node's zlib, the ZIP
 * predictor, ProxyBuilder with 3x3 and 2x2 boxes, the answer's encoding). Returns its milliseconds
 * (about 90 in a fresh process). Measured in fresh processes (compiled code, interleaved, medians of
 * 12), the first 4K RGBA ZIP job then took 247 ms (259 ms of CPU) instead of 289 (329).
 */
export function warmUpProxyJob(): number {
  const t0 = performance.now();
  const width = 512;
  const height = 256;
  let seed = 1;
  const channels = ['A', 'B', 'G', 'R'].map((name, c) => {
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      data[i] = name === 'A' ? 1 : ((i % width) / width) * (c + 1) * 0.3 + (seed >>> 16) / 655360;
    }
    return { name, type: 'half' as const, data };
  });
  const bytes = writeExr({ width, height, compression: 'zip', channels }, { zlib: nodeZlib, zipLevel: 1 });
  for (const canvas of [{ width: 170, height: 85 }, { width: 256, height: 128 }]) makeProxy(bytes, { ...canvas, layer: '', channel: 'rgb', part: undefined });
  return performance.now() - t0;
}
