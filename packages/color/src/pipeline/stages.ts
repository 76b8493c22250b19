/**
 * The processing stages of a colour transform. Each stage works in place on a block of RGB triples
 * held contiguously in a Float64Array (the transform gathers pixels into such a block, runs every
 * stage over it, and scatters the result), so each stage is one tight loop with nothing allocated
 * per pixel.
 */
import type { Matrix3, Vector3 } from '../matrix.js';
import type { Lut1D, Lut3D } from '../lut/model.js';

/** Processes `count` RGB triples stored at rgb[0 .. 3·count). */
export type Stage = (rgb: Float64Array, count: number) => void;

/** A stage and what it does, for `ColorTransform.steps`. */
export interface NamedStage {
  readonly run: Stage;
  readonly description: string;
}

/** out = m · in + offset (an .spimtx step). */
export function matrixStage(m: Matrix3, offset: Vector3 = [0, 0, 0]): Stage {
  return (rgb, count) => {
    const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m;
    const [o0, o1, o2] = offset;
    const n = count * 3;
    for (let i = 0; i < n; i += 3) {
      const r = rgb[i]!;
      const g = rgb[i + 1]!;
      const b = rgb[i + 2]!;
      rgb[i] = m0 * r + m1 * g + m2 * b + o0;
      rgb[i + 1] = m3 * r + m4 * g + m5 * b + o1;
      rgb[i + 2] = m6 * r + m7 * g + m8 * b + o2;
    }
  };
}

/** Clamps every channel to [low, high]; NaN stays NaN. */
export function clampStage(low: number, high: number): Stage {
  return (rgb, count) => {
    const n = count * 3;
    for (let i = 0; i < n; i++) {
      const x = rgb[i]!;
      rgb[i] = x < low ? low : x > high ? high : x;
    }
  };
}

/**
 * A 1D LUT: per channel, the input maps from [domainMin, domainMax] onto [0, size - 1] and is
 * clamped there (as the Adobe cube specification and OpenColorIO define), then interpolated linearly
 * between the two neighbouring entries. NaN maps to the first entry.
 */
export function lut1dStage(lut: Lut1D): Stage {
  const { size, channels, data } = lut;
  const last = size - 1;
  const low = [lut.domainMin[0], lut.domainMin[1], lut.domainMin[2]];
  const scale = [0, 1, 2].map((c) => last / (lut.domainMax[c]! - lut.domainMin[c]!));
  return (rgb, count) => {
    const n = count * 3;
    for (let c = 0; c < 3; c++) {
      const lo = low[c]!;
      const s = scale[c]!;
      const column = channels === 3 ? c : 0;
      for (let i = c; i < n; i += 3) {
        let t = (rgb[i]! - lo) * s;
        t = t > 0 ? (t < last ? t : last) : 0;
        let k = t | 0;
        if (k === last) k = last - 1;
        const f = t - k;
        const a = data[k * channels + column]!;
        const b = data[(k + 1) * channels + column]!;
        rgb[i] = a + (b - a) * f;
      }
    }
  };
}

export type LutInterpolation = 'tetrahedral' | 'trilinear';

/**
 * A 3D LUT: each channel maps from the domain onto [0, size - 1] and clamps there, then the output
 * interpolates the lattice:
 * - tetrahedral (the default): the unit cell splits into six tetrahedra along its main diagonal,
 *   chosen by the order of the fractional coordinates (fr, fg, fb); the result is the barycentric
 *   blend of that tetrahedron's four corners, e.g. for fr > fg > fb:
 *     (1 - fr)·c000 + (fr - fg)·c100 + (fg - fb)·c110 + fb·c111
 *   (Kasson, Nin, Plouffe and Hafner, "Performing color space conversions with three-dimensional
 *   linear interpolation", J. Electronic Imaging 4(3), 1995; OpenColorIO's Lut3DOpCPU implements
 *   the same). It keeps the neutral axis neutral, which trilinear does not.
 * - trilinear: three nested linear interpolations over the cell's eight corners (OpenColorIO's
 *   default for 3D LUTs, INTERP_LINEAR).
 */
export function lut3dStage(lut: Lut3D, interpolation: LutInterpolation = 'tetrahedral'): Stage {
  const { size, data } = lut;
  const last = size - 1;
  const [lowR, lowG, lowB] = lut.domainMin;
  const scaleR = last / (lut.domainMax[0] - lowR);
  const scaleG = last / (lut.domainMax[1] - lowG);
  const scaleB = last / (lut.domainMax[2] - lowB);
  // Strides of one step along red, green and blue in `data`.
  const dr = 3;
  const dg = 3 * size;
  const db = 3 * size * size;
  const tetrahedral = interpolation === 'tetrahedral';
  return (rgb, count) => {
    const n = count * 3;
    for (let i = 0; i < n; i += 3) {
      let r = (rgb[i]! - lowR) * scaleR;
      let g = (rgb[i + 1]! - lowG) * scaleG;
      let b = (rgb[i + 2]! - lowB) * scaleB;
      r = r > 0 ? (r < last ? r : last) : 0;
      g = g > 0 ? (g < last ? g : last) : 0;
      b = b > 0 ? (b < last ? b : last) : 0;
      let ri = r | 0;
      let gi = g | 0;
      let bi = b | 0;
      if (ri === last) ri = last - 1;
      if (gi === last) gi = last - 1;
      if (bi === last) bi = last - 1;
      const fr = r - ri;
      const fg = g - gi;
      const fb = b - bi;
      const c000 = ri * dr + gi * dg + bi * db;
      const c111 = c000 + dr + dg + db;
      if (tetrahedral) {
        let v1: number;
        let v2: number;
        let w0: number;
        let w1: number;
        let w2: number;
        let w3: number;
        if (fr > fg) {
          if (fg > fb) {
            v1 = c000 + dr; v2 = c000 + dr + dg; w0 = 1 - fr; w1 = fr - fg; w2 = fg - fb; w3 = fb; // prettier-ignore
          } else if (fr > fb) {
            v1 = c000 + dr; v2 = c000 + dr + db; w0 = 1 - fr; w1 = fr - fb; w2 = fb - fg; w3 = fg; // prettier-ignore
          } else {
            v1 = c000 + db; v2 = c000 + dr + db; w0 = 1 - fb; w1 = fb - fr; w2 = fr - fg; w3 = fg; // prettier-ignore
          }
        } else if (fb > fg) {
          v1 = c000 + db; v2 = c000 + dg + db; w0 = 1 - fb; w1 = fb - fg; w2 = fg - fr; w3 = fr; // prettier-ignore
        } else if (fb > fr) {
          v1 = c000 + dg; v2 = c000 + dg + db; w0 = 1 - fg; w1 = fg - fb; w2 = fb - fr; w3 = fr; // prettier-ignore
        } else {
          v1 = c000 + dg; v2 = c000 + dr + dg; w0 = 1 - fg; w1 = fg - fr; w2 = fr - fb; w3 = fb; // prettier-ignore
        }
        rgb[i] = w0 * data[c000]! + w1 * data[v1]! + w2 * data[v2]! + w3 * data[c111]!;
        rgb[i + 1] = w0 * data[c000 + 1]! + w1 * data[v1 + 1]! + w2 * data[v2 + 1]! + w3 * data[c111 + 1]!;
        rgb[i + 2] = w0 * data[c000 + 2]! + w1 * data[v1 + 2]! + w2 * data[v2 + 2]! + w3 * data[c111 + 2]!;
      } else {
        for (let c = 0; c < 3; c++) {
          const base = c000 + c;
          // Along red, then green, then blue.
          const x00 = data[base]! + (data[base + dr]! - data[base]!) * fr;
          const x10 = data[base + dg]! + (data[base + dr + dg]! - data[base + dg]!) * fr;
          const x01 = data[base + db]! + (data[base + dr + db]! - data[base + db]!) * fr;
          const x11 = data[base + dg + db]! + (data[base + dr + dg + db]! - data[base + dg + db]!) * fr;
          const y0 = x00 + (x10 - x00) * fg;
          const y1 = x01 + (x11 - x01) * fg;
          rgb[i + c] = y0 + (y1 - y0) * fb;
        }
      }
    }
  };
}
