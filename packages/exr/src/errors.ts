/**
 * The error codes of @vfxkit/exr. Every failure is a `VfxError` (from @vfxkit/core) carrying one of
 * these stable codes; tests and tools match on the code, users read the message. Codes are never
 * renamed once released.
 */
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const ExrErrorCode = {
  /** The first four bytes are not OpenEXR's magic number (0x76 0x2f 0x31 0x01). */
  EXR_BAD_MAGIC: 'EXR_BAD_MAGIC',
  /** The file format version is not 2 (OpenEXR 1.x wrote 2 as well; anything else is unknown). */
  EXR_UNSUPPORTED_VERSION: 'EXR_UNSUPPORTED_VERSION',
  /** A header that does not follow the format: bad attribute sizes, missing required attributes,
   *  impossible windows, invalid enum values, mismatched version flags. */
  EXR_BAD_HEADER: 'EXR_BAD_HEADER',
  /** The bytes end before the data the file declares (header, offset table or a chunk). */
  EXR_TRUNCATED: 'EXR_TRUNCATED',
  /** A chunk whose leader, offset or packed data is wrong (bad coordinates, sizes, codec data). */
  EXR_CORRUPT_CHUNK: 'EXR_CORRUPT_CHUNK',
  /** A declared size above a limit (`maxPixels`, ...) or above what the bytes present could hold. */
  EXR_LIMIT: 'EXR_LIMIT',
  /** A valid compression method this build cannot decode or encode (named in the message). */
  UNSUPPORTED_COMPRESSION: 'UNSUPPORTED_COMPRESSION',
  /** A valid feature we do not handle (an unknown part type, ...). */
  EXR_UNSUPPORTED: 'EXR_UNSUPPORTED',
  /** Options or an image model that cannot work: an unknown part or channel, a level that does not
   *  exist, channel data of the wrong length. */
  EXR_BAD_ARGUMENT: 'EXR_BAD_ARGUMENT',
} as const;

export type ExrErrorCode = (typeof ExrErrorCode)[keyof typeof ExrErrorCode];

const categories: Record<ExrErrorCode, ErrorCategory> = {
  EXR_BAD_MAGIC: 'corrupt',
  EXR_UNSUPPORTED_VERSION: 'unsupported',
  EXR_BAD_HEADER: 'corrupt',
  EXR_TRUNCATED: 'corrupt',
  EXR_CORRUPT_CHUNK: 'corrupt',
  EXR_LIMIT: 'corrupt',
  UNSUPPORTED_COMPRESSION: 'unsupported',
  EXR_UNSUPPORTED: 'unsupported',
  EXR_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with an EXR code and its category. */
export function exrError(code: ExrErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}

/**
 * Runs `work`, turning the core byte reader's generic codes into EXR ones: `TRUNCATED` becomes
 * `EXR_TRUNCATED`, `CORRUPT` (a 64-bit offset beyond 2^53) becomes `corruptCode`, and any non-VfxError
 * (a codec's RangeError, fflate's errors) becomes `corruptCode` too, so callers only ever see
 * VfxErrors with EXR codes.
 */
export function withExrErrors<T>(work: () => T, corruptCode: ExrErrorCode, location?: string): T {
  try {
    return work();
  } catch (error) {
    throw toExrError(error, corruptCode, location);
  }
}

export function toExrError(error: unknown, corruptCode: ExrErrorCode, location?: string): VfxError {
  if (isVfxError(error)) {
    let code = error.code;
    if (code === ErrorCode.TRUNCATED) code = ExrErrorCode.EXR_TRUNCATED;
    else if (code === ErrorCode.CORRUPT) code = corruptCode;
    else if (code === ErrorCode.LIMIT_EXCEEDED) code = ExrErrorCode.EXR_LIMIT;
    if (code === error.code && (location === undefined || error.location !== undefined)) return error;
    const copy = new VfxError(
      code,
      error.message,
      { file: error.file, offset: error.offset, location: error.location ?? location, cause: error.cause },
      categories[code as ExrErrorCode] ?? error.category,
    );
    copy.stack = error.stack;
    return copy;
  }
  const message = error instanceof Error ? error.message : String(error);
  return exrError(corruptCode, `corrupt data: ${message}`, { cause: error, ...(location !== undefined ? { location } : {}) });
}
