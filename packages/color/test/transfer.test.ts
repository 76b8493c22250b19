/**
 * Transfer functions against their specifications' constants and published values (each cited),
 * and round trips over every 8- and 16-bit code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACESCCT_CONSTANTS,
  SRGB_CONSTANTS,
  acesccTransfer,
  acescctTransfer,
  bt1886Transfer,
  exposureGain,
  gammaTransfer,
  linearTransfer,
  rec2020Transfer,
  rec709Transfer,
  srgbTransfer,
} from '@vfxkit/color';
import type { TransferFunction } from '@vfxkit/color';
import { assertClose, assertThrowsCode } from './helpers.js';

/** Every code of a bit depth decodes and re-encodes to itself (except codes in `gap`). */
function assertCodesRoundTrip(transfer: TransferFunction, bits: number, gap: readonly [number, number] = [2, 2]): void {
  const max = 2 ** bits - 1;
  for (let code = 0; code <= max; code++) {
    if (code / max >= gap[0] && code / max < gap[1]) continue;
    const linear = transfer.decode(code / max);
    const back = Math.round(transfer.encode(linear) * max);
    if (back !== code) assert.fail(`${transfer.name} ${bits}-bit code ${code} -> ${linear} -> ${back}`);
  }
}

describe('sRGB (IEC 61966-2-1:1999)', () => {
  it('has the specification constants', () => {
    assert.equal(SRGB_CONSTANTS.linearBreak, 0.0031308);
    assert.equal(SRGB_CONSTANTS.encodedBreak, 0.04045);
    assert.equal(SRGB_CONSTANTS.slope, 12.92);
    assert.equal(SRGB_CONSTANTS.scale, 1.055);
    assert.equal(SRGB_CONSTANTS.offset, 0.055);
    assert.equal(SRGB_CONSTANTS.gamma, 2.4);
  });

  it('uses the linear segment up to the breakpoints and the power segment above', () => {
    // 5.3: V = 12.92 L at and below L = 0.0031308
    assert.equal(srgbTransfer.encode(0.0031308), 0.0031308 * 12.92);
    assertClose(srgbTransfer.encode(0.0031308), 0.04045, 1e-6, 'encode at the breakpoint meets 0.04045');
    assertClose(srgbTransfer.encode(0.0031309), 1.055 * 0.0031309 ** (1 / 2.4) - 0.055, 1e-15, 'power segment');
    // 5.2: L = V / 12.92 at and below V = 0.04045
    assert.equal(srgbTransfer.decode(0.04045), 0.04045 / 12.92);
    assertClose(srgbTransfer.decode(0.0405), ((0.0405 + 0.055) / 1.055) ** 2.4, 1e-15, 'power segment');
    assert.equal(srgbTransfer.encode(0), 0);
    assertClose(srgbTransfer.encode(1), 1, 1e-15, 'white');
    assertClose(srgbTransfer.decode(1), 1, 1e-15, 'white');
  });

  it('gives the published values', () => {
    // Linear 0.5 is sRGB 0.735356983 (Wikipedia "sRGB", IEC 61966-2-1 formula).
    assertClose(srgbTransfer.encode(0.5), 0.735356983, 5e-10, 'encode(0.5)');
    // 8-bit code 128 is linear 0.21586050 (the tables of IEC 61966-2-1 implementations, e.g. Lindbloom).
    assertClose(srgbTransfer.decode(128 / 255), 0.2158605, 5e-8, 'decode(128/255)');
    // 18% grey encodes to 0.46135612950044164 (~ code 118 in 8 bits).
    assertClose(srgbTransfer.encode(0.18), 0.4613561295, 1e-10, 'encode(0.18)');
    assert.equal(Math.round(srgbTransfer.encode(0.18) * 255), 118);
  });

  it('continues the linear segment below 0 (as OCIO ExponentWithLinear does)', () => {
    assertClose(srgbTransfer.encode(-0.01), -0.1292, 1e-15, 'negative encode');
    assertClose(srgbTransfer.decode(-0.1292), -0.01, 1e-15, 'negative decode');
  });

  it('round-trips every 8-bit and 16-bit code', () => {
    assertCodesRoundTrip(srgbTransfer, 8);
    assertCodesRoundTrip(srgbTransfer, 16);
  });
});

describe('Rec.709 OETF (ITU-R BT.709-6 item 1.2) and Rec.2020 (BT.2020-2 table 4)', () => {
  it('gives the published values', () => {
    // colour-science oetf_BT709(0.18) = 0.4090077... and eotf_BT1886's example input 0.409007728864150.
    assertClose(rec709Transfer.encode(0.18), 0.40900772886415, 1e-13, 'oetf(0.18)');
    assertClose(rec709Transfer.decode(0.40900772886415), 0.18, 1e-13, 'inverse');
    // The linear segment: V = 4.5 L below L = 0.018.
    assert.equal(rec709Transfer.encode(0.01), 0.045);
    assert.equal(rec709Transfer.encode(0), 0);
    assertClose(rec709Transfer.encode(1), 1, 1e-15, 'white');
  });

  it('BT.2020 constants make the curve continuous', () => {
    const alpha = 1.09929682680944;
    const beta = 0.018053968510807;
    assertClose(4.5 * beta, alpha * beta ** 0.45 - (alpha - 1), 1e-12, 'continuity at beta');
    assertClose(rec2020Transfer.encode(beta), 4.5 * beta, 1e-12, 'value at beta');
  });

  it('round-trips every 8-bit and 16-bit code (BT.709: outside the step its rounded constants leave)', () => {
    // With alpha = 1.099 and beta = 0.018 as BT.709 prints them, the two segments do not meet:
    // 4.5 · 0.018 = 0.081 but 1.099 · 0.018^0.45 - 0.099 = 0.081248. No linear value encodes into
    // [0.081, 0.081248), so the 16 16-bit codes there cannot round-trip; every other code does.
    const top = 1.099 * 0.018 ** 0.45 - 0.099;
    assertClose(top - 0.081, 2.479e-4, 1e-6, 'the step at the break');
    assertCodesRoundTrip(rec709Transfer, 8);
    assertCodesRoundTrip(rec709Transfer, 16, [0.081, top]);
    // BT.2020's precise constants close the step: every code round-trips.
    assertCodesRoundTrip(rec2020Transfer, 8);
    assertCodesRoundTrip(rec2020Transfer, 16);
  });
});

describe('BT.1886 EOTF (ITU-R BT.1886 Annex 1)', () => {
  it('gives the published values (black 0)', () => {
    const eotf = bt1886Transfer();
    // colour-science: eotf_BT1886(0.409007728864150) = 0.1169918..., eotf_inverse_BT1886(0.11699185725296059) = 0.4090077...
    assertClose(eotf.decode(0.40900772886415), 0.11699185725296059, 1e-12, 'eotf');
    assertClose(eotf.encode(0.11699185725296059), 0.40900772886415, 1e-12, 'inverse eotf');
    assertClose(eotf.decode(0.5), 0.5 ** 2.4, 1e-15, 'pure 2.4 power with black 0');
  });

  it('maps V = 0 to black and V = 1 to white with a black luminance', () => {
    // Annex 1: L = a·max(V + b, 0)^2.4, so L(0) = Lb and L(1) = Lw; decode returns L / Lw.
    const eotf = bt1886Transfer({ blackLuminance: 0.1, whiteLuminance: 100 });
    assertClose(eotf.decode(0), 0.1 / 100, 1e-15, 'black');
    assertClose(eotf.decode(1), 1, 1e-14, 'white');
    for (const v of [0, 0.1, 0.5, 0.9, 1]) assertClose(eotf.encode(eotf.decode(v)), v, 1e-12, `round trip ${v}`);
    assert.ok(eotf.decode(0.5) > 0.5 ** 2.4, 'raised blacks lift the mid-tones');
  });

  it('clamps negative light and rejects impossible luminances', () => {
    assert.equal(bt1886Transfer().encode(-0.5), 0);
    assert.equal(bt1886Transfer().decode(-0.5), 0);
    assertThrowsCode(() => bt1886Transfer({ blackLuminance: 100, whiteLuminance: 100 }), 'COLOR_BAD_ARGUMENT');
  });

  it('round-trips every 16-bit code', () => assertCodesRoundTrip(bt1886Transfer(), 16));
});

describe('pure gamma', () => {
  it('is a power with the chosen negative handling', () => {
    const g22 = gammaTransfer(2.2);
    assertClose(g22.decode(0.5), 0.5 ** 2.2, 1e-15, 'decode');
    assertClose(g22.encode(0.5 ** 2.2), 0.5, 1e-15, 'encode');
    assert.equal(g22.encode(-0.25), -0.25, 'pass-through (OCIO ExponentTransform pass_thru)');
    assertClose(gammaTransfer(2, { negative: 'mirror' }).decode(-0.5), -0.25, 1e-15, 'mirror');
    assert.equal(gammaTransfer(2, { negative: 'clamp' }).decode(-0.5), 0);
    assertThrowsCode(() => gammaTransfer(0), 'COLOR_BAD_ARGUMENT');
    assertCodesRoundTrip(gammaTransfer(2.4), 16);
  });
});

describe('ACEScct (Academy S-2016-001)', () => {
  it('has the specification constants', () => {
    assert.equal(ACESCCT_CONSTANTS.X_BRK, 0.0078125);
    assert.equal(ACESCCT_CONSTANTS.Y_BRK, 0.155251141552511);
    assert.equal(ACESCCT_CONSTANTS.A, 10.5402377416545);
    assert.equal(ACESCCT_CONSTANTS.B, 0.0729055341958355);
    // Y_BRK is the log segment at X_BRK; A is its slope there (so the toe joins smoothly).
    assertClose((Math.log2(0.0078125) + 9.72) / 17.52, ACESCCT_CONSTANTS.Y_BRK, 1e-15, 'Y_BRK');
    assertClose(1 / (0.0078125 * Math.LN2 * 17.52), ACESCCT_CONSTANTS.A, 1e-12, 'A');
    assertClose(ACESCCT_CONSTANTS.Y_BRK - ACESCCT_CONSTANTS.A * ACESCCT_CONSTANTS.X_BRK, ACESCCT_CONSTANTS.B, 1e-15, 'B');
  });

  it('gives the specification test points', () => {
    assertClose(acescctTransfer.encode(0.0078125), 0.155251141552511, 1e-15, 'X_BRK');
    assertClose(acescctTransfer.encode(1), 0.5547945205479452, 1e-15, '1.0 = 9.72 / 17.52');
    // colour-science: log_encoding_ACEScct(0.18) = 0.4135884..., log_decoding_ACEScct(0.413588402492442) = 0.1799999...
    assertClose(acescctTransfer.encode(0.18), 0.413588402492442, 1e-14, '18% grey');
    assertClose(acescctTransfer.decode(0.413588402492442), 0.18, 1e-14, 'decode 18% grey');
    // The toe: A·lin + B; ACEScct 0 is linear -B/A = -0.00691693...
    assertClose(acescctTransfer.encode(0), ACESCCT_CONSTANTS.B, 1e-15, 'encode(0) = B');
    assertClose(acescctTransfer.decode(0), -ACESCCT_CONSTANTS.B / ACESCCT_CONSTANTS.A, 1e-15, 'decode(0)');
    // "The ACEScct value of 1.0 corresponds to an ACES value of ~222" (S-2016-001 introduction).
    assertClose(acescctTransfer.decode(1), 2 ** 7.8, 1e-10, 'decode(1) = 2^7.8 = 222.86');
    // Above (log2(65504) + 9.72) / 17.52 the decode saturates at the largest half, 65504.
    assert.equal(acescctTransfer.decode(1.5), 65504);
    assert.ok(Number.isNaN(acescctTransfer.decode(Number.NaN)));
  });

  it('round-trips negative, toe, log and large values', () => {
    for (const x of [-1, -0.01, 0, 1e-6, 0.0078125, 0.0078126, 0.18, 1, 16, 222, 65000]) {
      assertClose(acescctTransfer.decode(acescctTransfer.encode(x)), x, Math.abs(x) * 1e-14 + 1e-16, `round trip ${x}`);
    }
  });
});

describe('ACEScc (Academy S-2014-003)', () => {
  it('gives the specification test points', () => {
    // colour-science: log_encoding_ACEScc(0.18) = 0.4135884...
    assertClose(acesccTransfer.encode(0.18), 0.413588402492442, 1e-14, '18% grey');
    assertClose(acesccTransfer.encode(1), 0.5547945205479452, 1e-15, '1.0');
    // lin <= 0: (log2(2^-16) + 9.72) / 17.52 = -0.3584474886
    assertClose(acesccTransfer.encode(0), -0.3584474885844749, 1e-15, 'encode(0)');
    assertClose(acesccTransfer.encode(-5), -0.3584474885844749, 1e-15, 'negatives floor at the same value');
    // 0 < lin < 2^-15: (log2(2^-16 + lin/2) + 9.72) / 17.52; at 2^-15 both branches give (9.72 - 15) / 17.52.
    assertClose(acesccTransfer.encode(2 ** -15), (9.72 - 15) / 17.52, 1e-15, 'at 2^-15');
    assertClose(acesccTransfer.encode(2 ** -16), (Math.log2(2 ** -16 * 1.5) + 9.72) / 17.52, 1e-15, 'below 2^-15');
    assert.equal(acesccTransfer.decode(1.5), 65504);
  });

  it('round-trips values above 0', () => {
    for (const x of [1e-7, 2 ** -16, 2 ** -15, 0.001, 0.18, 1, 100, 65000]) {
      assertClose(acesccTransfer.decode(acesccTransfer.encode(x)), x, x * 1e-13, `round trip ${x}`);
    }
    // The low-end decode formula (2^(cc·17.52 - 9.72) - 2^-16)·2 returns 0 at the floor.
    assertClose(acesccTransfer.decode(acesccTransfer.encode(0)), 0, 1e-18, 'floor decodes to 0');
  });
});

describe('linear and exposure', () => {
  it('linear is the identity and exposure is 2^stops', () => {
    assert.equal(linearTransfer.encode(0.3), 0.3);
    assert.equal(linearTransfer.decode(-2), -2);
    assert.equal(exposureGain(1), 2);
    assert.equal(exposureGain(-2), 0.25);
    assert.equal(exposureGain(0), 1);
    assertThrowsCode(() => exposureGain(Number.NaN), 'COLOR_BAD_ARGUMENT');
  });
});
