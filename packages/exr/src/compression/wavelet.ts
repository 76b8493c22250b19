/**
 * PIZ's 2D Haar wavelet transform on 16-bit values, in place (OpenEXR `ImfWav.cpp`, the wavelet
 * part of `internal_piz.c`).
 *
 * Each level combines 2x2 blocks at spacing `p` (1, 2, 4, ...) into one average and three
 * differences, down to the smaller dimension; odd columns and lines are combined in 1D. When every
 * value is below 2^14 (PIZ knows: the values are indices into its table of used values), the plain
 * integer transform is used, which compresses best; otherwise the modulo-2^16 variant keeps the
 * transform lossless on full 16-bit data.
 */

const MOD_MASK = 0xffff;
const A_OFFSET = 1 << 15;
const M_OFFSET = 1 << 15;

/** int16 value of a 16-bit word. */
function signed16(value: number): number {
  return (value << 16) >> 16;
}

/**
 * Forward transform of the `nx` x `ny` values `buffer[start + x * ox + y * oy]`.
 * `maxValue` is the largest value present: below 2^14 selects the 14-bit transform.
 */
export function waveletEncode(buffer: Uint16Array, start: number, nx: number, ox: number, ny: number, oy: number, maxValue: number): void {
  const w14 = maxValue < 1 << 14;
  const n = nx > ny ? ny : nx;
  let p = 1;
  let p2 = 2;
  while (p2 <= n) {
    const ey = start + oy * (ny - p2);
    const oy1 = oy * p;
    const oy2 = oy * p2;
    const ox1 = ox * p;
    const ox2 = ox * p2;
    let py = start;
    for (; py <= ey; py += oy2) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        if (w14) {
          // wenc14 on the four values, then on the results.
          const a = signed16(buffer[px]!);
          const b = signed16(buffer[p01]!);
          const c = signed16(buffer[p10]!);
          const d = signed16(buffer[p11]!);
          const i00 = signed16((a + b) >> 1);
          const i01 = signed16(a - b);
          const i10 = signed16((c + d) >> 1);
          const i11 = signed16(c - d);
          buffer[px] = (i00 + i10) >> 1;
          buffer[p10] = i00 - i10;
          buffer[p01] = (i01 + i11) >> 1;
          buffer[p11] = i01 - i11;
        } else {
          const low0 = encode16Low(buffer[px]!, buffer[p01]!);
          const high0 = encode16High(buffer[px]!, buffer[p01]!);
          const low1 = encode16Low(buffer[p10]!, buffer[p11]!);
          const high1 = encode16High(buffer[p10]!, buffer[p11]!);
          buffer[px] = encode16Low(low0, low1);
          buffer[p10] = encode16High(low0, low1);
          buffer[p01] = encode16Low(high0, high1);
          buffer[p11] = encode16High(high0, high1);
        }
      }
      // Odd column: 1D transform down the column.
      if (nx & p) {
        const p10 = px + oy1;
        encodePair(buffer, px, p10, w14);
      }
    }
    // Odd line: 1D transform along the line.
    if (ny & p) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) encodePair(buffer, px, px + ox1, w14);
    }
    p = p2;
    p2 <<= 1;
  }
}

function encodePair(buffer: Uint16Array, first: number, second: number, w14: boolean): void {
  const a = buffer[first]!;
  const b = buffer[second]!;
  if (w14) {
    const as = signed16(a);
    const bs = signed16(b);
    buffer[first] = (as + bs) >> 1;
    buffer[second] = as - bs;
  } else {
    buffer[first] = encode16Low(a, b);
    buffer[second] = encode16High(a, b);
  }
}

/** Average of the modulo transform (`wenc16`). */
function encode16Low(a: number, b: number): number {
  const ao = (a + A_OFFSET) & MOD_MASK;
  let m = (ao + b) >> 1;
  if (ao - b < 0) m = (m + M_OFFSET) & MOD_MASK;
  return m;
}

/** Difference of the modulo transform (`wenc16`). */
function encode16High(a: number, b: number): number {
  const ao = (a + A_OFFSET) & MOD_MASK;
  return (ao - b) & MOD_MASK;
}

/** Inverse of `waveletEncode` with the same arguments. */
export function waveletDecode(buffer: Uint16Array, start: number, nx: number, ox: number, ny: number, oy: number, maxValue: number): void {
  const w14 = maxValue < 1 << 14;
  const n = nx > ny ? ny : nx;
  let p = 1;
  while (p <= n) p <<= 1;
  p >>= 1;
  let p2 = p;
  p >>= 1;
  while (p >= 1) {
    const ey = start + oy * (ny - p2);
    const oy1 = oy * p;
    const oy2 = oy * p2;
    const ox1 = ox * p;
    const ox2 = ox * p2;
    let py = start;
    for (; py <= ey; py += oy2) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        if (w14) {
          // wdec14 down the columns, then along the lines, truncating to 16 bits at each step.
          const l0 = signed16(buffer[px]!);
          const h0 = signed16(buffer[p10]!);
          const a0 = l0 + (h0 & 1) + (h0 >> 1);
          const i00 = signed16(a0);
          const i10 = signed16(a0 - h0);
          const l1 = signed16(buffer[p01]!);
          const h1 = signed16(buffer[p11]!);
          const a1 = l1 + (h1 & 1) + (h1 >> 1);
          const i01 = signed16(a1);
          const i11 = signed16(a1 - h1);
          const top = i00 + (i01 & 1) + (i01 >> 1);
          buffer[px] = top;
          buffer[p01] = top - i01;
          const bottom = i10 + (i11 & 1) + (i11 >> 1);
          buffer[p10] = bottom;
          buffer[p11] = bottom - i11;
        } else {
          const m0 = buffer[px]!;
          const d0 = buffer[p10]!;
          const m1 = buffer[p01]!;
          const d1 = buffer[p11]!;
          const b00 = (m0 - (d0 >> 1)) & MOD_MASK;
          const i00 = (d0 + b00 - A_OFFSET) & MOD_MASK;
          const b01 = (m1 - (d1 >> 1)) & MOD_MASK;
          const i01 = (d1 + b01 - A_OFFSET) & MOD_MASK;
          // i10 = b00, i11 = b01
          const bTop = (i00 - (i01 >> 1)) & MOD_MASK;
          buffer[p01] = bTop;
          buffer[px] = (i01 + bTop - A_OFFSET) & MOD_MASK;
          const bBottom = (b00 - (b01 >> 1)) & MOD_MASK;
          buffer[p11] = bBottom;
          buffer[p10] = (b01 + bBottom - A_OFFSET) & MOD_MASK;
        }
      }
      if (nx & p) decodePair(buffer, px, px + oy1, w14);
    }
    if (ny & p) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) decodePair(buffer, px, px + ox1, w14);
    }
    p2 = p;
    p >>= 1;
  }
}

function decodePair(buffer: Uint16Array, first: number, second: number, w14: boolean): void {
  const l = buffer[first]!;
  const h = buffer[second]!;
  if (w14) {
    const ls = signed16(l);
    const hs = signed16(h);
    const a = ls + (hs & 1) + (hs >> 1);
    buffer[first] = a;
    buffer[second] = a - hs;
  } else {
    const b = (l - (h >> 1)) & MOD_MASK;
    buffer[second] = b;
    buffer[first] = (h + b - A_OFFSET) & MOD_MASK;
  }
}
