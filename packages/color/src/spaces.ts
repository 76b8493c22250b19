/**
 * Colour spaces by name: primaries, white point and transfer function, and the registry that finds
 * them by their names and aliases.
 *
 * The names and aliases follow the OpenColorIO ACES configs (OpenColorIO-Config-ACES "CG" and
 * "Studio" configs v1 to v4, the ones OCIO ships built in), plus the older ACES 1.0.3 config names
 * ("Utility - Linear - sRGB") and a few short forms other tools use ("linear", "rec709"). Lookup
 * ignores case and every character that is not a letter or a digit, so 'ACES - ACEScg', 'acescg'
 * and 'ACEScg' are the same name.
 */
import { PRIMARIES, WHITE_POINTS, rgbToXyzMatrix } from './chromaticity.js';
import type { Chromaticity, Primaries } from './chromaticity.js';
import { ColorErrorCode, colorError } from './errors.js';
import { IDENTITY_MATRIX3, invertMatrix3 } from './matrix.js';
import type { Matrix3 } from './matrix.js';
import {
  acesccTransfer,
  acescctTransfer,
  bt1886Transfer,
  gammaTransfer,
  linearTransfer,
  rec2020Transfer,
  rec709Transfer,
  srgbTransfer,
} from './transfer.js';
import type { TransferFunction } from './transfer.js';

/** What the encoded values of a space mean, in the vocabulary of OCIO v2's `encoding` attribute. */
export type ColorEncoding = 'scene-linear' | 'display-linear' | 'log' | 'sdr-video' | 'data';

export interface ColorSpace {
  /** The canonical name. */
  readonly name: string;
  /** Other names the registry accepts for it. */
  readonly aliases: readonly string[];
  readonly description: string;
  readonly encoding: ColorEncoding;
  /** The RGB primaries, or null for CIE XYZ (whose "RGB" is XYZ itself) and for raw data. */
  readonly primaries: Primaries | null;
  /** The white point the values are relative to (null only for raw data). */
  readonly whitePoint: Chromaticity | null;
  readonly transfer: TransferFunction;
  /** Linear RGB to CIE XYZ (RP 177), the identity for XYZ, null for raw data. */
  readonly toXyz: Matrix3 | null;
  /** CIE XYZ to linear RGB, the inverse of `toXyz`. */
  readonly fromXyz: Matrix3 | null;
  /** Raw data (normals, IDs, masks): conversions to and from it do nothing. */
  readonly isData: boolean;
}

export interface ColorSpaceInit {
  name: string;
  aliases?: readonly string[];
  description?: string;
  encoding?: ColorEncoding;
  /** RGB primaries; omit (with a white point) for CIE XYZ, omit both for raw data. */
  primaries?: Primaries;
  whitePoint?: Chromaticity;
  transfer?: TransferFunction;
}

/** A colour space from its primaries, white point and transfer function (linear by default). */
export function defineColorSpace(init: ColorSpaceInit): ColorSpace {
  const transfer = init.transfer ?? linearTransfer;
  const isData = init.whitePoint === undefined;
  if (isData && init.primaries !== undefined) {
    throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `colour space "${init.name}" has primaries but no white point`);
  }
  const toXyz = isData ? null : init.primaries === undefined ? IDENTITY_MATRIX3 : rgbToXyzMatrix(init.primaries, init.whitePoint!);
  return {
    name: init.name,
    aliases: init.aliases ?? [],
    description: init.description ?? '',
    encoding: init.encoding ?? (isData ? 'data' : transfer.isLinear ? 'scene-linear' : 'sdr-video'),
    primaries: init.primaries ?? null,
    whitePoint: init.whitePoint ?? null,
    transfer,
    toXyz,
    fromXyz: toXyz === null ? null : invertMatrix3(toXyz),
    isData,
  };
}

const D65 = WHITE_POINTS.D65;
const ACES_WHITE = WHITE_POINTS.ACES;

/** The built-in colour spaces. */
export const COLOR_SPACES: readonly ColorSpace[] = [
  defineColorSpace({
    name: 'ACES2065-1',
    aliases: ['aces2065_1', 'aces', 'ACES - ACES2065-1', 'lin_ap0', 'lin_ap0_scene', 'AP0'],
    description: 'The ACES interchange encoding: linear AP0 primaries, ACES white (SMPTE ST 2065-1).',
    primaries: PRIMARIES.AP0,
    whitePoint: ACES_WHITE,
  }),
  defineColorSpace({
    name: 'ACEScg',
    aliases: ['ACES - ACEScg', 'lin_ap1', 'lin_ap1_scene', 'AP1'],
    description: 'The ACES working space for CG rendering and compositing: linear AP1 primaries (Academy S-2014-004).',
    primaries: PRIMARIES.AP1,
    whitePoint: ACES_WHITE,
  }),
  defineColorSpace({
    name: 'ACEScct',
    aliases: ['ACES - ACEScct', 'acescct_ap1', 'acescct_ap1_scene'],
    description: 'ACES log encoding with a linear toe for grading, AP1 primaries (Academy S-2016-001).',
    encoding: 'log',
    primaries: PRIMARIES.AP1,
    whitePoint: ACES_WHITE,
    transfer: acescctTransfer,
  }),
  defineColorSpace({
    name: 'ACEScc',
    aliases: ['ACES - ACEScc', 'acescc_ap1', 'acescc_ap1_scene'],
    description: 'ACES pure log encoding for grading, AP1 primaries (Academy S-2014-003).',
    encoding: 'log',
    primaries: PRIMARIES.AP1,
    whitePoint: ACES_WHITE,
    transfer: acesccTransfer,
  }),
  defineColorSpace({
    name: 'Linear Rec.709 (sRGB)',
    aliases: [
      'lin_rec709_srgb',
      'lin_rec709',
      'lin_rec709_scene',
      'lin_srgb',
      'Linear Rec.709',
      'Linear sRGB',
      'Utility - Linear - sRGB',
      'Utility - Linear - Rec.709',
      'linear',
    ],
    description: 'Linear light with Rec.709/sRGB primaries and D65 white ("linear" in OIIO and most renderers).',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
  }),
  defineColorSpace({
    name: 'Linear Rec.2020',
    aliases: ['lin_rec2020', 'lin_rec2020_scene', 'Utility - Linear - Rec.2020'],
    description: 'Linear light with Rec.2020 primaries and D65 white.',
    primaries: PRIMARIES.REC2020,
    whitePoint: D65,
  }),
  defineColorSpace({
    name: 'Linear P3-D65',
    aliases: ['lin_p3d65', 'lin_p3d65_scene', 'lin_p3', 'lin_displayp3', 'Linear Display P3', 'Utility - Linear - P3-D65'],
    description: 'Linear light with P3 primaries and D65 white.',
    primaries: PRIMARIES.P3,
    whitePoint: D65,
  }),
  defineColorSpace({
    name: 'Linear AdobeRGB',
    aliases: ['lin_adobergb', 'lin_adobergb_scene', 'Utility - Linear - Adobe RGB'],
    description: 'Linear light with Adobe RGB (1998) primaries and D65 white.',
    primaries: PRIMARIES.ADOBE_RGB,
    whitePoint: D65,
  }),
  defineColorSpace({
    name: 'CIE XYZ-D65',
    aliases: [
      'CIE XYZ-D65 - Scene-referred',
      'CIE XYZ-D65 - Display-referred',
      'cie_xyz_d65',
      'cie_xyz_d65_scene',
      'cie_xyz_d65_display',
      'lin_ciexyzd65_scene',
      'lin_ciexyzd65_display',
      'CIE-XYZ-D65',
      'XYZ D65',
      'xyz_d65',
      'XYZ',
    ],
    description: 'CIE 1931 XYZ tristimulus values with D65 as the adopted white (no adaptation to equal energy).',
    whitePoint: D65,
  }),
  defineColorSpace({
    name: 'sRGB',
    aliases: [
      'sRGB Encoded Rec.709 (sRGB)',
      'srgb_encoded_rec709_srgb',
      'sRGB - Texture',
      'srgb_texture',
      'srgb_tx',
      'srgb_rec709_scene',
      'Utility - sRGB - Texture',
      'Input - Generic - sRGB - Texture',
      'sRGB - Display',
      'srgb_display',
      'srgb_rec709_display',
    ],
    description: 'IEC 61966-2-1 sRGB: Rec.709 primaries, D65 white, the sRGB piecewise curve.',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: srgbTransfer,
  }),
  defineColorSpace({
    name: 'Rec.709',
    aliases: ['Camera Rec.709', 'camera_rec709', 'rec709_camera', 'Utility - Rec.709 - Camera', 'bt709'],
    description: 'Rec.709 primaries with the BT.709 camera OETF (what OIIO and Nuke call "rec709").',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: rec709Transfer,
  }),
  defineColorSpace({
    name: 'Rec.1886 Rec.709 - Display',
    aliases: ['rec1886_rec709_display', 'g24_rec709_display', 'bt1886'],
    description: 'A Rec.709 display: BT.1886 EOTF (gamma 2.4, black 0), negatives clamped.',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: bt1886Transfer(),
  }),
  defineColorSpace({
    name: 'Gamma 2.4 Encoded Rec.709',
    aliases: ['g24_encoded_rec709', 'g24_rec709', 'g24_rec709_tx', 'Gamma 2.4 Rec.709 - Texture', 'rec709_display', 'Utility - Rec.709 - Display'],
    description: 'Rec.709 primaries with a pure 2.4 power, negatives passed through.',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: gammaTransfer(2.4),
  }),
  defineColorSpace({
    name: 'Gamma 2.2 Encoded Rec.709',
    aliases: ['g22_encoded_rec709', 'g22_rec709', 'g22_rec709_tx', 'g22_rec709_scene', 'Gamma 2.2 Rec.709 - Texture', 'Utility - Gamma 2.2 - Rec.709 - Texture'],
    description: 'Rec.709 primaries with a pure 2.2 power, negatives passed through.',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: gammaTransfer(2.2),
  }),
  defineColorSpace({
    name: 'Gamma 1.8 Encoded Rec.709',
    aliases: ['g18_encoded_rec709', 'g18_rec709', 'g18_rec709_tx', 'g18_rec709_scene', 'Gamma 1.8 Rec.709 - Texture', 'Utility - Gamma 1.8 - Rec.709 - Texture'],
    description: 'Rec.709 primaries with a pure 1.8 power, negatives passed through.',
    primaries: PRIMARIES.REC709,
    whitePoint: D65,
    transfer: gammaTransfer(1.8),
  }),
  defineColorSpace({
    name: 'Rec.2020',
    aliases: ['Camera Rec.2020', 'camera_rec2020', 'bt2020'],
    description: 'Rec.2020 primaries with the BT.2020 camera OETF (its precise constants).',
    primaries: PRIMARIES.REC2020,
    whitePoint: D65,
    transfer: rec2020Transfer,
  }),
  defineColorSpace({
    name: 'Rec.1886 Rec.2020 - Display',
    aliases: ['rec1886_rec2020_display', 'rec2020_display', 'Rec.2020 - Display'],
    description: 'A Rec.2020 SDR display: BT.1886 EOTF (gamma 2.4, black 0), negatives clamped.',
    primaries: PRIMARIES.REC2020,
    whitePoint: D65,
    transfer: bt1886Transfer(),
  }),
  defineColorSpace({
    name: 'Display P3',
    aliases: [
      'Display P3 - Display',
      'displayp3_display',
      'srgb_p3d65_display',
      'sRGB Encoded P3-D65',
      'sRGB Encoded P3-D65 - Texture',
      'srgb_encoded_p3d65',
      'srgb_encoded_p3d65_tx',
      'srgb_p3d65',
      'srgb_p3d65_scene',
      'srgb_displayp3',
      'displayp3',
    ],
    description: "Apple's Display P3: P3 primaries, D65 white, the sRGB curve.",
    primaries: PRIMARIES.P3,
    whitePoint: D65,
    transfer: srgbTransfer,
  }),
  defineColorSpace({
    name: 'P3-D65 - Display',
    aliases: ['p3d65_display', 'g26_p3d65_display'],
    description: 'A P3-D65 display (SMPTE EG 432-1): P3 primaries, D65 white, gamma 2.6, negatives clamped.',
    primaries: PRIMARIES.P3,
    whitePoint: D65,
    transfer: gammaTransfer(2.6, { negative: 'clamp' }),
  }),
  defineColorSpace({
    name: 'sRGB Encoded AP1',
    aliases: ['srgb_encoded_ap1', 'srgb_ap1', 'srgb_ap1_scene', 'srgb_encoded_ap1_tx', 'sRGB Encoded AP1 - Texture'],
    description: 'AP1 primaries, ACES white, the sRGB curve.',
    primaries: PRIMARIES.AP1,
    whitePoint: ACES_WHITE,
    transfer: srgbTransfer,
  }),
  defineColorSpace({
    name: 'Gamma 2.2 Encoded AP1',
    aliases: ['g22_encoded_ap1', 'g22_ap1', 'g22_ap1_tx', 'g22_ap1_scene', 'Gamma 2.2 AP1 - Texture'],
    description: 'AP1 primaries, ACES white, a pure 2.2 power.',
    primaries: PRIMARIES.AP1,
    whitePoint: ACES_WHITE,
    transfer: gammaTransfer(2.2),
  }),
  defineColorSpace({
    name: 'Gamma 2.2 Encoded AdobeRGB',
    aliases: ['g22_encoded_adobergb', 'adobergb', 'g22_adobergb_scene', 'Adobe RGB (1998)'],
    description: 'Adobe RGB (1998): its primaries, D65 white, gamma 563/256 = 2.19921875.',
    primaries: PRIMARIES.ADOBE_RGB,
    whitePoint: D65,
    transfer: gammaTransfer(563 / 256),
  }),
  defineColorSpace({
    name: 'Raw',
    aliases: ['Utility - Raw', 'none', 'data', 'non-color'],
    description: 'Data that is not colour (normals, IDs, masks): conversions leave it alone.',
  }),
];

/** The registry key of a name: lower case, letters and digits only. */
export function normalizeColorSpaceName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface ColorSpaceRegistry {
  /** The space with this name or alias; throws COLOR_UNKNOWN_COLOR_SPACE listing the known names. */
  get(name: string | ColorSpace): ColorSpace;
  /** The space with this name or alias, or undefined. */
  find(name: string): ColorSpace | undefined;
  /** Every space, in registration order. */
  readonly spaces: readonly ColorSpace[];
}

/** A registry over the given spaces (the built-in ones plus your own, say). Throws when two spaces
 *  claim the same name. */
export function createColorSpaceRegistry(spaces: readonly ColorSpace[]): ColorSpaceRegistry {
  const byKey = new Map<string, ColorSpace>();
  for (const space of spaces) {
    for (const name of [space.name, ...space.aliases]) {
      const key = normalizeColorSpaceName(name);
      const previous = byKey.get(key);
      if (previous !== undefined && previous !== space) {
        throw colorError(ColorErrorCode.COLOR_BAD_ARGUMENT, `the name "${name}" is claimed by both "${previous.name}" and "${space.name}"`);
      }
      byKey.set(key, space);
    }
  }
  const list = [...spaces];
  const find = (name: string): ColorSpace | undefined => byKey.get(normalizeColorSpaceName(name));
  return {
    spaces: list,
    find,
    get(name) {
      if (typeof name !== 'string') return name;
      const found = find(name);
      if (found !== undefined) return found;
      const key = normalizeColorSpaceName(name);
      const near =
        key.length >= 3
          ? list.find((space) => [space.name, ...space.aliases].some((alias) => normalizeColorSpaceName(alias).includes(key)))
          : undefined;
      throw colorError(
        ColorErrorCode.COLOR_UNKNOWN_COLOR_SPACE,
        `unknown colour space "${name}"${near !== undefined ? ` (did you mean "${near.name}"?)` : ''}; known: ` +
          `${list.map((space) => space.name).join(', ')} (or an alias such as 'lin_srgb', 'srgb_texture', 'ACES - ACEScg'; ` +
          'case and punctuation are ignored)',
      );
    },
  };
}

const defaultRegistry = createColorSpaceRegistry(COLOR_SPACES);

/** A built-in colour space by name or alias, case- and punctuation-insensitive
 *  ('ACES - ACEScg', 'Utility - Linear - sRGB', 'lin_srgb', 'srgb_texture', ...). A ColorSpace
 *  passes through. Throws COLOR_UNKNOWN_COLOR_SPACE listing the known names. */
export function getColorSpace(name: string | ColorSpace): ColorSpace {
  return defaultRegistry.get(name);
}

/** A built-in colour space by name or alias, or undefined. */
export function findColorSpace(name: string): ColorSpace | undefined {
  return defaultRegistry.find(name);
}
