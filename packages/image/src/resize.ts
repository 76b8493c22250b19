/**
 * resizeImage: 8- and 16-bit images through sharp (libvips; Lanczos 3 by default), float images
 * (half, float) through the separable resampler of resample.ts in linear light, so highlights
 * above 1 and negative values survive and the arithmetic is float32 throughout. uint channels
 * (object IDs) are resampled nearest-neighbour: averaging IDs makes new, wrong IDs.
 */
import sharp from 'sharp';
import { createTransform, getColorSpace } from '@vfxkit/color';
import { floatsToHalves, halfDecodeTable } from '@vfxkit/core';
import { linearTwinName } from './colorspace.js';
import { ImageErrorCode, imageError, sharpReason } from './errors.js';
import { boxOfSize, isFloatType, toInterleaved, toPlanar, type Box2, type Image, type SampleArray } from './model.js';
import { RESIZE_FILTERS, resamplePlanes, type AxisMapping, type ResizeFilter } from './resample.js';

export interface ResizeOptions {
  /** Target width; with `height`, the box the image is fitted inside (aspect ratio kept). */
  width?: number;
  height?: number;
  /** `inside` (default: fit inside width x height, keeping the aspect ratio) or `fill` (exactly
   *  width x height, stretching). */
  fit?: 'inside' | 'fill';
  /** Leave images that already fit unchanged (never enlarge). */
  onlyLarger?: boolean;
  /** Default `lanczos3`. */
  filter?: ResizeFilter;
}

/** The size `width` x `height` takes to fit inside `maxWidth` x `maxHeight` with its aspect ratio
 *  (either maximum may be omitted); never below 1 x 1. */
export function fitInside(width: number, height: number, maxWidth: number | undefined, maxHeight: number | undefined): { width: number; height: number } {
  const sx = maxWidth !== undefined ? maxWidth / width : Number.POSITIVE_INFINITY;
  const sy = maxHeight !== undefined ? maxHeight / height : Number.POSITIVE_INFINITY;
  if (sx === Number.POSITIVE_INFINITY && sy === Number.POSITIVE_INFINITY) return { width, height };
  if (sx <= sy) return { width: maxWidth!, height: Math.max(1, Math.round(height * sx)) };
  return { width: Math.max(1, Math.round(width * sy)), height: maxHeight! };
}

/** The size an image of `width` x `height` gets, or undefined when it is left as it is. */
export function targetSize(width: number, height: number, options: ResizeOptions): { width: number; height: number } | undefined {
  for (const [name, value] of [['width', options.width], ['height', options.height]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `${name} must be a whole number of 1 or more, found ${value}`);
  }
  if (options.width === undefined && options.height === undefined) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, 'give a width, a height or both');
  const size =
    options.fit === 'fill' ? { width: options.width ?? width, height: options.height ?? height } : fitInside(width, height, options.width, options.height);
  if (options.onlyLarger === true && size.width >= width && size.height >= height) return undefined;
  if (size.width === width && size.height === height) return undefined;
  return size;
}

export function checkFilter(filter: string): ResizeFilter {
  if (!(RESIZE_FILTERS as readonly string[]).includes(filter)) {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `unknown filter '${filter}': expected one of ${RESIZE_FILTERS.join(', ')}`);
  }
  return filter as ResizeFilter;
}

/**
 * The geometry of a resize, as OpenImageIO's `resize` has it: the display window takes the new
 * size and keeps its origin, the data window is scaled by the same ratio relative to the display
 * window's origin, and data pixel centres map through the display windows.
 */
interface Geometry {
  width: number;
  height: number;
  dataWindow: Box2;
  displayWindow: Box2;
  mapping: { x: AxisMapping; y: AxisMapping };
}

function geometry(image: Image, displayWidth: number, displayHeight: number): Geometry {
  const display = image.displayWindow;
  const data = image.dataWindow;
  const sx = displayWidth / (display.xMax - display.xMin + 1);
  const sy = displayHeight / (display.yMax - display.yMin + 1);
  const same = data.xMin === display.xMin && data.yMin === display.yMin && data.xMax === display.xMax && data.yMax === display.yMax;
  const displayWindow = boxOfSize(displayWidth, displayHeight, display.xMin, display.yMin);
  if (same) return { width: displayWidth, height: displayHeight, dataWindow: { ...displayWindow }, displayWindow, mapping: { x: { scale: sx, shift: 0 }, y: { scale: sy, shift: 0 } } };
  const xMin = display.xMin + Math.floor((data.xMin - display.xMin) * sx);
  const yMin = display.yMin + Math.floor((data.yMin - display.yMin) * sy);
  const xMax = xMin + Math.ceil((data.xMax - data.xMin + 1) * sx) - 1;
  const yMax = yMin + Math.ceil((data.yMax - data.yMin + 1) * sy) - 1;
  const dataWindow = { xMin, yMin, xMax: Math.max(xMin, xMax), yMax: Math.max(yMin, yMax) };
  // Output pixel o of the new data window is at display offset (xMin - display.xMin + o); its centre
  // maps to display offset (that + 0.5) / sx - 0.5 in the source, i.e. to the source data window
  // position below.
  return {
    width: dataWindow.xMax - dataWindow.xMin + 1,
    height: dataWindow.yMax - dataWindow.yMin + 1,
    dataWindow,
    displayWindow,
    mapping: {
      x: { scale: sx, shift: (xMin - display.xMin) / sx + display.xMin - data.xMin },
      y: { scale: sy, shift: (yMin - display.yMin) / sy + display.yMin - data.yMin },
    },
  };
}

/**
 * Resizes an image. The size comes from `width`/`height` (fitted inside them unless `fit: 'fill'`);
 * an image already of that size (or, with `onlyLarger`, smaller) is returned unchanged. Sample
 * types, channels, colour space and metadata are kept.
 *
 * @example
 * const proxy = await resizeImage(plate, { width: 2048, height: 2048, onlyLarger: true });
 */
export async function resizeImage(image: Image, options: ResizeOptions): Promise<Image> {
  const display = image.displayWindow;
  const size = targetSize(display.xMax - display.xMin + 1, display.yMax - display.yMin + 1, options);
  if (size === undefined) return image;
  const filter = checkFilter(options.filter ?? 'lanczos3');
  const shape = geometry(image, size.width, size.height);
  const windows = { dataWindow: shape.dataWindow, displayWindow: shape.displayWindow };
  const floating = image.channels.some((c) => isFloatType(c.type) || c.type === 'uint32');
  if (!floating) return { ...image, ...(await resizeWithSharp(image, shape.width, shape.height, filter)), ...windows };
  return { ...image, ...resizeFloat(image, shape, filter), ...windows };
}

async function resizeWithSharp(image: Image, width: number, height: number, filter: ResizeFilter): Promise<Pick<Image, 'width' | 'height' | 'pixels'>> {
  const interleaved = toInterleaved(image);
  const sixteen = image.channels[0]!.type === 'uint16';
  let data = interleaved.pixels.data as Uint8Array | Uint16Array;
  let channels = image.channels.length;
  // sharp keeps only the first band of 8-bit grey raw output: run grey + alpha as RGBA.
  const greyAlpha8 = !sixteen && channels === 2;
  if (greyAlpha8) {
    const rgba = new Uint8Array(image.width * image.height * 4);
    for (let p = 0, i = 0; i < data.length; p += 4, i += 2) {
      rgba[p] = rgba[p + 1] = rgba[p + 2] = data[i]!;
      rgba[p + 3] = data[i + 1]!;
    }
    data = rgba;
    channels = 4;
  }
  if (channels > 4) throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `sharp resizes 1 to 4 channels, the image has ${channels}`);
  let output: Buffer;
  try {
    let pipeline = sharp(data, { raw: { width: image.width, height: image.height, channels: channels as 1 | 2 | 3 | 4 } }).resize(width, height, {
      fit: 'fill',
      kernel: filter,
    });
    if (sixteen) pipeline = pipeline.toColourspace(channels <= 2 ? 'grey16' : 'rgb16');
    else pipeline = pipeline.toColourspace(channels === 1 ? 'b-w' : 'srgb');
    output = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer();
  } catch (error) {
    throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `sharp could not resize the image: ${sharpReason(error)}`, { cause: error });
  }
  let result: SampleArray = sixteen
    ? new Uint16Array(output.buffer, output.byteOffset, output.byteLength / 2).slice()
    : new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  if (greyAlpha8) {
    const grey = new Uint8Array(width * height * 2);
    for (let p = 0, i = 0; i < grey.length; p += 4, i += 2) {
      grey[i] = result[p]!;
      grey[i + 1] = result[p + 3]!;
    }
    result = grey;
  }
  return { width, height, pixels: { layout: 'interleaved', data: result } };
}

function resizeFloat(image: Image, shape: Geometry, filter: ResizeFilter): Pick<Image, 'width' | 'height' | 'pixels'> {
  const { width, height } = shape;
  const planar = toPlanar(image);
  const halves = halfDecodeTable();
  const names = image.channels.map((c) => c.name);
  const alpha = names.indexOf('A');
  const colour = ['R', 'G', 'B'].map((n) => names.indexOf(n));
  const hasRgb = colour.every((i) => i !== -1);
  const floats = planar.pixels.planes.map((plane, i) => {
    const type = image.channels[i]!.type;
    if (type === 'float') return plane as Float32Array;
    if (type === 'half') {
      const out = new Float32Array(plane.length);
      for (let k = 0; k < plane.length; k++) out[k] = halves[plane[k]!]!;
      return out;
    }
    return Float32Array.from(plane);
  });
  // Resize in linear light: decode a non-linear float encoding (ACEScct, ...) first.
  const space = image.colorSpace !== undefined ? getColorSpace(image.colorSpace) : undefined;
  const encoded = space !== undefined && !space.isData && !space.transfer.isLinear && hasRgb;
  const linearName = encoded ? linearTwinName(space!) : undefined;
  if (encoded && linearName !== undefined) {
    const [r, g, b] = colour.map((i) => (floats[i] === planar.pixels.planes[i] ? Float32Array.from(floats[i]!) : floats[i]!)) as [Float32Array, Float32Array, Float32Array];
    createTransform(space!, linearName).planar(r, g, b, [r, g, b]);
    colour.forEach((i, k) => (floats[i] = [r, g, b][k]!));
  }
  const straight = image.alpha === 'straight' && alpha !== -1;
  if (straight) {
    for (const i of colour.filter((c) => c !== -1)) {
      const plane = floats[i] === planar.pixels.planes[i] ? Float32Array.from(floats[i]!) : floats[i]!;
      for (let k = 0; k < plane.length; k++) plane[k]! *= floats[alpha]![k]!;
      floats[i] = plane;
    }
  }
  const ids = image.channels.map((c) => c.type === 'uint32');
  const filtered = resamplePlanes(floats.filter((_, i) => !ids[i]), image.width, image.height, width, height, filter, shape.mapping);
  const nearest = ids.some(Boolean) ? resamplePlanes(floats.filter((_, i) => ids[i]), image.width, image.height, width, height, 'nearest', shape.mapping) : [];
  const resized: Float32Array[] = [];
  let f = 0;
  let n = 0;
  for (let i = 0; i < floats.length; i++) resized.push(ids[i] ? nearest[n++]! : filtered[f++]!);
  if (straight) {
    const a = resized[alpha]!;
    for (const i of colour.filter((c) => c !== -1)) {
      const plane = resized[i]!;
      for (let k = 0; k < plane.length; k++) plane[k] = a[k]! > 0 ? plane[k]! / a[k]! : 0;
    }
  }
  if (encoded && linearName !== undefined) {
    const [r, g, b] = colour.map((i) => resized[i]!) as [Float32Array, Float32Array, Float32Array];
    createTransform(linearName, space!).planar(r, g, b, [r, g, b]);
  }
  const planes = resized.map((plane, i): SampleArray => {
    const type = image.channels[i]!.type;
    if (type === 'half') return floatsToHalves(plane);
    if (type === 'uint32') return Uint32Array.from(plane);
    return plane;
  });
  return { width, height, pixels: { layout: 'planar', planes } };
}
