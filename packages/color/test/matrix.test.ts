/**
 * Matrices computed from primaries and white points (SMPTE RP 177) and Bradford adaptation, against
 * the matrices the specifications and reference implementations publish (each cited).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IDENTITY_MATRIX3,
  PRIMARIES,
  WHITE_POINTS,
  chainMatrix3,
  chromaticAdaptationMatrix,
  invertMatrix3,
  matrix3,
  multiplyMatrix3,
  rgbToRgbMatrix,
  rgbToXyzMatrix,
  transformVector3,
  xyToXyz,
  xyzToRgbMatrix,
  xyzToXy,
} from '@vfxkit/color';
import type { Matrix3 } from '@vfxkit/color';
import { assertAllClose, assertThrowsCode } from './helpers.js';

const m = (...rows: number[][]): Matrix3 => matrix3(rows.flat());

describe('RP 177 normalised primary matrices', () => {
  it('sRGB / Rec.709 against IEC 61966-2-1 and the published double-precision matrix', () => {
    const npm = rgbToXyzMatrix(PRIMARIES.REC709, WHITE_POINTS.D65);
    // IEC 61966-2-1:1999 section 5.2 prints the matrix to 4 decimals.
    assertAllClose(npm, m([0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]), 5e-5, 'IEC 61966-2-1');
    // colour-science RGB_COLOURSPACE_BT709.matrix_RGB_to_XYZ (the same primaries and xy white).
    assertAllClose(
      npm,
      m([0.4123908, 0.35758434, 0.18048079], [0.21263901, 0.71516868, 0.07219232], [0.01933082, 0.11919478, 0.95053215]),
      5e-9,
      'colour-science BT.709',
    );
    // The luma coefficients of ITU-R BT.709-6 item 3.2 are its middle row.
    assertAllClose(npm.slice(3, 6), [0.2126, 0.7152, 0.0722], 5e-5, 'BT.709 luma');
    assertAllClose(
      xyzToRgbMatrix(PRIMARIES.REC709, WHITE_POINTS.D65),
      m([3.24096994, -1.53738318, -0.49861076], [-0.96924364, 1.8759675, 0.04155506], [0.05563008, -0.20397696, 1.05697151]),
      5e-8,
      'colour-science BT.709 inverse',
    );
  });

  it("sRGB against Lindbloom's 0.4124564 matrix, made with the white XYZ (0.95047, 1, 1.08883)", () => {
    // Bruce Lindbloom, "RGB/XYZ Matrices" (brucelindbloom.com): sRGB, D65 reference white
    // X = 0.95047, Z = 1.08883. Its white differs from xy (0.3127, 0.3290) in the 5th decimal, hence
    // the separate test.
    const white = xyzToXy([0.95047, 1, 1.08883]);
    assertAllClose(
      rgbToXyzMatrix(PRIMARIES.REC709, white),
      m([0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.072175], [0.0193339, 0.119192, 0.9503041]),
      6e-8,
      'Lindbloom sRGB',
    );
  });

  it('ACES AP0 to XYZ and back against SMPTE ST 2065-1', () => {
    const npm = rgbToXyzMatrix(PRIMARIES.AP0, WHITE_POINTS.ACES);
    assertAllClose(npm, m([0.9525523959, 0, 0.0000936786], [0.3439664498, 0.7281660966, -0.0721325464], [0, 0, 1.0088251844]), 1e-10, 'AP0 to XYZ');
    assertAllClose(
      invertMatrix3(npm),
      m([1.0498110175, 0, -0.0000974845], [-0.4959030231, 1.3733130458, 0.0982400361], [0, 0, 0.9912520182]),
      1e-10,
      'XYZ to AP0',
    );
  });

  it('ACES AP1 to XYZ and back against Academy S-2014-004 (ACEScg)', () => {
    const npm = rgbToXyzMatrix(PRIMARIES.AP1, WHITE_POINTS.ACES);
    assertAllClose(
      npm,
      m([0.6624541811, 0.1340042065, 0.156187687], [0.2722287168, 0.6740817658, 0.0536895174], [-0.0055746495, 0.0040607335, 1.0103391003]),
      1e-10,
      'AP1 to XYZ',
    );
    assertAllClose(
      invertMatrix3(npm),
      m([1.6410233797, -0.3248032942, -0.2364246952], [-0.6636628587, 1.6153315917, 0.0167563477], [0.0117218943, -0.008284442, 0.9883948585]),
      1e-10,
      'XYZ to AP1',
    );
  });

  it('AP0 <-> AP1 against Academy S-2014-004 (same white, no adaptation)', () => {
    assertAllClose(
      rgbToRgbMatrix('ACES2065-1', 'ACEScg'),
      m([1.4514393161, -0.2365107469, -0.2149285693], [-0.0765537734, 1.1762296998, -0.0996759264], [0.0083161484, -0.0060324498, 0.9977163014]),
      1e-10,
      'AP0 to AP1',
    );
    assertAllClose(
      rgbToRgbMatrix('ACEScg', 'ACES2065-1'),
      m([0.6954522414, 0.1406786965, 0.1638690622], [0.0447945634, 0.8596711185, 0.0955343182], [-0.0055258826, 0.0040252103, 1.0015006723]),
      1e-10,
      'AP1 to AP0',
    );
  });

  it('Rec.2020 against ITU-R BT.2020-2 and the published matrix', () => {
    const npm = rgbToXyzMatrix(PRIMARIES.REC2020, WHITE_POINTS.D65);
    assert.deepEqual(PRIMARIES.REC2020, { red: { x: 0.708, y: 0.292 }, green: { x: 0.17, y: 0.797 }, blue: { x: 0.131, y: 0.046 } });
    // BT.2020-2 table 4 derives luma as Y' = 0.2627 R' + 0.6780 G' + 0.0593 B'.
    assertAllClose(npm.slice(3, 6), [0.2627, 0.678, 0.0593], 5e-5, 'BT.2020 luma');
    // colour-science RGB_COLOURSPACE_BT2020.matrix_RGB_to_XYZ.
    assertAllClose(
      npm,
      m([0.636958048, 0.144616904, 0.168880975], [0.262700212, 0.677998072, 0.0593017165], [0, 0.028072693, 1.06098506]),
      5e-9,
      'colour-science BT.2020',
    );
  });

  it('P3-D65 against the published matrix', () => {
    // colour-science RGB_COLOURSPACE_P3_D65.matrix_RGB_to_XYZ (SMPTE EG 432-1 primaries, D65).
    assertAllClose(
      rgbToXyzMatrix(PRIMARIES.P3, WHITE_POINTS.D65),
      m([0.48657095, 0.26566769, 0.19821729], [0.22897456, 0.69173852, 0.07928691], [0, 0.04511338, 1.04394437]),
      5e-9,
      'P3-D65',
    );
  });
});

describe('Bradford chromatic adaptation', () => {
  it('D65 to the ACES white against the published matrix', () => {
    // Unreal Engine's ACES.ush D65_2_D60_CAT (also Google Filament's D65_TO_D60_CAT): linearised
    // Bradford from D65 (0.3127, 0.3290) to the ACES white (0.32168, 0.33767).
    assertAllClose(
      chromaticAdaptationMatrix(WHITE_POINTS.D65, WHITE_POINTS.ACES),
      m([1.01303, 0.00610531, -0.014971], [0.00769823, 0.998165, -0.00503203], [-0.00284131, 0.00468516, 0.924507]),
      5e-6,
      'D65 to D60 CAT',
    );
  });

  it('maps the source white onto the destination white and is the identity for equal whites', () => {
    const cat = chromaticAdaptationMatrix(WHITE_POINTS.ACES, WHITE_POINTS.D65);
    assertAllClose(transformVector3(cat, xyToXyz(WHITE_POINTS.ACES)), xyToXyz(WHITE_POINTS.D65), 1e-12, 'white to white');
    assert.deepEqual(chromaticAdaptationMatrix(WHITE_POINTS.D65, WHITE_POINTS.D65), IDENTITY_MATRIX3);
    assert.deepEqual(chromaticAdaptationMatrix(WHITE_POINTS.D65, WHITE_POINTS.ACES, 'none'), IDENTITY_MATRIX3);
    assertAllClose(
      multiplyMatrix3(cat, chromaticAdaptationMatrix(WHITE_POINTS.D65, WHITE_POINTS.ACES)),
      IDENTITY_MATRIX3,
      1e-12,
      'there and back',
    );
  });
});

describe('rgbToRgbMatrix', () => {
  it('ACEScg to linear Rec.709 (D65, Bradford) against the commonly published matrix', () => {
    // The AP1 -> BT.709 matrix with Bradford adaptation as colour-science computes it
    // (colour.matrix_RGB_to_RGB(RGB_COLOURSPACE_ACESCG, RGB_COLOURSPACE_BT709, 'Bradford')) and as
    // renderers copy it (Google Filament's AP1_TO_BT709_MAT "With Bradford", Unreal's ACES.ush).
    assertAllClose(
      rgbToRgbMatrix('ACEScg', 'lin_srgb'),
      m([1.7050509927, -0.6217921207, -0.083258872], [-0.1302564175, 1.1408047366, -0.0105483191], [-0.0240033568, -0.1289689761, 1.1529723329]),
      1e-9,
      'ACEScg to Rec.709',
    );
    assertAllClose(
      rgbToRgbMatrix('srgb_texture', 'ACES - ACEScg'),
      m([0.6130974024, 0.3395231462, 0.0473794514], [0.0701937225, 0.9163538791, 0.0134523985], [0.0206155929, 0.1095697729, 0.8698146342]),
      1e-9,
      'Rec.709 to ACEScg',
    );
  });

  it('ACES2065-1 to the linear D65 spaces against the OCIO ACES 1.3 CG config', () => {
    // cg-config-v1.0.0_aces-v1.3_ocio-v2.1.ocio (OpenColorIO's built-in ACES CG config): the
    // MatrixTransforms "AP0 to Linear Rec.709 (sRGB)", "AP0 to Linear Rec.2020", "AP0 to Linear P3-D65".
    assertAllClose(
      rgbToRgbMatrix('ACES2065-1', 'Linear Rec.709 (sRGB)'),
      m(
        [2.52168618674388, -1.13413098823972, -0.387555198504164],
        [-0.276479914229922, 1.37271908766826, -0.096239173438334],
        [-0.0153780649660342, -0.152975335867399, 1.16835340083343],
      ),
      1e-12,
      'AP0 to Rec.709',
    );
    assertAllClose(
      rgbToRgbMatrix('ACES2065-1', 'Linear Rec.2020'),
      m(
        [1.49040952054172, -0.26617091926613, -0.224238601275593],
        [-0.0801674998722558, 1.18216712109757, -0.10199962122531],
        [0.00322763119162216, -0.0347764757450576, 1.03154884455344],
      ),
      1e-12,
      'AP0 to Rec.2020',
    );
    assertAllClose(
      rgbToRgbMatrix('ACES2065-1', 'Linear P3-D65'),
      m(
        [2.02490528596679, -0.689069761034766, -0.335835524932019],
        [-0.183597032256178, 1.28950620775902, -0.105909175502841],
        [0.00905856112234766, -0.0592796840575522, 1.0502211229352],
      ),
      1e-12,
      'AP0 to P3-D65',
    );
  });

  it('is the identity between spaces that share primaries and white, and for raw data', () => {
    assert.deepEqual(rgbToRgbMatrix('sRGB', 'lin_srgb'), IDENTITY_MATRIX3);
    assert.deepEqual(rgbToRgbMatrix('Rec.709', 'Rec.1886 Rec.709 - Display'), IDENTITY_MATRIX3);
    assert.deepEqual(rgbToRgbMatrix('ACEScg', 'ACEScct'), IDENTITY_MATRIX3);
    assert.deepEqual(rgbToRgbMatrix('Raw', 'ACEScg'), IDENTITY_MATRIX3);
  });

  it('maps linear Rec.709 to CIE XYZ-D65 by its NPM and white to white across whites', () => {
    assertAllClose(rgbToRgbMatrix('lin_srgb', 'CIE XYZ-D65'), rgbToXyzMatrix(PRIMARIES.REC709, WHITE_POINTS.D65), 1e-15, 'to XYZ');
    // ACES white (1, 1, 1) in ACEScg is D65 white (1, 1, 1) in Rec.709 after Bradford.
    assertAllClose(transformVector3(rgbToRgbMatrix('ACEScg', 'lin_srgb'), [1, 1, 1]), [1, 1, 1], 1e-12, 'white');
    assertAllClose(transformVector3(rgbToRgbMatrix('ACEScg', 'lin_srgb', { adaptation: 'cat02' }), [1, 1, 1]), [1, 1, 1], 1e-12, 'white, CAT02');
    const noAdaptation = transformVector3(rgbToRgbMatrix('ACEScg', 'lin_srgb', { adaptation: 'none' }), [1, 1, 1]);
    assert.ok(Math.abs(noAdaptation[2] - 1) > 0.05, 'without adaptation the ACES white is not neutral in Rec.709');
  });
});

describe('matrix helpers', () => {
  it('multiply, chain and invert', () => {
    const a = m([2, 0, 1], [1, 3, 0], [0, 1, 4]);
    assertAllClose(multiplyMatrix3(a, invertMatrix3(a)), IDENTITY_MATRIX3, 1e-15, 'a · a^-1');
    const b = m([1, 2, 0], [0, 1, 0], [3, 0, 1]);
    // chain(first, second) applies first, then second: second · first.
    assert.deepEqual(chainMatrix3(a, b), multiplyMatrix3(b, a));
    assert.deepEqual(transformVector3(a, [1, 2, 3]), [5, 7, 14]);
    assertThrowsCode(() => invertMatrix3(m([1, 2, 3], [2, 4, 6], [0, 0, 1])), 'COLOR_BAD_ARGUMENT', /singular/);
    assertThrowsCode(() => matrix3([1, 2, 3]), 'COLOR_BAD_ARGUMENT', /9 numbers/);
  });
});
