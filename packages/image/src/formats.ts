/**
 * The formats `readImage` and `writeImage` handle, as plain data: extensions, what each can store
 * (bit depths, alpha, metadata), and detection by magic bytes before the extension.
 */
import { formatForBytes } from '@vfxkit/core';
import { ImageErrorCode, imageError } from './errors.js';
import type { BitDepth, ImageFormat } from './model.js';

export interface FormatInfo {
  id: ImageFormat;
  /** Lower-case extensions with the dot, the usual one first. */
  extensions: readonly string[];
  /** Bit depths written, the default first (empty: read only). */
  bitDepths: readonly BitDepth[];
  /** Holds an alpha channel. */
  alpha: boolean;
  /** Holds EXIF and XMP (EXR: as attributes). */
  metadata: boolean;
  /** Lossy with a quality setting. */
  quality: boolean;
  /** Stores float samples as scene-linear light (EXR) rather than display-encoded codes. */
  linear: boolean;
}

export const IMAGE_FORMATS: readonly FormatInfo[] = [
  { id: 'jpeg', extensions: ['.jpg', '.jpeg', '.jpe', '.jfif'], bitDepths: [8], alpha: false, metadata: true, quality: true, linear: false },
  { id: 'png', extensions: ['.png'], bitDepths: [8, 16], alpha: true, metadata: true, quality: false, linear: false },
  { id: 'tiff', extensions: ['.tif', '.tiff'], bitDepths: [8, 16, 'half', 'float'], alpha: true, metadata: true, quality: false, linear: false },
  { id: 'webp', extensions: ['.webp'], bitDepths: [8], alpha: true, metadata: true, quality: true, linear: false },
  { id: 'gif', extensions: ['.gif'], bitDepths: [8], alpha: true, metadata: false, quality: false, linear: false },
  { id: 'avif', extensions: ['.avif'], bitDepths: [8], alpha: true, metadata: true, quality: true, linear: false },
  // sharp's prebuilt libheif decodes HEIF but encodes AV1 only: HEIC is read, not written.
  { id: 'heif', extensions: ['.heic', '.heif'], bitDepths: [], alpha: true, metadata: true, quality: true, linear: false },
  { id: 'exr', extensions: ['.exr'], bitDepths: ['half', 'float', 'uint'], alpha: true, metadata: true, quality: false, linear: true },
];

const byId = new Map(IMAGE_FORMATS.map((f) => [f.id, f]));
const byExtension = new Map(IMAGE_FORMATS.flatMap((f) => f.extensions.map((e) => [e, f] as const)));

export function formatInfo(id: ImageFormat): FormatInfo {
  return byId.get(id)!;
}

/** The format a file name's extension names, or undefined. */
export function formatForFileName(name: string): FormatInfo | undefined {
  const dot = name.lastIndexOf('.');
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  if (dot <= slash + 1) return undefined;
  return byExtension.get(name.slice(dot).toLowerCase());
}

/** A format by its id or one of its extensions (`exr`, `.jpg`, `tif`, `jpeg`). */
export function parseFormat(text: string): FormatInfo | undefined {
  const lower = text.trim().toLowerCase();
  if (byId.has(lower as ImageFormat)) return byId.get(lower as ImageFormat);
  if (lower === 'jpg' || lower === 'tif') return byExtension.get(`.${lower}`);
  return byExtension.get(lower.startsWith('.') ? lower : `.${lower}`);
}

/** The format of bytes by their signature (the first 32 bytes are enough), or undefined. */
export function detectImageFormat(head: Uint8Array): ImageFormat | undefined {
  const format = formatForBytes(head);
  if (format === undefined) return undefined;
  if (format.id === 'heif') {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    return brand === 'avif' || brand === 'avis' ? 'avif' : 'heif';
  }
  return byId.has(format.id as ImageFormat) ? (format.id as ImageFormat) : undefined;
}

/** The bit depth a format writes for a requested one, or IMAGE_UNSUPPORTED when it cannot. */
export function checkBitDepth(format: FormatInfo, depth: BitDepth): BitDepth {
  if (format.bitDepths.length === 0) {
    throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `${format.id} files can be read but not written here (sharp's libheif encodes AV1 only: write .avif)`);
  }
  if (!format.bitDepths.includes(depth)) {
    throw imageError(ImageErrorCode.IMAGE_UNSUPPORTED, `${format.id} cannot store ${bitDepthText(depth)} samples (it stores ${format.bitDepths.map(bitDepthText).join(', ')})`);
  }
  return depth;
}

/** `8-bit`, `16-bit`, `half float`, `float`, `32-bit uint`. */
export function bitDepthText(depth: BitDepth): string {
  if (depth === 8 || depth === 16) return `${depth}-bit`;
  if (depth === 'half') return 'half float';
  if (depth === 'uint') return '32-bit uint';
  return 'float';
}
