/**
 * Houdini's Blosc-compressed geometry, `.bgeo.sc` (and `.geo.sc`): the bytes `scf1` and 8 more
 * header bytes, then Blosc chunks one after another (each with its own 16-byte header giving its
 * compressed and uncompressed sizes), then an index of the chunks and the reversed magic `1fcs`.
 * The chunks, concatenated, are an ordinary binary (or ASCII) JSON geometry file.
 *
 * Houdini compresses with LZ4 and the byte shuffle, which decode here synchronously; any other
 * Blosc codec needs `readParticlesAsync` (numcodecs).
 */
import { partError, PartErrorCode } from '../errors.js';
import { BLOSC_HEADER_SIZE, bloscDecodeAsync, bloscDecodeSync, bloscDecodesSync, readBloscHeader } from '../io/blosc.js';
import type { ZlibCodec } from '../io/compression.js';
import { startsWith } from '../formats/types.js';

const HEADER_SIZE = 12;
const FOOTER = [0x31, 0x66, 0x63, 0x73]; // "1fcs"

export function isScf(head: Uint8Array): boolean {
  return startsWith(head, 'scf1');
}

interface Chunk {
  at: number;
  size: number;
  compressedSize: number;
}

/** The chunks of an scf container, bounds-checked, and the total uncompressed size. */
function chunks(bytes: Uint8Array, maxBytes: number): { list: Chunk[]; total: number } {
  if (!isScf(bytes)) throw partError(PartErrorCode.PART_BAD_MAGIC, `.bgeo.sc: the file does not start with 'scf1'`);
  const hasFooter = bytes.length >= HEADER_SIZE + 4 && FOOTER.every((b, i) => bytes[bytes.length - 4 + i] === b);
  const end = hasFooter ? bytes.length - 4 : bytes.length;
  const list: Chunk[] = [];
  let at = HEADER_SIZE;
  let total = 0;
  while (at + BLOSC_HEADER_SIZE <= end) {
    const header = readBloscHeader(bytes, at);
    // The index after the chunks starts with zero bytes: not a Blosc version.
    if (header.version < 1 || header.version > 4 || header.compressedSize < BLOSC_HEADER_SIZE) break;
    if (at + header.compressedSize > end) {
      throw partError(PartErrorCode.PART_TRUNCATED, `.bgeo.sc: Blosc chunk at byte ${at} declares ${header.compressedSize} bytes, ${end - at} present`, { offset: at });
    }
    if (header.size > header.compressedSize * 1032 + 1024) {
      throw partError(PartErrorCode.PART_LIMIT, `.bgeo.sc: Blosc chunk at byte ${at} claims ${header.size} bytes from ${header.compressedSize}`, { offset: at });
    }
    total += header.size;
    if (total > maxBytes) throw partError(PartErrorCode.PART_LIMIT, `.bgeo.sc: more than ${maxBytes} bytes of geometry`);
    list.push({ at, size: header.size, compressedSize: header.compressedSize });
    at += header.compressedSize;
  }
  if (list.length === 0) {
    throw partError(hasFooter ? PartErrorCode.PART_CORRUPT : PartErrorCode.PART_TRUNCATED, '.bgeo.sc: no Blosc chunk after the header');
  }
  if (!hasFooter) throw partError(PartErrorCode.PART_TRUNCATED, `.bgeo.sc: the file ends without the '1fcs' index trailer`);
  return { list, total };
}

/** Whether every chunk decodes synchronously. */
export function scDecodesSync(bytes: Uint8Array): boolean {
  const { list } = chunks(bytes, Number.MAX_SAFE_INTEGER);
  return list.every((c) => bloscDecodesSync(readBloscHeader(bytes, c.at)));
}

/** The geometry inside, decoded synchronously (LZ4 / zlib / stored chunks). */
export function unpackScSync(bytes: Uint8Array, maxBytes = 2 ** 31 - 1, zlib?: ZlibCodec): Uint8Array {
  const { list, total } = chunks(bytes, maxBytes);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of list) {
    bloscDecodeSync(bytes.subarray(chunk.at, chunk.at + chunk.compressedSize), out.subarray(at, at + chunk.size), zlib);
    at += chunk.size;
  }
  return out;
}

/** The geometry inside, every codec (numcodecs for what does not decode synchronously). */
export async function unpackScAsync(bytes: Uint8Array, maxBytes = 2 ** 31 - 1, zlib?: ZlibCodec): Promise<Uint8Array> {
  const { list, total } = chunks(bytes, maxBytes);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of list) {
    const data = bytes.subarray(chunk.at, chunk.at + chunk.compressedSize);
    const target = out.subarray(at, at + chunk.size);
    if (bloscDecodesSync(readBloscHeader(data, 0))) {
      bloscDecodeSync(data, target, zlib);
    } else {
      let decoded: Uint8Array;
      try {
        decoded = await bloscDecodeAsync(data);
      } catch (error) {
        throw partError(PartErrorCode.PART_CORRUPT, `.bgeo.sc: Blosc chunk at byte ${chunk.at} does not decode: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (decoded.length !== chunk.size) throw partError(PartErrorCode.PART_CORRUPT, `.bgeo.sc: Blosc chunk decodes to ${decoded.length} bytes, ${chunk.size} declared`);
      target.set(decoded);
    }
    at += chunk.size;
  }
  return out;
}
