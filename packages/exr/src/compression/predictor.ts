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
 * One pass over the first half (in place), then one pass that finishes the predictor on the second
 * half while writing each (even, odd) byte pair, as one 16-bit store where the platform allows.
 */
export function unpredictAndReorder(scratch: Uint8Array, out: Uint8Array = new Uint8Array(scratch.byteLength)): Uint8Array {
  const n = scratch.byteLength;
  if (n === 0) return out;
  const half = (n + 1) >> 1;
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
  return out;
}
