/**
 * Transfer functions: the curves between linear light and encoded signal values, each with its
 * encode (linear -> signal) and decode (signal -> linear) direction.
 *
 * Read first, per curve:
 * - sRGB: IEC 61966-2-1:1999 sections 5.2 (signal to linear) and 5.3 (linear to signal).
 * - Rec.709: ITU-R BT.709-6 Part 1 item 1.2, the camera OETF; Rec.2020 uses the same curve with the
 *   more precise constants of ITU-R BT.2020-2 table 4.
 * - BT.1886: ITU-R BT.1886 Annex 1, the reference display EOTF (gamma 2.4 with black and white
 *   luminance).
 * - ACEScc: Academy S-2014-003; ACEScct: Academy S-2016-001.
 *
 * Each curve is defined by its specification over [0, 1] (or the ACES ranges); what happens beyond is
 * documented per curve, following OpenColorIO's ACES configs where the specification is silent.
 */
import { ColorErrorCode, colorError } from './errors.js';

/** x^p for x >= 0 as exp(p · ln x): about twice as fast as Math.pow in V8. ln x is off by at most
 *  an ulp of itself, which exp turns into a relative error of about |p · ln x| ulps: below 1e-13
 *  for any float32 input. 0 gives 0, +Inf gives +Inf, NaN gives NaN. */
function power(x: number, p: number): number {
  return Math.exp(Math.log(x) * p);
}

export interface TransferFunction {
  /** A short name: 'srgb', 'rec709', 'bt1886', 'gamma2.2', 'acescct', 'linear', ... */
  readonly name: string;
  /** Linear light to the encoded signal. */
  encode(linear: number): number;
  /** The encoded signal to linear light. */
  decode(encoded: number): number;
  /** The identity: pipelines skip it. */
  readonly isLinear: boolean;
  /** The encoded values images normally hold: where a pipeline may use a decode lookup table. */
  readonly encodedRange: readonly [number, number];
  /** The linear values where an encode lookup table may be used, or null to always compute. */
  readonly linearRange: readonly [number, number] | null;
  /** Where the curve changes formula (encoded side, linear side); lookup tables compute exactly in
   *  the table intervals that contain one. */
  readonly breakpoints: { readonly encoded: readonly number[]; readonly linear: readonly number[] };
}

export const linearTransfer: TransferFunction = {
  name: 'linear',
  encode: (x) => x,
  decode: (x) => x,
  isLinear: true,
  encodedRange: [0, 1],
  linearRange: [0, 1],
  breakpoints: { encoded: [], linear: [] },
};

/** The constants of IEC 61966-2-1:1999 sections 5.2 and 5.3. */
export const SRGB_CONSTANTS = {
  /** Linear values at or below this use the linear segment. */
  linearBreak: 0.0031308,
  /** Signal values at or below this use the linear segment. */
  encodedBreak: 0.04045,
  slope: 12.92,
  scale: 1.055,
  offset: 0.055,
  gamma: 2.4,
} as const;

/**
 * sRGB (IEC 61966-2-1:1999):
 *   encode: V = 12.92 L                      for L <= 0.0031308
 *           V = 1.055 L^(1/2.4) - 0.055      otherwise
 *   decode: L = V / 12.92                    for V <= 0.04045
 *           L = ((V + 0.055) / 1.055)^2.4    otherwise
 * Negative values continue the linear segment and values above 1 the power segment, as
 * OpenColorIO's ExponentWithLinearTransform (the ACES configs' "sRGB - Texture") does.
 */
export const srgbTransfer: TransferFunction = {
  name: 'srgb',
  encode(linear) {
    return linear <= SRGB_CONSTANTS.linearBreak ? linear * 12.92 : 1.055 * power(linear, 1 / 2.4) - 0.055;
  },
  decode(encoded) {
    return encoded <= SRGB_CONSTANTS.encodedBreak ? encoded / 12.92 : power((encoded + 0.055) / 1.055, 2.4);
  },
  isLinear: false,
  encodedRange: [0, 1],
  linearRange: [0, 1],
  breakpoints: { encoded: [SRGB_CONSTANTS.encodedBreak], linear: [SRGB_CONSTANTS.linearBreak] },
};

/**
 * The BT.709/BT.2020 camera curve with parameters alpha and beta:
 *   encode: V = 4.5 L                          for 0 <= L < beta
 *           V = alpha L^0.45 - (alpha - 1)     for beta <= L <= 1
 * decoded by the exact inverse of each segment, split at 4.5 beta. Negative values continue the
 * linear segment and values above 1 the power segment.
 */
function cameraCurve(name: string, alpha: number, beta: number): TransferFunction {
  const encodedBreak = 4.5 * beta;
  return {
    name,
    encode(linear) {
      return linear < beta ? 4.5 * linear : alpha * power(linear, 0.45) - (alpha - 1);
    },
    decode(encoded) {
      return encoded < encodedBreak ? encoded / 4.5 : power((encoded + (alpha - 1)) / alpha, 1 / 0.45);
    },
    isLinear: false,
    encodedRange: [0, 1],
    linearRange: [0, 1],
    breakpoints: { encoded: [encodedBreak], linear: [beta] },
  };
}

/** ITU-R BT.709-6 Part 1 item 1.2 (alpha = 1.099, beta = 0.018, as printed). The rounded constants
 *  leave a step of 2.5e-4 at the break (4.5 · 0.018 = 0.081 against 1.099 · 0.018^0.45 - 0.099 =
 *  0.081248): decode inverts encode exactly, but no linear value encodes into [0.081, 0.081248), so
 *  signal values there (16 of the 65536 16-bit codes) do not round-trip. */
export const rec709Transfer: TransferFunction = cameraCurve('rec709', 1.099, 0.018);

/** ITU-R BT.2020-2 table 4: alpha = 1.09929682680944 and beta = 0.018053968510807, the values that
 *  make the curve continuous (BT.2020 allows 1.099 and 0.018 for 10-bit systems). */
export const rec2020Transfer: TransferFunction = cameraCurve('rec2020', 1.09929682680944, 0.018053968510807);

/** How a pure power curve treats negative values. */
export type NegativeStyle = 'passThrough' | 'mirror' | 'clamp';

/**
 * A pure power curve: decode L = V^gamma, encode V = L^(1/gamma). Negative values are passed
 * through unchanged by default (OpenColorIO's ExponentTransform `pass_thru` style, which the ACES
 * configs use for their "Gamma 2.2 Encoded Rec.709" spaces), mirrored (sign(x)·|x|^g) or clamped
 * to 0.
 */
export function gammaTransfer(gamma: number, options: { negative?: NegativeStyle } = {}): TransferFunction {
  if (!Number.isFinite(gamma) || gamma <= 0) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `a gamma must be a positive number, found ${gamma}`);
  }
  const negative = options.negative ?? 'passThrough';
  const inverse = 1 / gamma;
  const signedPower = (x: number, exponent: number): number => {
    if (x >= 0) return power(x, exponent);
    if (negative === 'passThrough') return x;
    if (negative === 'mirror') return -power(-x, exponent);
    return x < 0 ? 0 : x; // clamp (NaN stays NaN)
  };
  return {
    name: `gamma${gamma}`,
    encode: (linear) => signedPower(linear, inverse),
    decode: (encoded) => signedPower(encoded, gamma),
    isLinear: false,
    encodedRange: [0, 1],
    linearRange: [0, 1],
    breakpoints: { encoded: [0], linear: [0] },
  };
}

export interface Bt1886Options {
  /** The exponent, 2.4 in BT.1886. */
  gamma?: number;
  /** Screen luminance for black, cd/m² (L_B; default 0). */
  blackLuminance?: number;
  /** Screen luminance for white, cd/m² (L_W; default 100). */
  whiteLuminance?: number;
}

/**
 * The ITU-R BT.1886 Annex 1 reference EOTF:
 *   L = a · max(V + b, 0)^gamma
 *   a = (Lw^(1/gamma) - Lb^(1/gamma))^gamma,   b = Lb^(1/gamma) / (Lw^(1/gamma) - Lb^(1/gamma))
 * `decode` returns L / Lw, so white is 1 whatever Lw is, and black is Lb / Lw (0 with the default
 * Lb = 0, when the curve is a pure 2.4 power). `encode` is its inverse, V = (L · Lw / a)^(1/gamma) - b,
 * with negative light clamped to 0 as the max() in the EOTF implies (the ACES configs' "Rec.1886
 * Rec.709 - Display" clamps negatives too).
 */
export function bt1886Transfer(options: Bt1886Options = {}): TransferFunction {
  const gamma = options.gamma ?? 2.4;
  const black = options.blackLuminance ?? 0;
  const white = options.whiteLuminance ?? 100;
  if (!(gamma > 0) || !(black >= 0) || !(white > black) || !Number.isFinite(white) || !Number.isFinite(gamma)) {
    throw colorError(
      ColorErrorCode.COLOR_BAD_ARGUMENT,
      `BT.1886 needs gamma > 0 and 0 <= black luminance < white luminance, found gamma ${gamma}, black ${black}, white ${white}`,
    );
  }
  const inverse = 1 / gamma;
  const span = Math.pow(white, inverse) - Math.pow(black, inverse);
  const a = Math.pow(span, gamma);
  const b = Math.pow(black, inverse) / span;
  const isDefault = gamma === 2.4 && black === 0 && white === 100;
  return {
    name: isDefault ? 'bt1886' : `bt1886(gamma ${gamma}, black ${black}, white ${white})`,
    encode(linear) {
      return power(((linear > 0 ? linear : linear === linear ? 0 : linear) * white) / a, inverse) - b;
    },
    decode(encoded) {
      const base = encoded + b;
      return (a * power(base > 0 ? base : base === base ? 0 : base, gamma)) / white;
    },
    isLinear: false,
    encodedRange: [0, 1],
    linearRange: [0, 1],
    breakpoints: { encoded: [-b], linear: [black / white] },
  };
}

/** The constants of Academy S-2016-001 (ACEScct), as printed there. */
export const ACESCCT_CONSTANTS = {
  /** The linear break point, 2^-7. */
  X_BRK: 0.0078125,
  /** The ACEScct value at the break point: (log2(X_BRK) + 9.72) / 17.52. */
  Y_BRK: 0.155251141552511,
  /** Slope of the linear toe, the derivative of the log segment at X_BRK. */
  A: 10.5402377416545,
  /** Offset of the linear toe. */
  B: 0.0729055341958355,
} as const;

/** The ACEScc/ACEScct value above which decoding saturates at the largest half float, 65504:
 *  (log2(65504) + 9.72) / 17.52. */
const ACES_LOG_MAX = (Math.log2(65504) + 9.72) / 17.52;

/**
 * ACEScct (Academy S-2016-001), on AP1 linear values:
 *   encode: A · lin + B                           for lin <= X_BRK
 *           (log2(lin) + 9.72) / 17.52            for lin > X_BRK
 *   decode: (cct - B) / A                         for cct <= Y_BRK
 *           2^(cct · 17.52 - 9.72)                for Y_BRK < cct < (log2(65504) + 9.72) / 17.52
 *           65504                                 above
 * The linear toe covers negative values too, so ACEScct round-trips every finite value up to 65504.
 */
export const acescctTransfer: TransferFunction = {
  name: 'acescct',
  encode(linear) {
    return linear <= ACESCCT_CONSTANTS.X_BRK
      ? ACESCCT_CONSTANTS.A * linear + ACESCCT_CONSTANTS.B
      : (Math.log2(linear) + 9.72) / 17.52;
  },
  decode(encoded) {
    if (encoded <= ACESCCT_CONSTANTS.Y_BRK) return (encoded - ACESCCT_CONSTANTS.B) / ACESCCT_CONSTANTS.A;
    if (encoded < ACES_LOG_MAX) return Math.exp((encoded * 17.52 - 9.72) * Math.LN2);
    return encoded === encoded ? 65504 : encoded;
  },
  isLinear: false,
  encodedRange: [0, ACES_LOG_MAX],
  linearRange: [0, 1],
  breakpoints: { encoded: [ACESCCT_CONSTANTS.Y_BRK], linear: [ACESCCT_CONSTANTS.X_BRK] },
};

/** 2^-16 and 2^-15, the ACEScc low-end constants. */
const TWO_POW_MINUS_16 = 1 / 65536;
const TWO_POW_MINUS_15 = 1 / 32768;
/** The ACEScc value of linear 2^-15, where the decode formula changes: (9.72 - 15) / 17.52. */
const ACESCC_LOW_BREAK = (9.72 - 15) / 17.52;

/**
 * ACEScc (Academy S-2014-003), on AP1 linear values:
 *   encode: (log2(2^-16) + 9.72) / 17.52               for lin <= 0      (= -0.3584474886)
 *           (log2(2^-16 + lin · 0.5) + 9.72) / 17.52   for 0 < lin < 2^-15
 *           (log2(lin) + 9.72) / 17.52                 for lin >= 2^-15
 *   decode: (2^(cc · 17.52 - 9.72) - 2^-16) · 2        for cc <= (9.72 - 15) / 17.52
 *           2^(cc · 17.52 - 9.72)                      for cc < (log2(65504) + 9.72) / 17.52
 *           65504                                      above
 * Every linear value at or below 0 encodes to the same -0.3584474886 (the specification's floor),
 * so negative values do not round-trip; use ACEScct where they must.
 */
export const acesccTransfer: TransferFunction = {
  name: 'acescc',
  encode(linear) {
    if (linear <= 0) return (-16 + 9.72) / 17.52;
    if (linear < TWO_POW_MINUS_15) return (Math.log2(TWO_POW_MINUS_16 + linear * 0.5) + 9.72) / 17.52;
    return (Math.log2(linear) + 9.72) / 17.52;
  },
  decode(encoded) {
    if (encoded <= ACESCC_LOW_BREAK) return (Math.exp((encoded * 17.52 - 9.72) * Math.LN2) - TWO_POW_MINUS_16) * 2;
    if (encoded < ACES_LOG_MAX) return Math.exp((encoded * 17.52 - 9.72) * Math.LN2);
    return encoded === encoded ? 65504 : encoded;
  },
  isLinear: false,
  encodedRange: [(-16 + 9.72) / 17.52, ACES_LOG_MAX],
  linearRange: null,
  breakpoints: { encoded: [ACESCC_LOW_BREAK], linear: [0, TWO_POW_MINUS_15] },
};

/** The named transfer functions (the parameterised ones at their defaults). */
export const TRANSFER_FUNCTIONS = {
  linear: linearTransfer,
  srgb: srgbTransfer,
  rec709: rec709Transfer,
  rec2020: rec2020Transfer,
  bt1886: bt1886Transfer(),
  acescct: acescctTransfer,
  acescc: acesccTransfer,
} as const;

/** Stops to a linear gain: +1 stop doubles the light, -1 halves it. */
export function exposureGain(stops: number): number {
  if (!Number.isFinite(stops)) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `exposure must be a finite number of stops, found ${stops}`);
  }
  return Math.pow(2, stops);
}
