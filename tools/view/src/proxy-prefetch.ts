/**
 * The first paint's frame, decoded when the page's HTML is asked for (server.ts, early-proxy.ts):
 * the browser then still has to start the page's process, parse the HTML and run its inline script
 * before it asks for `api/proxy` (0.1-0.2 s on the bench's machine), and the server decodes meanwhile.
 * Runs on the proxy thread (proxy-worker.ts), in the proxy queue (proxy.ts), so the proxy request
 * that follows finds the planes here and only reduces them (proxy-job.ts).
 *
 * The canvas size is not known yet, so the frame is decoded into planes of the channels the view
 * shows (the same `proxyPlan` channels as the request's), not reduced. One frame is kept, for a
 * request of the same file (size and modification time), part and channels; it is taken by that
 * request, dropped by any other job, and dropped after PREFETCH_KEEP_MS when nobody asks for it.
 * Planes above PREFETCH_MAX_BYTES are not made (the request decodes in one pass as before).
 */
import { readExr, readExrHeader, type ExrHeader, type ExrImage } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { proxyPlan } from '@vfxkit/viewers/shared';
import { readFileBytes } from './file-bytes.js';

/** How long a prefetched frame waits for its request. */
export const PREFETCH_KEEP_MS = 10_000;
/** The most bytes of planes a prefetch decodes into. */
export const PREFETCH_MAX_BYTES = 512 * 1024 * 1024;

export interface PrefetchInput {
  /** A descriptor of the file, opened and checked by the server, open until the job ends. */
  fd: number;
  size: number;
  /** Names the file's state and the view (proxy.ts `prefetchKey`): a request with the same key takes the planes. */
  key: string;
  wanted: { part: number | undefined; layer: string; channel: string };
  /** The most pixels decoded (readExr's maxPixels). */
  maxPixels: number;
}

export interface PrefetchOutput {
  /** Whether planes are kept (false: nothing to prefetch, or too large). */
  kept: boolean;
  read: number;
  decode: number;
}

/** A prefetched frame: the file's header (the request need not read the file again) and the planes. */
export interface Prefetched {
  header: ExrHeader;
  image: ExrImage;
}

let kept: { key: string; value: Prefetched; timer: ReturnType<typeof setTimeout> } | undefined;

function drop(): void {
  if (kept === undefined) return;
  clearTimeout(kept.timer);
  kept = undefined;
}

/** The planes prefetched for `key` (taken: a second call gives undefined); any other prefetched frame is dropped. */
export function takePrefetched(key: string | undefined): Prefetched | undefined {
  const found = kept !== undefined && kept.key === key ? kept.value : undefined;
  drop();
  return found;
}

/** Reads and decodes the frame of `input` into planes, kept for its request. Throws what readExr
 *  throws (the request then decodes again and answers the error). */
export function prefetchJob(input: PrefetchInput): PrefetchOutput {
  drop();
  const t0 = performance.now();
  const bytes = readFileBytes(input.fd, input.size);
  const t1 = performance.now();
  const header = readExrHeader(bytes);
  const partIndex = input.wanted.part ?? header.parts.find((p) => p.type === 'scanlineimage' || p.type === 'tiledimage')?.index;
  const part = partIndex === undefined ? undefined : header.parts[partIndex];
  if (part === undefined || (part.type !== 'scanlineimage' && part.type !== 'tiledimage')) return { kept: false, read: t1 - t0, decode: 0 };
  // The channels do not depend on the canvas: any canvas smaller than the frame gives them.
  const plan = proxyPlan(part, { width: 1, height: 1, layer: input.wanted.layer, channel: input.wanted.channel });
  const window = part.dataWindow;
  const pixels = (window.xMax - window.xMin + 1) * (window.yMax - window.yMin + 1);
  const planeBytes = plan === undefined ? 0 : plan.channels.reduce((sum, c) => sum + pixels * (c.type === 'half' ? 2 : 4), 0);
  if (plan === undefined || pixels > input.maxPixels || planeBytes > PREFETCH_MAX_BYTES) return { kept: false, read: t1 - t0, decode: 0 };
  const image = readExr(bytes, { part: part.index, channels: plan.channels.map((c) => c.name), zlib: nodeZlib, maxPixels: input.maxPixels });
  const timer = setTimeout(drop, PREFETCH_KEEP_MS);
  timer.unref();
  kept = { key: input.key, value: { header, image }, timer };
  return { kept: true, read: t1 - t0, decode: performance.now() - t1 };
}
