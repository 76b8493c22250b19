/**
 * The 8x8 DCT and the Rec. 709 colour transform of DWAA/DWAB (OpenEXR `ImfDwaCompressorSimd.h`).
 *
 * Decoding must be bit-exact with OpenEXR, and float arithmetic is not associative, so the inverse
 * transforms here reproduce, operation by operation in single precision (`Math.fround` after every
 * add and multiply), the code path OpenEXR 3.1 takes on every x86-64 CPU with AVX: the AVX inverse
 * DCT (`dctInverse8x8_avx`, with its shortcuts for trailing zero rows), the SSE2 inverse colour
 * transform, and the DC-only shortcut. (Its scalar fallback sums in another order and can differ in
 * the last bit of a half now and then.) The forward transforms only need to be good, not identical:
 * decoders do not depend on them.
 */

import { halfDecodeTable } from '@vfxkit/core';

const f = Math.fround;

// Inverse DCT coefficients: .5 cos(k pi / 16), as OpenEXR spells them.
const A = f(3.535536e-1);
const B = f(4.903927e-1);
const C = f(4.619398e-1);
const D = f(4.157349e-1);
const E = f(2.777855e-1);
const F = f(1.913422e-1);
const G = f(9.754573e-2);

// The row pass multiplies [x0 x2 x4 x6] by M1 and [x1 x3 x5 x7] by M2 (column k of the output):
//   M1 = [a  c  a  f]   M2 = [b  d  e  g]
//        [a  f -a -c]        [d -g -b -e]
//        [a -f -a  c]        [e -b  g  d]
//        [a -c  a -f]        [g -e  d -b]
// (unrolled below; -x * y rounds like x * -y, so the signs move out of the products).

/** One row of the AVX row pass, in place: `data[base .. base + 7]`. */
function inverseRow(data: Float32Array, base: number): void {
  const x0 = data[base]!;
  const x1 = data[base + 1]!;
  const x2 = data[base + 2]!;
  const x3 = data[base + 3]!;
  const x4 = data[base + 4]!;
  const x5 = data[base + 5]!;
  const x6 = data[base + 6]!;
  const x7 = data[base + 7]!;
  const x0a = f(x0 * A);
  const x4a = f(x4 * A);
  const x2c = f(x2 * C);
  const x2f = f(x2 * F);
  const x6c = f(x6 * C);
  const x6f = f(x6 * F);
  const even0 = f(f(x0a + x2c) + f(x4a + x6f));
  const even1 = f(f(x0a + x2f) - f(x4a + x6c));
  const even2 = f(f(x0a - x2f) - f(x4a - x6c));
  const even3 = f(f(x0a - x2c) + f(x4a - x6f));
  const odd0 = f(f(f(x1 * B) + f(x3 * D)) + f(f(x5 * E) + f(x7 * G)));
  const odd1 = f(f(f(x1 * D) - f(x3 * G)) - f(f(x5 * B) + f(x7 * E)));
  const odd2 = f(f(f(x1 * E) - f(x3 * B)) + f(f(x5 * G) + f(x7 * D)));
  const odd3 = f(f(f(x1 * G) - f(x3 * E)) + f(f(x5 * D) - f(x7 * B)));
  data[base] = even0 + odd0;
  data[base + 7] = even0 - odd0;
  data[base + 1] = even1 + odd1;
  data[base + 6] = even1 - odd1;
  data[base + 2] = even2 + odd2;
  data[base + 5] = even2 - odd2;
  data[base + 3] = even3 + odd3;
  data[base + 4] = even3 - odd3;
}

/**
 * Inverse 8x8 DCT in place (row-major), knowing that the last `zeroedRows` rows (0..7) of the
 * coefficients are zero: OpenEXR's `dctInverse8x8_avx<zeroedRows>`.
 */
export function inverseDct8x8(data: Float32Array, zeroedRows: number): void {
  if (zeroedRows >= 7) {
    // Only row 0 is non-zero: one row pass, then every output row is that row times a.
    inverseRow(data, 0);
    for (let column = 0; column < 8; column++) {
      const value = f(data[column]! * A);
      for (let row = 0; row < 8; row++) data[row * 8 + column] = value;
    }
    return;
  }
  if (zeroedRows === 0) {
    inverseFull(data);
    return;
  }
  const rows = 8 - zeroedRows;
  // The AVX code transforms rows in pairs (0-1, 2-3, ...) whenever the first row of the pair is non-zero.
  for (let row = 0; row < rows; row += 2) {
    inverseRow(data, row * 8);
    inverseRow(data, row * 8 + 8);
  }
  const has2 = rows > 2;
  const has3 = rows > 3;
  const has4 = rows > 4;
  const has5 = rows > 5;
  const has6 = rows > 6;
  const has7 = rows > 7;
  for (let column = 0; column < 8; column++) {
    const r0 = data[column]!;
    const r1 = data[8 + column]!;
    const r2 = data[16 + column]!;
    const r3 = data[24 + column]!;
    const r4 = data[32 + column]!;
    const r5 = data[40 + column]!;
    const r6 = data[48 + column]!;
    const r7 = data[56 + column]!;

    // Odd part: o0 = b r1 + d r3 + e r5 + g r7, ... in the register order of the AVX code.
    let o0 = f(r1 * B);
    let t13 = 0;
    let t14 = 0;
    let t15 = 0;
    if (has3) t13 = f(r3 * D);
    if (has5) t14 = f(r5 * E);
    if (has7) t15 = f(r7 * G);
    if (has3) o0 = f(o0 + t13);
    if (has7) t14 = f(t14 + t15);
    if (has5) o0 = f(o0 + t14);

    let o1 = f(r1 * D);
    if (has3) t14 = f(r3 * G);
    if (has5) {
      t15 = f(r5 * B);
      t14 = f(t14 + t15);
    }
    if (has3) o1 = f(o1 - t14);
    if (has7) o1 = f(o1 - f(r7 * E));

    let o2 = f(r1 * E);
    if (has3) o2 = f(o2 - f(r3 * B));
    if (has5) o2 = f(o2 + f(r5 * G));
    if (has7) o2 = f(o2 + f(r7 * D));

    let o3 = f(r1 * G);
    let r3e = 0;
    if (has3) r3e = f(r3 * E);
    if (has5) o3 = f(o3 + f(r5 * D));
    if (has7) r3e = f(r3e + f(r7 * B));
    if (has3) o3 = f(o3 - r3e);

    // Even part.
    let e3 = f(r0 * A);
    let difference = e3;
    if (has4) {
      const r4a = f(r4 * A);
      e3 = f(e3 + r4a);
      difference = f(difference - r4a);
    }
    let e0 = e3;
    let e1 = difference;
    let e2 = difference;
    if (has2) {
      let cf = f(r2 * C);
      if (has6) cf = f(cf + f(r6 * F));
      e0 = f(e3 + cf);
      e3 = f(e3 - cf);
      let fc = f(r2 * F);
      if (has6) fc = f(fc - f(r6 * C));
      e1 = f(difference + fc);
      e2 = f(difference - fc);
    }

    data[column] = e0 + o0;
    data[8 + column] = e1 + o1;
    data[16 + column] = e2 + o2;
    data[24 + column] = e3 + o3;
    data[32 + column] = e3 - o3;
    data[40 + column] = e2 - o2;
    data[48 + column] = e1 - o1;
    data[56 + column] = e0 - o0;
  }
}

/** The coefficients as an array, for `inverseFull` to read once per call. */
const COEFFICIENTS = Float32Array.of(A, B, C, D, E, F, G);

/** `inverseDct8x8(data, 0)`: the same operations with every row present (the common case, no tests). */
function inverseFull(data: Float32Array): void {
  // The coefficients as locals read once: V8 then keeps them in registers or stack slots, where as
  // module constants it rebuilds each one (two instructions) at every use (~5% faster). F is `ff`
  // (`f` is Math.fround).
  const a = COEFFICIENTS[0]!;
  const b = COEFFICIENTS[1]!;
  const c = COEFFICIENTS[2]!;
  const d = COEFFICIENTS[3]!;
  const e = COEFFICIENTS[4]!;
  const g = COEFFICIENTS[6]!;
  const ff = COEFFICIENTS[5]!;
  // The row pass, `inverseRow` written out here so that it is inlined.
  for (let base = 0; base < 64; base += 8) {
    const x0 = data[base]!;
    const x1 = data[base + 1]!;
    const x2 = data[base + 2]!;
    const x3 = data[base + 3]!;
    const x4 = data[base + 4]!;
    const x5 = data[base + 5]!;
    const x6 = data[base + 6]!;
    const x7 = data[base + 7]!;
    const x0a = f(x0 * a);
    const x4a = f(x4 * a);
    const x2c = f(x2 * c);
    const x2f = f(x2 * ff);
    const x6c = f(x6 * c);
    const x6f = f(x6 * ff);
    const even0 = f(f(x0a + x2c) + f(x4a + x6f));
    const even1 = f(f(x0a + x2f) - f(x4a + x6c));
    const even2 = f(f(x0a - x2f) - f(x4a - x6c));
    const even3 = f(f(x0a - x2c) + f(x4a - x6f));
    const odd0 = f(f(f(x1 * b) + f(x3 * d)) + f(f(x5 * e) + f(x7 * g)));
    const odd1 = f(f(f(x1 * d) - f(x3 * g)) - f(f(x5 * b) + f(x7 * e)));
    const odd2 = f(f(f(x1 * e) - f(x3 * b)) + f(f(x5 * g) + f(x7 * d)));
    const odd3 = f(f(f(x1 * g) - f(x3 * e)) + f(f(x5 * d) - f(x7 * b)));
    data[base] = even0 + odd0;
    data[base + 7] = even0 - odd0;
    data[base + 1] = even1 + odd1;
    data[base + 6] = even1 - odd1;
    data[base + 2] = even2 + odd2;
    data[base + 5] = even2 - odd2;
    data[base + 3] = even3 + odd3;
    data[base + 4] = even3 - odd3;
  }
  inverseColumns(data);
}

/** The column pass of `inverseFull`, in place (coefficients as locals, as there). */
function inverseColumns(data: Float32Array): void {
  const a = COEFFICIENTS[0]!;
  const b = COEFFICIENTS[1]!;
  const c = COEFFICIENTS[2]!;
  const d = COEFFICIENTS[3]!;
  const e = COEFFICIENTS[4]!;
  const g = COEFFICIENTS[6]!;
  const ff = COEFFICIENTS[5]!;
  for (let column = 0; column < 8; column++) {
    const r0 = data[column]!;
    const r1 = data[8 + column]!;
    const r2 = data[16 + column]!;
    const r3 = data[24 + column]!;
    const r4 = data[32 + column]!;
    const r5 = data[40 + column]!;
    const r6 = data[48 + column]!;
    const r7 = data[56 + column]!;

    const o0 = f(f(f(r1 * b) + f(r3 * d)) + f(f(r5 * e) + f(r7 * g)));
    const o1 = f(f(f(r1 * d) - f(f(r3 * g) + f(r5 * b))) - f(r7 * e));
    const o2 = f(f(f(f(r1 * e) - f(r3 * b)) + f(r5 * g)) + f(r7 * d));
    const o3 = f(f(f(r1 * g) + f(r5 * d)) - f(f(r3 * e) + f(r7 * b)));

    const r0a = f(r0 * a);
    const r4a = f(r4 * a);
    const sum = f(r0a + r4a);
    const difference = f(r0a - r4a);
    const cf = f(f(r2 * c) + f(r6 * ff));
    const fc = f(f(r2 * ff) - f(r6 * c));
    const e0 = f(sum + cf);
    const e3 = f(sum - cf);
    const e1 = f(difference + fc);
    const e2 = f(difference - fc);

    data[column] = e0 + o0;
    data[8 + column] = e1 + o1;
    data[16 + column] = e2 + o2;
    data[24 + column] = e3 + o3;
    data[32 + column] = e3 - o3;
    data[40 + column] = e2 - o2;
    data[48 + column] = e1 - o1;
    data[56 + column] = e0 - o0;
  }
}

/**
 * `f(x * k)` for halves x and each coefficient k of the row pass, 8 to a half (A..G at 0..6). The
 * row pass's inputs are dequantized coefficients, all halves, and it uses each one only through
 * such products: a table read (one load) then replaces a multiply and its rounding to single
 * precision (five instructions as V8 compiles them). A half's entries are filled before the first
 * block that has it is decoded (`prepareRowProducts`, for the few hundred distinct AC values of a
 * chunk), so the table costs little time or memory (4 MiB reserved, only the pages used touched).
 */
export interface RowProducts {
  products: Float64Array;
  /** 1 where `products` holds the half's entries (half 0, +0, from the start). */
  ready: Uint8Array;
}

let rowProducts: RowProducts | undefined;

/** The shared table of row-pass products (allocated on the first call). */
export function rowProductTable(): RowProducts {
  if (rowProducts === undefined) {
    const ready = new Uint8Array(65536);
    ready[0] = 1; // f(+0 * k) = +0, as the zero-filled table holds
    rowProducts = { products: new Float64Array(65536 * 8), ready };
  }
  return rowProducts;
}

/**
 * Fills the row-pass products of `half` (0..65535; see `RowProducts`) unless they are there. NaNs
 * and infinities are left out: blocks with one take the float path.
 */
export function prepareRowProducts(table: RowProducts, half: number): void {
  if (table.ready[half] !== 0 || (half & 0x7c00) === 0x7c00) return;
  const x = halfDecodeTable()[half]!;
  const products = table.products;
  const at = half * 8;
  products[at] = f(x * A);
  products[at + 1] = f(x * B);
  products[at + 2] = f(x * C);
  products[at + 3] = f(x * D);
  products[at + 4] = f(x * E);
  products[at + 5] = f(x * F);
  products[at + 6] = f(x * G);
  table.ready[half] = 1;
}

/**
 * `inverseDct8x8(data, 0)` for a block given as half bits (`halves`, row-major; no NaN or infinity:
 * those take `inverseDct8x8`) whose DC coefficient is `dc` (the float of `halves[0]`), the result in
 * `data`: the row pass takes its products from `products` (`rowProductTable`, prepared for every
 * coefficient of the block), the same values the multiplications give, then the column pass as usual.
 */
export function inverseDct8x8FromHalves(halves: Uint16Array, dc: number, products: Float64Array, data: Float32Array): void {
  // The DC coefficient's product is computed: DC values vary from block to block, and reading them
  // from the table would miss the cache (the AC coefficients take few distinct values).
  const dcProduct = f(dc * A);
  for (let base = 0; base < 64; base += 8) {
    const h0 = halves[base]! * 8;
    const h1 = halves[base + 1]! * 8;
    const h2 = halves[base + 2]! * 8;
    const h3 = halves[base + 3]! * 8;
    const h4 = halves[base + 4]! * 8;
    const h5 = halves[base + 5]! * 8;
    const h6 = halves[base + 6]! * 8;
    const h7 = halves[base + 7]! * 8;
    // Products of x0..x7 by A (0), B (1), C (2), D (3), E (4), F (5), G (6), as in `inverseFull`.
    const x0a = base === 0 ? dcProduct : products[h0]!;
    const x4a = products[h4]!;
    const x2c = products[h2 + 2]!;
    const x2f = products[h2 + 5]!;
    const x6c = products[h6 + 2]!;
    const x6f = products[h6 + 5]!;
    const even0 = f(f(x0a + x2c) + f(x4a + x6f));
    const even1 = f(f(x0a + x2f) - f(x4a + x6c));
    const even2 = f(f(x0a - x2f) - f(x4a - x6c));
    const even3 = f(f(x0a - x2c) + f(x4a - x6f));
    const odd0 = f(f(products[h1 + 1]! + products[h3 + 3]!) + f(products[h5 + 4]! + products[h7 + 6]!));
    const odd1 = f(f(products[h1 + 3]! - products[h3 + 6]!) - f(products[h5 + 1]! + products[h7 + 4]!));
    const odd2 = f(f(products[h1 + 4]! - products[h3 + 1]!) + f(products[h5 + 6]! + products[h7 + 3]!));
    const odd3 = f(f(products[h1 + 6]! - products[h3 + 4]!) + f(products[h5 + 3]! - products[h7 + 1]!));
    data[base] = even0 + odd0;
    data[base + 7] = even0 - odd0;
    data[base + 1] = even1 + odd1;
    data[base + 6] = even1 - odd1;
    data[base + 2] = even2 + odd2;
    data[base + 5] = even2 - odd2;
    data[base + 3] = even3 + odd3;
    data[base + 4] = even3 - odd3;
  }
  inverseColumns(data);
}

/** The value every pixel of a block with only a DC coefficient gets (`dctInverse8x8DcOnly`). */
export function inverseDcOnly(dc: number): number {
  return f(f(dc * A) * A);
}

// Inverse colour transform coefficients. The functions here use the module constants: V8 builds
// those into optimized code, while an exported binding is read from its module cell at each use.
const RED_FROM_CR = f(1.5747);
const GREEN_FROM_CB = f(-0.1873);
const GREEN_FROM_CR = f(-0.4682);
const BLUE_FROM_CB = f(1.8556);
export const CR_TO_R = RED_FROM_CR;
export const CB_TO_G = GREEN_FROM_CB;
export const CR_TO_G = GREEN_FROM_CR;
export const CB_TO_B = BLUE_FROM_CB;

/** Y'CbCr -> R'G'B' in place on `count` values (OpenEXR `csc709Inverse64`). */
export function inverseCsc709(y: Float32Array, cb: Float32Array, cr: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const luma = y[i]!;
    const blue = cb[i]!;
    const red = cr[i]!;
    y[i] = luma + f(red * RED_FROM_CR);
    cb[i] = f(f(blue * GREEN_FROM_CB) + luma) + f(red * GREEN_FROM_CR);
    cr[i] = f(BLUE_FROM_CB * blue) + luma;
  }
}

/** R'G'B' -> Y'CbCr in place on 64 values (OpenEXR `csc709Forward64`). */
export function forwardCsc709(r: Float32Array, g: Float32Array, b: Float32Array): void {
  for (let i = 0; i < 64; i++) {
    const red = r[i]!;
    const green = g[i]!;
    const blue = b[i]!;
    r[i] = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
    g[i] = -0.1146 * red - 0.3854 * green + 0.5 * blue;
    b[i] = 0.5 * red - 0.4542 * green - 0.0458 * blue;
  }
}

const COS1 = Math.cos(Math.PI / 16);
const COS2 = Math.cos((2 * Math.PI) / 16);
const COS3 = Math.cos((3 * Math.PI) / 16);
const COS4 = Math.cos((4 * Math.PI) / 16);
const COS5 = Math.cos((5 * Math.PI) / 16);
const COS6 = Math.cos((6 * Math.PI) / 16);
const COS7 = Math.cos((7 * Math.PI) / 16);

/** One 1D forward DCT (Pennebaker & Mitchell 4.3.2, as OpenEXR's `dctForward8x8`) with stride. */
function forward1d(data: Float32Array, base: number, stride: number): void {
  const s0 = data[base]!;
  const s1 = data[base + stride]!;
  const s2 = data[base + 2 * stride]!;
  const s3 = data[base + 3 * stride]!;
  const s4 = data[base + 4 * stride]!;
  const s5 = data[base + 5 * stride]!;
  const s6 = data[base + 6 * stride]!;
  const s7 = data[base + 7 * stride]!;
  const a0 = s0 + s7;
  const a1 = s1 + s2;
  const a2 = s1 - s2;
  const a3 = s3 + s4;
  const a4 = s3 - s4;
  const a5 = s5 + s6;
  const a6 = s5 - s6;
  const a7 = s0 - s7;
  let k0 = COS4 * (a0 + a3);
  let k1 = COS4 * (a1 + a5);
  data[base] = 0.5 * (k0 + k1);
  data[base + 4 * stride] = 0.5 * (k0 - k1);
  let x = a2 - a6;
  let y = a0 - a3;
  data[base + 2 * stride] = 0.5 * (COS6 * x + COS2 * y);
  data[base + 6 * stride] = 0.5 * (COS6 * y - COS2 * x);
  k0 = COS4 * (a1 - a5);
  k1 = -COS4 * (a2 + a6);
  x = a7 - k0;
  y = a4 + k1;
  data[base + 3 * stride] = 0.5 * (COS3 * x - COS5 * y);
  data[base + 5 * stride] = 0.5 * (COS5 * x + COS3 * y);
  x = a7 + k0;
  y = k1 - a4;
  data[base + stride] = 0.5 * (COS1 * x - COS7 * y);
  data[base + 7 * stride] = 0.5 * (COS7 * x + COS1 * y);
}

/** Forward 8x8 DCT in place (row-major), the inverse of `inverseDct8x8`. */
export function forwardDct8x8(data: Float32Array): void {
  for (let row = 0; row < 8; row++) forward1d(data, row * 8, 1);
  for (let column = 0; column < 8; column++) forward1d(data, column, 8);
}
