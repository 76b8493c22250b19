/**
 * The per-file work of `vfx img convert` and `vfx img resize`. It runs in this thread (sharp has
 * its own thread pool) or in worker threads when EXR is read or written (the EXR codec is
 * CPU-bound TypeScript), so items and results are plain data and every job reads and writes its
 * own files: no pixels cross threads.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { copyFileSafe, skipped, writeFileAtomic, type JobContext, type Skipped } from '@vfxkit/core/node';
import { parseLut, type LutFile } from '@vfxkit/color';
import { transcodeImage, type BitDepth, type ImageFormat, type ResizeOptions, type TranscodeResult } from '@vfxkit/image';

/** The module's URL, for `createWorkerRunner` (TypeScript when running from source). */
export const jobsModule: URL = new URL(import.meta.url);

export interface ImageJob {
  input: string;
  shown: string;
  output: string;
  shownOutput: string;
  format: ImageFormat;
  /** Replace the input itself (atomically). */
  inPlace: boolean;
  /** Replace an existing output (atomically). */
  force: boolean;
  resize?: ResizeOptions;
  bitDepth?: BitDepth;
  sourceColorSpace?: string;
  colorSpace?: string;
  lutPath?: string;
  exposure?: number;
  compression?: string;
  quality?: number;
}

export interface ImageJobResult {
  width: number;
  height: number;
  bitDepth: BitDepth | undefined;
  /** `sharp`: one sharp pipeline; `decoded`: through the image model; `copy`: the file was copied
   *  unchanged (nothing to resize, same format). */
  route: TranscodeResult['route'] | 'copy';
  bytes: number;
}

const luts = new Map<string, LutFile>();

/** A LUT file, parsed once per thread. */
export async function loadLut(path: string): Promise<LutFile> {
  let lut = luts.get(path);
  if (lut === undefined) {
    lut = parseLut(await readFile(path, 'utf8'), path);
    luts.set(path, lut);
  }
  return lut;
}

/** Converts and/or resizes one file. */
export async function runImageJob(job: ImageJob, context: JobContext): Promise<ImageJobResult | Skipped> {
  context.signal.throwIfAborted();
  const result = await transcodeImage(job.input, {
    format: job.format,
    file: job.shown,
    ...(job.resize !== undefined ? { resize: job.resize, skipUnchanged: true } : {}),
    ...(job.bitDepth !== undefined ? { bitDepth: job.bitDepth } : {}),
    ...(job.sourceColorSpace !== undefined ? { sourceColorSpace: job.sourceColorSpace } : {}),
    ...(job.colorSpace !== undefined ? { colorSpace: job.colorSpace } : {}),
    ...(job.lutPath !== undefined ? { lut: await loadLut(job.lutPath) } : {}),
    ...(job.exposure !== undefined ? { exposure: job.exposure } : {}),
    ...(job.compression !== undefined ? { compression: job.compression } : {}),
    ...(job.quality !== undefined ? { quality: job.quality } : {}),
  });
  context.signal.throwIfAborted();
  if (result.unchanged) {
    // Nothing to resize: leave the file in place, or copy it as it is (no re-encoding).
    if (job.inPlace) return skipped(`${result.width}x${result.height} already fits`);
    await mkdir(dirname(job.output), { recursive: true });
    const copy = await copyFileSafe(job.input, job.output, { force: job.force, signal: context.signal });
    return { width: result.width, height: result.height, bitDepth: result.bitDepth, route: 'copy', bytes: copy.bytes };
  }
  await mkdir(dirname(job.output), { recursive: true });
  // In place: the new file takes the old one's permissions and replaces it atomically.
  const mode = job.inPlace ? (await stat(job.input)).mode & 0o7777 : undefined;
  await writeFileAtomic(job.output, result.bytes, { force: job.force || job.inPlace, ...(mode !== undefined ? { mode } : {}) });
  return { width: result.width, height: result.height, bitDepth: result.bitDepth, route: result.route, bytes: result.bytes.length };
}
