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

/** Undo the delta predictor in place, then interleave the two halves into `out`. */
export function unpredictAndReorder(scratch: Uint8Array, out: Uint8Array = new Uint8Array(scratch.byteLength)): Uint8Array {
  const n = scratch.byteLength;
  for (let i = 1; i < n; i++) scratch[i] = (scratch[i - 1]! + scratch[i]! - 128) & 0xff;
  const half = (n + 1) >> 1;
  for (let i = 0, t1 = 0, t2 = half; i < n; i += 2) {
    out[i] = scratch[t1++]!;
    if (i + 1 < n) out[i + 1] = scratch[t2++]!;
  }
  return out;
}
