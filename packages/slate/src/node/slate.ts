/**
 * renderSlate: one slate frame for a sequence, from a template. The canvas is the sequence's size;
 * elements are drawn in template order (later ones on top); the result is an `Image` of
 * @vfxkit/image in the output's depth and colour space:
 * - 8/16-bit output: a display-referred canvas (template colours as they are, 75% bars as 75% of
 *   full-scale codes, EXR thumbnails through the sRGB display transform);
 * - float output (EXR, float TIFF): a linear canvas in the sequence's colour space (colours
 *   sRGB-decoded so white is 1.0, bars exactly 0.75 / 0, thumbnails linear as read), with the
 *   sequence's channels and sample types (R, G, B drawn, A = 1, other channels 0).
 */
import { floatsToHalves } from '@vfxkit/core';
import {
  LINEAR_REC709,
  SRGB,
  boxOfSize,
  encodeImage,
  formatInfo,
  readImageInfo,
  storedBitDepth,
  type BitDepth,
  type Image,
  type ImageChannel,
  type ImageFormat,
  type SampleArray,
} from '@vfxkit/image';
import { barValues, columnEdges, rampValue } from '../bars.js';
import { canvasColor } from '../color.js';
import { SlateErrorCode, slateError } from '../errors.js';
import { checkPlaceholders, checkRequired, expandText, hasValue, type FieldValues } from '../fields.js';
import { fitPicture, pixelBox, placeInBox, splitRow, textPixels, type PixelBox } from '../layout.js';
import { templateFields, type SlateElement, type SlateTemplate, type TableElement, type TextElement, type ThumbFrame, type ThumbnailsElement } from '../template.js';
import { Canvas, matrixFromRec709, type CanvasEncoding } from './canvas.js';
import { encodeExrImage } from './exr-out.js';
import { loadPicture } from './picture.js';
import type { SequenceProbe, SequenceSource } from './probe.js';
import { textMask } from './text.js';

export interface SlateOptions {
  template: SlateTemplate;
  source: SequenceSource;
  /** The sequence's header and fields (probeSequence). */
  probe: SequenceProbe;
  /** Field values given by the user; they win over the ones found in the frames. */
  set?: Readonly<Record<string, string>>;
  /** Frames for the thumbnails, replacing the template's. */
  thumbFrames?: readonly ThumbFrame[];
  /** The output's format (default: the sequence's). */
  format?: ImageFormat;
  /** The output's bit depth (default: the sequence's where the format holds it). */
  bitDepth?: BitDepth;
  /** Canvas size (default: the sequence's display window). */
  width?: number;
  height?: number;
}

export interface RenderedSlate {
  image: Image;
  format: ImageFormat;
  /** Every field value used. */
  fields: Record<string, string>;
  /** The frames the thumbnails show. */
  thumbnails: number[];
  /** EXR: the sequence's compression (the slate is written with it). */
  compression?: string;
}

/** The largest canvas drawn (16k x 16k). */
const MAX_PIXELS = 2 ** 28;

/** The frame number a thumbnail choice stands for. */
export function thumbFrameNumber(choice: ThumbFrame, frames: readonly number[]): number {
  if (choice === 'first') return frames[0]!;
  if (choice === 'last') return frames[frames.length - 1]!;
  if (choice === 'middle') return frames[Math.floor((frames.length - 1) / 2)]!;
  if (!frames.includes(choice)) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `thumbnail frame ${choice} is not in the sequence (frames ${frames[0]}-${frames[frames.length - 1]}, ${frames.length} on disk)`);
  }
  return choice;
}

interface DrawContext {
  canvas: Canvas;
  fields: Record<string, string>;
  source: SequenceSource;
  thumbFrames: readonly ThumbFrame[] | undefined;
  shownThumbnails: number[];
  pixelAspect: number;
  sourceWidth: number;
  sourceHeight: number;
}

async function drawText(context: DrawContext, element: TextElement): Promise<void> {
  const { canvas } = context;
  const text = expandText(element.text, context.fields);
  if (text.trim() === '') return;
  const box = pixelBox(element.box, canvas.width, canvas.height);
  const mask = await textMask(text, {
    size: textPixels(element.size, canvas.height),
    weight: element.weight,
    tracking: element.tracking,
    align: element.align,
    maxWidth: box.width,
    ...(element.wrap ? { wrapWidth: box.width } : {}),
  });
  const at = placeInBox(box, mask.width, mask.height, element.align, element.valign);
  canvas.drawMask(mask, at.x, at.y, canvasColor(element.color, canvas.encoding, canvas.fromRec709), element.opacity);
}

async function drawTable(context: DrawContext, element: TableElement): Promise<void> {
  const { canvas } = context;
  const box = pixelBox(element.box, canvas.width, canvas.height);
  const pitch = element.rowHeight * canvas.height;
  const labelWidth = Math.round(box.width * element.labelWidth);
  const rows = element.rows
    .map((row) => ({ label: expandText(row.label, context.fields), value: expandText(row.value, context.fields) }))
    .filter((row) => !element.skipEmpty || row.value.trim() !== '');
  for (let i = 0; i < rows.length; i++) {
    const top = Math.round(box.y + i * pitch);
    const height = Math.round(pitch);
    if (top + height > box.y + box.height + 1) break; // no room: the rest would spill out of the box
    const row = rows[i]!;
    const labelBox: PixelBox = { x: box.x, y: top, width: labelWidth, height };
    const valueBox: PixelBox = { x: box.x + labelWidth, y: top, width: box.width - labelWidth, height };
    // Label and value share a baseline (the value's, centred in the row).
    let baseline: number | undefined;
    for (const [text, style, cell] of [
      [row.value, element.value, valueBox],
      [row.label, element.label, labelBox],
    ] as const) {
      if (text.trim() === '') continue;
      const mask = await textMask(text.replace(/\s*\n\s*/g, '  '), {
        size: textPixels(style.size, canvas.height),
        weight: style.weight,
        tracking: style.tracking,
        maxWidth: Math.max(1, cell.width - Math.round(canvas.height * 0.01)),
      });
      const at = placeInBox(cell, mask.width, mask.height, 'left', 'middle');
      if (baseline === undefined) baseline = at.y + mask.baseline;
      else at.y = baseline - mask.baseline;
      canvas.drawMask(mask, at.x, at.y, canvasColor(style.color, canvas.encoding, canvas.fromRec709), style.opacity);
    }
  }
}

async function drawThumbnails(context: DrawContext, element: ThumbnailsElement): Promise<void> {
  const { canvas, source } = context;
  const choices = context.thumbFrames ?? element.frames;
  const frames = choices.map((choice) => thumbFrameNumber(choice, source.frames));
  const box = pixelBox(element.box, canvas.width, canvas.height);
  const cells = splitRow(box, frames.length, Math.round(element.gap * canvas.width));
  const border = Math.max(1, Math.round(canvas.height * 0.0015));
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const path = source.paths[source.frames.indexOf(frame)]!;
    const fit = fitPicture(cells[i]!, context.sourceWidth * context.pixelAspect, context.sourceHeight);
    const picture = await loadPicture(path, fit.width, fit.height, canvas.encoding);
    canvas.drawPicture(picture, fit.x, fit.y);
    if (element.border !== undefined) {
      canvas.strokeRect({ x: fit.x - border, y: fit.y - border, width: fit.width + 2 * border, height: fit.height + 2 * border }, border, canvasColor(element.border, canvas.encoding, canvas.fromRec709));
    }
    context.shownThumbnails.push(frame);
  }
}

async function drawElement(context: DrawContext, element: SlateElement): Promise<void> {
  const { canvas } = context;
  if (element.if !== undefined && !hasValue(context.fields, element.if)) return;
  switch (element.type) {
    case 'rect':
      canvas.fillRect(pixelBox(element.box, canvas.width, canvas.height), canvasColor(element.color, canvas.encoding, canvas.fromRec709), element.opacity);
      return;
    case 'text':
      return drawText(context, element);
    case 'table':
      return drawTable(context, element);
    case 'thumbnails':
      return drawThumbnails(context, element);
    case 'bars': {
      const box = pixelBox(element.box, canvas.width, canvas.height);
      const edges = columnEdges(box.width, 7);
      for (let i = 0; i < 7; i++) canvas.fillRect({ x: box.x + edges[i]!, y: box.y, width: edges[i + 1]! - edges[i]!, height: box.height }, barValues(i));
      return;
    }
    case 'ramp': {
      const box = pixelBox(element.box, canvas.width, canvas.height);
      const steps = element.steps === 0 ? box.width : element.steps;
      const edges = columnEdges(box.width, steps);
      for (let i = 0; i < steps; i++) {
        const value = rampValue(i, steps);
        canvas.fillRect({ x: box.x + edges[i]!, y: box.y, width: edges[i + 1]! - edges[i]!, height: box.height }, [value, value, value]);
      }
      return;
    }
    case 'guides': {
      const color = canvasColor(element.color, canvas.encoding, canvas.fromRec709);
      const line = Math.max(1, Math.round(element.width * canvas.height));
      for (const fraction of [element.action, element.title]) {
        const w = Math.round(canvas.width * fraction);
        const h = Math.round(canvas.height * fraction);
        canvas.strokeRect({ x: Math.round((canvas.width - w) / 2), y: Math.round((canvas.height - h) / 2), width: w, height: h }, line, color, element.opacity);
      }
      return;
    }
    case 'logo': {
      const path = context.fields[element.field];
      if (path === undefined || path.trim() === '') return;
      const info = await readImageInfo(path, { file: path });
      const fit = fitPicture(pixelBox(element.box, canvas.width, canvas.height), info.width, info.height, element.align);
      canvas.drawPicture(await loadPicture(path, fit.width, fit.height, canvas.encoding, { alpha: true }), fit.x, fit.y);
      return;
    }
  }
}

function integerImage(canvas: Canvas, depth: 8 | 16, alpha: boolean, colorSpace: string): Image {
  const channels = alpha ? 4 : 3;
  const max = depth === 8 ? 255 : 65535;
  const size = canvas.width * canvas.height;
  const data = depth === 8 ? new Uint8Array(size * channels) : new Uint16Array(size * channels);
  const [r, g, b] = canvas.planes;
  for (let i = 0, o = 0; i < size; i++, o += channels) {
    // + 1e-4 code: values stored in float32 (0.7 is 0.69999999) round as the decimals they stand for.
    data[o] = Math.round(Math.min(1, Math.max(0, r[i]!)) * max + 1e-4);
    data[o + 1] = Math.round(Math.min(1, Math.max(0, g[i]!)) * max + 1e-4);
    data[o + 2] = Math.round(Math.min(1, Math.max(0, b[i]!)) * max + 1e-4);
    if (alpha) data[o + 3] = max;
  }
  const type = depth === 8 ? 'uint8' : 'uint16';
  return {
    width: canvas.width,
    height: canvas.height,
    dataWindow: boxOfSize(canvas.width, canvas.height),
    displayWindow: boxOfSize(canvas.width, canvas.height),
    channels: (alpha ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B']).map((name): ImageChannel => ({ name, type })),
    pixels: { layout: 'interleaved', data },
    colorSpace,
    alpha: 'straight',
    metadata: { tags: { Software: 'vfxkit slate' } },
  };
}

function floatImage(canvas: Canvas, channels: readonly ImageChannel[], colorSpace: string, attributes: Image['metadata']['exrAttributes']): Image {
  const size = canvas.width * canvas.height;
  const planes: SampleArray[] = channels.map((channel) => {
    const index = ['R', 'G', 'B'].indexOf(channel.name);
    let values = index !== -1 ? canvas.planes[index]! : channel.name === 'A' ? new Float32Array(size).fill(1) : new Float32Array(size);
    if (channel.name === 'Y') {
      // A luminance-only sequence: the slate's luminance (Rec. 709 weights).
      const [r, g, b] = canvas.planes;
      for (let i = 0; i < size; i++) values[i] = 0.2126 * r[i]! + 0.7152 * g[i]! + 0.0722 * b[i]!;
    }
    if (channel.type === 'half') return floatsToHalves(values);
    if (channel.type === 'float') return values;
    return channel.type === 'uint32' ? new Uint32Array(size) : values;
  });
  return {
    width: canvas.width,
    height: canvas.height,
    dataWindow: boxOfSize(canvas.width, canvas.height),
    displayWindow: boxOfSize(canvas.width, canvas.height),
    channels: channels.map((c) => ({ ...c })),
    pixels: { layout: 'planar', planes },
    colorSpace,
    alpha: 'premultiplied',
    metadata: {
      tags: { Software: 'vfxkit slate' },
      // The plate's attributes, without those that describe a particular frame.
      exrAttributes: (attributes ?? []).filter((a) => !['preview', 'timeCode', 'Software'].includes(a.name)),
    },
  };
}

/** The field values a slate shows: the frames', then the user's. */
export function slateFields(probe: SequenceProbe, set: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...probe.fields, ...set };
}

/**
 * Renders the slate of a sequence. Throws SLATE_MISSING_FIELD (a required field without a value),
 * SLATE_BAD_FIELD (a placeholder naming no field), SLATE_BAD_ARGUMENT (a thumbnail frame not in the
 * sequence, a size out of range) and the read errors of the frames, naming the file.
 */
export async function renderSlate(options: SlateOptions): Promise<RenderedSlate> {
  const { template, probe, source } = options;
  const info = probe.info;
  const fields = slateFields(probe, options.set);
  checkPlaceholders(templateFields(template), fields, template.file !== undefined ? `the template ${template.file}` : `the template '${template.name}'`);
  checkRequired(template.required, fields, template.file !== undefined ? `the template ${template.file}` : `the template '${template.name}'`);
  const width = options.width ?? info.width;
  const height = options.height ?? info.height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > MAX_PIXELS) {
    throw slateError(SlateErrorCode.SLATE_BAD_ARGUMENT, `a slate of ${width} x ${height} pixels cannot be drawn (1 x 1 up to 2^28 pixels)`);
  }
  const format = options.format ?? info.format;
  const depth = storedBitDepth(info.bitDepth, formatInfo(format), options.bitDepth);
  const encoding: CanvasEncoding = depth === 8 || depth === 16 ? 'display' : 'linear';
  const floatSource = info.bitDepth === 'half' || info.bitDepth === 'float';
  const linearSpace = floatSource ? (info.colorSpace ?? LINEAR_REC709) : LINEAR_REC709;
  const canvas = new Canvas(width, height, encoding, encoding === 'linear' ? matrixFromRec709(linearSpace) : undefined);
  canvas.fillRect({ x: 0, y: 0, width, height }, canvasColor(template.background, encoding, canvas.fromRec709));
  const aspect = Number(fields.pixel_aspect ?? '1');
  const context: DrawContext = {
    canvas,
    fields,
    source,
    thumbFrames: options.thumbFrames,
    shownThumbnails: [],
    pixelAspect: Number.isFinite(aspect) && aspect > 0 ? aspect : 1,
    sourceWidth: info.width,
    sourceHeight: info.height,
  };
  for (const element of template.elements) await drawElement(context, element);

  let image: Image;
  if (encoding === 'display') {
    const alpha = info.hasAlpha && formatInfo(format).alpha;
    image = integerImage(canvas, depth as 8 | 16, alpha, floatSource ? SRGB : (info.colorSpace ?? SRGB));
  } else {
    const type = depth === 'float' ? 'float' : 'half';
    const channels: ImageChannel[] =
      format === 'exr' && info.format === 'exr'
        ? info.channels
        : (info.hasAlpha ? ['R', 'G', 'B', 'A'] : ['R', 'G', 'B']).map((name) => ({ name, type }));
    image = floatImage(canvas, channels, linearSpace, info.format === 'exr' ? info.metadata.exrAttributes : undefined);
  }
  const compression = format === 'exr' && info.format === 'exr' ? info.compression : undefined;
  return { image, format, fields, thumbnails: context.shownThumbnails, ...(compression !== undefined ? { compression } : {}) };
}

/**
 * Encodes a rendered slate: EXR with every channel in its own type (encodeExrImage), other formats
 * through @vfxkit/image's encodeImage.
 */
export async function encodeSlate(slate: RenderedSlate, options: { quality?: number; compression?: string } = {}): Promise<Uint8Array> {
  if (slate.format === 'exr') return encodeExrImage(slate.image, options.compression ?? slate.compression);
  return encodeImage(slate.image, slate.format, { ...(options.quality !== undefined ? { quality: options.quality } : {}), ...(options.compression !== undefined ? { compression: options.compression } : {}) });
}

/** The frame number of a sequence's slate: one before the first frame. */
export function slateFrameNumber(frames: readonly number[]): number {
  return frames[0]! - 1;
}

export type { FieldValues };
