/**
 * Where file bytes come from. A whole file in memory (`Uint8Array`, `ArrayBuffer`), or a reader of
 * byte ranges (a file handle, HTTP range requests) so that inspecting a 2 GB file reads only its
 * header, its descriptors and each grid's head, never the trees.
 *
 * Parsers that need bytes are generators: they yield `{ offset, length }` and receive the bytes
 * (possibly fewer at the end of the file). The same parser runs over a sync or an async source.
 */
import { ErrorCode, isVfxError } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';

/** Synchronous random access to a file's bytes. */
export interface VdbByteSource {
  /** The file size in bytes. */
  readonly byteLength: number;
  /** The bytes at [offset, offset + length) (fewer only at the end of the file). */
  read(offset: number, length: number): Uint8Array;
}

/** Asynchronous random access to a file's bytes (HTTP range requests, `FileHandle.read`). */
export interface VdbAsyncByteSource {
  readonly byteLength: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What the reading functions accept: the whole file, or a source of byte ranges. */
export type VdbInput = Uint8Array | ArrayBuffer | VdbByteSource;

export interface ReadRequest {
  offset: number;
  length: number;
}

export type Reading<T> = Generator<ReadRequest, T, Uint8Array>;

export function isByteSource(input: unknown): input is VdbByteSource | VdbAsyncByteSource {
  return typeof input === 'object' && input !== null && !(input instanceof Uint8Array) && !(input instanceof ArrayBuffer) && typeof (input as VdbByteSource).read === 'function';
}

/** A byte source over bytes in memory. */
export function memorySource(bytes: Uint8Array | ArrayBuffer): VdbByteSource {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    byteLength: data.byteLength,
    read: (offset, length) => data.subarray(Math.max(0, offset), Math.min(data.byteLength, offset + length)),
  };
}

export function toSource(input: VdbInput): VdbByteSource {
  return isByteSource(input) ? (input as VdbByteSource) : memorySource(input as Uint8Array | ArrayBuffer);
}

/** Runs a reading parser against a synchronous source. */
export function runReadingSync<T>(reading: Reading<T>, source: VdbByteSource): T {
  let step = reading.next();
  while (!step.done) step = reading.next(source.read(step.value.offset, step.value.length));
  return step.value;
}

/** Runs a reading parser against an asynchronous (or synchronous) source. */
export async function runReadingAsync<T>(reading: Reading<T>, source: VdbAsyncByteSource | VdbByteSource): Promise<T> {
  let step = reading.next();
  while (!step.done) step = reading.next(await source.read(step.value.offset, step.value.length));
  return step.value;
}

/** The first window: enough for a typical header, or a descriptor with its grid head. */
const FIRST_WINDOW = 8 * 1024;
/** The largest window a header-level parse may need (metadata, descriptors, transforms). */
export const MAX_WINDOW = 256 * 1024 * 1024;

function isTruncation(error: unknown): boolean {
  return isVfxError(error) && (error.code === ErrorCode.TRUNCATED || error.code === VdbErrorCode.VDB_TRUNCATED);
}

/**
 * Parses the bytes at file offset `offset` with `parse(bytes, offset)`, asking for a window of 8
 * KiB first and eight times more whenever the parse runs out of bytes, up to the end of the file
 * (or MAX_WINDOW).
 */
export function* parseWindow<T>(offset: number, fileSize: number, parse: (bytes: Uint8Array, base: number) => T, first = FIRST_WINDOW): Reading<T> {
  if (offset > fileSize) {
    throw vdbError(VdbErrorCode.VDB_TRUNCATED, `the file has ${fileSize} bytes; data was expected at byte ${offset}`, { offset });
  }
  let length = Math.min(first, fileSize - offset);
  for (;;) {
    const bytes = yield { offset, length };
    try {
      return parse(bytes, offset);
    } catch (error) {
      const canGrow = offset + length < fileSize && length < MAX_WINDOW && bytes.length === length;
      if (!canGrow || !isTruncation(error)) throw error;
      length = Math.min(length * 8, fileSize - offset, MAX_WINDOW);
    }
  }
}
