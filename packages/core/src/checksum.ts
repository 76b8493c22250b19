/**
 * Checksums of the compressed formats our readers meet: Adler-32 closes every zlib stream (RFC 1950
 * section 2.2), CRC-32 every gzip member (RFC 1952 section 2.3.1). Pure inflaters such as fflate do
 * not check them, so a damaged stream would decode to wrong bytes silently: readers verify with
 * these after inflating.
 */
import { ErrorCode, VfxError } from './errors.js';

/** Adler-32 of `bytes` (RFC 1950 section 8.2). */
export function adler32(bytes: Uint8Array): number {
  return adler32Update(1, bytes);
}

/** Adler-32 continued over `bytes` from a previous value (`1` to start): for streams inflated in pieces. */
export function adler32Update(adler: number, bytes: Uint8Array): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  const MOD = 65521;
  // 5552 is the largest n with 255n(n+1)/2 + (n+1)(MOD-1) < 2^53-safe sums: reduce that often.
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(bytes.length, start + 5552);
    for (let i = start; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309 / ITU-T V.42, as gzip and PNG use it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Throws CORRUPT unless `inflated` matches the Adler-32 at the end of the zlib stream `stream`.
 * @param what names the data in the message (`ZIP chunk`, `PRT particle data`)
 */
export function verifyZlibChecksum(stream: Uint8Array, inflated: Uint8Array, what = 'zlib data'): void {
  if (stream.length < 6) throw new VfxError(ErrorCode.CORRUPT, `${what}: zlib stream of ${stream.length} bytes is too short`);
  const end = stream.length;
  const stored = ((stream[end - 4]! << 24) | (stream[end - 3]! << 16) | (stream[end - 2]! << 8) | stream[end - 1]!) >>> 0;
  const actual = adler32(inflated);
  if (stored !== actual) {
    throw new VfxError(ErrorCode.CORRUPT, `${what}: zlib checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the data is damaged`);
  }
}

/** Throws CORRUPT unless `inflated` matches the CRC-32 and size in the trailer of the gzip member `member`. */
export function verifyGzipChecksum(member: Uint8Array, inflated: Uint8Array, what = 'gzip data'): void {
  if (member.length < 18) throw new VfxError(ErrorCode.CORRUPT, `${what}: gzip stream of ${member.length} bytes is too short`);
  const end = member.length;
  const stored = (member[end - 8]! | (member[end - 7]! << 8) | (member[end - 6]! << 16) | (member[end - 5]! << 24)) >>> 0;
  const size = (member[end - 4]! | (member[end - 3]! << 8) | (member[end - 2]! << 16) | (member[end - 1]! << 24)) >>> 0;
  if (size !== inflated.length >>> 0) {
    throw new VfxError(ErrorCode.CORRUPT, `${what}: gzip size mismatch (trailer says ${size} bytes, inflated ${inflated.length})`);
  }
  const actual = crc32(inflated);
  if (stored !== actual) {
    throw new VfxError(ErrorCode.CORRUPT, `${what}: gzip checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the data is damaged`);
  }
}
