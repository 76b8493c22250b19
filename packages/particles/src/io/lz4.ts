/**
 * LZ4 block format decoder (lz4/doc/lz4_Block_format.md): sequences of a token (literal length
 * high nibble, match length low nibble, 15 meaning "more length bytes follow, each adding up to
 * 255"), the literals, then a 2-byte little-endian offset back into the output and a match of
 * length + 4. The last sequence is literals only. Blosc (Houdini's `.bgeo.sc`) and PRT2 use it.
 */
import { partError, PartErrorCode } from '../errors.js';

/**
 * Decodes the LZ4 block `source[sourceStart..sourceEnd)` into `target[targetStart..targetEnd)`;
 * returns the number of bytes written. Every read and write is bounds-checked: a hostile block
 * throws PART_CORRUPT, never writes past `targetEnd`.
 */
export function lz4DecodeBlock(
  source: Uint8Array,
  sourceStart: number,
  sourceEnd: number,
  target: Uint8Array,
  targetStart: number,
  targetEnd: number,
): number {
  let s = sourceStart;
  let t = targetStart;
  const bad = (why: string) => partError(PartErrorCode.PART_CORRUPT, `LZ4 block is corrupt: ${why} (at source byte ${s - sourceStart})`);
  while (s < sourceEnd) {
    const token = source[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (s >= sourceEnd) throw bad('literal length runs past the block');
        more = source[s++]!;
        literals += more;
      } while (more === 255);
    }
    if (s + literals > sourceEnd) throw bad('literals run past the block');
    if (t + literals > targetEnd) throw bad('literals overflow the output');
    if (literals > 16) {
      target.set(source.subarray(s, s + literals), t);
      s += literals;
      t += literals;
    } else {
      for (let i = 0; i < literals; i++) target[t++] = source[s++]!;
    }
    if (s >= sourceEnd) break; // the last sequence holds literals only
    if (s + 2 > sourceEnd) throw bad('match offset runs past the block');
    const offset = source[s]! | (source[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > t - targetStart) throw bad(`match offset ${offset} points before the output`);
    let length = (token & 15) + 4;
    if ((token & 15) === 15) {
      let more: number;
      do {
        if (s >= sourceEnd) throw bad('match length runs past the block');
        more = source[s++]!;
        length += more;
      } while (more === 255);
    }
    if (t + length > targetEnd) throw bad('match overflows the output');
    let from = t - offset;
    if (offset >= length && length > 32) {
      target.copyWithin(t, from, from + length);
      t += length;
    } else {
      for (let i = 0; i < length; i++) target[t++] = target[from++]!;
    }
  }
  return t - targetStart;
}
