/**
 * Primaries, white points, and the matrices they define.
 *
 * Read first: SMPTE RP 177:1993 "Derivation of Basic Television Color Equations" (the normalised
 * primary matrix, NPM, from the primaries' and the white's chromaticities), and for chromatic
 * adaptation the linearised Bradford transform (Lam 1985, as the ICC specification ICC.1 prints it
 * in its annex on chromatic adaptation). The chromaticities come from the documents that define each space,
 * cited beside each constant.
 */
import { ColorErrorCode, colorError } from './errors.js';
import { IDENTITY_MATRIX3, chainMatrix3, diagonalMatrix3, invertMatrix3, multiplyMatrix3, transformVector3 } from './matrix.js';
import type { Matrix3, Vector3 } from './matrix.js';

/** CIE 1931 xy chromaticity coordinates. */
export interface Chromaticity {
  readonly x: number;
  readonly y: number;
}

/** The chromaticities of an additive RGB system's red, green and blue primaries. */
export interface Primaries {
  readonly red: Chromaticity;
  readonly green: Chromaticity;
  readonly blue: Chromaticity;
}

/** White points by name. */
export const WHITE_POINTS = {
  /** CIE D65 as ITU-R BT.709-6 (item 1.4), BT.2020-2 (table 3) and IEC 61966-2-1 print it. */
  D65: { x: 0.3127, y: 0.329 },
  /** The ACES white, "approximately D60": SMPTE ST 2065-1 and Academy S-2014-004. */
  ACES: { x: 0.32168, y: 0.33767 },
  /** CIE D50, the ICC profile connection space white (ICC.1:2010). */
  D50: { x: 0.3457, y: 0.3585 },
  /** The DCI projector white, SMPTE RP 431-2. */
  DCI: { x: 0.314, y: 0.351 },
} as const satisfies Record<string, Chromaticity>;

/** Primaries by name. */
export const PRIMARIES = {
  /** ITU-R BT.709-6 Part 1 item 1.3; the same primaries as sRGB (IEC 61966-2-1). */
  REC709: { red: { x: 0.64, y: 0.33 }, green: { x: 0.3, y: 0.6 }, blue: { x: 0.15, y: 0.06 } },
  /** ITU-R BT.2020-2 table 3 (also BT.2100). */
  REC2020: { red: { x: 0.708, y: 0.292 }, green: { x: 0.17, y: 0.797 }, blue: { x: 0.131, y: 0.046 } },
  /** SMPTE RP 431-2 / EG 432-1 (DCI-P3, Display P3, P3-D65 share them; only the white differs). */
  P3: { red: { x: 0.68, y: 0.32 }, green: { x: 0.265, y: 0.69 }, blue: { x: 0.15, y: 0.06 } },
  /** ACES AP0, SMPTE ST 2065-1 (ACES2065-1). The blue primary lies outside the spectral locus. */
  AP0: { red: { x: 0.7347, y: 0.2653 }, green: { x: 0, y: 1 }, blue: { x: 0.0001, y: -0.077 } },
  /** ACES AP1, Academy S-2014-004 (ACEScg), also used by ACEScc and ACEScct. */
  AP1: { red: { x: 0.713, y: 0.293 }, green: { x: 0.165, y: 0.83 }, blue: { x: 0.128, y: 0.044 } },
  /** Adobe RGB (1998) Color Image Encoding, version 2005-05, section 4.3.1.1. */
  ADOBE_RGB: { red: { x: 0.64, y: 0.33 }, green: { x: 0.21, y: 0.71 }, blue: { x: 0.15, y: 0.06 } },
} as const satisfies Record<string, Primaries>;

/**
 * The linearised Bradford cone response matrix (XYZ to "sharpened" RGB cone space), Lam 1985, as
 * ICC.1 prints it in its annex on chromatic adaptation.
 */
export const BRADFORD: Matrix3 = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296];

/** The CAT02 matrix of CIECAM02 (CIE 159:2004), offered for comparison with tools that use it. */
export const CAT02: Matrix3 = [0.7328, 0.4296, -0.1624, -0.7036, 1.6975, 0.0061, 0.003, 0.0136, 0.9834];

/** How `rgbToRgbMatrix` adapts between white points: Bradford (the default), CAT02, or none. */
export type AdaptationMethod = 'bradford' | 'cat02' | 'none';

function checkChromaticity(what: string, c: Chromaticity): void {
  if (!Number.isFinite(c.x) || !Number.isFinite(c.y) || c.y === 0) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `${what} chromaticity (${c.x}, ${c.y}) is not usable: x and y must be finite and y non-zero`);
  }
}

/** XYZ of a chromaticity at luminance Y = 1: X = x/y, Z = (1 - x - y)/y. */
export function xyToXyz(c: Chromaticity): [number, number, number] {
  checkChromaticity('the', c);
  return [c.x / c.y, 1, (1 - c.x - c.y) / c.y];
}

/** The chromaticity of an XYZ triple: x = X/(X+Y+Z), y = Y/(X+Y+Z). */
export function xyzToXy(xyz: Vector3): Chromaticity {
  const sum = xyz[0] + xyz[1] + xyz[2];
  return { x: xyz[0] / sum, y: xyz[1] / sum };
}

/**
 * The normalised primary matrix (RGB to CIE XYZ) by the method of SMPTE RP 177:
 *   1. P = the primaries' (x, y, z = 1 - x - y) as columns;
 *   2. W = the white's XYZ normalised to Y = 1;
 *   3. C = P^-1 · W, the luminance-scaled weights that make RGB (1, 1, 1) land on the white;
 *   4. NPM = P · diag(C).
 * The middle row of the result holds the luminance coefficients (BT.709: 0.2126, 0.7152, 0.0722).
 */
export function rgbToXyzMatrix(primaries: Primaries, white: Chromaticity): Matrix3 {
  checkChromaticity('red primary', primaries.red);
  checkChromaticity('green primary', primaries.green);
  checkChromaticity('blue primary', primaries.blue);
  checkChromaticity('white point', white);
  const { red: r, green: g, blue: b } = primaries;
  const p: Matrix3 = [r.x, g.x, b.x, r.y, g.y, b.y, 1 - r.x - r.y, 1 - g.x - g.y, 1 - b.x - b.y];
  const w = xyToXyz(white);
  const c = transformVector3(invertMatrix3(p), w);
  return multiplyMatrix3(p, diagonalMatrix3(c[0], c[1], c[2]));
}

/** CIE XYZ to RGB: the inverse of the normalised primary matrix. */
export function xyzToRgbMatrix(primaries: Primaries, white: Chromaticity): Matrix3 {
  return invertMatrix3(rgbToXyzMatrix(primaries, white));
}

/** True when two white points are the same to 1e-6 in x and y. */
export function sameWhite(a: Chromaticity, b: Chromaticity): boolean {
  return Math.abs(a.x - b.x) <= 1e-6 && Math.abs(a.y - b.y) <= 1e-6;
}

/**
 * A von Kries-type chromatic adaptation matrix in XYZ (the ICC.1 chromatic adaptation annex):
 *   M = Mcat^-1 · diag(ρd/ρs, γd/γs, βd/βs) · Mcat
 * where (ρ, γ, β) = Mcat · XYZ(white) for the source and destination whites (Y = 1). With the
 * Bradford matrix this is the "linearised Bradford" adaptation that OpenColorIO, colour-science and
 * the ACES configs use. Returns the identity when the whites are the same or the method is 'none'.
 */
export function chromaticAdaptationMatrix(from: Chromaticity, to: Chromaticity, method: AdaptationMethod = 'bradford'): Matrix3 {
  if (method === 'none' || sameWhite(from, to)) return IDENTITY_MATRIX3;
  const cone = method === 'cat02' ? CAT02 : BRADFORD;
  const source = transformVector3(cone, xyToXyz(from));
  const destination = transformVector3(cone, xyToXyz(to));
  const gain = diagonalMatrix3(destination[0] / source[0], destination[1] / source[1], destination[2] / source[2]);
  return chainMatrix3(cone, gain, invertMatrix3(cone));
}
