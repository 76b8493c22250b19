/**
 * Shared helpers of the @vfxkit/image tests: the real fixtures (../shared/fixtures-real from the
 * repository root, or $VFX_REAL_FIXTURES), reference tools found on PATH, small synthetic images,
 * and the sRGB formula the conversions are checked against.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';
import type { Image } from '@vfxkit/image';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real');
/** Why real-fixture tests are skipped, or false when the fixtures are there. */
export const noFixtures: string | false = existsSync(fixturesRoot) ? false : `real fixtures not found at ${fixturesRoot} (set VFX_REAL_FIXTURES)`;
if (noFixtures) console.log(`# skipping real-file tests: ${noFixtures}`);

export function real(...parts: string[]): string {
  return join(fixturesRoot, ...parts);
}

/** Why tests needing `tool` are skipped, or false when it runs. */
export function missingTool(tool: string, args: string[] = ['--help']): string | false {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error !== undefined) {
    const reason = `${tool} is not installed (Debian: ${tool === 'exiftool' ? 'libimage-exiftool-perl' : tool.startsWith('exr') ? 'openexr' : 'openimageio-tools'})`;
    console.log(`# skipping: ${reason}`);
    return reason;
  }
  return false;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vfx-image-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** IEC 61966-2-1 sRGB decoding, in double precision, from the printed constants. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function linearToSrgb(v: number): number {
  return v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
}

/** An 8- or 16-bit interleaved image. */
export function integerImage(width: number, height: number, names: string[], data: Uint8Array | Uint16Array): Image {
  const type = data instanceof Uint8Array ? 'uint8' : 'uint16';
  const box = { xMin: 0, yMin: 0, xMax: width - 1, yMax: height - 1 };
  return {
    width,
    height,
    dataWindow: box,
    displayWindow: { ...box },
    channels: names.map((name) => ({ name, type })),
    pixels: { layout: 'interleaved', data },
    colorSpace: 'sRGB',
    alpha: 'straight',
    metadata: { tags: {} },
  };
}

/** A float (planar Float32) image. */
export function floatImage(width: number, height: number, names: string[], planes: Float32Array[], colorSpace = 'Linear Rec.709 (sRGB)'): Image {
  const box = { xMin: 0, yMin: 0, xMax: width - 1, yMax: height - 1 };
  return {
    width,
    height,
    dataWindow: box,
    displayWindow: { ...box },
    channels: names.map((name) => ({ name, type: 'float' })),
    pixels: { layout: 'planar', planes },
    colorSpace,
    alpha: 'premultiplied',
    metadata: { tags: {} },
  };
}

/** Asserts that `work` throws (or rejects with) a VfxError with this code, and returns it. */
export async function rejectsWithCode(work: () => unknown, code: string, message?: RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${code}, nothing was thrown`);
  assert.ok(isVfxError(caught), `expected a VfxError, got ${String(caught)}`);
  assert.equal((caught as { code: string }).code, code, (caught as Error).message);
  if (message) assert.match((caught as Error).message, message);
  return caught as Error;
}

/** The size of one half-float step (ULP) at the magnitude of v. */
export function halfUlp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -14) return 2 ** -24;
  return 2 ** (Math.floor(Math.log2(a)) - 10);
}
