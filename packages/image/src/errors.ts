/**
 * The error codes of @vfxkit/image. Every failure is a `VfxError` (from @vfxkit/core) with one of
 * these stable codes, or with the code of the layer below (`EXR_*` from @vfxkit/exr, `COLOR_*`
 * from @vfxkit/color), which pass through unchanged. Codes are never renamed once released.
 */
import { VfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const ImageErrorCode = {
  /** Bytes no reader here recognises (not JPEG, PNG, TIFF, WebP, GIF, AVIF/HEIF or EXR). */
  IMAGE_UNKNOWN_FORMAT: 'IMAGE_UNKNOWN_FORMAT',
  /** A file of a known format that its decoder rejects (truncated, corrupt). */
  IMAGE_CORRUPT: 'IMAGE_CORRUPT',
  /** A valid image or request we do not handle: subsampled EXR channels, a bit depth the target
   *  format cannot hold, a format sharp was built without. */
  IMAGE_UNSUPPORTED: 'IMAGE_UNSUPPORTED',
  /** Options or an image model that cannot work: a plane of the wrong length, an unknown filter,
   *  a size of zero, interleaved data of mixed sample types. */
  IMAGE_BAD_ARGUMENT: 'IMAGE_BAD_ARGUMENT',
  /** Width x height above the `maxPixels` limit (checked before decoding). */
  IMAGE_LIMIT: 'IMAGE_LIMIT',
} as const;

export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

const categories: Record<ImageErrorCode, ErrorCategory> = {
  IMAGE_UNKNOWN_FORMAT: 'unsupported',
  IMAGE_CORRUPT: 'corrupt',
  IMAGE_UNSUPPORTED: 'unsupported',
  IMAGE_BAD_ARGUMENT: 'usage',
  IMAGE_LIMIT: 'corrupt',
};

/** A `VfxError` with an image code and its category. */
export function imageError(code: ImageErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}

/** The first line of a sharp/libvips error, without the `VipsJpeg:`-style prefixes doubled up. */
export function sharpReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
