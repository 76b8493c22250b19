/**
 * The real Alembic archives in ../shared/fixtures-real/abc (VFX_REAL_FIXTURES): Cortex, OpenUSD
 * and Gaffer test files, HDF5 archives and Alembic's own invalid files, with provenance in
 * SOURCES.md there. They are read in place, never copied into this repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '/work/shared/fixtures-real');
export const abcRoot = join(fixturesRoot, 'abc');

/** false when the real archives are present, otherwise the reason to skip (printed by node:test). */
export const noReal: string | false = existsSync(abcRoot) ? false : `real Alembic fixtures not found at ${abcRoot} (set VFX_REAL_FIXTURES)`;

/** The bytes of `abc/<path>` (only call inside tests skipped with `noReal`). */
export function real(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(abcRoot, path)));
}

export function realText(path: string): string {
  return readFileSync(join(abcRoot, path), 'utf8');
}

/** Every Ogawa archive among the real fixtures (the valid ones). */
export const validArchives = [
  'cortex/animatedCube.abc',
  'cortex/bool.abc',
  'cortex/coloredMesh.abc',
  'cortex/creases.abc',
  'cortex/cube.abc',
  'cortex/curves.abc',
  'cortex/noTopLevelStoredBounds.abc',
  'cortex/points.abc',
  'cortex/rotatingCube.abc',
  'cortex/sphereWithShadingGroups.abc',
  'cortex/subdPlane.abc',
  'cortex/varyingPoints.abc',
  'cortex/velocityCube.abc',
  'cortex/widthTest.abc',
  'gaffer/groupedPlane.abc',
  'openusd/hasColorSet.abc',
  'openusd/indexedTextureCoordinates.abc',
  'openusd/nestedInstancing.abc',
  'openusd/testAbcCamera.abc',
  'openusd/testUsdAbcP_OldEncoding.abc',
  'openusd/testUsdAbcXformPrimCollapsing.abc',
  'openusd/testusdtimecode.abc',
];

/** Runs `work` and returns the VfxError it throws (fails when it does not throw one). */
export function errorOf(work: () => unknown): { code: string; message: string; location: string | undefined; offset: number | undefined; category: string } {
  try {
    work();
  } catch (error) {
    if (isVfxError(error)) return error;
    throw new Error(`expected a VfxError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an error, none was thrown');
}

/** Approximate equality for float arrays. */
export function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (!(Math.abs(Number(actual[i]) - Number(expected[i])) <= tolerance)) return false;
  return true;
}
