/**
 * The per-frame work of the batch verbs, run in worker threads by `createWorkerRunner` (decoding and
 * encoding are CPU-bound pure TypeScript). Items and results are plain data; each worker reads and
 * writes its own files, so no pixels cross threads.
 */
import { readFile, stat } from 'node:fs/promises';
import { VfxError } from '@vfxkit/core';
import { skipped, writeFileAtomic, type JobContext, type Skipped } from '@vfxkit/core/node';
import { readExrParts, type ExrCompression } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { checkExr, type CheckReport } from './check.js';
import { alreadyCompressed, recompress } from './rebuild.js';

/** The module's URL, for `createWorkerRunner` (TypeScript when running from source). */
export const jobsModule: URL = new URL(import.meta.url);

async function readBytes(path: string): Promise<Uint8Array> {
  const buffer = await readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export interface CheckItem {
  path: string;
  shown: string;
  frame?: number;
}

/** Checks one file; a file that cannot be read at all is a report too, not a failure. */
export async function checkFrame(item: CheckItem, context: JobContext): Promise<CheckReport> {
  context.signal.throwIfAborted();
  const bytes = await readBytes(item.path);
  return checkExr(bytes, nodeZlib);
}

export interface CompressItem {
  from: string;
  to: string;
  shown: string;
  compression: ExrCompression;
  /** Replace an existing `to` (always for in-place work). */
  force: boolean;
  inPlace: boolean;
  zipLevel?: number;
  /** Decode the result and compare it with the source before it replaces anything (lossless
   *  methods compare every sample; lossy ones only check that it decodes). */
  verify: boolean;
}

export interface CompressResult {
  bytesIn: number;
  bytesOut: number;
}

const LOSSY: readonly ExrCompression[] = ['b44', 'b44a', 'dwaa', 'dwab', 'pxr24'];

function sameSamples(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}

function verifyRecompressed(source: Uint8Array, result: Uint8Array, compression: ExrCompression): void {
  const after = readExrParts(result, { allLevels: true, zlib: nodeZlib });
  if (LOSSY.includes(compression)) return;
  const before = readExrParts(source, { allLevels: true, zlib: nodeZlib });
  before.forEach((image, i) => {
    const other = after[i]!;
    const planes = (x: typeof image) => [
      ...x.channels.map((c) => c.data),
      ...(x.levels ?? []).flatMap((l) => l.channels.map((c) => c.data)),
      ...(x.deep?.channels.map((c) => c.data) ?? []),
      ...(x.deep ? [x.deep.sampleCounts] : []),
    ];
    const a = planes(image);
    const b = planes(other);
    if (a.length !== b.length || a.some((plane, p) => !sameSamples(plane, b[p]!))) {
      throw new VfxError('VERIFY_FAILED', `part ${i} decodes to different samples after recompression; nothing was written`);
    }
  });
}

/** Recompresses one file into `to` (atomically; in place replaces the source). */
export async function compressFrame(item: CompressItem, context: JobContext): Promise<CompressResult | Skipped> {
  context.signal.throwIfAborted();
  const bytes = await readBytes(item.from);
  if (item.inPlace && alreadyCompressed(bytes, item.compression)) return skipped(`already ${item.compression}`);
  const result = recompress(bytes, item.compression, { zlib: nodeZlib, ...(item.zipLevel !== undefined ? { zipLevel: item.zipLevel } : {}) });
  if (item.verify) verifyRecompressed(bytes, result, item.compression);
  // Once encoded, the frame is written even if the run was interrupted meanwhile: items in flight
  // finish (atomically), only items not started are cancelled.
  const mode = item.inPlace ? (await stat(item.from)).mode & 0o7777 : undefined;
  await writeFileAtomic(item.to, result, { force: item.force || item.inPlace, ...(mode !== undefined ? { mode } : {}) });
  return { bytesIn: bytes.byteLength, bytesOut: result.byteLength };
}
