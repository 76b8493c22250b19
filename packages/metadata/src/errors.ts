/**
 * The error codes of @vfxkit/metadata. Every failure is a `VfxError` (from @vfxkit/core) with one of
 * these codes or a core one (`NOT_FOUND`, `IO`, `WOULD_OVERWRITE`, `CANCELLED`). Codes are never
 * renamed once released.
 */
import { VfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const MetaErrorCode = {
  /** ExifTool (or the EXR reader) could not read the file's metadata: unknown format, corrupt file. */
  META_UNREADABLE: 'META_UNREADABLE',
  /** The file's format cannot hold or write what was asked (a GPS tag in an EXR, a tag ExifTool
   *  cannot write in this format). */
  META_UNSUPPORTED: 'META_UNSUPPORTED',
  /** A tag name, assignment or value that cannot work (unknown tag, not writable, bad value). */
  META_BAD_TAG: 'META_BAD_TAG',
  /** ExifTool reported an error while writing, or the written file did not check out. */
  META_WRITE_FAILED: 'META_WRITE_FAILED',
  /** A query that does not parse: `--where`, `--near`, `--radius`, `--bbox`. */
  META_BAD_QUERY: 'META_BAD_QUERY',
  /** ExifTool could not be started or stopped responding. */
  META_EXIFTOOL: 'META_EXIFTOOL',
  /** A catalog file that is not a vfxkit catalog, or one written by a newer version. */
  CATALOG_BAD: 'CATALOG_BAD',
} as const;

export type MetaErrorCode = (typeof MetaErrorCode)[keyof typeof MetaErrorCode];

const categories: Record<MetaErrorCode, ErrorCategory> = {
  META_UNREADABLE: 'corrupt',
  META_UNSUPPORTED: 'unsupported',
  META_BAD_TAG: 'usage',
  META_WRITE_FAILED: 'io',
  META_BAD_QUERY: 'usage',
  META_EXIFTOOL: 'io',
  CATALOG_BAD: 'corrupt',
};

export function metaError(code: MetaErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}
