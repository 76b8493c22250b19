/**
 * The error codes of @vfxkit/vdb. Every failure is a `VfxError` (from @vfxkit/core) carrying one of
 * these stable codes and, where known, the grid in `location` and the byte offset in `offset`.
 * Tests and tools match on the code; users read the message. Codes are never renamed once released.
 */
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import type { ErrorCategory, VfxErrorOptions } from '@vfxkit/core';

export const VdbErrorCode = {
  /** The first eight bytes are not OpenVDB's magic number (0x56444220, "VDB " little-endian). */
  VDB_BAD_MAGIC: 'VDB_BAD_MAGIC',
  /** A file format version older than 220 (OpenVDB 1.0 era), which no current reader handles. */
  VDB_UNSUPPORTED_VERSION: 'VDB_UNSUPPORTED_VERSION',
  /** The bytes end before the data the file declares (a header, a descriptor, a node, a buffer),
   *  or a count declares more nodes than the remaining bytes could hold. */
  VDB_TRUNCATED: 'VDB_TRUNCATED',
  /** Bytes that do not follow the format: impossible offsets, bad chunk sizes, undecodable codec
   *  data, children outside their parent. */
  VDB_CORRUPT: 'VDB_CORRUPT',
  /** A declared size above a limit (`maxVoxels`, `maxNodes`, `maxPoints`, `maxDenseVoxels`). */
  VDB_LIMIT: 'VDB_LIMIT',
  /** A grid value type, tree configuration, metadata or point attribute type this reader does not
   *  decode (named in the message). */
  VDB_UNSUPPORTED_TYPE: 'VDB_UNSUPPORTED_TYPE',
  /** A Blosc compressor (snappy, an unknown code) or a transform map this build cannot handle. */
  VDB_UNSUPPORTED_COMPRESSION: 'VDB_UNSUPPORTED_COMPRESSION',
  /** Another valid feature we do not handle (a non-linear transform where a matrix is needed, ...). */
  VDB_UNSUPPORTED: 'VDB_UNSUPPORTED',
  /** A synchronous read met data only an asynchronous decoder can decode (Blosc with zstd or
   *  bit-shuffle): use the async function (`readVdbGrid`, `readVdb`, `loadValues`). */
  VDB_NEEDS_ASYNC: 'VDB_NEEDS_ASYNC',
  /** Options or arguments that cannot work: an unknown grid name, a descriptor from another file,
   *  a bounding box with max < min, a value read before the grid's values were loaded. */
  VDB_BAD_ARGUMENT: 'VDB_BAD_ARGUMENT',
} as const;

export type VdbErrorCode = (typeof VdbErrorCode)[keyof typeof VdbErrorCode];

const categories: Record<VdbErrorCode, ErrorCategory> = {
  VDB_BAD_MAGIC: 'corrupt',
  VDB_UNSUPPORTED_VERSION: 'unsupported',
  VDB_TRUNCATED: 'corrupt',
  VDB_CORRUPT: 'corrupt',
  VDB_LIMIT: 'corrupt',
  VDB_UNSUPPORTED_TYPE: 'unsupported',
  VDB_UNSUPPORTED_COMPRESSION: 'unsupported',
  VDB_UNSUPPORTED: 'unsupported',
  VDB_NEEDS_ASYNC: 'usage',
  VDB_BAD_ARGUMENT: 'usage',
};

/** A `VfxError` with a VDB code and its category. */
export function vdbError(code: VdbErrorCode, message: string, options: VfxErrorOptions = {}): VfxError {
  return new VfxError(code, message, options, categories[code]);
}

/**
 * Turns anything thrown while reading into a VfxError with a VDB code: the core byte reader's
 * `TRUNCATED` becomes `VDB_TRUNCATED`, `CORRUPT` becomes `VDB_CORRUPT`, `LIMIT_EXCEEDED` becomes
 * `VDB_LIMIT`, and any other error (a RangeError from a codec, fflate's errors) `VDB_CORRUPT`. The
 * grid name is added as `location` when the error has none.
 */
export function toVdbError(error: unknown, location?: string): VfxError {
  if (isVfxError(error)) {
    let code = error.code;
    if (code === ErrorCode.TRUNCATED) code = VdbErrorCode.VDB_TRUNCATED;
    else if (code === ErrorCode.CORRUPT) code = VdbErrorCode.VDB_CORRUPT;
    else if (code === ErrorCode.LIMIT_EXCEEDED) code = VdbErrorCode.VDB_LIMIT;
    if (code === error.code && (location === undefined || error.location !== undefined)) return error;
    const copy = new VfxError(
      code,
      error.message,
      { file: error.file, offset: error.offset, location: error.location ?? location, cause: error.cause },
      categories[code as VdbErrorCode] ?? error.category,
    );
    copy.stack = error.stack;
    return copy;
  }
  if (error instanceof RangeError && /allocation|Array buffer|Invalid typed array length/i.test(error.message)) {
    return vdbError(VdbErrorCode.VDB_LIMIT, `out of memory: ${error.message}`, {
      cause: error,
      ...(location !== undefined ? { location } : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return vdbError(VdbErrorCode.VDB_CORRUPT, `corrupt data: ${message}`, {
    cause: error,
    ...(location !== undefined ? { location } : {}),
  });
}

/** Runs `work`, converting whatever it throws with `toVdbError`. */
export function withVdbErrors<T>(work: () => T, location?: string): T {
  try {
    return work();
  } catch (error) {
    throw toVdbError(error, location);
  }
}

/** The async twin of `withVdbErrors`. */
export async function withVdbErrorsAsync<T>(work: () => Promise<T>, location?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toVdbError(error, location);
  }
}
