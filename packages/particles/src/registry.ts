/**
 * The format registry — plain data, one `ParticleFormat` object per format — and the entry points
 * built on it: detection (magic bytes first, then the extension, gzip undone on the way),
 * `readParticles`, `readParticlesAsync`, `inspectParticles`, `writeParticles`.
 */
import { isVfxError } from '@vfxkit/core';
import { partError, PartErrorCode } from './errors.js';
import { gunzip, gzipBytes, isGzip } from './io/compression.js';
import type { ParticleInfo, ParticleSet } from './model.js';
import { DEFAULT_MAX_PARTICLES } from './model.js';
import { bhclassicFormat } from './formats/bhclassic.js';
import { binFormat } from './formats/bin.js';
import { hclassicFormat } from './formats/hclassic.js';
import { bgeoFormat, bgeoScFormat, geoFormat } from './formats/houdini-json.js';
import { pdaFormat } from './formats/pda.js';
import { pdbFormat } from './formats/pdb.js';
import { pdcFormat } from './formats/pdc.js';
import { plyFormat } from './formats/ply.js';
import { csvFormat, ptsFormat, xyzFormat } from './formats/points-text.js';
import { prtFormat } from './formats/prt.js';
import { ptcFormat } from './formats/ptc.js';
import type { ParticleFormat, ReadParticlesOptions, WriteParticlesOptions } from './formats/types.js';

/** Every format, in detection order: formats with a magic number first. For an extension two
 *  formats share (`.bgeo`, `.geo`), the first listed is the one written. */
export const particleFormats: readonly ParticleFormat[] = [
  bgeoFormat,
  bgeoScFormat,
  geoFormat,
  bhclassicFormat,
  hclassicFormat,
  pdaFormat,
  pdbFormat,
  pdcFormat,
  prtFormat,
  binFormat,
  ptcFormat,
  plyFormat,
  ptsFormat,
  xyzFormat,
  csvFormat,
];

/** The format with this id (`bgeo`, `prt`, ...), if any. */
export function particleFormat(id: string): ParticleFormat | undefined {
  const wanted = id.toLowerCase().replace(/^\./, '');
  return particleFormats.find((f) => f.id === wanted);
}

/** A one-line list of the supported formats, for error messages and `--help`. */
export function supportedFormatsText(): string {
  return particleFormats.map((f) => `${f.id} (${f.extensions.map((e) => `.${e}`).join(' ')})`).join(', ');
}

export interface FormatMatch {
  format: ParticleFormat;
  /** The bytes are gzip-compressed (`.bgeo.gz`): undo that before reading. */
  gzip: boolean;
  /** How the format was found. */
  by: 'magic' | 'extension' | 'option';
}

/** The file name's extension without a trailing `.gz`, lower-case (`.bgeo.sc` keeps both parts). */
function extensionOf(fileName: string | undefined): { extension: string | undefined; gz: boolean } {
  if (fileName === undefined) return { extension: undefined, gz: false };
  let name = fileName.toLowerCase().replace(/^.*[\\/]/, '');
  let gz = false;
  if (name.endsWith('.gz')) {
    gz = true;
    name = name.slice(0, -3);
  }
  for (const f of particleFormats) for (const e of f.extensions) if (e.includes('.') && name.endsWith(`.${e}`)) return { extension: e, gz };
  const dot = name.lastIndexOf('.');
  return { extension: dot < 0 ? undefined : name.slice(dot + 1), gz };
}

function byMagic(head: Uint8Array): ParticleFormat | undefined {
  return particleFormats.find((f) => f.magic !== undefined && f.magic(head));
}

function byExtension(extension: string | undefined): ParticleFormat | undefined {
  if (extension === undefined) return undefined;
  return particleFormats.find((f) => f.extensions.includes(extension));
}

/**
 * Which format `head` (the first bytes of a file, 64 or more are plenty) and `fileName` are:
 * magic bytes decide when they match a format (a `.prt` that is really a BGEO reads as BGEO),
 * else the extension. Gzip-compressed data is reported with `gzip: true`; the format is then the
 * one the name says without `.gz`. Undefined when nothing matches.
 */
export function detectParticleFormat(fileName: string | undefined, head?: Uint8Array): FormatMatch | undefined {
  const { extension, gz } = extensionOf(fileName);
  if (head !== undefined && isGzip(head)) {
    const format = byExtension(extension);
    return format === undefined ? undefined : { format, gzip: true, by: 'extension' };
  }
  if (head !== undefined && head.length > 0) {
    const format = byMagic(head);
    if (format !== undefined) return { format, gzip: false, by: 'magic' };
  }
  const format = byExtension(extension);
  return format === undefined ? undefined : { format, gzip: gz && head === undefined, by: 'extension' };
}

/** The format a writer should use for `fileName` (`out.bgeo` -> bgeo, `out.pdc.gz` -> pdc). */
export function formatForFileName(fileName: string): { format: ParticleFormat; gzip: boolean } | undefined {
  const { extension, gz } = extensionOf(fileName);
  const format = byExtension(extension);
  return format === undefined ? undefined : { format, gzip: gz };
}

function unsupported(fileName: string | undefined, head: Uint8Array): never {
  const what = fileName === undefined ? 'these bytes' : `'${fileName}'`;
  const start = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw partError(
    PartErrorCode.PART_UNSUPPORTED_FORMAT,
    `cannot tell which particle format ${what} ${fileName === undefined ? 'are' : 'is'} (first bytes ${start || 'none'}); supported: ${supportedFormatsText()}. Pass the format option to force one.`,
    fileName === undefined ? {} : { file: fileName },
  );
}

interface Resolved {
  format: ParticleFormat;
  bytes: Uint8Array;
  gzip: boolean;
}

/** The format to read `bytes` with and the bytes with any gzip layer undone. */
function resolve(bytes: Uint8Array, options: ReadParticlesOptions): Resolved {
  let data = bytes;
  let gzip = false;
  if (isGzip(data)) {
    const max = Math.min(2 ** 31 - 1, Math.max(1 << 24, (options.maxParticles ?? DEFAULT_MAX_PARTICLES) * 512));
    data = gunzip(data, max, options.zlib);
    gzip = true;
  }
  if (options.format !== undefined) {
    const format = particleFormat(options.format);
    if (format === undefined) {
      throw partError(PartErrorCode.PART_BAD_ARGUMENT, `unknown particle format '${options.format}'; supported: ${supportedFormatsText()}`);
    }
    return { format, bytes: data, gzip };
  }
  const match = detectParticleFormat(gzip ? options.fileName?.replace(/\.gz$/i, '') : options.fileName, data.subarray(0, 256));
  if (match === undefined) unsupported(options.fileName, data);
  return { format: match.format, bytes: data, gzip };
}

function named<T>(work: () => T, fileName: string | undefined): T {
  try {
    return work();
  } catch (error) {
    if (fileName !== undefined && isVfxError(error)) throw error.withFile(fileName);
    throw error;
  }
}

async function namedAsync<T>(work: () => Promise<T>, fileName: string | undefined): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (fileName !== undefined && isVfxError(error)) throw error.withFile(fileName);
    throw error;
  }
}

/**
 * Reads a particle file of any supported format (found from `options.format`, the magic bytes or
 * `options.fileName`), gzip-compressed or not. Synchronous: Blosc codecs other than LZ4/zlib
 * (`.bgeo.sc`) and the loaders.gl PLY parser throw PART_ASYNC_REQUIRED — use
 * `readParticlesAsync` for those.
 *
 * @example
 * const set = readParticles(bytes, { fileName: 'rain.0001.bgeo.gz' });
 * const P = getAttribute(set, 'P')!.data; // Float32Array, x y z per particle
 */
export function readParticles(bytes: Uint8Array, options: ReadParticlesOptions = {}): ParticleSet {
  return named(() => {
    const { format, bytes: data } = resolve(bytes, options);
    return format.read(data, options);
  }, options.fileName);
}

/** `readParticles` for every file: Blosc chunks of any codec (numcodecs), and the loaders.gl
 *  PLY parser when asked for. */
export async function readParticlesAsync(bytes: Uint8Array, options: ReadParticlesOptions = {}): Promise<ParticleSet> {
  return namedAsync(async () => {
    const { format, bytes: data } = resolve(bytes, options);
    return format.readAsync !== undefined ? format.readAsync(data, options) : format.read(data, options);
  }, options.fileName);
}

/**
 * The header only: count, attributes (name, type, width, storage) and fixed attributes, without
 * decoding particle data — cheap enough to run over thousands of files. (`.bgeo.sc` and gzip'd
 * files are decompressed first: the header is inside the compressed stream.)
 */
export function inspectParticles(bytes: Uint8Array, options: ReadParticlesOptions = {}): ParticleInfo {
  return named(() => {
    const { format, bytes: data, gzip } = resolve(bytes, options);
    const info = format.inspect(data, options);
    if (gzip) info.compression = info.compression === undefined ? 'gzip' : `gzip+${info.compression}`;
    return info;
  }, options.fileName);
}

/** `inspectParticles` for files that need the asynchronous Blosc decoder. */
export async function inspectParticlesAsync(bytes: Uint8Array, options: ReadParticlesOptions = {}): Promise<ParticleInfo> {
  try {
    return inspectParticles(bytes, options);
  } catch (error) {
    if (!isVfxError(error) || error.code !== PartErrorCode.PART_ASYNC_REQUIRED) throw error;
  }
  const set = await readParticlesAsync(bytes, options);
  const format = particleFormat(set.format ?? '') ?? bgeoScFormat;
  return {
    format: format.id,
    formatName: format.name,
    count: set.count,
    attributes: set.attributes.map(({ name, type, width, storage, interpretation, strings }) => ({
      name,
      type,
      width,
      ...(storage !== undefined ? { storage } : {}),
      ...(interpretation !== undefined ? { interpretation } : {}),
      ...(strings !== undefined ? { stringCount: strings.length } : {}),
    })),
    fixed: set.fixed.map(({ name, type, width, storage }) => ({ name, type, width, ...(storage !== undefined ? { storage } : {}) })),
    notes: set.notes,
  };
}

/**
 * Writes `set` in the format `formatId` (`bgeo`, `bhclassic`, `pdc`, `prt`, `ply`, ... or a file
 * name such as `out.pdc.gz`, whose extension picks the format and gzip).
 *
 * @example
 * writeParticles(set, 'ply', { plyEncoding: 'ascii' });
 * writeParticles(set, 'cache.0001.bgeo.gz');
 */
export function writeParticles(set: ParticleSet, formatId: string, options: WriteParticlesOptions = {}): Uint8Array {
  let format = particleFormat(formatId);
  let gzip = options.gzip ?? false;
  if (format === undefined) {
    const byName = formatForFileName(formatId);
    if (byName !== undefined) {
      format = byName.format;
      gzip ||= byName.gzip;
    }
  }
  if (format === undefined) {
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `unknown particle format '${formatId}'; supported: ${supportedFormatsText()}`);
  }
  if (format.write === undefined) {
    const writable = particleFormats.filter((f) => f.write !== undefined).map((f) => f.id);
    throw partError(PartErrorCode.PART_BAD_ARGUMENT, `${format.name} is read-only here; writable formats: ${writable.join(', ')}`);
  }
  const bytes = format.write(set, { ...options, gzip: false });
  return gzip ? gzipBytes(bytes, options.level, options.zlib) : bytes;
}
