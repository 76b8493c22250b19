/**
 * The decoding side of the decode worker (decode.worker.ts is its small entry): reads a file (a URL
 * the server gives, or a File dropped on the page) with the vfxkit packages and sends back planar
 * typed arrays as transferables, so the page stays responsive on a 4K EXR, a 10M-point cache or a
 * large volume. EXR (whole, or a band of rows: exr-bands.ts) and browser images are decoded here;
 * particles, volumes and Alembic archives by modules loaded on first use, so an EXR does not wait for
 * their code. Alembic archives stay open (alembic.ts).
 */
import { isVfxError } from '@vfxkit/core';
import { isExr, readExr, readExrHeader } from '@vfxkit/exr';
import type { ExrChannelData, ExrHeader, ExrImage } from '@vfxkit/exr';
import { isVdb } from '@vfxkit/vdb';
import type { ItemKind } from '../contract.js';
import { exrImageChannel, type AbcFrame, type Decoded, type DecodedImage, type DecodeRequest, type ImageChannel, type ProxyChannel } from '../protocol.js';
import { ViewError } from './errors.js';
import { preInflatedZlib } from './exr-inflate.js';
import { decodeBand } from './exr-bands.js';
import { exrViewInfo } from '../shared/exr-proxy.js';
import type { Inflater } from './native-inflate.js';

async function fetchBytes(source: string | Blob, name: string, early?: Promise<Response>): Promise<Uint8Array> {
  if (typeof source !== 'string') return new Uint8Array(await source.arrayBuffer());
  let response: Response;
  try {
    response = await (early ?? fetch(source, { cache: 'no-store' }));
  } catch (error) {
    throw new ViewError('IO', `cannot fetch ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new ViewError('IO', `the server answered ${response.status} ${response.statusText} for ${name}`);
  return new Uint8Array(await response.arrayBuffer());
}

function sniff(bytes: Uint8Array, hint: ItemKind): ItemKind {
  if (isExr(bytes)) return 'exr';
  if (isVdb(bytes)) return 'volume';
  // Ogawa: "Ogawa" then a frozen flag byte.
  if (bytes.length >= 5 && String.fromCharCode(...bytes.subarray(0, 5)) === 'Ogawa') return 'alembic';
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0xff && b[1] === 0xd8) || (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47))) return 'image';
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') return 'image';
  if (b.length >= 4 && String.fromCharCode(...b.subarray(0, 3)) === 'GIF') return 'image';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) return 'image';
  if (hint === 'exr' || hint === 'volume' || hint === 'alembic') return hint; // the reader then says what is wrong
  return hint === 'image' ? 'image' : 'particles';
}

function plainArray(data: Uint16Array | Float32Array | Uint32Array): Uint16Array | Float32Array {
  if (data instanceof Uint32Array) return Float32Array.from(data);
  return data;
}

/** Where the time of one request went: [name, epoch ms] pairs the page turns into performance marks. */
export type Marks = [string, number][];
const mark = (marks: Marks, name: string): void => void marks.push([name, performance.timeOrigin + performance.now()]);

async function decodeExr(bytes: Uint8Array, name: string, part: number | undefined, marks: Marks): Promise<DecodedImage> {
  const header = readExrHeader(bytes);
  const flat = header.parts.filter((p) => p.type === 'scanlineimage' || p.type === 'tiledimage');
  if (flat.length === 0) throw new ViewError('EXR_UNSUPPORTED', `${name} holds only deep parts; the viewer shows flat images (use vfx exr flatten or view a flat part)`);
  const wanted = part ?? flat[0]!.index;
  const partHeader = header.parts[wanted];
  if (partHeader === undefined) throw new ViewError('EXR_BAD_ARGUMENT', `${name} has no part ${wanted} (it has ${header.parts.length})`);
  if (partHeader.type !== 'scanlineimage' && partHeader.type !== 'tiledimage') {
    throw new ViewError('EXR_UNSUPPORTED', `part ${wanted} of ${name} is a ${partHeader.type} part; the viewer shows flat parts`);
  }
  // ZIP chunks inflated by the browser's native zlib first (see decode/exr-inflate.ts).
  const zlib = await preInflatedZlib(bytes, header, wanted);
  mark(marks, 'worker:inflated');
  const image = readExr(bytes, { part: wanted, zlib });
  mark(marks, 'worker:decoded');
  return describeExr(header, wanted, image);
}

/** The decoded image the page gets: `image` holds the part's data window, or a band of its rows. */
function describeExr(header: ExrHeader, wanted: number, image: ExrImage, rows?: [number, number], proxies?: ReadonlyMap<string, ProxyChannel>): DecodedImage {
  const channels = image.channels.map((c: ExrChannelData) => exrImageChannel(c, plainArray(c.data), proxies?.get(c.name)));
  // The description (shared/exr-proxy.ts): the server describes its first-paint proxies the same way.
  return { kind: 'image', format: 'exr', encoding: 'linear', ...exrViewInfo(header, wanted, image, rows), channels, ...(rows !== undefined ? { rows } : {}) };
}

async function decodeBitmap(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) {
    throw new ViewError('UNSUPPORTED', `${name} is a TIFF file; browsers do not decode TIFF. Convert it first: vfx img convert ${name} -o ${name.replace(/\.tiff?$/i, '')}.exr`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new ViewError('CORRUPT', `${name} could not be decoded as an image (JPEG, PNG, WebP, GIF, AVIF)`);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new ViewError('UNSUPPORTED', 'no 2D canvas in this worker');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const planes = [0, 1, 2, 3].map(() => new Uint8Array(width * height));
  for (let i = 0, p = 0; p < width * height; p++, i += 4) {
    planes[0]![p] = rgba[i]!;
    planes[1]![p] = rgba[i + 1]!;
    planes[2]![p] = rgba[i + 2]!;
    planes[3]![p] = rgba[i + 3]!;
  }
  const format = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? 'image';
  const box = { xMin: 0, yMin: 0, xMax: width - 1, yMax: height - 1 };
  return {
    kind: 'image',
    format,
    encoding: 'srgb',
    width,
    height,
    dataWindow: box,
    displayWindow: box,
    pixelAspectRatio: 1,
    part: 0,
    parts: [{ index: 0, name: undefined, type: 'scanlineimage', channels: ['R', 'G', 'B', 'A'], dataWindow: box, compression: format }],
    channels: ['R', 'G', 'B', 'A'].map((channel, i) => ({ name: channel, type: 'uint8', xSampling: 1, ySampling: 1, width, height, data: planes[i]! })),
    summary: { format: format.toUpperCase(), resolution: `${width}x${height}`, channels: ['R', 'G', 'B', 'A'], pixelTypes: 'uint8 (sRGB)' },
  };
}

/** Decodes one request; `early` is the response to the first fetch, asked for before this module
 *  loaded; `helper` an inflate helper for a large ZIP EXR read as one band (inflate-helper.ts). */
export async function decode(request: DecodeRequest, marks: Marks, early?: Promise<Response>, helper?: Inflater): Promise<Decoded | null> {
  mark(marks, 'worker:start');
  if (request.band !== undefined && request.size !== undefined && request.size > 0) {
    // One band of an EXR part, fetched and decoded beside the other workers' bands.
    const [band, count] = request.band;
    const whole: { bytes?: Uint8Array } = {};
    const done = await decodeBand({ source: request.source, name: request.name, size: request.size }, request.part, band, count, (name) => mark(marks, name), early, request.proxy, whole, helper);
    if (done !== null) return describeExr(done.plan.header, done.plan.part, done.image, [done.plan.yMin, done.plan.yMax], done.proxies);
    if (band > 0) return null; // not split: band 0 reads the whole file
    if (whole.bytes !== undefined) {
      mark(marks, 'worker:fetched');
      return decodeBytes(request, whole.bytes, marks);
    }
  }
  // Band 0 of a part that is not split reads the whole file: the early response was only its head.
  const bytes = await fetchBytes(request.source, request.name, request.band === undefined ? early : undefined);
  mark(marks, 'worker:fetched');
  return decodeBytes(request, bytes, marks);
}

async function decodeBytes(request: DecodeRequest, bytes: Uint8Array, marks: Marks): Promise<Decoded | null> {
  if (bytes.length === 0) throw new ViewError('CORRUPT', `${request.name} is empty (0 bytes)`);
  const kind = sniff(bytes, request.kind);
  switch (kind) {
    case 'exr':
      return await decodeExr(bytes, request.name, request.part, marks);
    case 'image':
      return decodeBitmap(bytes, request.name);
    case 'volume':
      return (await import('./volume.js')).decodeVolume(bytes, request.name, request.grid, request.maxVoxels ?? 256 ** 3);
    case 'alembic':
      return (await import('./alembic.js')).decodeAlembic(bytes, request.name);
    default:
      return (await import('./particles.js')).decodeParticles(bytes, request.name);
  }
}

export function transferables(result: Decoded | AbcFrame | null): Transferable[] {
  if (result === null) return [];
  const list: ArrayBufferLike[] = [];
  if ('kind' in result) {
    if (result.kind === 'image') {
      for (const c of result.channels) {
        list.push(c.data.buffer);
        if (c.proxy !== undefined) list.push(c.proxy.data.buffer);
      }
    }
    else if (result.kind === 'particles') for (const a of result.attributes) list.push(a.data.buffer);
    else if (result.kind === 'volume') list.push(result.data.buffer);
  } else {
    for (const o of result.objects) {
      if (o.geometry === undefined) continue;
      list.push(o.geometry.position.buffer);
      if (o.geometry.normal !== undefined) list.push(o.geometry.normal.buffer);
      if (o.geometry.index !== undefined) list.push(o.geometry.index.buffer);
    }
  }
  // Arrays that share a buffer (or views into a larger one) are sent once, as a whole.
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ViewError) return { code: error.code, message: error.message };
  if (isVfxError(error)) return { code: error.code, message: error.message };
  if (error instanceof RangeError) return { code: 'LIMIT_EXCEEDED', message: `out of memory or range: ${error.message}` };
  return { code: 'ERROR', message: error instanceof Error ? error.message : String(error) };
}
