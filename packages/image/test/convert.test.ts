import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLut1D, createTransform } from '@vfxkit/color';
import { floatToHalf, halfToFloat } from '@vfxkit/core';
import { ImageErrorCode, convertImage, toInterleaved, type Image, type SampleArray } from '@vfxkit/image';
import { floatImage, halfUlp, integerImage, linearToSrgb, rejectsWithCode, srgbToLinear } from './helpers.js';

function planes(image: Image): SampleArray[] {
  assert.equal(image.pixels.layout, 'planar');
  return image.pixels.layout === 'planar' ? image.pixels.planes : [];
}

/** Every 8-bit code once, as a 256 x 1 grey image. */
const ramp8 = integerImage(256, 1, ['Y'], Uint8Array.from({ length: 256 }, (_, i) => i));

describe('convertImage: integer to float linearises by the source colour space', () => {
  it('decodes every 8-bit sRGB code with the IEC 61966-2-1 formula, to the nearest half', () => {
    const half = convertImage(ramp8, { bitDepth: 'half' });
    assert.equal(half.channels[0]!.type, 'half');
    assert.equal(half.colorSpace, 'Linear Rec.709 (sRGB)');
    const bits = planes(half)[0]!;
    for (let code = 0; code < 256; code++) {
      const expected = srgbToLinear(code / 255);
      assert.equal(bits[code], floatToHalf(expected), `code ${code}: ${halfToFloat(bits[code]!)} vs ${expected}`);
    }
  });

  it('decodes 16-bit codes to float within float32 precision', () => {
    const codes = Uint16Array.from({ length: 4096 }, (_, i) => i * 16);
    const float = convertImage(integerImage(4096, 1, ['Y'], codes), { bitDepth: 'float' });
    const values = planes(float)[0]!;
    for (let i = 0; i < codes.length; i++) assert.ok(Math.abs(values[i]! - srgbToLinear(codes[i]! / 65535)) < 1e-6, `code ${codes[i]}`);
  });

  it('takes another source space when told (Rec.709 camera curve)', () => {
    const float = convertImage({ ...ramp8, colorSpace: 'Rec.709' }, { bitDepth: 'float' });
    const values = planes(float)[0]!;
    // BT.709 OETF inverse: V < 0.081 ? V / 4.5 : ((V + 0.099) / 1.099)^(1 / 0.45)
    for (const code of [10, 128, 255]) {
      const v = code / 255;
      const expected = v < 0.081 ? v / 4.5 : ((v + 0.099) / 1.099) ** (1 / 0.45);
      assert.ok(Math.abs(values[code]! - expected) < 1e-6, `code ${code}`);
    }
  });

  it('premultiplies colour by alpha for EXR and leaves alpha linear', () => {
    const rgba = integerImage(1, 1, ['R', 'G', 'B', 'A'], Uint8Array.of(255, 128, 0, 51));
    const out = convertImage(rgba, { bitDepth: 'float', alpha: 'premultiplied' });
    const [r, g, b, a] = planes(out).map((p) => p[0]!);
    assert.ok(Math.abs(a! - 0.2) < 1e-7);
    assert.ok(Math.abs(r! - 0.2) < 1e-7);
    assert.ok(Math.abs(g! - srgbToLinear(128 / 255) * 0.2) < 1e-7);
    assert.equal(b, 0);
    assert.equal(out.alpha, 'premultiplied');
  });
});

describe('convertImage: float to integer applies a display transform', () => {
  const values = Float32Array.of(-1, 0, 0.0031308, 0.18, 0.5, 1, 4, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  const linear = floatImage(values.length, 1, ['Y'], [values]);

  it('encodes sRGB by default, rounds to nearest and clamps (NaN and -Inf to 0, +Inf to the maximum)', () => {
    const out = convertImage(linear, { bitDepth: 8 });
    assert.equal(out.colorSpace, 'sRGB');
    const codes = [...planes(out)[0]!];
    const expected = [...values].map((v) => (Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, linearToSrgb(Math.min(1, Math.max(0, v))))) * 255)));
    expected[8] = 255;
    assert.deepEqual(codes, expected);
    const sixteen = convertImage(linear, { bitDepth: 16 });
    assert.equal(planes(sixteen)[0]![4], Math.round(linearToSrgb(0.5) * 65535));
  });

  it('round-trips every 8-bit code through half exactly', () => {
    const back = convertImage(convertImage(ramp8, { bitDepth: 'half' }), { bitDepth: 8 });
    assert.deepEqual([...planes(back)[0]!], [...Array(256).keys()]);
  });

  it('gives the same codes from half samples (one table over every half value) as from float', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const half: Image = { ...floatImage(256, 256, ['Y'], [new Float32Array(0)]), channels: [{ name: 'Y', type: 'half' }], pixels: { layout: 'planar', planes: [bits] } };
    const float = floatImage(256, 256, ['Y'], [Float32Array.from(bits, halfToFloat)]);
    for (const options of [{ bitDepth: 8 as const }, { bitDepth: 16 as const, exposure: -1.5 }]) {
      assert.deepEqual([...planes(convertImage(half, options))[0]!], [...planes(convertImage(float, options))[0]!], JSON.stringify(options));
    }
  });

  it('applies exposure in linear light before the curve', () => {
    const out = convertImage(floatImage(1, 1, ['Y'], [Float32Array.of(0.09)]), { bitDepth: 8, exposure: 1 });
    assert.equal(planes(out)[0]![0], Math.round(linearToSrgb(0.18) * 255));
  });

  it('encodes for another display (Rec.1886) and converts primaries (ACEScg source)', () => {
    const rgb = floatImage(1, 1, ['R', 'G', 'B'], [Float32Array.of(0.5), Float32Array.of(0.2), Float32Array.of(0.1)], 'ACEScg');
    const out = convertImage(rgb, { bitDepth: 16, colorSpace: 'sRGB' });
    const expected = createTransform('ACEScg', 'sRGB', { exact: true }).color([0.5, 0.2, 0.1]);
    planes(out).forEach((plane, i) => assert.ok(Math.abs(plane[0]! - Math.round(Math.min(1, Math.max(0, expected[i]!)) * 65535)) <= 1, `channel ${i}`));
    const display = convertImage(floatImage(1, 1, ['Y'], [Float32Array.of(0.18)]), { bitDepth: 8, colorSpace: 'Rec.1886 Rec.709 - Display' });
    assert.equal(planes(display)[0]![0], Math.round(0.18 ** (1 / 2.4) * 255));
  });

  it('applies a display LUT to the linear values when no space is named', () => {
    // A 1D LUT that halves every value.
    const lut = createLut1D({ size: 2, channels: 1, data: Float32Array.of(0, 0.5) });
    const out = convertImage(floatImage(1, 1, ['Y'], [Float32Array.of(0.8)]), { bitDepth: 8, lut });
    assert.equal(planes(out)[0]![0], Math.round(0.4 * 255));
  });

  it('unpremultiplies before the curve', () => {
    const rgba = floatImage(1, 1, ['R', 'G', 'B', 'A'], [Float32Array.of(0.09), Float32Array.of(0), Float32Array.of(0), Float32Array.of(0.5)]);
    const out = toInterleaved(convertImage(rgba, { bitDepth: 8, alpha: 'straight' }));
    assert.deepEqual(out.pixels.layout === 'interleaved' && [...out.pixels.data], [Math.round(linearToSrgb(0.18) * 255), 0, 0, 128]);
  });

  it('composites over black in linear light when alpha is dropped (JPEG), from straight, premultiplied and half sources', () => {
    const straight = integerImage(1, 1, ['R', 'G', 'B', 'A'], Uint8Array.of(255, 255, 0, 128));
    const over = planes(convertImage(straight, { bitDepth: 8, dropAlpha: true }));
    assert.equal(over.length, 3);
    assert.deepEqual([...over.map((p) => p[0])], [Math.round(linearToSrgb(128 / 255) * 255), Math.round(linearToSrgb(128 / 255) * 255), 0]);
    const premultiplied = floatImage(1, 1, ['R', 'G', 'B', 'A'], [Float32Array.of(0.25), Float32Array.of(0), Float32Array.of(0), Float32Array.of(0.5)]);
    const fromFloat = planes(convertImage(premultiplied, { bitDepth: 8, dropAlpha: true }));
    assert.deepEqual([...fromFloat.map((p) => p[0])], [Math.round(linearToSrgb(0.25) * 255), 0, 0]);
    const half: Image = { ...premultiplied, channels: premultiplied.channels.map((c) => ({ ...c, type: 'half' as const })), pixels: { layout: 'planar', planes: [0.25, 0, 0, 0.5].map((v) => Uint16Array.of(floatToHalf(v))) } };
    assert.deepEqual([...planes(convertImage(half, { bitDepth: 8, dropAlpha: true })).map((p) => p[0])], [Math.round(linearToSrgb(0.25) * 255), 0, 0]);
  });

  it('keeps only the display channels for integer targets, and refuses images without any', async () => {
    const aov = floatImage(1, 1, ['R', 'G', 'B', 'Z'], [Float32Array.of(1), Float32Array.of(1), Float32Array.of(1), Float32Array.of(7)]);
    assert.deepEqual(convertImage(aov, { bitDepth: 8 }).channels.map((c) => c.name), ['R', 'G', 'B']);
    assert.deepEqual(convertImage(aov, { bitDepth: 'half' }).channels.map((c) => c.name), ['R', 'G', 'B', 'Z']);
    await rejectsWithCode(() => convertImage(floatImage(1, 1, ['N.x', 'N.y'], [Float32Array.of(0), Float32Array.of(0)]), { bitDepth: 8 }), ImageErrorCode.IMAGE_UNSUPPORTED, /no R, G, B or Y channels.*N\.x, N\.y/);
  });
});

describe('convertImage: integer to integer', () => {
  it('rescales codes exactly: 8 -> 16 is c * 257, 16 -> 8 rounds c / 257', () => {
    const sixteen = convertImage(ramp8, { bitDepth: 16 });
    assert.deepEqual([...planes(sixteen)[0]!], [...Array(256).keys()].map((c) => c * 257));
    const codes = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const eight = planes(convertImage(integerImage(256, 256, ['Y'], codes), { bitDepth: 8 }))[0]!;
    for (let c = 0; c < 65536; c++) assert.equal(eight[c], Math.round(c / 257), `code ${c}`);
  });

  it('re-encodes through linear light when a colour change is asked', () => {
    const out = convertImage(ramp8, { bitDepth: 8, exposure: 1 });
    const codes = planes(out)[0]!;
    for (const code of [0, 50, 100]) {
      const expected = Math.round(linearToSrgb(Math.min(1, 2 * srgbToLinear(code / 255))) * 255);
      assert.ok(Math.abs(codes[code]! - expected) <= 0, `code ${code}: ${codes[code]} vs ${expected}`);
    }
    assert.equal(codes[255], 255);
  });

  it('float to float converts primaries only when asked, and half stays within one step', () => {
    const rgb = floatImage(1, 1, ['R', 'G', 'B'], [Float32Array.of(1000), Float32Array.of(-0.25), Float32Array.of(0.5)]);
    const half = convertImage(rgb, { bitDepth: 'half' });
    const values = planes(half).map((p) => halfToFloat(p[0]!));
    assert.deepEqual(values, [1000, -0.25, 0.5]);
    const acescg = convertImage(rgb, { colorSpace: 'ACEScg' });
    const expected = createTransform('Linear Rec.709 (sRGB)', 'ACEScg', { exact: true }).color([1000, -0.25, 0.5]);
    planes(acescg).forEach((p, i) => assert.ok(Math.abs(p[0]! - expected[i]!) <= halfUlp(expected[i]!), `channel ${i}`));
    assert.equal(acescg.colorSpace, 'ACEScg');
  });
});
