/**
 * The error codes of @vfxkit/particles. Every failure is a `VfxError` (from @vfxkit/core) carrying
 * one of these stable codes; tests and tools match on the code, users read the message. Codes are
 * never renamed once released.
 */
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const PartErrorCode = {
  /** No reader knows these bytes or this file name; the message lists the supported formats. */
  PART_UNSUPPORTED_FORMAT: 'PART_UNSUPPORTED_FORMAT',
  /** The bytes do not start with the magic number of the format that was asked for. */
  PART_BAD_MAGIC: 'PART_BAD_MAGIC',
  /** The bytes end before the data the file declares (a header, a name, the particle data). */
  PART_TRUNCATED: 'PART_TRUNCATED',
  /** Bytes that do not follow the format: impossible sizes, bad tokens, a broken zlib stream. */
  PART_CORRUPT: 'PART_CORRUPT',
  /** A declared count above `maxParticles` (or another documented limit), or a declared size no
   *  file of this length could hold: refused before anything is allocated. */
  PART_LIMIT: 'PART_LIMIT',
  /** An attribute or channel type code the format does not define. */
  PART_UNKNOWN_TYPE: 'PART_UNKNOWN_TYPE',
  /** A version of the format this reader does not handle. */
  PART_UNSUPPORTED_VERSION: 'PART_UNSUPPORTED_VERSION',
  /** A valid feature this build does not handle (named in the message). */
  PART_UNSUPPORTED: 'PART_UNSUPPORTED',
  /** The data needs an asynchronous decoder (Blosc through numcodecs): call `readParticlesAsync`. */
  PART_ASYNC_REQUIRED: 'PART_ASYNC_REQUIRED',
  /** Options or a particle set that cannot work: an attribute whose data has the wrong length, a
   *  format that cannot hold what is asked, an unknown format id. */
  PART_BAD_ARGUMENT: 'PART_BAD_ARGUMENT',
} as const;

export type PartErrorCode = (typeof PartErrorCode)[keyof typeof PartErrorCode];

const categories: Record<PartErrorCode, ErrorCategory> = {
  PART_UNSUPPORTED_FORMAT: 'unsupported',
  PART_BAD_MAGIC: 'corrupt',
  PART_TRUNCATED: 'corrupt',
  PART_CORRUPT: 'corrupt',
  PART_LIMIT: 'corrupt',
  PART_UNKNOWN_TYPE: 'corrupt',
  PART_UNSUPPORTED_VERSION: 'unsupported',
  PART_UNSUPPORTED: 'unsupported',
  PART_ASYNC_REQUIRED: 'usage',
  PART_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with a particles code and its category. */
export function partError(code: PartErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}

/**
 * Runs `work`, turning the core byte reader's generic codes into particle ones: `TRUNCATED` becomes
 * `PART_TRUNCATED`, `CORRUPT` and any non-VfxError (a RangeError, fflate's errors) become
 * `PART_CORRUPT`, `LIMIT_EXCEEDED` becomes `PART_LIMIT`; the format name goes in front of the
 * message of errors that do not carry it yet.
 */
export function withPartErrors<T>(work: () => T, formatName: string): T {
  try {
    return work();
  } catch (error) {
    throw toPartError(error, formatName);
  }
}

/** The async twin of `withPartErrors`. */
export async function withPartErrorsAsync<T>(work: () => Promise<T>, formatName: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toPartError(error, formatName);
  }
}

export function toPartError(error: unknown, formatName: string): VfxError {
  if (isVfxError(error)) {
    let code = error.code;
    if (code === ErrorCode.TRUNCATED) code = PartErrorCode.PART_TRUNCATED;
    else if (code === ErrorCode.CORRUPT) code = PartErrorCode.PART_CORRUPT;
    else if (code === ErrorCode.LIMIT_EXCEEDED) code = PartErrorCode.PART_LIMIT;
    if (code === error.code) return error;
    const copy = new VfxError(
      code,
      `${formatName}: ${error.message}`,
      { file: error.file, offset: error.offset, location: error.location, cause: error.cause },
      categories[code as PartErrorCode] ?? error.category,
    );
    copy.stack = error.stack;
    return copy;
  }
  const message = error instanceof Error ? error.message : String(error);
  return partError(PartErrorCode.PART_CORRUPT, `${formatName}: corrupt data: ${message}`, { cause: error });
}
