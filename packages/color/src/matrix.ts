/**
 * 3x3 matrices and RGB triples, the small linear algebra colour conversion needs.
 *
 * A `Matrix3` is nine numbers in row-major order, so `[a, b, c, d, e, f, g, h, i]` maps a column
 * vector (r, g, b) to (a·r + b·g + c·b, d·r + e·g + f·b, g·r + h·g + i·b), the way SMPTE RP 177 and
 * the ACES documents print their matrices. Everything is computed in double precision.
 */
import { ColorErrorCode, colorError } from './errors.js';

export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];
export type Vector3 = readonly [number, number, number];

export const IDENTITY_MATRIX3: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** A matrix from nine numbers in row-major order (throws unless there are exactly nine finite numbers). */
export function matrix3(values: ArrayLike<number>): Matrix3 {
  if (values.length !== 9) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 3x3 matrix needs 9 numbers, found ${values.length}`);
  }
  for (let i = 0; i < 9; i++) {
    if (!Number.isFinite(values[i])) {
      throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `matrix element ${i} is ${values[i]}, expected a finite number`);
    }
  }
  return [values[0]!, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!, values[6]!, values[7]!, values[8]!];
}

export function diagonalMatrix3(d0: number, d1: number, d2: number): Matrix3 {
  return [d0, 0, 0, 0, d1, 0, 0, 0, d2];
}

/** `a · b`: applying the result equals applying `b` first, then `a`. */
export function multiplyMatrix3(a: Matrix3, b: Matrix3): Matrix3 {
  return [
    a[0] * b[0] + a[1] * b[3] + a[2] * b[6],
    a[0] * b[1] + a[1] * b[4] + a[2] * b[7],
    a[0] * b[2] + a[1] * b[5] + a[2] * b[8],
    a[3] * b[0] + a[4] * b[3] + a[5] * b[6],
    a[3] * b[1] + a[4] * b[4] + a[5] * b[7],
    a[3] * b[2] + a[4] * b[5] + a[5] * b[8],
    a[6] * b[0] + a[7] * b[3] + a[8] * b[6],
    a[6] * b[1] + a[7] * b[4] + a[8] * b[7],
    a[6] * b[2] + a[7] * b[5] + a[8] * b[8],
  ];
}

/** Applies several matrices in order: `chainMatrix3(first, second, third)` = third · second · first. */
export function chainMatrix3(...matrices: Matrix3[]): Matrix3 {
  let out = IDENTITY_MATRIX3;
  for (const m of matrices) out = multiplyMatrix3(m, out);
  return out;
}

export function determinant3(m: Matrix3): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** The inverse by the adjugate (cofactors over the determinant); throws for a singular matrix. */
export function invertMatrix3(m: Matrix3): Matrix3 {
  const det = determinant3(m);
  const scale = Math.max(...m.map(Math.abs));
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-12 * scale * scale * scale) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `the matrix [${m.join(', ')}] is singular and has no inverse`);
  }
  const inv = 1 / det;
  return [
    (m[4] * m[8] - m[5] * m[7]) * inv,
    (m[2] * m[7] - m[1] * m[8]) * inv,
    (m[1] * m[5] - m[2] * m[4]) * inv,
    (m[5] * m[6] - m[3] * m[8]) * inv,
    (m[0] * m[8] - m[2] * m[6]) * inv,
    (m[2] * m[3] - m[0] * m[5]) * inv,
    (m[3] * m[7] - m[4] * m[6]) * inv,
    (m[1] * m[6] - m[0] * m[7]) * inv,
    (m[0] * m[4] - m[1] * m[3]) * inv,
  ];
}

export function transposeMatrix3(m: Matrix3): Matrix3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

/** `m · v` for one colour. */
export function transformVector3(m: Matrix3, v: Vector3): [number, number, number] {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

export function scaleMatrix3(m: Matrix3, factor: number): Matrix3 {
  return [m[0] * factor, m[1] * factor, m[2] * factor, m[3] * factor, m[4] * factor, m[5] * factor, m[6] * factor, m[7] * factor, m[8] * factor];
}

/** True when every element differs by at most `tolerance`. */
export function matricesClose(a: Matrix3, b: Matrix3, tolerance = 1e-12): boolean {
  for (let i = 0; i < 9; i++) if (!(Math.abs(a[i]! - b[i]!) <= tolerance)) return false;
  return true;
}

export function isIdentityMatrix3(m: Matrix3, tolerance = 1e-12): boolean {
  return matricesClose(m, IDENTITY_MATRIX3, tolerance);
}
