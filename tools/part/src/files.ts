/**
 * Particle files on disk: read any supported format (async, for Blosc-compressed `.bgeo.sc`),
 * write atomically in the format the output name asks for. zlib data (PRT) goes through node:zlib.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ErrorCode, VfxError, isVfxError } from '@vfxkit/core';
import { writeFileAtomic } from '@vfxkit/core/node';
import {
  formatForFileName,
  readParticlesAsync,
  supportedFormatsText,
  writeParticles,
  type ParticleSet,
} from '@vfxkit/particles';
import { nodeZlib } from './zlib.js';

export async function readParticleFile(path: string, shown = path): Promise<ParticleSet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VfxError(code === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, {
      file: shown,
    });
  }
  try {
    return await readParticlesAsync(bytes, { fileName: basename(path), zlib: nodeZlib });
  } catch (error) {
    throw isVfxError(error) ? error.withFile(shown) : error;
  }
}

/** The writable format an output name asks for (`.bgeo`, `.prt`, `.ply`, `.pdc.gz`, ...). */
export function outputFormat(path: string, explicit?: string): { id: string; gzip: boolean } {
  if (explicit !== undefined) return { id: explicit, gzip: false };
  const match = formatForFileName(basename(path));
  if (!match || !match.format.write) {
    throw new VfxError(
      ErrorCode.BAD_USAGE,
      `cannot write particles in this format (${match ? `${match.format.name} is read-only` : 'unknown extension'}); writable: ${supportedFormatsText()}`,
      { file: path },
    );
  }
  return { id: match.format.id, gzip: match.gzip };
}

export async function writeParticleFile(set: ParticleSet, path: string, options: { force: boolean; format?: string }, shown = path): Promise<number> {
  const { id, gzip } = outputFormat(path, options.format);
  let bytes: Uint8Array;
  try {
    bytes = writeParticles(set, id, { gzip, dropUnsupported: true, zlib: nodeZlib });
  } catch (error) {
    throw isVfxError(error) ? error.withFile(shown) : error;
  }
  await writeFileAtomic(path, bytes, { force: options.force });
  return bytes.byteLength;
}
