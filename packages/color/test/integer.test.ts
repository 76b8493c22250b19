/**
 * Integer <-> float: decodeToLinear and encodeForDisplay, with round trips over every 8- and 16-bit
 * code, alpha handling, rounding and the NaN/infinity rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bakeLut1D, createTransform, decodeToLinear, encodeForDisplay } from '@vfxkit/color';
import { assertAllClose, assertClose, assertThrowsCode, random } from './helpers.js';

/** IEC 61966-2-1 section 5.2, written out here. */
const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const allCodes = (bits: number) => Uint16Array.from({ length: 2 ** bits }, (_, i) => i);

describe('decodeToLinear', () => {
  it('decodes 8-bit sRGB by IEC 61966-2-1', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const linear = decodeToLinear(codes, 8, 'sRGB');
    for (let code = 0; code < 256; code++) assertClose(linear[code]!, srgbToLinear(code / 255), 3e-8, `code ${code}`);
    assertClose(linear[128]!, 0.2158605, 5e-8, 'code 128');
    assert.equal(linear[0], 0);
    assert.equal(linear[255], 1);
  });

  it('scales alpha without decoding it', () => {
    const rgba = Uint8Array.of(128, 128, 128, 128, 255, 0, 0, 51);
    const out = decodeToLinear(rgba, 8, 'srgb_texture', { channels: 4 });
    assertAllClose(out, [0.2158605, 0.2158605, 0.2158605, 128 / 255, 1, 0, 0, 0.2], 5e-8, 'RGBA');
    const noAlpha = decodeToLinear(rgba, 8, 'sRGB', { channels: 4, alphaChannel: null });
    assertClose(noAlpha[3]!, 0.2158605, 5e-8, 'fourth channel decoded when alpha is null');
  });

  it('decodes 16-bit and other depths in a Uint16Array, clamping codes above the maximum', () => {
    const out = decodeToLinear(Uint16Array.of(0, 32768, 65535), 16, 'Rec.709');
    assertClose(out[1]!, ((32768 / 65535 + 0.099) / 1.099) ** (1 / 0.45), 1e-7, '16-bit Rec.709');
    const tenBit = decodeToLinear(Uint16Array.of(0, 1023, 4000), 10, 'lin_srgb');
    assert.deepEqual(Array.from(tenBit), [0, 1, 1]);
    assert.deepEqual(Array.from(decodeToLinear(Uint8Array.of(0, 255), 8, 'Raw')), [0, 1]);
  });

  it('rejects impossible layouts', () => {
    assertThrowsCode(() => decodeToLinear(new Uint8Array(4), 16, 'sRGB'), 'COLOR_BAD_ARGUMENT', /from 1 to 8 for Uint8Array/);
    assertThrowsCode(() => decodeToLinear(new Uint16Array(4), 17, 'sRGB'), 'COLOR_BAD_ARGUMENT');
    assertThrowsCode(() => decodeToLinear(new Uint8Array(5), 8, 'sRGB', { channels: 4 }), 'COLOR_BAD_ARGUMENT', /whole number/);
    assertThrowsCode(() => decodeToLinear(new Uint8Array(4), 8, 'sRGB', { channels: 4, alphaChannel: 4 }), 'COLOR_BAD_ARGUMENT');
    assertThrowsCode(() => decodeToLinear(new Uint8Array(4), 8, 'no such space'), 'COLOR_UNKNOWN_COLOR_SPACE');
  });
});

describe('encodeForDisplay', () => {
  it('round-trips every 8-bit code of the display spaces', () => {
    for (const space of ['sRGB', 'Rec.709', 'Rec.1886 Rec.709 - Display', 'Display P3', 'Gamma 2.2 Encoded Rec.709', 'P3-D65 - Display', 'ACEScct']) {
      const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const back = encodeForDisplay(decodeToLinear(codes, 8, space), 8, space, { channels: 1 });
      assert.ok(back instanceof Uint8Array);
      assert.deepEqual(Array.from(back), Array.from(codes), space);
    }
  });

  it('round-trips every 16-bit code (sRGB, Rec.2020, BT.1886)', () => {
    for (const space of ['sRGB', 'Rec.2020', 'Rec.1886 Rec.2020 - Display']) {
      const codes = allCodes(16);
      const back = encodeForDisplay(decodeToLinear(codes, 16, space), 16, space, { channels: 1 });
      assert.ok(back instanceof Uint16Array);
      for (let code = 0; code < 65536; code++) if (back[code] !== code) assert.fail(`${space}: code ${code} came back as ${back[code]}`);
    }
  });

  it('round-trips RGBA with alpha scaled, not encoded', () => {
    const next = random(21);
    const rgba = Uint16Array.from({ length: 4000 }, () => Math.floor(next() * 65536));
    const linear = decodeToLinear(rgba, 16, 'sRGB', { channels: 4 });
    assert.deepEqual(Array.from(encodeForDisplay(linear, 16, 'sRGB', { channels: 4 })), Array.from(rgba));
  });

  it('rounds to nearest and clamps; NaN and -Inf give 0, +Inf the maximum', () => {
    // 0.5 · 255 = 127.5 exactly: halves round up.
    const values = Float32Array.of(0.49 / 255, 0.51 / 255, 100.4 / 255, 254.6 / 255, 0.5, -0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    assert.deepEqual(Array.from(encodeForDisplay(values, 8, 'Raw', { channels: 1 })), [0, 1, 100, 255, 128, 0, 255, 0, 255, 0]);
    assert.deepEqual(Array.from(encodeForDisplay(Float32Array.of(Number.NaN, 2, -1), 16, 'sRGB')), [0, 65535, 0]);
  });

  it('converts primaries from the given source space first', () => {
    const next = random(8);
    const acescg = Float32Array.from({ length: 3000 }, () => next() * 1.2);
    const expected = createTransform('ACEScg', 'sRGB')(acescg, 3);
    const encoded = encodeForDisplay(acescg, 8, 'sRGB', { from: 'ACEScg' });
    for (let i = 0; i < acescg.length; i++) {
      const v = expected[i]!;
      assert.equal(encoded[i], v > 0 ? (v < 1 ? Math.floor(v * 255 + 0.5) : 255) : 0, `value ${i}`);
    }
  });

  it('encodes through a LUT given instead of a space', () => {
    // A 4096-entry shaper of linear -> sRGB on [0, 1]: within one 8-bit code of the exact curve.
    const lut = bakeLut1D(createTransform('lin_srgb', 'sRGB'), 4096);
    const next = random(9);
    const linear = Float32Array.from({ length: 3000 }, () => next());
    const viaLut = encodeForDisplay(linear, 8, lut);
    const exact = encodeForDisplay(linear, 8, 'sRGB');
    for (let i = 0; i < linear.length; i++) assert.ok(Math.abs(viaLut[i]! - exact[i]!) <= 1, `value ${i}: ${viaLut[i]} vs ${exact[i]}`);
    assert.deepEqual(Array.from(encodeForDisplay(Float32Array.of(0.25, 0.25, 0.25), 8, lut, { exposure: 2 })), [255, 255, 255], 'exposure before the LUT');
  });

  it('rejects impossible layouts', () => {
    assertThrowsCode(() => encodeForDisplay(new Float32Array(6), 8, 'sRGB', { channels: 2, alphaChannel: null }), 'COLOR_BAD_ARGUMENT', /1 \(grey\) or 3 \(RGB\)/);
    assertThrowsCode(() => encodeForDisplay(new Float32Array(3), 16, 'sRGB', { output: new Uint8Array(3) }), 'COLOR_BAD_ARGUMENT', /Uint16Array/);
    assertThrowsCode(() => encodeForDisplay(new Float32Array(4), 8, 'sRGB'), 'COLOR_BAD_ARGUMENT', /whole number/);
  });
});
