/**
 * 4x4 matrices as Alembic (Imath) uses them: row-major `m[row * 4 + column]`, points as row vectors
 * (`p' = p * M`), translation in elements 12, 13, 14. That flat layout is also what three.js's
 * `Matrix4.fromArray` expects (its column-major storage of the transposed, column-vector matrix).
 */

export type Matrix4 = Float64Array;

export function identity(): Matrix4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** `a * b` (Imath order: apply `a` first, then `b`, to a row vector). */
export function multiply(a: ArrayLike<number>, b: ArrayLike<number>, out: Matrix4 = new Float64Array(16)): Matrix4 {
  const r = out === a || out === b ? new Float64Array(16) : out;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      r[i * 4 + j] = a[i * 4]! * b[j]! + a[i * 4 + 1]! * b[4 + j]! + a[i * 4 + 2]! * b[8 + j]! + a[i * 4 + 3]! * b[12 + j]!;
    }
  }
  if (r !== out) out.set(r);
  return out;
}

export function translation(x: number, y: number, z: number): Matrix4 {
  const m = identity();
  m[12] = x;
  m[13] = y;
  m[14] = z;
  return m;
}

export function scaling(x: number, y: number, z: number): Matrix4 {
  const m = new Float64Array(16);
  m[0] = x;
  m[5] = y;
  m[10] = z;
  m[15] = 1;
  return m;
}

/** Imath's `setAxisAngle` (the axis normalised; a zero axis gives cos(angle) on the diagonal). */
export function axisAngle(ax: number, ay: number, az: number, radians: number): Matrix4 {
  const length = Math.hypot(ax, ay, az);
  const x = length > 0 ? ax / length : 0;
  const y = length > 0 ? ay / length : 0;
  const z = length > 0 ? az / length : 0;
  const s = Math.sin(radians);
  const c = Math.cos(radians);
  const t = 1 - c;
  const m = new Float64Array(16);
  m[0] = x * x * t + c;
  m[1] = x * y * t + z * s;
  m[2] = x * z * t - y * s;
  m[4] = x * y * t - z * s;
  m[5] = y * y * t + c;
  m[6] = y * z * t + x * s;
  m[8] = x * z * t + y * s;
  m[9] = y * z * t - x * s;
  m[10] = z * z * t + c;
  m[15] = 1;
  return m;
}

/** `p * M` with the perspective divide. */
export function transformPoint(m: ArrayLike<number>, x: number, y: number, z: number): [number, number, number] {
  const w = x * m[3]! + y * m[7]! + z * m[11]! + m[15]!;
  const d = w === 0 ? 1 : w;
  return [(x * m[0]! + y * m[4]! + z * m[8]! + m[12]!) / d, (x * m[1]! + y * m[5]! + z * m[9]! + m[13]!) / d, (x * m[2]! + y * m[6]! + z * m[10]! + m[14]!) / d];
}

/** The inverse, or undefined when singular. */
export function invert(m: ArrayLike<number>): Matrix4 | undefined {
  const a = Array.from({ length: 16 }, (_, i) => m[i]!);
  const inv = new Float64Array(16);
  inv[0] = a[5]! * a[10]! * a[15]! - a[5]! * a[11]! * a[14]! - a[9]! * a[6]! * a[15]! + a[9]! * a[7]! * a[14]! + a[13]! * a[6]! * a[11]! - a[13]! * a[7]! * a[10]!;
  inv[4] = -a[4]! * a[10]! * a[15]! + a[4]! * a[11]! * a[14]! + a[8]! * a[6]! * a[15]! - a[8]! * a[7]! * a[14]! - a[12]! * a[6]! * a[11]! + a[12]! * a[7]! * a[10]!;
  inv[8] = a[4]! * a[9]! * a[15]! - a[4]! * a[11]! * a[13]! - a[8]! * a[5]! * a[15]! + a[8]! * a[7]! * a[13]! + a[12]! * a[5]! * a[11]! - a[12]! * a[7]! * a[9]!;
  inv[12] = -a[4]! * a[9]! * a[14]! + a[4]! * a[10]! * a[13]! + a[8]! * a[5]! * a[14]! - a[8]! * a[6]! * a[13]! - a[12]! * a[5]! * a[10]! + a[12]! * a[6]! * a[9]!;
  inv[1] = -a[1]! * a[10]! * a[15]! + a[1]! * a[11]! * a[14]! + a[9]! * a[2]! * a[15]! - a[9]! * a[3]! * a[14]! - a[13]! * a[2]! * a[11]! + a[13]! * a[3]! * a[10]!;
  inv[5] = a[0]! * a[10]! * a[15]! - a[0]! * a[11]! * a[14]! - a[8]! * a[2]! * a[15]! + a[8]! * a[3]! * a[14]! + a[12]! * a[2]! * a[11]! - a[12]! * a[3]! * a[10]!;
  inv[9] = -a[0]! * a[9]! * a[15]! + a[0]! * a[11]! * a[13]! + a[8]! * a[1]! * a[15]! - a[8]! * a[3]! * a[13]! - a[12]! * a[1]! * a[11]! + a[12]! * a[3]! * a[9]!;
  inv[13] = a[0]! * a[9]! * a[14]! - a[0]! * a[10]! * a[13]! - a[8]! * a[1]! * a[14]! + a[8]! * a[2]! * a[13]! + a[12]! * a[1]! * a[10]! - a[12]! * a[2]! * a[9]!;
  inv[2] = a[1]! * a[6]! * a[15]! - a[1]! * a[7]! * a[14]! - a[5]! * a[2]! * a[15]! + a[5]! * a[3]! * a[14]! + a[13]! * a[2]! * a[7]! - a[13]! * a[3]! * a[6]!;
  inv[6] = -a[0]! * a[6]! * a[15]! + a[0]! * a[7]! * a[14]! + a[4]! * a[2]! * a[15]! - a[4]! * a[3]! * a[14]! - a[12]! * a[2]! * a[7]! + a[12]! * a[3]! * a[6]!;
  inv[10] = a[0]! * a[5]! * a[15]! - a[0]! * a[7]! * a[13]! - a[4]! * a[1]! * a[15]! + a[4]! * a[3]! * a[13]! + a[12]! * a[1]! * a[7]! - a[12]! * a[3]! * a[5]!;
  inv[14] = -a[0]! * a[5]! * a[14]! + a[0]! * a[6]! * a[13]! + a[4]! * a[1]! * a[14]! - a[4]! * a[2]! * a[13]! - a[12]! * a[1]! * a[6]! + a[12]! * a[2]! * a[5]!;
  inv[3] = -a[1]! * a[6]! * a[11]! + a[1]! * a[7]! * a[10]! + a[5]! * a[2]! * a[11]! - a[5]! * a[3]! * a[10]! - a[9]! * a[2]! * a[7]! + a[9]! * a[3]! * a[6]!;
  inv[7] = a[0]! * a[6]! * a[11]! - a[0]! * a[7]! * a[10]! - a[4]! * a[2]! * a[11]! + a[4]! * a[3]! * a[10]! + a[8]! * a[2]! * a[7]! - a[8]! * a[3]! * a[6]!;
  inv[11] = -a[0]! * a[5]! * a[11]! + a[0]! * a[7]! * a[9]! + a[4]! * a[1]! * a[11]! - a[4]! * a[3]! * a[9]! - a[8]! * a[1]! * a[7]! + a[8]! * a[3]! * a[5]!;
  inv[15] = a[0]! * a[5]! * a[10]! - a[0]! * a[6]! * a[9]! - a[4]! * a[1]! * a[10]! + a[4]! * a[2]! * a[9]! + a[8]! * a[1]! * a[6]! - a[8]! * a[2]! * a[5]!;
  const det = a[0]! * inv[0]! + a[1]! * inv[4]! + a[2]! * inv[8]! + a[3]! * inv[12]!;
  if (det === 0 || !Number.isFinite(det)) return undefined;
  for (let i = 0; i < 16; i++) inv[i]! /= det;
  return inv;
}

type Quaternion = [number, number, number, number];

/** Translation, rotation (quaternion x, y, z, w) and scale of an affine matrix without shear;
 *  undefined when it has shear or perspective (then interpolate elementwise). */
export function decompose(m: ArrayLike<number>): { t: [number, number, number]; q: Quaternion; s: [number, number, number] } | undefined {
  if (Math.abs(m[3]!) > 1e-12 || Math.abs(m[7]!) > 1e-12 || Math.abs(m[11]!) > 1e-12 || Math.abs(m[15]! - 1) > 1e-12) return undefined;
  const rows = [0, 1, 2].map((r) => [m[r * 4]!, m[r * 4 + 1]!, m[r * 4 + 2]!]);
  const s = rows.map((r) => Math.hypot(r[0]!, r[1]!, r[2]!)) as [number, number, number];
  if (s.some((x) => x === 0)) return undefined;
  const n = rows.map((r, i) => r.map((x) => x / s[i]!));
  // Mirror: fold a negative determinant into the x scale.
  const det =
    n[0]![0]! * (n[1]![1]! * n[2]![2]! - n[1]![2]! * n[2]![1]!) -
    n[0]![1]! * (n[1]![0]! * n[2]![2]! - n[1]![2]! * n[2]![0]!) +
    n[0]![2]! * (n[1]![0]! * n[2]![1]! - n[1]![1]! * n[2]![0]!);
  if (det < 0) {
    s[0] = -s[0];
    n[0] = n[0]!.map((x) => -x);
  }
  // Shear: rows not orthogonal.
  const dot = (a: number[], b: number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  if (Math.abs(dot(n[0]!, n[1]!)) > 1e-6 || Math.abs(dot(n[0]!, n[2]!)) > 1e-6 || Math.abs(dot(n[1]!, n[2]!)) > 1e-6) return undefined;
  // Row-vector rotation R (p * R): the column-vector matrix is R^T; take its quaternion.
  const r00 = n[0]![0]!, r01 = n[1]![0]!, r02 = n[2]![0]!;
  const r10 = n[0]![1]!, r11 = n[1]![1]!, r12 = n[2]![1]!;
  const r20 = n[0]![2]!, r21 = n[1]![2]!, r22 = n[2]![2]!;
  const trace = r00 + r11 + r22;
  let q: Quaternion;
  if (trace > 0) {
    const k = 0.5 / Math.sqrt(trace + 1);
    q = [(r21 - r12) * k, (r02 - r20) * k, (r10 - r01) * k, 0.25 / k];
  } else if (r00 > r11 && r00 > r22) {
    const k = 2 * Math.sqrt(1 + r00 - r11 - r22);
    q = [0.25 * k, (r01 + r10) / k, (r02 + r20) / k, (r21 - r12) / k];
  } else if (r11 > r22) {
    const k = 2 * Math.sqrt(1 + r11 - r00 - r22);
    q = [(r01 + r10) / k, 0.25 * k, (r12 + r21) / k, (r02 - r20) / k];
  } else {
    const k = 2 * Math.sqrt(1 + r22 - r00 - r11);
    q = [(r02 + r20) / k, (r12 + r21) / k, 0.25 * k, (r10 - r01) / k];
  }
  return { t: [m[12]!, m[13]!, m[14]!], q, s };
}

/** The row-vector matrix of scale, then rotation, then translation. */
export function compose(t: readonly number[], q: readonly number[], s: readonly number[]): Matrix4 {
  const [x, y, z, w] = q as Quaternion;
  // Column-vector rotation, transposed into rows.
  const c00 = 1 - 2 * (y * y + z * z), c01 = 2 * (x * y - z * w), c02 = 2 * (x * z + y * w);
  const c10 = 2 * (x * y + z * w), c11 = 1 - 2 * (x * x + z * z), c12 = 2 * (y * z - x * w);
  const c20 = 2 * (x * z - y * w), c21 = 2 * (y * z + x * w), c22 = 1 - 2 * (x * x + y * y);
  const m = new Float64Array(16);
  m[0] = c00 * s[0]!; m[1] = c10 * s[0]!; m[2] = c20 * s[0]!;
  m[4] = c01 * s[1]!; m[5] = c11 * s[1]!; m[6] = c21 * s[1]!;
  m[8] = c02 * s[2]!; m[9] = c12 * s[2]!; m[10] = c22 * s[2]!;
  m[12] = t[0]!; m[13] = t[1]!; m[14] = t[2]!; m[15] = 1;
  return m;
}

function slerp(a: Quaternion, b: Quaternion, alpha: number): Quaternion {
  let [bx, by, bz, bw] = b;
  let cos = a[0] * bx + a[1] * by + a[2] * bz + a[3] * bw;
  if (cos < 0) {
    cos = -cos;
    bx = -bx; by = -by; bz = -bz; bw = -bw;
  }
  let k0 = 1 - alpha;
  let k1 = alpha;
  if (cos < 0.9999) {
    const angle = Math.acos(cos);
    const sin = Math.sin(angle);
    k0 = Math.sin((1 - alpha) * angle) / sin;
    k1 = Math.sin(alpha * angle) / sin;
  }
  const q: Quaternion = [a[0] * k0 + bx * k1, a[1] * k0 + by * k1, a[2] * k0 + bz * k1, a[3] * k0 + bw * k1];
  const length = Math.hypot(...q);
  return q.map((v) => v / length) as Quaternion;
}

/** Blends two transforms: translation and scale linearly, rotation by slerp; elementwise when
 *  either has shear or perspective. */
export function interpolateMatrix(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number): Matrix4 {
  if (alpha <= 0) return Float64Array.from(a);
  if (alpha >= 1) return Float64Array.from(b);
  const da = decompose(a);
  const db = decompose(b);
  if (da === undefined || db === undefined) {
    const out = new Float64Array(16);
    for (let i = 0; i < 16; i++) out[i] = a[i]! + (b[i]! - a[i]!) * alpha;
    return out;
  }
  const mix = (x: readonly number[], y: readonly number[]): number[] => x.map((v, i) => v + (y[i]! - v) * alpha);
  return compose(mix(da.t, db.t), slerp(da.q, db.q, alpha), mix(da.s, db.s));
}

/** 3x3 row-vector matrices (camera film backs): `m[row * 3 + column]`. */
export type Matrix3 = Float64Array;

export function identity3(): Matrix3 {
  const m = new Float64Array(9);
  m[0] = m[4] = m[8] = 1;
  return m;
}

export function multiply3(a: ArrayLike<number>, b: ArrayLike<number>): Matrix3 {
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return r;
}

/** `(x, y, 1) * M` with the divide (Imath `multVecMatrix`). */
export function transformPoint2(m: ArrayLike<number>, x: number, y: number): [number, number] {
  const w = x * m[2]! + y * m[5]! + m[8]!;
  const d = w === 0 ? 1 : w;
  return [(x * m[0]! + y * m[3]! + m[6]!) / d, (x * m[1]! + y * m[4]! + m[7]!) / d];
}
