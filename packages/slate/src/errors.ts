/**
 * The error codes of @vfxkit/slate. Every failure is a `VfxError` (from @vfxkit/core) with one of
 * these stable codes, or with the code of the layer below (`IMAGE_*`, `EXR_*`, core codes), which
 * pass through unchanged. Codes are never renamed once released.
 */
import { VfxError, type ErrorCategory, type VfxErrorOptions } from '@vfxkit/core';

export const SlateErrorCode = {
  /** A template that does not parse or does not follow the schema; the message names the line. */
  SLATE_TEMPLATE: 'SLATE_TEMPLATE',
  /** A field the template requires has no value (neither found in the frames nor given). */
  SLATE_MISSING_FIELD: 'SLATE_MISSING_FIELD',
  /** A `{placeholder}` naming no field, or a `--set` that is not `key=value`. */
  SLATE_BAD_FIELD: 'SLATE_BAD_FIELD',
  /** Options that cannot work: a thumbnail frame outside the sequence, a size of zero, ... */
  SLATE_BAD_ARGUMENT: 'SLATE_BAD_ARGUMENT',
} as const;

export type SlateErrorCode = (typeof SlateErrorCode)[keyof typeof SlateErrorCode];

const categories: Record<SlateErrorCode, ErrorCategory> = {
  SLATE_TEMPLATE: 'usage',
  SLATE_MISSING_FIELD: 'usage',
  SLATE_BAD_FIELD: 'usage',
  SLATE_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with a slate code and its category. */
export function slateError(code: SlateErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}
