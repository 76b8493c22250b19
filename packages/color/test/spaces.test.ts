/**
 * The colour space registry: names and aliases (as the OCIO ACES configs spell them), case and
 * punctuation insensitivity, the error for unknown names, and custom registries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COLOR_SPACES,
  PRIMARIES,
  WHITE_POINTS,
  createColorSpaceRegistry,
  defineColorSpace,
  findColorSpace,
  gammaTransfer,
  getColorSpace,
  normalizeColorSpaceName,
} from '@vfxkit/color';
import { assertThrowsCode } from './helpers.js';

describe('getColorSpace', () => {
  const expectations: [string, string][] = [
    ['ACES - ACEScg', 'ACEScg'],
    ['acescg', 'ACEScg'],
    ['lin_ap1', 'ACEScg'],
    ['ACES - ACES2065-1', 'ACES2065-1'],
    ['aces', 'ACES2065-1'],
    ['lin_ap0', 'ACES2065-1'],
    ['ACES - ACEScct', 'ACEScct'],
    ['acescct_ap1', 'ACEScct'],
    ['ACES - ACEScc', 'ACEScc'],
    ['Utility - Linear - sRGB', 'Linear Rec.709 (sRGB)'],
    ['Utility - Linear - Rec.709', 'Linear Rec.709 (sRGB)'],
    ['lin_srgb', 'Linear Rec.709 (sRGB)'],
    ['lin_rec709', 'Linear Rec.709 (sRGB)'],
    ['linear sRGB', 'Linear Rec.709 (sRGB)'],
    ['LINEAR', 'Linear Rec.709 (sRGB)'],
    ['lin_rec2020', 'Linear Rec.2020'],
    ['Utility - Linear - Rec.2020', 'Linear Rec.2020'],
    ['lin_p3', 'Linear P3-D65'],
    ['lin_p3d65', 'Linear P3-D65'],
    ['Linear Display P3', 'Linear P3-D65'],
    ['srgb_texture', 'sRGB'],
    ['sRGB - Texture', 'sRGB'],
    ['Input - Generic - sRGB - Texture', 'sRGB'],
    ['Utility - sRGB - Texture', 'sRGB'],
    ['srgb_tx', 'sRGB'],
    ['sRGB Encoded Rec.709 (sRGB)', 'sRGB'],
    ['sRGB - Display', 'sRGB'],
    ['SRGB', 'sRGB'],
    ['Rec.709', 'Rec.709'],
    ['rec709', 'Rec.709'],
    ['Utility - Rec.709 - Camera', 'Rec.709'],
    ['Rec.1886 Rec.709 - Display', 'Rec.1886 Rec.709 - Display'],
    ['rec709_display', 'Gamma 2.4 Encoded Rec.709'],
    ['Rec.2020', 'Rec.2020'],
    ['rec2020_display', 'Rec.1886 Rec.2020 - Display'],
    ['Display P3', 'Display P3'],
    ['Display P3 - Display', 'Display P3'],
    ['P3-D65 - Display', 'P3-D65 - Display'],
    ['CIE-XYZ-D65', 'CIE XYZ-D65'],
    ['XYZ D65', 'CIE XYZ-D65'],
    ['cie_xyz_d65_scene', 'CIE XYZ-D65'],
    ['Utility - Raw', 'Raw'],
  ];
  for (const [name, expected] of expectations) {
    it(`finds ${JSON.stringify(name)}`, () => assert.equal(getColorSpace(name).name, expected));
  }

  it('passes a ColorSpace through and finds nothing for unknown names', () => {
    const space = getColorSpace('ACEScg');
    assert.equal(getColorSpace(space), space);
    assert.equal(findColorSpace('not a space'), undefined);
    assert.equal(normalizeColorSpaceName('ACES - ACEScg'), 'acesacescg');
  });

  it('throws COLOR_UNKNOWN_COLOR_SPACE listing the known names', () => {
    assertThrowsCode(() => getColorSpace('Output - sRGB'), 'COLOR_UNKNOWN_COLOR_SPACE', /unknown colour space "Output - sRGB".*known: ACES2065-1, ACEScg, ACEScct, ACEScc, .*sRGB.*Raw/);
    assertThrowsCode(() => getColorSpace('p3d6'), 'COLOR_UNKNOWN_COLOR_SPACE', /did you mean "Linear P3-D65"/);
  });

  it('gives each space its primaries, white and transfer', () => {
    const acescg = getColorSpace('ACEScg');
    assert.equal(acescg.primaries, PRIMARIES.AP1);
    assert.equal(acescg.whitePoint, WHITE_POINTS.ACES);
    assert.equal(acescg.transfer.name, 'linear');
    assert.equal(getColorSpace('ACES2065-1').primaries, PRIMARIES.AP0);
    assert.equal(getColorSpace('ACEScct').transfer.name, 'acescct');
    assert.equal(getColorSpace('ACEScc').transfer.name, 'acescc');
    assert.equal(getColorSpace('sRGB').transfer.name, 'srgb');
    assert.equal(getColorSpace('Rec.709').transfer.name, 'rec709');
    assert.equal(getColorSpace('Rec.2020').transfer.name, 'rec2020');
    assert.equal(getColorSpace('Rec.1886 Rec.709 - Display').transfer.name, 'bt1886');
    assert.equal(getColorSpace('Display P3').primaries, PRIMARIES.P3);
    assert.equal(getColorSpace('Display P3').whitePoint, WHITE_POINTS.D65);
    assert.equal(getColorSpace('Display P3').transfer.name, 'srgb');
    assert.equal(getColorSpace('P3-D65 - Display').transfer.name, 'gamma2.6');
    assert.equal(getColorSpace('Linear Rec.2020').primaries, PRIMARIES.REC2020);
    const xyz = getColorSpace('XYZ');
    assert.equal(xyz.primaries, null);
    assert.deepEqual(xyz.toXyz, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.equal(getColorSpace('Raw').isData, true);
    assert.equal(getColorSpace('Raw').toXyz, null);
  });

  it('has no two spaces claiming one name', () => {
    const seen = new Map<string, string>();
    for (const space of COLOR_SPACES) {
      for (const name of [space.name, ...space.aliases]) {
        const key = normalizeColorSpaceName(name);
        assert.ok(!seen.has(key) || seen.get(key) === space.name, `${name} in ${space.name} and ${seen.get(key)}`);
        seen.set(key, space.name);
      }
    }
  });
});

describe('custom registries', () => {
  it('add spaces and reject name clashes', () => {
    const custom = defineColorSpace({
      name: 'Gamma 2.6 P3-DCI',
      aliases: ['p3dci'],
      primaries: PRIMARIES.P3,
      whitePoint: WHITE_POINTS.DCI,
      transfer: gammaTransfer(2.6),
    });
    const registry = createColorSpaceRegistry([...COLOR_SPACES, custom]);
    assert.equal(registry.get('P3 DCI').name, 'Gamma 2.6 P3-DCI');
    assert.equal(registry.get('acescg').name, 'ACEScg');
    assertThrowsCode(() => createColorSpaceRegistry([...COLOR_SPACES, defineColorSpace({ name: 'lin-srgb', whitePoint: WHITE_POINTS.D65 })]), 'COLOR_BAD_ARGUMENT', /claimed by both/);
  });
});
