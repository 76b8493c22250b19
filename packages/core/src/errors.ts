/**
 * The one error type of vfxkit.
 *
 * Every failure a user can meet is a `VfxError` with a stable `code` (tests and automation match on
 * it), a `category` (corrupt input / unsupported feature / I/O / bad usage / cancelled), the file when
 * known, and where known the byte offset and the part, grid or object path inside the file. Libraries
 * never throw strings and never log; the CLI prints `vfx: <file>: <message>`.
 */

/** How a failure should be read: the input is broken, the input is valid but we cannot handle it,
 *  the system failed, the caller asked for something impossible, or the work was cancelled. */
export type ErrorCategory = 'corrupt' | 'unsupported' | 'io' | 'usage' | 'cancelled';

/** Stable error codes shared across packages. Format packages add their own codes with a prefix
 *  (`EXR_`, `VDB_`, `ABC_`, ...); codes are never renamed once released. */
export const ErrorCode = {
  /** A read ran past the end of the bytes present. */
  TRUNCATED: 'TRUNCATED',
  /** A declared size or count is impossible for the bytes present or above a documented limit. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** Bytes that do not follow the format. */
  CORRUPT: 'CORRUPT',
  /** A valid feature we do not handle. */
  UNSUPPORTED: 'UNSUPPORTED',
  /** A frame-set string that does not parse. */
  BAD_FRAME_SET: 'BAD_FRAME_SET',
  /** A sequence pattern that does not parse or does not fit the request. */
  BAD_PATTERN: 'BAD_PATTERN',
  /** A file operation would overwrite an existing file and `force` was not given. */
  WOULD_OVERWRITE: 'WOULD_OVERWRITE',
  /** A file that should be there is not. */
  NOT_FOUND: 'NOT_FOUND',
  /** A file system call failed (permissions, disk full, ...). */
  IO: 'IO',
  /** A copy whose size or content hash differs from its source. */
  VERIFY_FAILED: 'VERIFY_FAILED',
  /** A journal that cannot be read or does not describe a known operation. */
  BAD_JOURNAL: 'BAD_JOURNAL',
  /** Another operation holds the journal lock of a directory. */
  LOCKED: 'LOCKED',
  /** Arguments that cannot work together. */
  BAD_USAGE: 'BAD_USAGE',
  /** The work was cancelled (Ctrl-C, an AbortSignal). */
  CANCELLED: 'CANCELLED',
} as const;

export type CoreErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface VfxErrorOptions {
  /** The file the error is about, as the user named it. */
  file?: string;
  /** Byte offset in the file where the problem was found. */
  offset?: number;
  /** Where inside the file: an EXR part, a VDB grid, an Alembic object path. */
  location?: string;
  /** The error that caused this one. */
  cause?: unknown;
}

const defaultCategory: Record<string, ErrorCategory> = {
  TRUNCATED: 'corrupt',
  LIMIT_EXCEEDED: 'corrupt',
  CORRUPT: 'corrupt',
  UNSUPPORTED: 'unsupported',
  BAD_FRAME_SET: 'usage',
  BAD_PATTERN: 'usage',
  WOULD_OVERWRITE: 'usage',
  NOT_FOUND: 'io',
  IO: 'io',
  VERIFY_FAILED: 'io',
  BAD_JOURNAL: 'corrupt',
  LOCKED: 'io',
  BAD_USAGE: 'usage',
  CANCELLED: 'cancelled',
};

export class VfxError extends Error {
  override readonly name = 'VfxError';
  readonly code: string;
  readonly category: ErrorCategory;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly location: string | undefined;

  /**
   * @param code a stable code (`ErrorCode.*` or a format's own prefixed code)
   * @param message what was expected and what was found, with the fix where there is one
   * @param category defaults from the code for core codes, `corrupt` otherwise
   */
  constructor(code: string, message: string, options: VfxErrorOptions = {}, category?: ErrorCategory) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = category ?? defaultCategory[code] ?? 'corrupt';
    this.file = options.file;
    this.offset = options.offset;
    this.location = options.location;
  }

  /** The same error, naming a file (readers throw without one; the caller that knows it adds it). */
  withFile(file: string): VfxError {
    if (this.file !== undefined) return this;
    const copy = new VfxError(
      this.code,
      this.message,
      { file, offset: this.offset, location: this.location, cause: this.cause },
      this.category,
    );
    copy.stack = this.stack;
    return copy;
  }

  /** `file: [location: ][at byte N: ]message`, the form the CLI prints after `vfx: `. */
  describe(): string {
    const head: string[] = [];
    if (this.file !== undefined) head.push(this.file);
    if (this.location !== undefined) head.push(this.location);
    if (this.offset !== undefined) head.push(`at byte ${this.offset}`);
    return head.length > 0 ? `${head.join(': ')}: ${this.message}` : this.message;
  }

  /** A plain object for `--json` error reports. */
  toJSON(): { code: string; category: ErrorCategory; message: string; file?: string; offset?: number; location?: string } {
    return {
      code: this.code,
      category: this.category,
      message: this.message,
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
      ...(this.location !== undefined ? { location: this.location } : {}),
    };
  }
}

export function isVfxError(value: unknown): value is VfxError {
  return value instanceof VfxError || (value instanceof Error && value.name === 'VfxError' && 'code' in value);
}
