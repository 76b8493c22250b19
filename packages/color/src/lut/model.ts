/**
 * The LUT model shared by every LUT format: 1D tables, 3D lattices and matrices, each a plain
 * object with typed-array data, applied in order.
 *
 * Conventions (those of the Adobe Cube LUT Specification 1.0, which OpenColorIO follows for every
 * format): an input maps linearly from [domainMin, domainMax] onto the table's index range and is
 * clamped to that domain; 1D tables interpolate linearly; 3D lattices store RGB entries with the red
 * index changing fastest.
 */
import { ColorErrorCode, colorError } from '../errors.js';
import type { Matrix3, Vector3 } from '../matrix.js';

export type LutFormat = 'cube' | 'spi1d' | 'spi3d' | 'spimtx';

/** A 1D LUT: a curve per channel (or one curve for all three). */
export interface Lut1D {
  readonly kind: 'lut1d';
  /** Entries per curve (at least 2). */
  readonly size: number;
  /** 1: one curve applied to red, green and blue; 3: a curve per channel. */
  readonly channels: 1 | 3;
  /** `size * channels` values; with 3 channels entry i is (data[3i], data[3i+1], data[3i+2]). */
  readonly data: Float32Array;
  /** The input values mapped to the first and the last entry, per channel. */
  readonly domainMin: Vector3;
  readonly domainMax: Vector3;
}

/** A 3D LUT: an RGB lattice of size^3 entries. */
export interface Lut3D {
  readonly kind: 'lut3d';
  /** Lattice points per axis (at least 2). */
  readonly size: number;
  /** `size^3 * 3` values, red index fastest: entry (r, g, b) starts at ((b * size + g) * size + r) * 3. */
  readonly data: Float32Array;
  readonly domainMin: Vector3;
  readonly domainMax: Vector3;
}

/** A matrix with offset: out = matrix · in + offset (an .spimtx file). */
export interface LutMatrix {
  readonly kind: 'matrix';
  readonly matrix: Matrix3;
  readonly offset: Vector3;
}

export type LutStep = Lut1D | Lut3D | LutMatrix;

/** A parsed LUT file: its steps, applied in order, and its descriptive text. */
export interface LutFile {
  readonly format: LutFormat;
  /** The .cube TITLE, when there is one. */
  readonly title?: string;
  /** The comment lines of the header, without their '#'. */
  readonly comments: readonly string[];
  readonly steps: readonly LutStep[];
}

/** What `createTransform`'s `lut` option and the LUT functions accept. */
export type LutInput = LutFile | LutStep | readonly LutStep[];

export function lutSteps(lut: LutInput): readonly LutStep[] {
  if (Array.isArray(lut)) return lut as readonly LutStep[];
  if ('steps' in (lut as LutFile)) return (lut as LutFile).steps;
  return [lut as LutStep];
}

const ZERO: Vector3 = [0, 0, 0];
const ONE: Vector3 = [1, 1, 1];

function copy3(v: Vector3): Vector3 {
  return [v[0], v[1], v[2]];
}

function checkDomain(min: Vector3, max: Vector3): void {
  for (let c = 0; c < 3; c++) {
    if (!Number.isFinite(min[c]) || !Number.isFinite(max[c]) || !(min[c]! < max[c]!)) {
      throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a LUT domain needs min < max in every channel, found [${min.join(', ')}] to [${max.join(', ')}]`);
    }
  }
}

export interface Lut1DInit {
  size: number;
  channels: 1 | 3;
  data: Float32Array;
  domainMin?: Vector3;
  domainMax?: Vector3;
}

/** A checked 1D LUT (domain [0, 1] unless given). */
export function createLut1D(init: Lut1DInit): Lut1D {
  const { size, channels, data } = init;
  if (!Number.isInteger(size) || size < 2) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 1D LUT needs at least 2 entries, found ${size}`);
  if (channels !== 1 && channels !== 3) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 1D LUT has 1 or 3 channels, found ${String(channels)}`);
  if (data.length !== size * channels) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 1D LUT of ${size} entries x ${channels} channels needs ${size * channels} values, found ${data.length}`);
  }
  const domainMin = init.domainMin ?? ZERO;
  const domainMax = init.domainMax ?? ONE;
  checkDomain(domainMin, domainMax);
  return { kind: 'lut1d', size, channels, data, domainMin: copy3(domainMin), domainMax: copy3(domainMax) };
}

export interface Lut3DInit {
  size: number;
  data: Float32Array;
  domainMin?: Vector3;
  domainMax?: Vector3;
}

/** A checked 3D LUT (domain [0, 1] unless given); `data` is red-fastest. */
export function createLut3D(init: Lut3DInit): Lut3D {
  const { size, data } = init;
  if (!Number.isInteger(size) || size < 2) throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a 3D LUT needs at least 2 points per axis, found ${size}`);
  if (data.length !== size * size * size * 3) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a ${size}^3 3D LUT needs ${size * size * size * 3} values, found ${data.length}`);
  }
  const domainMin = init.domainMin ?? ZERO;
  const domainMax = init.domainMax ?? ONE;
  checkDomain(domainMin, domainMax);
  return { kind: 'lut3d', size, data, domainMin: copy3(domainMin), domainMax: copy3(domainMax) };
}

/** The identity 3D LUT: entry (r, g, b) holds the input value at that lattice point. */
export function identityLut3D(size: number, domainMin: Vector3 = ZERO, domainMax: Vector3 = ONE): Lut3D {
  const data = new Float32Array(size * size * size * 3);
  let at = 0;
  for (let b = 0; b < size; b++) {
    for (let g = 0; g < size; g++) {
      for (let r = 0; r < size; r++) {
        data[at++] = domainMin[0] + ((domainMax[0] - domainMin[0]) * r) / (size - 1);
        data[at++] = domainMin[1] + ((domainMax[1] - domainMin[1]) * g) / (size - 1);
        data[at++] = domainMin[2] + ((domainMax[2] - domainMin[2]) * b) / (size - 1);
      }
    }
  }
  return createLut3D({ size, data, domainMin, domainMax });
}
