/**
 * The registry of compression methods, by OpenEXR name and numeric code. Each method lives in its
 * own file (none, rle, zip for ZIPS and ZIP here; PIZ, PXR24, B44/B44A and DWAA/DWAB in piz.ts,
 * pxr24.ts, b44.ts and dwa.ts). A valid method without an implementation throws
 * UNSUPPORTED_COMPRESSION naming it.
 */
import { ExrErrorCode, exrError } from '../errors.js';
import { EXR_COMPRESSIONS } from '../model.js';
import type { ExrCompression } from '../model.js';
import { b44, b44a } from './b44.js';
import { dwaa, dwaaMethod, dwab, dwabMethod } from './dwa.js';
import { none } from './none.js';
import { piz } from './piz.js';
import { pxr24 } from './pxr24.js';
import { rle } from './rle.js';
import type { CompressionMethod } from './types.js';
import { zip, zips } from './zip.js';

const METHODS: readonly CompressionMethod[] = [none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab];

const byName = new Map<string, CompressionMethod>(METHODS.map((m) => [m.name, m]));

/** Every method this build can decode, by name. */
export function availableCompressions(): ExrCompression[] {
  return EXR_COMPRESSIONS.filter((name) => byName.has(name));
}

/** True when `name` can be decoded (and `compress`-ed, when `forWriting`). */
export function hasCompression(name: ExrCompression, forWriting = false): boolean {
  const method = byName.get(name);
  return method !== undefined && (!forWriting || method.compress !== undefined);
}

/** The method called `name`; UNSUPPORTED_COMPRESSION when this build has none (or, when writing,
 *  when the method cannot compress). */
export function compressionMethod(name: ExrCompression, forWriting = false): CompressionMethod {
  const method = byName.get(name);
  if (method === undefined || (forWriting && method.compress === undefined)) {
    const code = EXR_COMPRESSIONS.indexOf(name);
    throw exrError(
      ExrErrorCode.UNSUPPORTED_COMPRESSION,
      `${name.toUpperCase()} compression (code ${code}) is not supported ${forWriting ? 'for writing ' : ''}by this build of @vfxkit/exr` +
        ` (available: ${availableCompressions().join(', ')})`,
    );
  }
  return method;
}

/** The method to write `name` with: as `compressionMethod`, with DWA's quantization level set
 *  (the part's `dwaCompressionLevel` attribute, 45 by default). */
export function compressorFor(name: ExrCompression, dwaLevel: number | undefined): CompressionMethod {
  const method = compressionMethod(name, true);
  if (dwaLevel === undefined) return method;
  if (name === 'dwaa') return dwaaMethod({ level: dwaLevel });
  if (name === 'dwab') return dwabMethod({ level: dwaLevel });
  return method;
}

/**
 * The largest ratio of unpacked to packed bytes each method can reach, used to refuse chunks that
 * declare more data than their bytes could hold before anything is allocated. Generous bounds:
 * deflate tops out near 1032:1, RLE at 64:1 (2 bytes -> 128), PIZ's Huffman run codes near 500:1,
 * B44A at about 11:1, DWA (a DC value per 8x8 block, deflated) near 66000:1.
 */
const MAX_EXPANSION: Record<ExrCompression, number> = {
  none: 1,
  rle: 64,
  zips: 1040,
  zip: 1040,
  piz: 2048,
  pxr24: 1400,
  b44: 16,
  b44a: 16,
  dwaa: 1 << 17,
  dwab: 1 << 17,
  htj2k256: 1 << 17,
  htj2k32: 1 << 17,
};

/** The most bytes a chunk of `packedSize` bytes can unpack to with `name` (plus fixed slack for
 *  codec headers on tiny chunks). */
export function maxUnpackedSize(name: ExrCompression, packedSize: number): number {
  return packedSize * MAX_EXPANSION[name] + (name === 'none' ? 0 : 4096);
}
