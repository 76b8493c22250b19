/**
 * encodeImage / writeImage: the image model into a file format. sharp encodes JPEG, PNG, TIFF
 * (8/16-bit), WebP, GIF and AVIF; tiff-float.ts writes half and float TIFF; @vfxkit/exr writes EXR
 * (node:zlib for ZIP). An image whose depth the format cannot store is converted first with
 * `convertImage`'s defaults (float -> 8/16-bit through the sRGB display transform, 8/16-bit ->
 * EXR linear half), and the alpha association is made the format's (EXR premultiplied, the others
 * straight).
 *
 * Metadata: the key EXIF fields and XMP go to every format that holds them (sharp's `withExif` /
 * `withXmp`; EXR attributes: see metadata.ts). EXR attributes read from an EXR are written back.
 */
import { writeFileAtomic } from '@vfxkit/core/node';
import sharp, { type Sharp } from 'sharp';
import { getColorSpace } from '@vfxkit/color';
import { EXR_COMPRESSIONS, writeExr, type ExrAttribute, type ExrCompression, type ExrWriteChannel } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { chromaticitiesFor } from './colorspace.js';
import { convertImage, integerDepthFor } from './convert.js';
import { ImageErrorCode, imageError, sharpReason } from './errors.js';
import { checkBitDepth, formatForFileName, formatInfo, type FormatInfo } from './formats.js';
import { tagsToExrAttributes, tagsToSharpExif } from './metadata.js';
import { imageBitDepth, toInterleaved, toPlanar, validateImage, type BitDepth, type Image, type ImageFormat } from './model.js';
import { encodePng16 } from './png16.js';
import { writeFloatTiff } from './tiff-float.js';

export interface WriteImageOptions {
  /** Depth to store (default: the image's when the format holds it, else the nearest it does:
   *  16 then 8 for floats into PNG/TIFF, half for integers into EXR). */
  bitDepth?: BitDepth;
  /** EXR: any OpenEXR method (default `zip`). TIFF: `deflate` (default; `zip` is the same),
   *  `lzw`, `none`. PNG always deflates. */
  compression?: string;
  /** JPEG, WebP, AVIF: 1-100 (default 90). */
  quality?: number;
  /** Write the metadata (key EXIF fields, XMP, density, EXR attributes). Default true. */
  metadata?: boolean;
  /** writeImage to a path: replace an existing file (atomically). Default false. */
  force?: boolean;
}

/** The depth an image of depth `depth` is stored at in `format` (the requested one, checked). */
export function storedBitDepth(depth: BitDepth, format: FormatInfo, requested?: BitDepth): BitDepth {
  if (requested !== undefined) return checkBitDepth(format, requested);
  checkBitDepth(format, format.bitDepths[0]!);
  if (format.id === 'exr') return depth === 8 || depth === 16 ? 'half' : depth;
  if (format.bitDepths.includes(depth)) return depth;
  return integerDepthFor(depth, format.bitDepths);
}

/** The image as `format` stores it: depth, alpha association and (for integer formats) only the
 *  display channels. */
export function prepareForFormat(image: Image, format: ImageFormat, bitDepth?: BitDepth): Image {
  const info = formatInfo(format);
  const depth = storedBitDepth(imageBitDepth(image.channels), info, bitDepth);
  const alpha = format === 'exr' ? 'premultiplied' : 'straight';
  const hasAlpha = image.channels.some((c) => c.name === 'A');
  const sameDepth = image.channels.every((c) => c.type === image.channels[0]!.type) && imageBitDepth(image.channels) === depth;
  const integerTarget = depth === 8 || depth === 16;
  const extraChannels = integerTarget && image.channels.some((c) => !['R', 'G', 'B', 'A', 'Y'].includes(c.name));
  if (sameDepth && (!hasAlpha || (image.alpha === alpha && info.alpha)) && !extraChannels) return image;
  return convertImage(image, { bitDepth: depth, alpha, dropAlpha: !info.alpha });
}

function checkQuality(quality: number | undefined): number {
  const q = quality ?? 90;
  if (!Number.isInteger(q) || q < 1 || q > 100) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `quality must be a whole number from 1 to 100, found ${q}`);
  return q;
}

function exrCompression(compression: string | undefined): ExrCompression {
  const name = (compression ?? 'zip').toLowerCase();
  if (!(EXR_COMPRESSIONS as readonly string[]).includes(name)) {
    throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `unknown EXR compression '${compression}': expected one of ${EXR_COMPRESSIONS.join(', ')}`);
  }
  return name as ExrCompression;
}

function tiffCompression(compression: string | undefined): 'deflate' | 'lzw' | 'none' {
  const name = (compression ?? 'deflate').toLowerCase();
  if (name === 'zip' || name === 'deflate') return 'deflate';
  if (name === 'lzw' || name === 'none') return name;
  throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `unknown TIFF compression '${compression}': expected deflate (zip), lzw or none`);
}

/**
 * Encodes an image as `format`. Throws IMAGE_UNSUPPORTED for a depth the format cannot store or a
 * format only read here (HEIC), IMAGE_BAD_ARGUMENT for bad options or an inconsistent image.
 *
 * @example
 * const bytes = await encodeImage(plate, 'exr', { bitDepth: 'half', compression: 'zip' });
 */
export async function encodeImage(image: Image, format: ImageFormat, options: WriteImageOptions = {}): Promise<Uint8Array> {
  validateImage(image);
  const prepared = prepareForFormat(image, format, options.bitDepth);
  validateImage(prepared);
  if (format === 'exr') return encodeExr(prepared, options);
  const depth = imageBitDepth(prepared.channels);
  if (format === 'tiff' && (depth === 'half' || depth === 'float')) {
    if (options.compression !== undefined && tiffCompression(options.compression) === 'lzw') {
      throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, 'float TIFF is written with deflate or no compression, not lzw');
    }
    const interleaved = toInterleaved(prepared);
    const withMetadata = options.metadata !== false;
    return writeFloatTiff({
      width: prepared.width,
      height: prepared.height,
      channels: prepared.channels.length,
      data: interleaved.pixels.data as Float32Array | Uint16Array,
      alpha: prepared.alpha,
      compression: tiffCompression(options.compression) === 'none' ? 'none' : 'deflate',
      ...(withMetadata ? { tags: prepared.metadata.tags } : {}),
      ...(withMetadata && prepared.metadata.xmp !== undefined ? { xmp: prepared.metadata.xmp } : {}),
      ...(withMetadata && prepared.metadata.density !== undefined ? { density: prepared.metadata.density } : {}),
    });
  }
  return encodeWithSharp(prepared, format, options);
}

/**
 * Encodes an image and, given a path, writes it atomically (temporary file, fsync, rename or
 * link; never over an existing file without `force`). The format is the path's extension, or
 * `format` itself. Returns the bytes.
 */
export async function writeImage(image: Image, target: string, options: WriteImageOptions = {}): Promise<Uint8Array> {
  const byName = formatForFileName(target);
  const direct = formatInfo(target as ImageFormat);
  if (direct !== undefined && byName === undefined) return encodeImage(image, direct.id, options);
  if (byName === undefined) throw imageError(ImageErrorCode.IMAGE_BAD_ARGUMENT, `no image format has the extension of '${target}'`, { file: target });
  const bytes = await encodeImage(image, byName.id, options);
  await writeFileAtomic(target, bytes, { force: options.force === true });
  return bytes;
}

// ---------------------------------------------------------------------------------------------

function exrAttributes(image: Image, withMetadata: boolean): ExrAttribute[] {
  const carried = withMetadata ? (image.metadata.exrAttributes ?? []) : [];
  const byName = new Map<string, ExrAttribute>(carried.map((a) => [a.name, a]));
  if (withMetadata) for (const attribute of tagsToExrAttributes(image.metadata)) if (!byName.has(attribute.name)) byName.set(attribute.name, attribute);
  // The colour space is the image's now, whatever the source said.
  byName.delete('chromaticities');
  if (image.colorSpace !== undefined) {
    const chromaticities = chromaticitiesFor(getColorSpace(image.colorSpace));
    if (chromaticities !== undefined) byName.set('chromaticities', { name: 'chromaticities', type: 'chromaticities', value: chromaticities });
  }
  return [...byName.values()];
}

function encodeExr(image: Image, options: WriteImageOptions): Uint8Array {
  const planar = toPlanar(image);
  const channels: ExrWriteChannel[] = image.channels.map((channel, i) => ({
    name: channel.name,
    type: channel.type === 'uint32' ? 'uint' : channel.type === 'half' ? 'half' : 'float',
    data: planar.pixels.planes[i] as Uint16Array | Float32Array | Uint32Array,
  }));
  const compression = exrCompression(options.compression);
  return writeExr(
    {
      dataWindow: image.dataWindow,
      displayWindow: image.displayWindow,
      channels,
      compression,
      attributes: exrAttributes(image, options.metadata !== false),
    },
    { compression, zlib: nodeZlib },
  );
}

function withMetadata(pipeline: Sharp, image: Image, format: ImageFormat): Sharp {
  if (format === 'gif') return pipeline;
  const { tags, xmp, density } = image.metadata;
  // withMetadata also sends the pixels through an sRGB ICC transform: harmless at 8 bits, but it
  // moves 16-bit samples (0 became 109). 16-bit images get their density through withDensity,
  // which writes the resolution tags and leaves the samples alone.
  const sixteen = image.channels[0]?.type === 'uint16';
  if (density !== undefined) pipeline = sixteen ? pipeline.withDensity(density) : pipeline.withMetadata({ density });
  const exif = tagsToSharpExif(tags);
  if (exif !== undefined || (tags.Orientation !== undefined && tags.Orientation !== 1)) {
    const entries = exif ?? { IFD0: {}, IFD2: {}, IFD3: {} };
    if (tags.Orientation !== undefined && tags.Orientation !== 1) entries.IFD0.Orientation = String(tags.Orientation);
    // EXIF ColorSpace 1 = sRGB, 65535 = uncalibrated.
    entries.IFD2.ColorSpace = image.colorSpace === 'sRGB' ? '1' : '65535';
    pipeline = pipeline.withExif(entries);
  }
  if (xmp !== undefined && xmp.trim() !== '') pipeline = pipeline.withXmp(xmp);
  return pipeline;
}

async function encodeWithSharp(image: Image, format: ImageFormat, options: WriteImageOptions): Promise<Uint8Array> {
  const interleaved = toInterleaved(image);
  const channels = image.channels.length;
  if (channels > 4) throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `${format} holds up to 4 channels, the image has ${channels}`);
  const sixteen = image.channels[0]!.type === 'uint16';
  // 16-bit samples go in as a PNG sharp decodes itself (see png16.ts): raw Uint16Array input loses 8 bits.
  let pipeline =
    sixteen && interleaved.pixels.data instanceof Uint16Array
      ? sharp(encodePng16(interleaved.pixels.data, image.width, image.height, channels as 1 | 2 | 3 | 4))
      : sharp(interleaved.pixels.data, { raw: { width: image.width, height: image.height, channels: channels as 1 | 2 | 3 | 4 } });
  pipeline = pipeline.toColourspace(sixteen ? (channels <= 2 ? 'grey16' : 'rgb16') : channels <= 2 ? 'b-w' : 'srgb');
  if (options.metadata !== false) pipeline = withMetadata(pipeline, image, format);
  pipeline = applyFormat(pipeline, format, options);
  try {
    const buffer = await pipeline.toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `sharp could not write ${format}: ${sharpReason(error)}`, { cause: error });
  }
}

/** The sharp output options for a format (also used by the single-pipeline path of transcode.ts). */
export function applyFormat(pipeline: Sharp, format: ImageFormat, options: Pick<WriteImageOptions, 'quality' | 'compression'>): Sharp {
  switch (format) {
    case 'jpeg': {
      const quality = checkQuality(options.quality);
      // Chroma at full resolution from quality 90 up, as ImageMagick does.
      return pipeline.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0', mozjpeg: false });
    }
    case 'png':
      return pipeline.png({ compressionLevel: 6 });
    case 'tiff': {
      const compression = tiffCompression(options.compression);
      return pipeline.tiff({ compression, ...(compression === 'none' ? {} : { predictor: 'horizontal' }) });
    }
    case 'webp':
      return pipeline.webp({ quality: checkQuality(options.quality) });
    case 'gif':
      return pipeline.gif();
    case 'avif':
      return pipeline.avif({ quality: checkQuality(options.quality) });
    default:
      throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `${format} is not written through sharp`);
  }
}
