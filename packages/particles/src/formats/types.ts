/**
 * The shape every format module exports, and the options the readers and writers take. The
 * registry (`registry.ts`) is a plain list of these objects.
 */
import type { ParticleInfo, ParticleSet, ReadOptions } from '../model.js';
import type { ZlibCodec } from '../io/compression.js';

/** Which loader object (and naming convention) a format belongs to. */
export type FormatFamily = 'houdini' | 'maya' | 'krakatoa' | 'realflow' | 'renderman' | 'ply' | 'text';

/** Options of `readParticles` and every format reader. */
export type ReadParticlesOptions = ReadOptions & {
  /** A format id (`bgeo`, `prt`, ...) to use instead of detecting one. */
  format?: string;
  /** The file name, for detection by extension (`.pdc`, `.bgeo.gz`) and error messages. */
  fileName?: string;
  /** zlib for PRT, gzip'd files and zlib-compressed Blosc blocks (default: fflate). */
  zlib?: ZlibCodec;
  /** PLY: `vfxkit` (default, our typed reader) or `loaders.gl` (@loaders.gl/ply's parser, then
   *  converted). Keep every `name_0 name_1 ...` property separate with `groupComponents: false`. */
  ply?: { parser?: 'vfxkit' | 'loaders.gl'; groupComponents?: boolean };
  /** Point text files: the column names when the file has no header line. */
  columns?: string[];
};

/** Options of `writeParticles` and every format writer. */
export interface WriteParticlesOptions {
  /** gzip the output (partio's `.gz` variants). */
  gzip?: boolean;
  /** deflate level for gzip, PRT and PRT-style zlib streams (0-9, default 6). */
  level?: number;
  zlib?: ZlibCodec;
  /** PLY: `binary_little_endian` (default), `binary_big_endian` or `ascii`. */
  plyEncoding?: 'binary_little_endian' | 'binary_big_endian' | 'ascii';
  /** Write attributes as float64 where the set has Float64Array data and the format allows it
   *  (default true). */
  keepDoubles?: boolean;
  /** Use the set's own attribute names as they are (no canonical -> native renaming). */
  nativeNames?: boolean;
  /** Leave out attributes the format cannot store (a width-2 attribute in PDC, strings in PRT)
   *  instead of failing with PART_BAD_ARGUMENT. */
  dropUnsupported?: boolean;
}

export interface ParticleFormat {
  /** Stable id (`bgeo`, `bhclassic`, `prt`, ...). */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  readonly family: FormatFamily;
  /** Lower-case extensions without the dot, the preferred one first (`bgeo.sc` has two parts). */
  readonly extensions: readonly string[];
  readonly mimeTypes: readonly string[];
  readonly binary: boolean;
  /** Whether `head` (the first bytes, at least 16 when the file has them) starts like this format;
   *  absent for formats without a magic number (found by extension only). */
  readonly magic?: (head: Uint8Array) => boolean;
  /** The header only: count and attributes, no particle data decoded. */
  readonly inspect: (bytes: Uint8Array, options?: ReadParticlesOptions) => ParticleInfo;
  readonly read: (bytes: Uint8Array, options?: ReadParticlesOptions) => ParticleSet;
  /** Present where some files need an asynchronous decoder (Blosc through numcodecs). */
  readonly readAsync?: (bytes: Uint8Array, options?: ReadParticlesOptions) => Promise<ParticleSet>;
  readonly write?: (set: ParticleSet, options?: WriteParticlesOptions) => Uint8Array;
}

/** The magic test: whether `bytes` begin with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[] | string): boolean {
  const codes = typeof prefix === 'string' ? Array.from(prefix, (c) => c.charCodeAt(0)) : prefix;
  if (bytes.length < codes.length) return false;
  for (let i = 0; i < codes.length; i++) if (bytes[i] !== codes[i]) return false;
  return true;
}
