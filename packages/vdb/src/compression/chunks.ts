/**
 * OpenVDB's compressed chunks (`io/Compression.cc`): with ZIP or BLOSC compression a value buffer is
 * an int64 byte count followed by that many bytes of zlib or Blosc data; a count of zero or less
 * means the -count bytes that follow are stored raw (compression did not help). BLOSC wins when
 * both flags are set. Without either flag the bytes are raw, their length known from the value
 * count.
 *
 * Readers that may meet a chunk only an asynchronous decoder handles are generators: they yield a
 * `DecodeRequest` and receive the decoded bytes. `runSync` runs such a reader synchronously (failing
 * with VDB_NEEDS_ASYNC on a request); `runAsync` answers requests with numcodecs.
 */
import type { ByteReader, VfxError } from '@vfxkit/core';
import { unzlibSync } from 'fflate';
import { verifyZlibChecksum } from '@vfxkit/core';
import { VdbErrorCode, vdbError } from '../errors.js';
import { Compression } from '../io/constants.js';
import { bloscDecompress, bloscDecompressSync, bloscNeedsAsync, readBloscHeader } from './blosc.js';

/** A Blosc frame the synchronous decoder cannot handle. */
export interface DecodeRequest {
  frame: Uint8Array;
  /** The decoded size the reader expects, when it knows it. */
  expectedBytes?: number;
  /** File offset of the frame, for error messages. */
  offset: number;
}

export type Decoding<T> = Generator<DecodeRequest, T, Uint8Array>;

function corrupt(message: string, offset: number, cause?: unknown): never {
  throw vdbError(VdbErrorCode.VDB_CORRUPT, message, { offset, ...(cause !== undefined ? { cause } : {}) });
}

/** An int64 as a number (exact below 2^53; beyond, the size checks reject it anyway). */
export function readInt64(reader: ByteReader, what: string): number {
  reader.need(8, what);
  const low = reader.view.getUint32(reader.offset, true);
  const high = reader.view.getInt32(reader.offset + 4, true);
  reader.offset += 8;
  return high * 4294967296 + low;
}

const sizeResult = { size: 0, raw: false, at: 0 };

/** Reads the int64 size prefix of a zip/blosc chunk and checks it against the expected size. */
function readChunkSize(reader: ByteReader, expectedBytes: number, what: string): { size: number; raw: boolean; at: number } {
  const at = reader.offset;
  const size = readInt64(reader, 'chunk size');
  if (size <= 0) {
    if (-size !== expectedBytes) {
      corrupt(`${what} is stored raw with ${-size} bytes; expected ${expectedBytes}`, at);
    }
    sizeResult.size = -size;
    sizeResult.raw = true;
    sizeResult.at = at;
    return sizeResult;
  }
  if (size > reader.remaining) {
    throw vdbError(VdbErrorCode.VDB_TRUNCATED, `${what} declares ${size} compressed bytes; only ${reader.remaining} are left`, { offset: at });
  }
  sizeResult.size = size;
  sizeResult.raw = false;
  sizeResult.at = at;
  return sizeResult;
}

let scratch = new Uint8Array(0);

/** A reusable output buffer for Blosc frames that are consumed at once. */
function scratchOf(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  return scratch.subarray(0, size);
}

/**
 * Reads a chunk of `expectedBytes` decoded bytes, or returns the Blosc frame it holds when only
 * the asynchronous decoder can decode it (then call again at the same position with the decoded
 * bytes as `predecoded`). The result may be a view into the file bytes or into a scratch buffer
 * that the next call reuses: callers copy what they keep.
 */
export function readChunkSync(reader: ByteReader, compression: number, expectedBytes: number, what: string, predecoded?: Uint8Array): Uint8Array | DecodeRequest {
  if (compression & Compression.BLOSC) {
    const { size, raw, at } = readChunkSize(reader, expectedBytes, what);
    const bytes = reader.subarray(size, what);
    if (raw) return bytes;
    if (predecoded !== undefined) {
      if (predecoded.length !== expectedBytes) corrupt(`${what} decodes to ${predecoded.length} bytes; expected ${expectedBytes}`, at);
      return predecoded;
    }
    let decoded: Uint8Array | undefined;
    try {
      decoded = bloscDecompressSync(bytes, expectedBytes, scratchOf(expectedBytes));
    } catch (error) {
      corrupt(`${what}: ${(error as Error).message}`, at, error);
    }
    if (decoded !== undefined) return decoded;
    return { frame: bytes, expectedBytes, offset: at + 8 };
  }
  if (compression & Compression.ZIP) {
    const { size, raw, at } = readChunkSize(reader, expectedBytes, what);
    const bytes = reader.subarray(size, what);
    if (raw) return bytes;
    let decoded: Uint8Array;
    try {
      decoded = unzlibSync(bytes, { out: new Uint8Array(expectedBytes) });
      verifyZlibChecksum(bytes, decoded); // fflate does not check the Adler-32 itself
    } catch (error) {
      corrupt(`${what}: zlib data does not inflate (${(error as Error).message})`, at, error);
    }
    if (decoded.length !== expectedBytes) corrupt(`${what} inflates to ${decoded.length} bytes; expected ${expectedBytes}`, at);
    return decoded;
  }
  return reader.subarray(expectedBytes, what);
}

/** Skips a chunk without decoding it (OpenVDB's seek mode). */
export function skipChunk(reader: ByteReader, compression: number, expectedBytes: number, what: string): void {
  if (compression & (Compression.BLOSC | Compression.ZIP)) {
    const { size } = readChunkSize(reader, expectedBytes, what);
    reader.skip(size, what);
  } else {
    reader.skip(expectedBytes, what);
  }
}

/** The error for a synchronous read that met a frame only the async decoder reads. */
export function needsAsyncError(request: DecodeRequest, location?: string): VfxError {
  let why = 'an unsupported codec';
  try {
    why = bloscNeedsAsync(readBloscHeader(request.frame)) ?? why;
  } catch {
    // keep the generic wording
  }
  return vdbError(
    VdbErrorCode.VDB_NEEDS_ASYNC,
    `this grid holds Blosc data compressed with ${why}, which only the asynchronous decoder (numcodecs) reads: use readVdbGrid/readVdb or await grid.loadValues()`,
    { offset: request.offset, ...(location !== undefined ? { location } : {}) },
  );
}

/** Runs a decoding reader synchronously; a Blosc frame that needs the async decoder fails. */
export function runSync<T>(reading: Decoding<T>, location?: string): T {
  const step = reading.next();
  if (step.done) return step.value;
  reading.return(undefined as never);
  throw needsAsyncError(step.value, location);
}

/** Runs a decoding reader, answering its requests with the async Blosc decoder. */
export async function runAsync<T>(reading: Decoding<T>): Promise<T> {
  let step = reading.next();
  while (!step.done) {
    const request = step.value;
    let decoded: Uint8Array;
    try {
      decoded = await bloscDecompress(request.frame, request.expectedBytes);
    } catch (error) {
      corrupt(`blosc data does not decode (${(error as Error).message})`, request.offset, error);
    }
    step = reading.next(decoded);
  }
  return step.value;
}
