/**
 * Applying LUTs (1D linear interpolation, 3D tetrahedral and trilinear, domains and clamping) on
 * values worked out by hand, and baking and writing .cube files that read back bit for bit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bakeLut1D,
  bakeLut3D,
  createLut1D,
  createLut3D,
  createLutTransform,
  createTransform,
  formatFloat32,
  identityLut3D,
  parseCube,
  parseSpi1d,
  writeCube,
} from '@vfxkit/color';
import type { Lut1D, Lut3D } from '@vfxkit/color';
import { assertAllClose, assertClose, assertThrowsCode, random } from './helpers.js';

/** A 2^3 LUT whose red output is r·g·b at the corners, green is r, blue is 1 - b. */
function cornerLut(): Lut3D {
  const data = new Float32Array(8 * 3);
  let at = 0;
  for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) data.set([r * g * b, r, 1 - b], (at++) * 3);
  return createLut3D({ size: 2, data });
}

describe('1D LUTs', () => {
  const lut = createLut1D({ size: 3, channels: 3, data: Float32Array.of(0, 10, 0, 1, 20, 4, 4, 30, 16), domainMin: [0, -1, 0], domainMax: [1, 1, 2] });
  const apply = createLutTransform(lut);

  it('interpolates linearly between entries, per channel domain', () => {
    assertAllClose(apply.color([0, -1, 0]), [0, 10, 0], 0, 'first entries');
    assertAllClose(apply.color([0.5, 0, 1]), [1, 20, 4], 0, 'middle entries');
    assertAllClose(apply.color([0.25, 0.5, 1.5]), [0.5, 25, 10], 1e-12, 'halfway');
    assertAllClose(apply.color([1, 1, 2]), [4, 30, 16], 0, 'last entries');
  });

  it('clamps input outside the domain (Adobe cube specification) and maps NaN to the first entry', () => {
    assertAllClose(apply.color([-5, -2, 100]), [0, 10, 16], 0, 'clamped');
    assert.deepEqual(apply.color([Number.NaN, 0, 0]).slice(0, 1), [0]);
  });

  it('a single-channel curve applies to all three channels', () => {
    const curve = createLutTransform(createLut1D({ size: 2, channels: 1, data: Float32Array.of(1, 3) }));
    assertAllClose(curve.color([0, 0.5, 1]), [1, 2, 3], 1e-12, 'one curve');
  });
});

describe('3D LUTs', () => {
  it('tetrahedral interpolation picks the tetrahedron by the order of the fractions', () => {
    const tetrahedral = createLutTransform(cornerLut());
    // (0.25, 0.5, 0.75): fb > fg > fr, the path 000 -> 001 -> 011 -> 111 with weights
    // 1 - fb, fb - fg, fg - fr, fr = 0.25 each. r·g·b is 1 only at 111: 0.25.
    assertAllClose(tetrahedral.color([0.25, 0.5, 0.75]), [0.25, 0.25, 0.25], 1e-12, 'fb > fg > fr');
    // (0.75, 0.5, 0.25): fr > fg > fb, path 000 -> 100 -> 110 -> 111, weights 0.25 each.
    assertAllClose(tetrahedral.color([0.75, 0.5, 0.25]), [0.25, 0.75, 0.75], 1e-12, 'fr > fg > fb');
    // Linear outputs (green = r, blue = 1 - b) come out exact in every tetrahedron.
    const next = random(3);
    for (let i = 0; i < 100; i++) {
      const rgb: [number, number, number] = [next(), next(), next()];
      const out = tetrahedral.color(rgb);
      assertClose(out[1], rgb[0], 1e-12, 'green = r');
      assertClose(out[2], 1 - rgb[2], 1e-12, 'blue = 1 - b');
    }
  });

  it('trilinear interpolation is multilinear', () => {
    const trilinear = createLutTransform(cornerLut(), { interpolation: 'trilinear' });
    assertAllClose(trilinear.color([0.25, 0.5, 0.75]), [0.25 * 0.5 * 0.75, 0.25, 0.25], 1e-12, 'r·g·b');
  });

  it('keeps greys grey with tetrahedral interpolation when the LUT does', () => {
    // A LUT whose diagonal is neutral: any grey input lies on the cell diagonal shared by all six
    // tetrahedra, so only diagonal points contribute.
    const lut = bakeLut3D(createTransform('lin_srgb', 'sRGB'), 9);
    const out = createLutTransform(lut).color([0.3, 0.3, 0.3]);
    assert.equal(out[0], out[1]);
    assert.equal(out[1], out[2]);
  });

  it('maps the domain and clamps outside it', () => {
    const identity = createLutTransform(identityLut3D(5, [-1, 0, 0], [1, 2, 4]));
    assertAllClose(identity.color([-0.3, 1.7, 3.1]), [-0.3, 1.7, 3.1], 1e-7, 'identity inside the domain');
    assertAllClose(identity.color([-9, 9, -1]), [-1, 2, 0], 1e-7, 'clamped to the domain');
  });

  it('reproduces an affine map exactly with either interpolation', () => {
    const affine = createLutTransform({ kind: 'matrix', matrix: [0.9, 0.2, -0.1, 0.05, 1.1, 0, 0.3, -0.2, 0.7], offset: [0.01, -0.02, 0.03] });
    const lut = bakeLut3D(affine, 5);
    const input = Float32Array.from({ length: 300 }, random(11));
    for (const interpolation of ['tetrahedral', 'trilinear'] as const) {
      assertAllClose(createLutTransform(lut, { interpolation })(input, 3), affine(input, 3), 2e-6, interpolation);
    }
  });

  it('checks LUT models', () => {
    assertThrowsCode(() => createLut3D({ size: 3, data: new Float32Array(10) }), 'COLOR_BAD_ARGUMENT', /needs 81 values/);
    assertThrowsCode(() => createLut1D({ size: 2, channels: 3, data: new Float32Array(6), domainMin: [1, 0, 0] }), 'COLOR_BAD_ARGUMENT', /min < max/);
  });
});

describe('baking and writing .cube', () => {
  it('a baked 33^3 sRGB -> ACEScct LUT round-trips through writeCube/parseCube bit for bit', () => {
    const lut = bakeLut3D(createTransform('sRGB', 'ACEScct'), 33);
    const text = writeCube(lut, { title: 'sRGB to ACEScct', comments: ['baked by @vfxkit/color'] });
    assert.match(text, /^# baked by @vfxkit\/color\nTITLE "sRGB to ACEScct"\nLUT_3D_SIZE 33\n/);
    assert.doesNotMatch(text, /DOMAIN_MIN/, 'the default domain is not written');
    const back = parseCube(text);
    assert.equal(back.title, 'sRGB to ACEScct');
    assert.deepEqual(back.comments, ['baked by @vfxkit/color']);
    const step = back.steps[0] as Lut3D;
    assert.equal(step.size, 33);
    assert.deepEqual(step.data, lut.data);
    // Written once more, the text is the same.
    assert.equal(writeCube(back), text);
  });

  it('a baked LUT approximates its transform', () => {
    // 33^3 lattice points, tetrahedral: sampling sRGB -> ACEScct errs by up to about 1.1e-3 in
    // ACEScct (near black, where the log segment bends fastest) over [0, 1]^3.
    const direct = createTransform('sRGB', 'ACEScct');
    const baked = createLutTransform(bakeLut3D(direct, 33));
    const input = Float32Array.from({ length: 3000 }, random(5));
    assertAllClose(baked(input, 3), direct(input, 3), 1.5e-3, 'baked vs direct');
  });

  it('a 1D LUT with a domain writes DOMAIN_MIN/MAX; a shaper and cube write input ranges', () => {
    const shaper = bakeLut1D(createTransform('lin_srgb', 'sRGB'), 1024, { domainMin: [-0.125, -0.125, -0.125], domainMax: [1.125, 1.125, 1.125] });
    const oneD = writeCube(shaper);
    assert.match(oneD, /LUT_1D_SIZE 1024\nDOMAIN_MIN -0.125 -0.125 -0.125\nDOMAIN_MAX 1.125 1.125 1.125\n/);
    assert.deepEqual((parseCube(oneD).steps[0] as Lut1D).data, shaper.data);
    const cube = identityLut3D(3, [0, 0, 0], [4, 4, 4]);
    const both = writeCube([shaper, cube]);
    assert.match(both, /LUT_1D_SIZE 1024\nLUT_1D_INPUT_RANGE -0.125 1.125\nLUT_3D_SIZE 3\nLUT_3D_INPUT_RANGE 0 4\n/);
    const [s, c] = parseCube(both).steps as [Lut1D, Lut3D];
    assert.deepEqual(s.data, shaper.data);
    assert.deepEqual(c.data, cube.data);
    assert.deepEqual(c.domainMax, [4, 4, 4]);
  });

  it('writes a one-channel .spi1d curve as three equal columns', () => {
    const spi = parseSpi1d('Version 1\nFrom 0 1\nLength 2\nComponents 1\n{\n0.25\n0.75\n}\n');
    assert.equal(writeCube(spi), 'LUT_1D_SIZE 2\n\n0.25 0.25 0.25\n0.75 0.75 0.75\n');
  });

  it('refuses what .cube cannot hold', () => {
    assertThrowsCode(() => writeCube({ kind: 'matrix', matrix: [1, 0, 0, 0, 1, 0, 0, 0, 1], offset: [0, 0, 0] }), 'COLOR_BAD_ARGUMENT', /found \[matrix\]/);
    assertThrowsCode(() => writeCube([identityLut3D(2), identityLut3D(2)]), 'COLOR_BAD_ARGUMENT');
  });

  it('formats floats with the fewest digits that read back as the same float32', () => {
    const next = random(17);
    for (let i = 0; i < 10000; i++) {
      const value = Math.fround((next() - 0.5) * 10 ** Math.floor(next() * 12 - 6));
      const text = formatFloat32(value);
      assert.equal(Math.fround(Number(text)), value, `${value} as ${text}`);
      assert.match(text, /^-?\d+(\.\d+)?$|^-?\d(\.\d+)?e[+-]\d+$/, text);
    }
    assert.equal(formatFloat32(0.1), '0.1');
    assert.equal(formatFloat32(1), '1');
    assert.equal(formatFloat32(-0), '0');
  });
});
