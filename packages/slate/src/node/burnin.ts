/**
 * Burn-ins: text at the corners (and centres) of every frame, an optional letterbox mask. One job
 * per frame, plain data in and out, so the tools run it in this thread (8-bit frames: one sharp
 * pipeline whose composite does the blending, libvips threads doing the work) or in worker threads
 * (EXR: the codec and the blend are TypeScript).
 *
 * - 8-bit and 16-bit frames in and out (JPEG, PNG, TIFF, ...): coverage masks become RGBA overlays
 *   composited by sharp over the decoded frame; metadata is kept.
 * - EXR (or any float frame, or a change between float and integer): the frame is decoded into the
 *   image model and the text is blended in linear light into R, G, B (and over A), white text being
 *   1.0; the frame's channels, attributes and compression are kept.
 * Masks of text that does not change from frame to frame are rendered once per thread (text.ts).
 */
import { readFile } from 'node:fs/promises';
import sharp, { type OverlayOptions } from 'sharp';
import { floatToHalf, halfDecodeTable, isVfxError } from '@vfxkit/core';
import { writeFileAtomic, type JobContext } from '@vfxkit/core/node';
import { ImageErrorCode, encodeImage, formatForFileName, imageError, readImage, readImageInfo, toPlanar, type Image, type ImageFormat } from '@vfxkit/image';
import { linearColor, type Rgb } from '../color.js';
import { SlateErrorCode, slateError } from '../errors.js';
import { expandText, type FieldValues } from '../fields.js';
import { letterboxBars, textPixels, type PixelBox } from '../layout.js';
import { BURNIN_POSITIONS, type BurninPosition, type BurninTemplate } from '../template.js';
import { timecodeOfFrame, type TimecodeClock } from '../timecode.js';
import { attributeFields } from './probe.js';
import { encodeExrImage } from './exr-out.js';
import { assemble, boxRows, decodeRows, dirtyChunkRuns, encodeRows, spliceFrame, type SpliceFrame } from './exr-splice.js';
import { textMask, type TextMask } from './text.js';
import { matrixFromRec709 } from './canvas.js';

/** The module's URL, for `createWorkerRunner` (TypeScript when running from source). */
export const burninJobModule: URL = new URL(import.meta.url);

export interface BurninJob {
  input: string;
  /** The input as the user sees it (errors name it). */
  shown: string;
  output: string;
  frame: number;
  template: BurninTemplate;
  /** Sequence-wide field values (per-frame ones are added here). */
  fields: Record<string, string>;
  clock: TimecodeClock;
  force: boolean;
  /** JPEG/WebP/AVIF quality (default 95). */
  quality?: number;
  /** EXR/TIFF compression (default: the frame's own for EXR). */
  compression?: string;
  /** EXR to EXR: re-encode only the chunks under the text (default true; false re-encodes all). */
  splice?: boolean;
}

export interface BurninResult {
  width: number;
  height: number;
  bytes: number;
  /** `composite`: one sharp pipeline; `decoded`: through the image model; `spliced`: only the EXR
   *  chunks under the text re-encoded. */
  route: 'composite' | 'decoded' | 'spliced';
}

/** One placed text of a frame. */
interface PlacedText {
  mask: TextMask;
  x: number;
  y: number;
  /** The backing box behind it (when the template asks for one). */
  backing?: PixelBox;
}

/** The texts of one frame, expanded and rendered, and where they go on a `width` x `height` frame. */
export async function layoutBurnin(template: BurninTemplate, fields: FieldValues, width: number, height: number): Promise<{ texts: PlacedText[]; bars: PixelBox[] }> {
  const size = textPixels(template.style.size, height);
  const margin = Math.round(template.margin * height);
  const bars = template.letterbox !== undefined ? letterboxBars(width, height, template.letterbox) : [];
  const topBar = bars.find((b) => b.y === 0 && b.width === width);
  const bottomBar = bars.find((b) => b.y > 0 && b.width === width);
  const pad = Math.round(size * 0.3);
  const texts: PlacedText[] = [];
  for (const position of BURNIN_POSITIONS) {
    const source = template.text[position];
    if (source === undefined) continue;
    const text = expandText(source, fields);
    if (text.trim() === '') continue;
    const mask = await textMask(text, { size, weight: template.style.weight, tracking: template.style.tracking, maxWidth: Math.max(1, Math.round(width / 3 - 2 * margin)) });
    const [vertical, horizontal] = position.split('-') as ['top' | 'bottom', 'left' | 'center' | 'right'];
    const x = horizontal === 'left' ? margin : horizontal === 'right' ? width - margin - mask.width : Math.round((width - mask.width) / 2);
    // In a letterbox bar tall enough for the text, centre it there; else at the margin.
    const bar = vertical === 'top' ? topBar : bottomBar;
    let y: number;
    if (bar !== undefined && bar.height >= mask.height + 2 * pad) y = bar.y + Math.round((bar.height - mask.height) / 2);
    else y = vertical === 'top' ? margin : height - margin - mask.height;
    const backing = template.backing > 0 ? { x: x - pad, y: y - Math.round(pad / 2), width: mask.width + 2 * pad, height: mask.height + pad } : undefined;
    texts.push({ mask, x, y, ...(backing !== undefined ? { backing } : {}) });
  }
  return { texts, bars };
}

function clipBox(box: PixelBox, width: number, height: number): PixelBox | undefined {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width);
  const y1 = Math.min(height, box.y + box.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

// ---- 8/16-bit: sharp composite ---------------------------------------------------------------

const overlayCache = new Map<TextMask, Buffer>();

/** A mask as an RGBA overlay in a display colour (cached with the mask). */
function maskOverlay(mask: TextMask, color: Rgb, opacity: number): Buffer {
  let overlay = overlayCache.get(mask);
  if (overlay === undefined) {
    overlay = Buffer.alloc(mask.width * mask.height * 4);
    const [r, g, b] = color.map((c) => Math.round(c * 255)) as [number, number, number];
    for (let i = 0, o = 0; i < mask.data.length; i++, o += 4) {
      overlay[o] = r;
      overlay[o + 1] = g;
      overlay[o + 2] = b;
      overlay[o + 3] = Math.round(mask.data[i]! * opacity);
    }
    if (overlayCache.size > 256) overlayCache.clear();
    overlayCache.set(mask, overlay);
  }
  return overlay;
}

function solidOverlay(box: PixelBox, opacity: number): OverlayOptions {
  return { input: { create: { width: box.width, height: box.height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: opacity } } }, left: box.x, top: box.y };
}

async function burnWithSharp(job: BurninJob, fields: FieldValues, format: ImageFormat): Promise<BurninResult> {
  try {
    return await composite(job, fields, format);
  } catch (error) {
    if (isVfxError(error)) throw error;
    // libvips messages repeat themselves over several lines: the first says it.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^Input (file|buffer) (has|is) /, '');
    throw imageError(ImageErrorCode.IMAGE_CORRUPT, `cannot burn in this frame: ${reason}`, { file: job.shown, cause: error });
  }
}

async function composite(job: BurninJob, fields: FieldValues, format: ImageFormat): Promise<BurninResult> {
  const input = sharp(job.input, { failOn: 'error' });
  const meta = await input.metadata();
  const width = meta.width;
  const height = meta.height;
  const { texts, bars } = await layoutBurnin(job.template, fields, width, height);
  const overlays: OverlayOptions[] = [];
  for (const bar of bars) overlays.push(solidOverlay(bar, job.template.letterboxOpacity));
  for (const text of texts) {
    const backing = text.backing !== undefined ? clipBox(text.backing, width, height) : undefined;
    if (backing !== undefined) overlays.push(solidOverlay(backing, job.template.backing));
  }
  for (const text of texts) {
    const clipped = clipBox({ x: text.x, y: text.y, width: text.mask.width, height: text.mask.height }, width, height);
    if (clipped === undefined) continue;
    let mask = text.mask;
    if (clipped.width !== mask.width || clipped.height !== mask.height) mask = cropMask(mask, clipped.x - text.x, clipped.y - text.y, clipped.width, clipped.height);
    overlays.push({ input: maskOverlay(mask, job.template.style.color, job.template.style.opacity), raw: { width: mask.width, height: mask.height, channels: 4 }, left: clipped.x, top: clipped.y });
  }
  let pipeline = input.composite(overlays).keepMetadata();
  // Compositing RGBA overlays adds an alpha channel: a frame without one stays without.
  if (meta.hasAlpha !== true) pipeline = pipeline.removeAlpha();
  const quality = job.quality ?? 95;
  if (format === 'jpeg') pipeline = pipeline.jpeg({ quality });
  else if (format === 'png') pipeline = pipeline.png();
  else if (format === 'webp') pipeline = pipeline.webp({ quality });
  else if (format === 'avif') pipeline = pipeline.avif({ quality });
  else if (format === 'tiff') pipeline = pipeline.tiff({ compression: job.compression === 'lzw' ? 'lzw' : job.compression === 'none' ? 'none' : 'deflate' });
  else if (format === 'gif') pipeline = pipeline.gif();
  else throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `cannot write ${format} burn-ins`, { file: job.output });
  const bytes = await pipeline.toBuffer();
  await writeFileAtomic(job.output, bytes, { force: job.force });
  return { width, height, bytes: bytes.length, route: 'composite' };
}

function cropMask(mask: TextMask, left: number, top: number, width: number, height: number): TextMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(mask.data.subarray((y + top) * mask.width + left, (y + top) * mask.width + left + width), y * width);
  return { width, height, data, baseline: mask.baseline - top };
}

// ---- through the image model (EXR, float) ---------------------------------------------------

/** Reads and writes one channel's samples as floats (linear for float types, 0-1 codes for integers). */
interface ChannelAccess {
  get(i: number): number;
  set(i: number, value: number): void;
}

function channelAccess(image: Image & { pixels: { layout: 'planar' } }, index: number, table: Float32Array): ChannelAccess {
  const plane = image.pixels.planes[index]!;
  const type = image.channels[index]!.type;
  if (type === 'half') return { get: (i) => table[plane[i]!]!, set: (i, v) => (plane[i] = floatToHalf(v)) };
  if (type === 'uint8') return { get: (i) => plane[i]! / 255, set: (i, v) => (plane[i] = Math.round(Math.min(1, Math.max(0, v)) * 255)) };
  if (type === 'uint16') return { get: (i) => plane[i]! / 65535, set: (i, v) => (plane[i] = Math.round(Math.min(1, Math.max(0, v)) * 65535)) };
  return { get: (i) => plane[i]!, set: (i, v) => (plane[i] = v) };
}

/** Blends a colour over the image where `coverage(x, y)` (0-1) says, in the image's own values. */
function blendInto(image: Image & { pixels: { layout: 'planar' } }, box: PixelBox, color: Rgb, coverage: (x: number, y: number) => number): void {
  const table = halfDecodeTable();
  const display = image.displayWindow;
  const data = image.dataWindow;
  const names = ['R', 'G', 'B', 'Y'];
  const targets: { access: ChannelAccess; value: number }[] = [];
  const luminance = 0.2126 * color[0] + 0.7152 * color[1] + 0.0722 * color[2];
  image.channels.forEach((channel, index) => {
    const k = names.indexOf(channel.name);
    if (k !== -1) targets.push({ access: channelAccess(image, index, table), value: k === 3 ? luminance : color[k]! });
  });
  const alphaIndex = image.channels.findIndex((c) => c.name === 'A');
  const alpha = alphaIndex !== -1 ? channelAccess(image, alphaIndex, table) : undefined;
  const premultiplied = image.alpha === 'premultiplied';
  for (let y = box.y; y < box.y + box.height; y++) {
    const dy = y + display.yMin - data.yMin;
    if (dy < 0 || dy >= image.height) continue;
    for (let x = box.x; x < box.x + box.width; x++) {
      const dx = x + display.xMin - data.xMin;
      if (dx < 0 || dx >= image.width) continue;
      const a = coverage(x - box.x, y - box.y);
      if (a <= 0) continue;
      const i = dy * image.width + dx;
      const before = alpha !== undefined ? alpha.get(i) : 1;
      for (const target of targets) {
        const v = target.access.get(i);
        // Premultiplied (EXR): over = c * a + v * (1 - a); straight with alpha: blend the colour.
        target.access.set(i, premultiplied ? target.value * a + v * (1 - a) : v + (target.value - v) * a);
      }
      if (alpha !== undefined) alpha.set(i, before + (1 - before) * a);
    }
  }
}

/** Blends a frame's burn-in (letterbox, backings, texts) into an image in the model, in its own
 *  values: linear light for float frames (white = 1.0), codes for integer ones. */
function blendBurnin(image: Image & { pixels: { layout: 'planar' } }, template: BurninTemplate, texts: readonly PlacedText[], bars: readonly PixelBox[]): void {
  const float = image.channels.some((c) => c.type === 'half' || c.type === 'float');
  // Float frames: linear light in the frame's own working space (white = 1.0 in every space).
  const fromRec709 = float ? matrixFromRec709(image.colorSpace) : undefined;
  const toValues = (color: Rgb): Rgb => (float ? linearColor(color, fromRec709) : color);
  const black: Rgb = [0, 0, 0];
  for (const bar of bars) blendInto(image, bar, black, () => template.letterboxOpacity);
  for (const text of texts) if (text.backing !== undefined) blendInto(image, text.backing, black, () => template.backing);
  const color = toValues(template.style.color);
  const opacity = template.style.opacity / 255;
  for (const text of texts) {
    const { mask } = text;
    blendInto(image, { x: text.x, y: text.y, width: mask.width, height: mask.height }, color, (x, y) => mask.data[y * mask.width + x]! * opacity);
  }
}

async function burnDecoded(job: BurninJob, fields: FieldValues, format: ImageFormat): Promise<BurninResult> {
  const image = toPlanar(await readImage(job.input, { file: job.shown }));
  const width = image.displayWindow.xMax - image.displayWindow.xMin + 1;
  const height = image.displayWindow.yMax - image.displayWindow.yMin + 1;
  const { texts, bars } = await layoutBurnin(job.template, fields, width, height);
  blendBurnin(image, job.template, texts, bars);
  const sourceCompression = image.source?.compression;
  const compression = job.compression ?? (format === 'exr' ? sourceCompression : undefined);
  const bytes =
    format === 'exr' && image.channels.every((c) => c.type !== 'uint8' && c.type !== 'uint16')
      ? encodeExrImage(image, compression)
      : await encodeImage(image, format, { ...(compression !== undefined ? { compression } : {}), quality: job.quality ?? 95 });
  await writeFileAtomic(job.output, bytes, { force: job.force });
  return { width, height, bytes: bytes.length, route: 'decoded' };
}

/** EXR to EXR in the same compression: only the chunks under the text are decoded and re-encoded
 *  (exr-splice.ts). Undefined when the frame's layout does not allow it. */
async function burnSpliced(job: BurninJob, fields: FieldValues): Promise<BurninResult | undefined> {
  const buffer = await readFile(job.input);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let frame: SpliceFrame | undefined;
  try {
    frame = spliceFrame(bytes);
  } catch {
    return undefined; // the full path reads it again and reports what is wrong, naming the file
  }
  if (frame === undefined || (job.compression !== undefined && job.compression.toLowerCase() !== frame.part.compression)) return undefined;
  const display = frame.part.displayWindow;
  const width = display.xMax - display.xMin + 1;
  const height = display.yMax - display.yMin + 1;
  const { texts, bars } = await layoutBurnin(job.template, fields, width, height);
  const boxes: PixelBox[] = [...bars, ...texts.flatMap((t) => [{ x: t.x, y: t.y, width: t.mask.width, height: t.mask.height }, ...(t.backing !== undefined ? [t.backing] : [])])];
  const replaced = new Map<number, Uint8Array>();
  for (const [first, last] of dirtyChunkRuns(frame, boxRows(boxes, display.yMin))) {
    const rows = decodeRows(bytes, frame, first, last) as Image & { pixels: { layout: 'planar' } };
    blendBurnin(rows, job.template, texts, bars);
    const chunks = encodeRows(rows, frame);
    if (chunks.length !== last - first + 1) return undefined;
    chunks.forEach((chunk, k) => replaced.set(first + k, chunk));
  }
  const out = assemble(bytes, frame, replaced);
  await writeFileAtomic(job.output, out, { force: job.force });
  return { width, height, bytes: out.length, route: 'spliced' };
}

/** The format a burn-in output path is written in. */
export function burninFormat(output: string): ImageFormat {
  const format = formatForFileName(output);
  if (format === undefined || format.bitDepths.length === 0) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `cannot write burn-ins to '${output}': the extension is not an image format written here`, { file: output });
  }
  return format.id;
}

/** The per-frame field values of a job. */
export function burninFields(job: BurninJob, attributes: Record<string, string> = {}): Record<string, string> {
  return { ...job.fields, ...attributes, frame: String(job.frame), timecode: timecodeOfFrame(job.clock, job.frame) };
}

/**
 * Burns in one frame and writes it (atomically; an existing output only with `force`). Runs in any
 * thread: everything it needs is in `job`.
 */
export async function runBurninJob(job: BurninJob, context?: JobContext): Promise<BurninResult> {
  context?.signal.throwIfAborted();
  const format = burninFormat(job.output);
  const inputFormat = formatForFileName(job.input)?.id;
  const usesAttributes = Object.values(job.template.text).some((t) => t !== undefined && /\{attr:/.test(t));
  if (format !== 'exr' && inputFormat !== 'exr' && inputFormat !== undefined && !usesAttributes) {
    return burnWithSharp(job, burninFields(job), format);
  }
  let attributes: Record<string, string> = {};
  if (usesAttributes && inputFormat === 'exr') {
    attributes = attributeFields((await readImageInfo(job.input, { file: job.shown })).metadata.exrAttributes);
  }
  const fields = burninFields(job, attributes);
  if (format !== 'exr' && inputFormat !== 'exr') return burnWithSharp(job, fields, format);
  if (format === 'exr' && inputFormat === 'exr' && job.splice !== false) {
    const spliced = await burnSpliced(job, fields);
    if (spliced !== undefined) return spliced;
  }
  return burnDecoded(job, fields, format);
}

export type { BurninPosition };
