/**
 * What colour space a file declares, in @vfxkit/color's names: EXR `chromaticities` (linear light
 * with those primaries and white; none means Rec.709 primaries and D65, OpenEXR's default), an
 * embedded ICC profile's description, or the default of the format (sRGB for display-encoded
 * integer images, linear Rec.709 for float TIFF).
 */
import { COLOR_SPACES, PRIMARIES, WHITE_POINTS, findColorSpace } from '@vfxkit/color';
import type { Chromaticity, ColorSpace, Primaries } from '@vfxkit/color';
import type { ExrChromaticities } from '@vfxkit/exr';

/** OpenEXR's default when a file has no `chromaticities` attribute, and what float images mean
 *  without other information. */
export const LINEAR_REC709 = 'Linear Rec.709 (sRGB)';
/** The default for display-encoded integer images with nothing else said. */
export const SRGB = 'sRGB';

const TOLERANCE = 5e-4;

function near(a: Chromaticity, b: Chromaticity): boolean {
  return Math.abs(a.x - b.x) <= TOLERANCE && Math.abs(a.y - b.y) <= TOLERANCE;
}

function samePrimaries(a: Primaries, b: Primaries): boolean {
  return near(a.red, b.red) && near(a.green, b.green) && near(a.blue, b.blue);
}

/** The linear colour space with these chromaticities, or undefined when none of the registry has them. */
export function colorSpaceForChromaticities(c: ExrChromaticities): string | undefined {
  const primaries: Primaries = { red: { x: c.redX, y: c.redY }, green: { x: c.greenX, y: c.greenY }, blue: { x: c.blueX, y: c.blueY } };
  const white = { x: c.whiteX, y: c.whiteY };
  const found = COLOR_SPACES.find(
    (space) => space.transfer.isLinear && !space.isData && space.primaries !== null && space.whitePoint !== null && samePrimaries(space.primaries, primaries) && near(space.whitePoint, white),
  );
  return found?.name;
}

/** The `chromaticities` attribute for a colour space, or undefined for Rec.709/D65 (the default,
 *  left implicit as OpenImageIO and OpenEXR's own tools do) and for spaces without primaries. */
export function chromaticitiesFor(space: ColorSpace): ExrChromaticities | undefined {
  if (space.primaries === null || space.whitePoint === null) return undefined;
  if (samePrimaries(space.primaries, PRIMARIES.REC709) && near(space.whitePoint, WHITE_POINTS.D65)) return undefined;
  const p = space.primaries;
  return {
    redX: p.red.x,
    redY: p.red.y,
    greenX: p.green.x,
    greenY: p.green.y,
    blueX: p.blue.x,
    blueY: p.blue.y,
    whiteX: space.whitePoint.x,
    whiteY: space.whitePoint.y,
  };
}

/** A registry name for an ICC profile description (`sRGB IEC61966-2.1`, `Display P3`, `Adobe RGB
 *  (1998)`), or undefined. */
export function colorSpaceForIcc(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (/\bsrgb\b/i.test(description)) return SRGB;
  if (/display p3/i.test(description)) return 'Display P3';
  if (/adobe ?rgb/i.test(description)) return 'Gamma 2.2 Encoded AdobeRGB';
  return findColorSpace(description)?.name;
}

/** The linear-light twin of a space (same primaries and white, linear transfer) as a registry name
 *  when there is one: what integer images become when they are linearised. */
export function linearTwinName(space: ColorSpace): string | undefined {
  if (space.transfer.isLinear) return space.name;
  if (space.primaries === null || space.whitePoint === null) return undefined;
  return COLOR_SPACES.find(
    (s) => s.transfer.isLinear && !s.isData && s.primaries !== null && s.whitePoint !== null && samePrimaries(s.primaries, space.primaries!) && near(s.whitePoint, space.whitePoint!),
  )?.name;
}
