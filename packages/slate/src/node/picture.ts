/**
 * Pictures for the slate (thumbnails of frames, logos): any image @vfxkit/image reads, resized to a
 * box and brought into the canvas' encoding. Integer images are resized by sharp and taken as
 * display values (sRGB-decoded for a linear canvas); float images (EXR) are resized in linear
 * light and go through the sRGB display transform of @vfxkit/color onto a display canvas, or stay
 * linear on a linear canvas.
 */
import { halfDecodeTable } from '@vfxkit/core';
import { convertImage, isFloatType, readImage, readImageInfo, resizeImage, toPlanar, type Image, type SampleArray } from '@vfxkit/image';
import { srgbToLinear } from '../color.js';
import type { CanvasEncoding, Picture } from './canvas.js';

function pickChannel(image: Image, names: readonly string[]): number {
  for (const name of names) {
    const index = image.channels.findIndex((c) => c.name === name);
    if (index !== -1) return index;
  }
  return -1;
}

function toFloat(plane: SampleArray, type: Image['channels'][number]['type'], table: Float32Array): Float32Array {
  const out = new Float32Array(plane.length);
  if (type === 'half') for (let i = 0; i < plane.length; i++) out[i] = table[plane[i]!]!;
  else if (type === 'uint8') for (let i = 0; i < plane.length; i++) out[i] = plane[i]! / 255;
  else if (type === 'uint16') for (let i = 0; i < plane.length; i++) out[i] = plane[i]! / 65535;
  else out.set(plane);
  return out;
}

/** The RGB (and alpha) planes of `image` as 0-1 floats (grey images give three equal planes). */
function planesOf(image: Image): { planes: [Float32Array, Float32Array, Float32Array]; alpha?: Float32Array } {
  const planar = toPlanar(image);
  const table = halfDecodeTable();
  const grey = pickChannel(image, ['Y', 'R']);
  const index = [pickChannel(image, ['R']), pickChannel(image, ['G']), pickChannel(image, ['B'])].map((i) => (i === -1 ? grey : i));
  if (index.some((i) => i === -1)) index.fill(0);
  const planes = index.map((i) => toFloat(planar.pixels.planes[i]!, image.channels[i]!.type, table)) as [Float32Array, Float32Array, Float32Array];
  const a = pickChannel(image, ['A']);
  if (a === -1) return { planes };
  const alpha = toFloat(planar.pixels.planes[a]!, image.channels[a]!.type, table);
  if (image.alpha === 'premultiplied') {
    for (let i = 0; i < alpha.length; i++) {
      const coverage = alpha[i]!;
      if (coverage > 0) for (const plane of planes) plane[i] = plane[i]! / coverage;
    }
  }
  return { planes, alpha };
}

/**
 * Reads an image file and returns it at `width` x `height` (stretched: callers fit the box to the
 * image's aspect first) in the canvas' encoding.
 */
export async function loadPicture(path: string, width: number, height: number, encoding: CanvasEncoding, options: { alpha?: boolean; file?: string } = {}): Promise<Picture> {
  const file = options.file ?? path;
  const info = await readImageInfo(path, { file });
  // EXR: only the display channels (a render may carry dozens of AOVs).
  const shown = info.format === 'exr' ? info.channels.filter((c) => ['R', 'G', 'B', 'A', 'Y'].includes(c.name)).map((c) => c.name) : [];
  const image = await readImage(path, { file, ...(shown.length > 0 ? { channels: shown } : {}) });
  return pictureFromImage(image, width, height, encoding, options);
}

/** The image over its whole display window: pixels outside the data window are 0 (EXR's rule),
 *  so a thumbnail shows the frame as a viewer frames it. */
export function fillDisplayWindow(image: Image): Image {
  const data = image.dataWindow;
  const display = image.displayWindow;
  if (data.xMin === display.xMin && data.yMin === display.yMin && data.xMax === display.xMax && data.yMax === display.yMax) return image;
  const width = display.xMax - display.xMin + 1;
  const height = display.yMax - display.yMin + 1;
  const planar = toPlanar(image);
  const planes = planar.pixels.planes.map((plane) => {
    const out = new (plane.constructor as new (length: number) => SampleArray)(width * height);
    for (let y = Math.max(data.yMin, display.yMin); y <= Math.min(data.yMax, display.yMax); y++) {
      const x0 = Math.max(data.xMin, display.xMin);
      const x1 = Math.min(data.xMax, display.xMax);
      if (x1 < x0) break;
      const from = (y - data.yMin) * image.width + (x0 - data.xMin);
      out.set(plane.subarray(from, from + (x1 - x0 + 1)) as never, (y - display.yMin) * width + (x0 - display.xMin));
    }
    return out;
  });
  return { ...planar, width, height, dataWindow: { ...display }, pixels: { layout: 'planar', planes } };
}

/** An image in memory (see loadPicture). */
export async function pictureFromImage(image: Image, width: number, height: number, encoding: CanvasEncoding, options: { alpha?: boolean } = {}): Promise<Picture> {
  const resized = await resizeImage(fillDisplayWindow(image), { width, height, fit: 'fill' });
  const floating = resized.channels.some((c) => isFloatType(c.type));
  let source = resized;
  if (floating && encoding === 'display') {
    // Float (scene-linear) pixels: the display transform into 16-bit codes, then 0-1.
    source = convertImage(resized, { bitDepth: 16, alpha: 'straight' });
  }
  const { planes, alpha } = planesOf(source);
  if (!floating && encoding === 'linear') {
    for (const plane of planes) for (let i = 0; i < plane.length; i++) plane[i] = srgbToLinear(plane[i]!);
  }
  return { width: source.width, height: source.height, planes, ...(options.alpha === true && alpha !== undefined ? { alpha } : {}) };
}
