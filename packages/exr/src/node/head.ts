/**
 * Reading only the head of an EXR file (magic, version, headers and, when asked, the offset
 * tables) from disk, never its chunks: what header-only tools need (`vfx exr attr`, `vfx meta`).
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { ErrorCode, isVfxError, VfxError } from '@vfxkit/core';
import { offsetTablesEnd, readExrHeader, type ExrHeader, type ExrHeadRewrite } from '../index.js';
import { ExrErrorCode, exrError } from '../errors.js';

const FIRST_READ = 64 * 1024;
const COPY_CHUNK = 1024 * 1024;

export interface ExrHead {
  header: ExrHeader;
  /** The file's first bytes: at least the headers (and the offset tables when asked for). */
  bytes: Uint8Array;
  /** The file's size in bytes. */
  size: number;
}

async function readStart(handle: FileHandle, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/**
 * Reads the headers of an open EXR file, growing the read (64 KiB, then 8x) until they parse, and
 * with `tables` the offset tables after them. Throws the reader's VfxError for a file that is not
 * a valid EXR head, and EXR_TRUNCATED when the file ends inside its offset tables.
 */
export async function readExrHeadFrom(handle: FileHandle, options: { tables?: boolean } = {}): Promise<ExrHead> {
  const size = (await handle.stat()).size;
  let length = Math.min(size, FIRST_READ);
  for (;;) {
    const bytes = await readStart(handle, length);
    let header: ExrHeader;
    try {
      header = readExrHeader(bytes);
    } catch (error) {
      if (isVfxError(error) && error.code === ExrErrorCode.EXR_TRUNCATED && length < size) {
        length = Math.min(size, length * 8);
        continue;
      }
      throw error;
    }
    if (options.tables === true) {
      const end = offsetTablesEnd(header);
      if (end > size) throw exrError(ExrErrorCode.EXR_TRUNCATED, `the file ends inside its offset tables (${size} bytes, the tables end at ${end})`);
      if (end > bytes.length) return { header, bytes: await readStart(handle, end), size };
    }
    return { header, bytes, size };
  }
}

/** `readExrHeadFrom` on the file at `path`. */
export async function readExrHead(path: string, options: { tables?: boolean } = {}): Promise<ExrHead> {
  const handle = await open(path, 'r');
  try {
    return await readExrHeadFrom(handle, options);
  } finally {
    await handle.close();
  }
}

/**
 * Writes an edited EXR into `output` from its start: `rewrite.head` (from `rewriteExrHead`), then
 * the chunks of `source` (a file of `size` bytes) from `rewrite.keepFrom` on, unchanged, copied
 * through a bounded buffer so a file of any size is written in constant memory. Returns the number
 * of bytes written (short of the expected `head + size - keepFrom` only when `source` shrank during
 * the copy: callers check it). Throws CANCELLED when `signal` is aborted between two reads.
 */
export async function writeRewrittenExr(source: FileHandle, size: number, rewrite: ExrHeadRewrite, output: FileHandle, signal?: AbortSignal): Promise<number> {
  await output.write(rewrite.head, 0, rewrite.head.byteLength, 0);
  let position = rewrite.head.byteLength;
  const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(1, size - rewrite.keepFrom)));
  for (let from = rewrite.keepFrom; from < size; ) {
    if (signal?.aborted === true) throw new VfxError(ErrorCode.CANCELLED, 'cancelled; the file was left as it was');
    const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.byteLength, size - from), from);
    if (bytesRead === 0) break;
    await output.write(buffer, 0, bytesRead, position);
    position += bytesRead;
    from += bytesRead;
  }
  return position;
}
