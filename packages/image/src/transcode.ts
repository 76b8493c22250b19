/**
 * transcodeImage: one file (or its bytes) to another format, size, depth or colour space, the way
 * `vfx img convert` and `vfx img resize` do it. Two routes:
 *
 * - one sharp pipeline, input to output, when sharp handles both ends and no pixel arithmetic of
 *   ours is asked (same depth, no colour space, LUT or exposure): the fastest route, and sharp's
 *   `keepMetadata()` keeps every EXIF, XMP, IPTC and ICC field;
 * - decode into the image model, convert (convert.ts), resize (resize.ts; in float whenever either
 *   end is float, so in linear light), encode (write.ts).
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { VfxError } from '@vfxkit/core';
import { convertImage, type ConvertOptions } from './convert.js';
import { ImageErrorCode, imageError, sharpReason } from './errors.js';
import { detectImageFormat, formatInfo } from './formats.js';
import { imageBitDepth, isFloatType, sampleTypeOf, type BitDepth, type ImageFormat } from './model.js';
import { DEFAULT_MAX_PIXELS, readImage, readImageInfo, type ReadImageOptions } from './read.js';
import { checkFilter, resizeImage, targetSize, type ResizeOptions } from './resize.js';
import { applyFormat, encodeImage, storedBitDepth, type WriteImageOptions } from './write.js';

export interface TranscodeOptions extends Omit<ConvertOptions, 'bitDepth' | 'alpha' | 'displayOnly'>, Omit<WriteImageOptions, 'force'> {
  /** The target format. */
  format: ImageFormat;
  /** Resize on the way (the size rules of `resizeImage`). */
  resize?: ResizeOptions;
  /** Take the source pixels as this colour space instead of what the file says. */
  sourceColorSpace?: string;
  /** Turn pixels upright by their EXIF orientation. Default: true into EXR (which has no
   *  orientation field), false otherwise (the orientation tag is kept). */
  autoOrient?: boolean;
  /** Reading options (EXR part and channels, limits). */
  read?: Pick<ReadImageOptions, 'part' | 'channels' | 'maxPixels' | 'failOn'>;
  /** The name errors give the input. */
  file?: string;
  /** With `resize`: when the image needs no resizing and no other change (same format and depth,
   *  no colour work), encode nothing and say `unchanged` (the caller keeps or copies the file). */
  skipUnchanged?: boolean;
}

export interface TranscodeResult {
  /** The encoded image; empty when `unchanged` (nothing was encoded). */
  bytes: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
  bitDepth: BitDepth;
  /** False when a resize was asked and the image was left at its size (`onlyLarger`, same size). */
  resized: boolean;
  /** With `skipUnchanged`: nothing to do (no resize needed, same format and depth, no colour
   *  work), so nothing was encoded; the caller keeps or copies the original file. */
  unchanged: boolean;
  /** Which route was taken. */
  route: 'sharp' | 'decoded';
}

function sharpDepth(meta: Metadata): BitDepth | undefined {
  if (meta.depth === 'uchar') return 8;
  if (meta.depth === 'ushort') return 16;
  return undefined;
}

async function readBytes(input: string | Uint8Array, file: string | undefined): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  try {
    const buffer = await readFile(input);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    throw new VfxError(errno === 'ENOENT' ? 'NOT_FOUND' : 'IO', errno === 'ENOENT' ? 'no such file or directory' : `cannot read it (${errno ?? 'error'})`, { file, cause: error });
  }
}

/**
 * Converts and/or resizes one image (read once, from a path or bytes). Errors: those of readImage
 * and encodeImage, with the file named.
 *
 * @example
 * const { bytes } = await transcodeImage('plate.1001.jpg', { format: 'exr' });  // linear half, ZIP
 * const proxy = await transcodeImage(jpegBytes, { format: 'jpeg', resize: { width: 2048, height: 2048, onlyLarger: true } });
 */
export async function transcodeImage(input: string | Uint8Array, options: TranscodeOptions): Promise<TranscodeResult> {
  const file = options.file ?? (typeof input === 'string' ? input : undefined);
  const target = formatInfo(options.format);
  if (target === undefined) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `unknown format '${String(options.format)}'`);
  if (options.resize?.filter !== undefined) checkFilter(options.resize.filter);
  const bytes = await readBytes(input, file);
  const source = detectImageFormat(bytes.subarray(0, 32));

  const colourWork = options.colorSpace !== undefined || options.lut !== undefined || (options.exposure ?? 0) !== 0 || options.sourceColorSpace !== undefined;
  if (target.id !== 'exr' && source !== undefined && source !== 'exr' && !colourWork && options.autoOrient !== true) {
    const fast = await trySharpPipeline(bytes, source, options, file);
    if (fast !== undefined) return fast;
  }
  if (options.skipUnchanged === true && options.resize !== undefined && source === options.format && !colourWork) {
    // EXR and float TIFF: look at the header before decoding anything.
    const info = await readImageInfo(bytes, { ...(file !== undefined ? { file } : {}), ...(options.read?.part !== undefined ? { part: options.read.part } : {}) });
    // Sizes are those of the display window (EXR; the image elsewhere), as resizeImage fits it.
    const { width, height } = info;
    if (targetSize(width, height, options.resize) === undefined && (options.bitDepth === undefined || options.bitDepth === info.bitDepth)) {
      return { bytes: new Uint8Array(0), format: options.format, width, height, bitDepth: info.bitDepth, resized: false, unchanged: true, route: 'decoded' };
    }
  }
  return decodedRoute(bytes, options, file);
}

/** The single sharp pipeline, or undefined when this input needs the decoded route. */
async function trySharpPipeline(bytes: Uint8Array, source: ImageFormat, options: TranscodeOptions, file: string | undefined): Promise<TranscodeResult | undefined> {
  const readOptions = { failOn: options.read?.failOn ?? ('warning' as const), limitInputPixels: options.read?.maxPixels ?? DEFAULT_MAX_PIXELS };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, readOptions).metadata();
  } catch {
    // A broken file: the decoded route says why.
    return undefined;
  }
  const depth = sharpDepth(meta);
  if (depth === undefined) return undefined;
  // Alpha into a format without it is composited over black in linear light: ours to do.
  if (meta.hasAlpha === true && !formatInfo(options.format).alpha) return undefined;
  const format = formatInfo(options.format);
  const wanted = storedBitDepth(depth, format, options.bitDepth);
  if (wanted !== depth) return undefined;
  const size = options.resize !== undefined ? targetSize(meta.width, meta.height, options.resize) : undefined;
  if (size === undefined && options.resize !== undefined && options.skipUnchanged === true && source === options.format) {
    return { bytes: new Uint8Array(0), format: options.format, width: meta.width, height: meta.height, bitDepth: depth, resized: false, unchanged: true, route: 'sharp' };
  }
  let pipeline = sharp(bytes, readOptions);
  if (options.metadata !== false) pipeline = pipeline.keepMetadata();
  if (size !== undefined) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: options.resize?.filter ?? 'lanczos3' });
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  pipeline = pipeline.toColourspace(depth === 16 ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb');
  pipeline = applyFormat(pipeline, options.format, options);
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageError(ImageErrorCode.IMAGE_CORRUPT, `cannot convert it: ${sharpReason(error)}`, file !== undefined ? { file, cause: error } : { cause: error });
  }
  return {
    bytes: new Uint8Array(output.data.buffer, output.data.byteOffset, output.data.byteLength),
    format: options.format,
    width: output.info.width,
    height: output.info.height,
    bitDepth: depth,
    resized: size !== undefined,
    unchanged: false,
    route: 'sharp',
  };
}

async function decodedRoute(input: Uint8Array, options: TranscodeOptions, file: string | undefined): Promise<TranscodeResult> {
  const format = formatInfo(options.format);
  let image = await readImage(input, {
    ...options.read,
    autoOrient: options.autoOrient ?? options.format === 'exr',
    ...(options.sourceColorSpace !== undefined ? { colorSpace: options.sourceColorSpace } : {}),
    ...(file !== undefined ? { file } : {}),
  });
  try {
    const depth = storedBitDepth(imageBitDepth(image.channels), format, options.bitDepth);
    const floatTarget = isFloatType(sampleTypeOf(depth));
    const floatSource = isFloatType(sampleTypeOf(imageBitDepth(image.channels)));
    const convert: ConvertOptions = {
      bitDepth: depth,
      alpha: options.format === 'exr' ? 'premultiplied' : 'straight',
      dropAlpha: !format.alpha,
      ...(options.colorSpace !== undefined ? { colorSpace: options.colorSpace } : {}),
      ...(options.lut !== undefined ? { lut: options.lut } : {}),
      ...(options.exposure !== undefined ? { exposure: options.exposure } : {}),
    };
    let resized = false;
    const resize = async () => {
      if (options.resize === undefined) return;
      const before = image;
      image = await resizeImage(image, options.resize);
      resized = image !== before;
    };
    // Resize while the pixels are float when either end is: in linear light.
    if (floatSource || !floatTarget) {
      await resize();
      image = convertImage(image, convert);
    } else {
      image = convertImage(image, convert);
      await resize();
    }
    const bytes = await encodeImage(image, options.format, options);
    return { bytes, format: options.format, width: image.width, height: image.height, bitDepth: imageBitDepth(image.channels), resized, unchanged: false, route: 'decoded' };
  } catch (error) {
    throw error instanceof Error && 'withFile' in error && file !== undefined ? (error as { withFile(f: string): Error }).withFile(file) : error;
  }
}

