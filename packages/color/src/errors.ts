/**
 * The error codes of @vfxkit/color. Every failure is a `VfxError` (from @vfxkit/core) carrying one
 * of these stable codes; tests and tools match on the code, users read the message. Codes are never
 * renamed once released.
 */
import { VfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const ColorErrorCode = {
  /** A LUT file that does not follow its format: a bad keyword value, a non-number, a wrong count
   *  of entries, a size out of range. The message starts with `line N:` (1-based). */
  COLOR_LUT_PARSE: 'COLOR_LUT_PARSE',
  /** A valid LUT feature we do not handle (a `.cube` LUT_2D_SIZE, an spi3d with unequal sizes). */
  COLOR_LUT_UNSUPPORTED: 'COLOR_LUT_UNSUPPORTED',
  /** A colour space name no registry entry or alias matches; the message lists the known names. */
  COLOR_UNKNOWN_COLOR_SPACE: 'COLOR_UNKNOWN_COLOR_SPACE',
  /** Arguments that cannot work: a singular matrix, a data array of the wrong length, a bit depth
   *  out of range, a LUT model whose data does not match its size. */
  COLOR_BAD_ARGUMENT: 'COLOR_BAD_ARGUMENT',
} as const;

export type ColorErrorCode = (typeof ColorErrorCode)[keyof typeof ColorErrorCode];

const categories: Record<ColorErrorCode, ErrorCategory> = {
  COLOR_LUT_PARSE: 'corrupt',
  COLOR_LUT_UNSUPPORTED: 'unsupported',
  COLOR_UNKNOWN_COLOR_SPACE: 'usage',
  COLOR_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with a colour code and its category. */
export function colorError(code: ColorErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}
