/**
 * What the decode worker and the `vfx view` server (tools/view, `api/proxy`) agree on about an EXR
 * frame's first paint: which channels get display-resolution proxies and at which factor
 * (`proxyPlan`), the proxies of a whole decoded image (`proxiesOf`, the same ProxyBuilder the
 * worker's decode pass uses), the description the app shows (`exrViewInfo`, also the worker's), and
 * the server's binary answer (`encodeProxyPayload` / `decodeProxyPayload`).
 *
 * The answer: the 4 bytes `VFXP`, a little-endian u32 length, that many bytes of UTF-8 JSON
 * (`ProxyPayloadHead`), zero padding to a multiple of 4, then each proxy's means as half floats
 * (little-endian, row by row, in the order of `head.proxies`): exact, as the means are rounded to
 * halves (normalizeProxy), and half the bytes of float32 (5.9 MB for an RGB 4K frame on a 1280x720
 * canvas). Pure: no DOM, no Node.
 */
import type { ExrChannel, ExrHeader, ExrImage, ExrPartHeader } from '@vfxkit/exr';
import { halfDecodeTable } from '@vfxkit/core';
import { halvesOf, ProxyBuilder, proxyFactor, type Box, type ProxyChannel, type ProxyRequest } from './proxy.js';
import { layerToShow, slotsFor } from './slots.js';

export interface ImagePartInfo {
  index: number;
  name: string | undefined;
  type: string;
  channels: string[];
  dataWindow: Box;
  compression: string;
}

/** What the app shows about an EXR part: the fields of DecodedImage besides its pixels. */
export interface ExrViewInfo {
  width: number;
  height: number;
  dataWindow: Box;
  displayWindow: Box;
  pixelAspectRatio: number;
  part: number;
  parts: ImagePartInfo[];
  summary: Record<string, unknown>;
}

/** The channels of part `part` that get proxies for `request`, and the box size; undefined when
 *  there is nothing to gain (the factor is below 2) or a channel shown cannot have one (uint or
 *  subsampled). */
export function proxyPlan(
  part: Pick<ExrPartHeader, 'channels' | 'displayWindow' | 'pixelAspectRatio'>,
  request: ProxyRequest,
): { factor: number; channels: ExrChannel[] } | undefined {
  const factor = proxyFactor(part.displayWindow, part.pixelAspectRatio, request);
  if (factor < 2) return undefined;
  const slots = slotsFor(part, layerToShow(part.channels, request.layer));
  const shown = slots.channels.filter((c, i): c is ExrChannel => c !== undefined && (i < 3 || request.channel === 'a'));
  if (shown.length === 0 || shown.some((c) => c.type === 'uint' || c.xSampling !== 1 || c.ySampling !== 1)) return undefined;
  return { factor, channels: [...new Set(shown)] };
}

/**
 * The proxies of a decoded part (`image` holds its data window), by channel name: means; or, when
 * `image` holds only some rows of a part `band.height` rows high starting at data-window row
 * `band.y0`, those rows' box sums (`partial`: the caller adds the bands' and divides, normalizeProxy).
 */
export function proxiesOf(
  image: Pick<ExrImage, 'channels' | 'dataWindow'>,
  plan: { factor: number; channels: readonly { name: string }[] },
  band?: { y0: number; height: number },
): Map<string, ProxyChannel> {
  const width = image.dataWindow.xMax - image.dataWindow.xMin + 1;
  const rows = image.dataWindow.yMax - image.dataWindow.yMin + 1;
  const height = band?.height ?? rows;
  const proxies = new Map<string, ProxyChannel>();
  for (const wanted of plan.channels) {
    const channel = image.channels.find((c) => c.name === wanted.name);
    if (channel === undefined || channel.width !== width || channel.height !== rows) continue;
    const builder = new ProxyBuilder(width, height, plan.factor);
    builder.add(channel.data, channel.type === 'half', band?.y0 ?? 0, rows);
    proxies.set(channel.name, band === undefined ? builder.finish() : builder.partial());
  }
  return proxies;
}

/** The description of part `wanted` of a file: `image` holds its data window, or (`rows`) a band of its rows. */
export function exrViewInfo(
  header: ExrHeader,
  wanted: number,
  image: Pick<ExrImage, 'dataWindow' | 'displayWindow' | 'compression' | 'name'> & { channels: readonly Pick<ExrChannel, 'name' | 'type'>[] },
  rows?: [number, number],
): ExrViewInfo {
  const partHeader = header.parts[wanted]!;
  const pixelTypes = [...new Set(image.channels.map((c) => c.type))].join(', ');
  // A band describes the whole part: the page joins the bands' rows.
  const dataWindow = rows === undefined ? image.dataWindow : partHeader.dataWindow;
  const width = dataWindow.xMax - dataWindow.xMin + 1;
  const height = dataWindow.yMax - dataWindow.yMin + 1;
  return {
    width,
    height,
    dataWindow,
    displayWindow: image.displayWindow,
    pixelAspectRatio: partHeader.pixelAspectRatio,
    part: wanted,
    parts: header.parts.map((p) => ({
      index: p.index,
      name: p.name,
      type: p.type,
      channels: p.channels.map((c) => c.name),
      dataWindow: p.dataWindow,
      compression: p.compression,
    })),
    summary: {
      format: 'OpenEXR',
      resolution: `${width}x${height}`,
      dataWindow: `(${dataWindow.xMin} ${dataWindow.yMin}) - (${dataWindow.xMax} ${dataWindow.yMax})`,
      displayWindow: `(${image.displayWindow.xMin} ${image.displayWindow.yMin}) - (${image.displayWindow.xMax} ${image.displayWindow.yMax})`,
      channels: image.channels.map((c) => c.name),
      pixelTypes,
      compression: image.compression,
      parts: header.parts.length,
      part: wanted,
      ...(image.name !== undefined ? { partName: image.name } : {}),
    },
  };
}

/** One channel of the image the proxies stand in for (its pixels come later, from the worker). */
export interface ProxyPayloadChannel {
  name: string;
  type: 'half' | 'float' | 'uint';
  xSampling: number;
  ySampling: number;
  width: number;
  height: number;
}

/** The JSON head of the server's answer. */
export interface ProxyPayloadHead {
  /** 2: half-float planes (1, float32 planes, is no longer read). */
  version: 2;
  info: ExrViewInfo;
  channels: ProxyPayloadChannel[];
  /** The planes that follow, in order. */
  proxies: { name: string; factor: number; width: number; height: number }[];
}

export interface ProxyPayload {
  head: ProxyPayloadHead;
  /** Each proxy's means, by channel name. */
  proxies: Map<string, ProxyChannel>;
}

/** A proxy as the answer carries it: the means as half-float bits (the page uploads them as a
 *  half-float texture, with no conversion). */
export interface HalfProxyChannel {
  factor: number;
  width: number;
  height: number;
  data: Uint16Array;
}

const MAGIC = [0x56, 0x46, 0x58, 0x50]; // "VFXP"
/** The JSON head's most bytes (a part list of thousands of channels fits). */
const MAX_HEAD_BYTES = 16 * 1024 * 1024;

/** The server's answer: head and planes in one buffer (see the module comment). */
export function encodeProxyPayload(info: ExrViewInfo, channels: readonly ProxyPayloadChannel[], proxies: ReadonlyMap<string, ProxyChannel>): Uint8Array {
  const head: ProxyPayloadHead = {
    version: 2,
    info,
    channels: channels.map(({ name, type, xSampling, ySampling, width, height }) => ({ name, type, xSampling, ySampling, width, height })),
    proxies: [...proxies].map(([name, p]) => ({ name, factor: p.factor, width: p.width, height: p.height })),
  };
  const json = new TextEncoder().encode(JSON.stringify(head));
  const start = (8 + json.byteLength + 3) & ~3;
  let size = start;
  for (const p of proxies.values()) size += p.width * p.height * 2;
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.byteLength, true);
  out.set(json, 8);
  let at = start;
  const view = new DataView(out.buffer);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const p of proxies.values()) {
    const n = p.width * p.height;
    if (littleEndian) halvesOf(p.data.subarray(0, n), new Uint16Array(out.buffer, at, n));
    else {
      const halves = new Uint16Array(n);
      halvesOf(p.data.subarray(0, n), halves);
      for (let i = 0; i < n; i++) view.setUint16(at + i * 2, halves[i]!, true);
    }
    at += n * 2;
  }
  return out;
}

/** Reads the server's answer; throws an Error saying what is wrong with a malformed one. The
 *  planes are half-float bits: views into `buffer` on a little-endian platform (no copy). */
export function decodeProxyPayloadHalves(buffer: ArrayBuffer): { head: ProxyPayloadHead; proxies: Map<string, HalfProxyChannel> } {
  const bytes = new Uint8Array(buffer);
  if (bytes.byteLength < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not a proxy answer (no VFXP signature)');
  const view = new DataView(buffer);
  const length = view.getUint32(4, true);
  if (length > MAX_HEAD_BYTES || 8 + length > bytes.byteLength) throw new Error(`the proxy answer's head (${length} bytes) does not fit in its ${bytes.byteLength} bytes`);
  let head: ProxyPayloadHead;
  try {
    head = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as ProxyPayloadHead;
  } catch {
    throw new Error('the proxy answer has a head that is not JSON');
  }
  if (head === null || typeof head !== 'object' || head.version !== 2 || !Array.isArray(head.proxies) || !Array.isArray(head.channels) || head.info === null || typeof head.info !== 'object') {
    throw new Error('the proxy answer has a head of an unknown version or shape');
  }
  const { width, height } = head.info;
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  let at = (8 + length + 3) & ~3;
  const proxies = new Map<string, HalfProxyChannel>();
  for (const p of head.proxies) {
    const ok = typeof p.name === 'string' && Number.isInteger(p.factor) && p.factor >= 1 && Number.isInteger(width) && Number.isInteger(height) &&
      p.width === Math.ceil(width / p.factor) && p.height === Math.ceil(height / p.factor);
    if (!ok) throw new Error(`the proxy answer's plane ${String(p.name)} does not match the image's ${width}x${height}`);
    const n = p.width * p.height;
    if (at + n * 2 > bytes.byteLength) throw new Error(`the proxy answer ends inside plane ${p.name}`);
    let data: Uint16Array;
    if (littleEndian) data = new Uint16Array(buffer, at, n); // `at` stays even: the head is padded to 4, planes are 2n bytes
    else {
      data = new Uint16Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getUint16(at + i * 2, true);
    }
    proxies.set(p.name, { factor: p.factor, width: p.width, height: p.height, data });
    at += n * 2;
  }
  if (at !== bytes.byteLength) throw new Error(`the proxy answer has ${bytes.byteLength - at} bytes after its planes`);
  return { head, proxies };
}

/** The server's answer with its means as float32 (decodeProxyPayloadHalves, converted). */
export function decodeProxyPayload(buffer: ArrayBuffer): ProxyPayload {
  const { head, proxies } = decodeProxyPayloadHalves(buffer);
  const table = halfDecodeTable();
  const floats = new Map<string, ProxyChannel>();
  for (const [name, p] of proxies) floats.set(name, { factor: p.factor, width: p.width, height: p.height, data: Float32Array.from(p.data, (bits) => table[bits]!) });
  return { head, proxies: floats };
}
