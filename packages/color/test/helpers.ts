/**
 * Shared test helpers: where the real OCIO fixtures are, a deterministic sample set, closeness
 * assertions, and a bridge to OpenColorIO (Debian's python3-pyopencolorio, run with /usr/bin/python3)
 * so tests can compare with the reference implementation at test time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '/work/shared/fixtures-real');
export const ocioFixtures = join(fixturesRoot, 'ocio');
/** Why real-fixture tests are skipped, or false when the fixtures are there. */
export const noFixtures: string | false = existsSync(ocioFixtures) ? false : `real fixtures not found at ${ocioFixtures} (set VFX_REAL_FIXTURES)`;

export const LUT_EXTENSIONS = ['.cube', '.spi1d', '.spi3d', '.spimtx'];

/** Every LUT file we read under fixtures-real/ocio, relative to that folder, sorted. */
export function listLutFixtures(): string[] {
  if (noFixtures) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (LUT_EXTENSIONS.some((extension) => name.toLowerCase().endsWith(extension))) out.push(relative(ocioFixtures, path));
    }
  };
  walk(ocioFixtures);
  return out;
}

/** A deterministic pseudo-random generator (LCG), so sample sets are the same on every run. */
export function random(seed = 12345): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Sample colours: a grid over [0, 1], values outside the domain, and random colours in
 *  [low, high]; flat RGB triples. */
export function sampleColors(count = 200, low = -0.2, high = 1.3): Float32Array {
  const values: number[] = [];
  const steps = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
  for (const r of steps) for (const g of [0, 0.5, 1]) for (const b of [0, 0.33, 1]) values.push(r, g, b);
  values.push(-0.5, 0.5, 2, 1.5, -1, 0.2, 0.18, 0.18, 0.18, 1e-4, 1e-3, 1e-2);
  const next = random(42);
  for (let i = 0; i < count * 3; i++) values.push(low + (high - low) * next());
  return Float32Array.from(values);
}

export function assertClose(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tolerance})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    if (!(error <= worst)) {
      worst = error;
      worstAt = i;
    }
  }
  assert.ok(worst <= tolerance, `${what}: element ${worstAt} is ${actual[worstAt]}, expected ${expected[worstAt]} (error ${worst} > ${tolerance})`);
}

/** Runs `work` and checks it throws a VfxError with `code` whose message matches `message`. */
export function assertThrowsCode(work: () => unknown, code: string, message?: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(isVfxError(error), `expected a VfxError, got ${String(error)}`);
    assert.equal(error.code, code, `code of "${error.message}"`);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// OpenColorIO, through Debian's python3-pyopencolorio.

const PYTHON = '/usr/bin/python3';

/** Why OCIO comparisons are skipped, or false when PyOpenColorIO imports. */
export const noOcio: string | false = (() => {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (install Debian's python3 and python3-pyopencolorio)`;
  const result = spawnSync(PYTHON, ['-c', 'import PyOpenColorIO as o; print(o.__version__)'], { encoding: 'utf8' });
  if (result.status !== 0) return `PyOpenColorIO does not import with ${PYTHON} (apt-get install python3-pyopencolorio)`;
  return false;
})();

export const ocioVersion: string = noOcio
  ? ''
  : spawnSync(PYTHON, ['-c', 'import PyOpenColorIO as o; print(o.__version__)'], { encoding: 'utf8' }).stdout.trim();

/** One thing for OCIO to apply to the sample colours. */
export type OcioCase =
  | { kind: 'file'; path: string; interpolation: 'linear' | 'tetrahedral' | 'default' }
  | { kind: 'spaces'; config: string; from: string; to: string };

// Applies each case with a CPU processor at OPTIMIZATION_NONE (no LUT resampling, no fast pow), in
// float32 as OCIO computes.
const OCIO_SCRIPT = `
import json, sys
import PyOpenColorIO as OCIO
request = json.load(sys.stdin)
rgb = request['rgb']
interp = {'linear': OCIO.INTERP_LINEAR, 'tetrahedral': OCIO.INTERP_TETRAHEDRAL, 'default': OCIO.INTERP_DEFAULT}
raw = OCIO.Config.CreateRaw()
configs = {}
out = []
for case in request['cases']:
    try:
        if case['kind'] == 'file':
            transform = OCIO.FileTransform(src=case['path'], interpolation=interp[case['interpolation']])
            processor = raw.getProcessor(transform)
        else:
            path = case['config']
            if path not in configs:
                configs[path] = OCIO.Config.CreateFromFile(path)
            processor = configs[path].getProcessor(case['from'], case['to'])
        cpu = processor.getOptimizedCPUProcessor(OCIO.OPTIMIZATION_NONE)
        out.append({'rgb': cpu.applyRGB(list(rgb))})
    except Exception as error:
        out.append({'error': str(error)})
json.dump(out, sys.stdout)
`;

/** OCIO's results for each case on the flat RGB samples (or the error it raised). */
export function runOcio(cases: readonly OcioCase[], rgb: Float32Array): ({ rgb: number[] } | { error: string })[] {
  const result = spawnSync(PYTHON, ['-c', OCIO_SCRIPT], {
    input: JSON.stringify({ cases, rgb: Array.from(rgb) }),
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, OCIO_LOGGING_LEVEL: 'none' },
  });
  if (result.status !== 0) throw new Error(`PyOpenColorIO failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ({ rgb: number[] } | { error: string })[];
}
