/**
 * The pixel pipeline: interleaved RGB/RGBA and planar data, alpha left alone, in place, exposure,
 * LUT and clamp, and the lookup tables' accuracy against exact evaluation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLOR_SPACES, createLutTransform, createTransform, defineColorSpace, identityLut3D, srgbTransfer } from '@vfxkit/color';
import { assertAllClose, assertClose, assertThrowsCode, random } from './helpers.js';

/** IEC 61966-2-1 section 5.2, written out here so the test does not use the code under test. */
const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
/** Rec.709 -> ACEScg with Bradford, as published (see matrix.test.ts). */
const REC709_TO_ACESCG = [0.6130974024, 0.3395231462, 0.0473794514, 0.0701937225, 0.9163538791, 0.0134523985, 0.0206155929, 0.1095697729, 0.8698146342];

function randomPixels(count: number, channels: number, low = -0.2, high = 1.3, seed = 7): Float32Array {
  const next = random(seed);
  const out = new Float32Array(count * channels);
  for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * next();
  return out;
}

describe('createTransform on interleaved data', () => {
  it('sRGB -> ACEScg matches the published matrix after the IEC decode, alpha untouched', () => {
    const input = randomPixels(5000, 4, -0.1, 1.2);
    input[3] = Number.NaN; // alpha is copied, whatever it holds
    input[7] = 7;
    const output = createTransform('srgb_texture', 'ACES - ACEScg')(input, 4);
    assert.notEqual(output, input);
    for (let p = 0; p < 5000; p++) {
      const lin = [0, 1, 2].map((c) => srgbToLinear(input[p * 4 + c]!));
      for (let row = 0; row < 3; row++) {
        const expected = REC709_TO_ACESCG[row * 3]! * lin[0]! + REC709_TO_ACESCG[row * 3 + 1]! * lin[1]! + REC709_TO_ACESCG[row * 3 + 2]! * lin[2]!;
        assertClose(output[p * 4 + row]!, expected, 2e-7 * Math.max(1, Math.abs(expected)) + 1e-9, `pixel ${p} channel ${row}`);
      }
      if (p > 1) assert.equal(output[p * 4 + 3], input[p * 4 + 3]);
    }
    assert.ok(Number.isNaN(output[3]!));
    assert.equal(output[7], 7);
  });

  it('RGB, in place, and across block boundaries gives the same as RGBA', () => {
    const rgba = randomPixels(10000, 4);
    const rgb = new Float32Array(10000 * 3);
    for (let p = 0; p < 10000; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
    const transform = createTransform('ACEScg', 'ACEScct', { exposure: 0.5 });
    const fromRgba = transform(rgba, 4);
    const copy = Float32Array.from(rgb);
    const result = transform(copy, 3, copy);
    assert.equal(result, copy, 'in place returns the input');
    for (let p = 0; p < 10000; p++) {
      for (let c = 0; c < 3; c++) assert.equal(copy[p * 3 + c], fromRgba[p * 4 + c]);
    }
  });

  it('planar equals interleaved', () => {
    const rgb = randomPixels(3000, 3);
    const [r, g, b] = [0, 1, 2].map((c) => Float32Array.from({ length: 3000 }, (_, p) => rgb[p * 3 + c]!));
    const transform = createTransform('Rec.709', 'Display P3', { clamp: true });
    const interleaved = transform(rgb, 3);
    const planes = transform.planar(r!, g!, b!);
    for (let p = 0; p < 3000; p++) for (let c = 0; c < 3; c++) assert.equal(planes[c]![p], interleaved[p * 3 + c]);
    const inPlace = transform.planar(r!, g!, b!, [r!, g!, b!]);
    assert.equal(inPlace[0], r);
    assert.deepEqual(Array.from(r!), Array.from(planes[0]));
  });

  it('rejects data that does not fit', () => {
    const transform = createTransform('sRGB', 'ACEScg');
    assertThrowsCode(() => transform(new Float32Array(10), 4), 'COLOR_BAD_ARGUMENT', /whole number/);
    assertThrowsCode(() => transform(new Float32Array(12), 5 as 4), 'COLOR_BAD_ARGUMENT', /channels/);
    assertThrowsCode(() => transform(new Float32Array(12), 4, new Float32Array(8)), 'COLOR_BAD_ARGUMENT', /output/);
    assertThrowsCode(() => transform.planar(new Float32Array(2), new Float32Array(3), new Float32Array(2)), 'COLOR_BAD_ARGUMENT', /lengths/);
    assertThrowsCode(() => createTransform('sRGB', 'nope'), 'COLOR_UNKNOWN_COLOR_SPACE');
  });
});

describe('pipeline stages', () => {
  it('skips what cancels out', () => {
    assert.deepEqual(createTransform('sRGB', 'srgb_texture').steps, []);
    assert.deepEqual(createTransform('ACEScg', 'lin_ap1').steps, []);
    const input = randomPixels(10, 3);
    assert.deepEqual(Array.from(createTransform('sRGB', 'sRGB')(input, 3)), Array.from(input));
    assert.equal(createTransform('sRGB', 'ACEScg').steps.length, 2);
    assert.equal(createTransform('ACEScct', 'ACEScc').steps.length, 2, 'decode and encode, no matrix (both AP1)');
  });

  it('applies exposure in linear light', () => {
    assertAllClose(createTransform('ACEScg', 'ACEScg', { exposure: 1 }).color([0.18, 0.5, -1]), [0.36, 1, -2], 1e-15, '+1 stop');
    const srgb = createTransform('sRGB', 'sRGB', { exposure: -1 }).color([0.5, 0.5, 0.5]);
    assertClose(srgb[0], srgbTransfer.encode(srgbToLinear(0.5) / 2), 1e-6, 'decoded, halved, re-encoded');
    assertAllClose(createTransform('Raw', 'Raw', { exposure: 2 }).color([1, 2, 3]), [4, 8, 12], 0, 'raw data scales too');
  });

  it('clamps last, leaving NaN alone', () => {
    assert.deepEqual(createTransform('ACEScg', 'ACEScg', { clamp: true }).color([-0.5, 0.5, 4]), [0, 0.5, 1]);
    assert.deepEqual(createTransform('ACEScg', 'ACEScg', { clamp: [-1, 2] }).color([-2, 0.5, 4]), [-1, 0.5, 2]);
    assert.ok(Number.isNaN(createTransform('ACEScg', 'ACEScg', { clamp: true }).color([Number.NaN, 0, 0])[0]));
    assertThrowsCode(() => createTransform('ACEScg', 'ACEScg', { clamp: [1, 0] }), 'COLOR_BAD_ARGUMENT');
  });

  it('applies a LUT after encoding to the target space', () => {
    const lut = identityLut3D(17);
    const plain = createTransform('ACEScg', 'ACEScct');
    const withLut = createTransform('ACEScg', 'ACEScct', { lut });
    assert.match(withLut.steps.at(-1)!, /3D LUT \(17\^3, tetrahedral\)/);
    const input = randomPixels(1000, 3, 0, 1);
    // ACEScct of [0, 1] lies within [0.07, 0.56], inside the identity LUT's domain.
    assertAllClose(withLut(input, 3), plain(input, 3), 2e-7, 'identity LUT');
    const offsetLut = createLutTransform({ kind: 'matrix', matrix: [2, 0, 0, 0, 1, 0, 0, 0, 1], offset: [0, 0.5, 0] });
    assertAllClose(offsetLut.color([1, 1, 1]), [2, 1.5, 1], 0, 'matrix step');
  });

  it('handles NaN and infinities without breaking neighbours', () => {
    const input = Float32Array.of(Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.25, 0.5, 0.75);
    const output = createTransform('sRGB', 'lin_srgb')(input, 3);
    assert.ok(Number.isNaN(output[0]!));
    assert.equal(output[2], Number.POSITIVE_INFINITY);
    assertAllClose(output.subarray(3), [0.25, 0.5, 0.75].map(srgbToLinear), 1e-7, 'neighbour pixel');
  });
});

describe('transfer lookup tables', () => {
  // Every space to and from linear light with the same primaries (so only the curve runs), through
  // the tables and exactly: they agree to the tables' tolerance (1e-7 relative) plus float32
  // rounding, over ordinary and out-of-range values.
  const input = randomPixels(20000, 3, -0.3, 1.6, 99);
  input.set([0, 1, 0.04045, 0.0031308, 0.018, 0.081, 0.0078125, 0.155251141552511, 1e-6, -1e-6, 0.5, 0.999999, 1.0000001, 65000, -65000]);
  for (const space of COLOR_SPACES) {
    if (space.isData) continue;
    it(`${space.name} to and from linear agree with exact evaluation`, () => {
      const linear = defineColorSpace({ name: `${space.name} linear`, ...(space.primaries ? { primaries: space.primaries } : {}), whitePoint: space.whitePoint! });
      for (const [from, to] of [
        [space, linear],
        [linear, space],
      ] as const) {
        const fast = createTransform(from, to)(input, 3);
        const exact = createTransform(from, to, { exact: true })(input, 3);
        for (let i = 0; i < input.length; i++) {
          const a = fast[i]!;
          const b = exact[i]!;
          if (Number.isNaN(b)) {
            assert.ok(Number.isNaN(a), `value ${i}: ${a} for NaN`);
            continue;
          }
          if (!(Math.abs(a - b) <= 2.5e-7 * Math.abs(b) + 1e-9)) {
            assert.fail(`${from.name} -> ${to.name}: value ${i} (${input[i]}) gives ${a}, exactly ${b}`);
          }
        }
      }
    });
  }
});
