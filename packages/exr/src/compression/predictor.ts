/**
 * The byte reordering and delta predictor OpenEXR applies before RLE and ZIP/ZIPS compression (see
 * OpenEXRCore `internal_rle.c` / `internal_zip.c`): bytes at even positions go to the first half,
 * odd ones to the second half, then each byte is replaced by its difference to the previous one
 * (plus 128, modulo 256). Decoding undoes both steps.
 */

/** Split even/odd bytes and delta-encode, into a new buffer. */
export function reorderAndPredict(raw: Uint8Array): Uint8Array {
  const n = raw.byteLength;
  const out = new Uint8Array(n);
  const half = (n + 1) >> 1;
  for (let i = 0, t1 = 0, t2 = half; i < n; i += 2) {
    out[t1++] = raw[i]!;
    if (i + 1 < n) out[t2++] = raw[i + 1]!;
  }
  let previous = n > 0 ? out[0]! : 0;
  for (let i = 1; i < n; i++) {
    const value = out[i]!;
    out[i] = (value - previous + 384) & 0xff;
    previous = value;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Undo the delta predictor, then interleave the two halves into `out`. `scratch` is overwritten.
 * Four bytes at a time where the buffers allow it (little-endian, 4-byte aligned, a half that is a
 * multiple of 4: every chunk of a 4-channel half image with an even width), else byte by byte.
 */
export function unpredictAndReorder(scratch: Uint8Array, out: Uint8Array = new Uint8Array(scratch.byteLength)): Uint8Array {
  const n = scratch.byteLength;
  if (n === 0) return out;
  const half = (n + 1) >> 1;
  if (LITTLE_ENDIAN && n >= 8 && (half & 3) === 0 && (scratch.byteOffset & 3) === 0 && (out.byteOffset & 3) === 0) unpredictWords(scratch, out, half);
  else unpredictBytes(scratch, out, half);
  return out;
}

/**
 * The running sums (mod 256, each byte on its own) of the four bytes of `word` plus 128 each, lowest
 * byte first, plus `previous` (0-255): the predictor undone for four bytes with no carry between
 * them. The even and odd bytes are summed in 16-bit lanes (room for the carries), then masked.
 */
function runningBytes(word: number, previous: number): number {
  const d = word ^ 0x80808080; // + 128 in each byte, mod 256
  const even = d & 0x00ff00ff; // bytes 0 and 2
  const pairs = even + ((d >>> 8) & 0x00ff00ff); // bytes 0+1 and 2+3
  const base = previous * 0x00010001;
  const sums02 = (even + (pairs << 16) + base) & 0x00ff00ff; // byte 0, bytes 0+1+2
  const sums13 = (pairs + (pairs << 16) + base) & 0x00ff00ff; // bytes 0+1, bytes 0+1+2+3
  return (sums02 | (sums13 << 8)) >>> 0;
}

function unpredictWords(scratch: Uint8Array, out: Uint8Array, half: number): void {
  const n = scratch.byteLength;
  const pairs = n >> 1;
  const first = new Uint32Array(scratch.buffer, scratch.byteOffset, half >> 2);
  // Byte 0 is stored as is: sum the word with it replaced by -128 (0 once 128 is added) from it.
  let previous = scratch[0]!;
  let sums = runningBytes((first[0]! & 0xffffff00) | 0x80, previous);
  first[0] = sums;
  previous = sums >>> 24;
  for (let k = 1; k < first.length; k++) {
    sums = runningBytes(first[k]!, previous);
    first[k] = sums;
    previous = sums >>> 24;
  }
  // The second half (odd bytes), four at a time, written between the first half's bytes.
  const words = pairs >> 2;
  const second = new Uint32Array(scratch.buffer, scratch.byteOffset + half, words);
  const output = new Uint32Array(out.buffer, out.byteOffset, words * 2);
  for (let k = 0; k < words; k++) {
    const odd = runningBytes(second[k]!, previous);
    previous = odd >>> 24;
    const even = first[k]!;
    output[2 * k] = (even & 0xff) | ((odd & 0xff) << 8) | ((even & 0xff00) << 8) | ((odd & 0xff00) << 16);
    output[2 * k + 1] = ((even >>> 16) & 0xff) | ((odd >>> 8) & 0xff00) | ((even >>> 8) & 0xff0000) | (odd & 0xff000000);
  }
  for (let j = words * 4; j < pairs; j++) {
    previous = (previous + scratch[half + j]! + 128) & 0xff;
    out[2 * j] = scratch[j]!;
    out[2 * j + 1] = previous;
  }
  if ((n & 1) !== 0) out[n - 1] = scratch[half - 1]!;
}

/**
 * The same byte by byte: one pass over the first half (in place), then one pass that finishes the
 * predictor on the second half while writing each (even, odd) byte pair, as one 16-bit store where
 * the platform allows.
 */
function unpredictBytes(scratch: Uint8Array, out: Uint8Array, half: number): void {
  const n = scratch.byteLength;
  const pairs = n >> 1;
  let previous = scratch[0]!;
  for (let i = 1; i < half; i++) {
    previous = (previous + scratch[i]! + 128) & 0xff;
    scratch[i] = previous;
  }
  if (LITTLE_ENDIAN && (out.byteOffset & 1) === 0) {
    const words = new Uint16Array(out.buffer, out.byteOffset, pairs);
    for (let j = 0; j < pairs; j++) {
      previous = (previous + scratch[half + j]! + 128) & 0xff;
      words[j] = scratch[j]! | (previous << 8);
    }
  } else {
    for (let j = 0; j < pairs; j++) {
      previous = (previous + scratch[half + j]! + 128) & 0xff;
      out[2 * j] = scratch[j]!;
      out[2 * j + 1] = previous;
    }
  }
  if ((n & 1) !== 0) out[n - 1] = scratch[half - 1]!;
}
