/**
 * The error codes of @vfxkit/alembic. Every failure is a `VfxError` (from @vfxkit/core) with one of
 * these stable codes, the object or property path in `location` where known, and the byte offset
 * where known. Codes are never renamed once released.
 */
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const AbcErrorCode = {
  /** The bytes do not start with Ogawa's magic ("Ogawa") and are not an HDF5 archive either. */
  ABC_NOT_OGAWA: 'ABC_NOT_OGAWA',
  /** An HDF5-backed Alembic archive (Alembic 1.0-1.4 default): recognised, not read. */
  ABC_HDF5: 'ABC_HDF5',
  /** The Ogawa format version is not 1, or the archive was written by a pre-1.0 Alembic. */
  ABC_UNSUPPORTED_VERSION: 'ABC_UNSUPPORTED_VERSION',
  /** The writer never finished the archive (Ogawa's "frozen" byte is not 0xff). */
  ABC_INCOMPLETE: 'ABC_INCOMPLETE',
  /** A group, data block or sample reaches past the end of the bytes present. */
  ABC_TRUNCATED: 'ABC_TRUNCATED',
  /** Bytes that do not follow the format: cycles or shared groups in the Ogawa tree, offsets out
   *  of range, sizes that disagree, headers that do not parse, missing required properties. */
  ABC_CORRUPT: 'ABC_CORRUPT',
  /** A declared size or count above a documented limit (`limits` in the read options). */
  ABC_LIMIT: 'ABC_LIMIT',
  /** A valid feature this reader does not handle. */
  ABC_UNSUPPORTED: 'ABC_UNSUPPORTED',
  /** A schema view asked of an object with another schema (`asPolyMesh` on an Xform). */
  ABC_SCHEMA_MISMATCH: 'ABC_SCHEMA_MISMATCH',
  /** A call that cannot work: a sample index out of range, an unknown property or object. */
  ABC_BAD_ARGUMENT: 'ABC_BAD_ARGUMENT',
} as const;

export type AbcErrorCode = (typeof AbcErrorCode)[keyof typeof AbcErrorCode];

const categories: Record<AbcErrorCode, ErrorCategory> = {
  ABC_NOT_OGAWA: 'corrupt',
  ABC_HDF5: 'unsupported',
  ABC_UNSUPPORTED_VERSION: 'unsupported',
  ABC_INCOMPLETE: 'corrupt',
  ABC_TRUNCATED: 'corrupt',
  ABC_CORRUPT: 'corrupt',
  ABC_LIMIT: 'corrupt',
  ABC_UNSUPPORTED: 'unsupported',
  ABC_SCHEMA_MISMATCH: 'usage',
  ABC_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with an Alembic code and its category. */
export function abcError(code: AbcErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}

/**
 * The same error with Alembic codes: the core byte reader's `TRUNCATED` becomes `ABC_TRUNCATED`,
 * `CORRUPT` (a 64-bit value beyond 2^53) `ABC_CORRUPT`, `LIMIT_EXCEEDED` `ABC_LIMIT`; anything that
 * is not a VfxError becomes `ABC_CORRUPT`. The location is added when the error has none.
 */
export function toAbcError(error: unknown, location?: string): VfxError {
  if (isVfxError(error)) {
    let code = error.code;
    if (code === ErrorCode.TRUNCATED) code = AbcErrorCode.ABC_TRUNCATED;
    else if (code === ErrorCode.CORRUPT) code = AbcErrorCode.ABC_CORRUPT;
    else if (code === ErrorCode.LIMIT_EXCEEDED) code = AbcErrorCode.ABC_LIMIT;
    if (code === error.code && (location === undefined || error.location !== undefined)) return error;
    const copy = new VfxError(
      code,
      error.message,
      { file: error.file, offset: error.offset, location: error.location ?? location, cause: error.cause },
      categories[code as AbcErrorCode] ?? error.category,
    );
    copy.stack = error.stack;
    return copy;
  }
  const message = error instanceof Error ? error.message : String(error);
  return abcError(AbcErrorCode.ABC_CORRUPT, `corrupt data: ${message}`, {
    cause: error,
    ...(location !== undefined ? { location } : {}),
  });
}

/** Runs `work`, turning every failure into a VfxError with an Alembic code and `location`. */
export function withAbcErrors<T>(work: () => T, location?: string): T {
  try {
    return work();
  } catch (error) {
    throw toAbcError(error, location);
  }
}
