/**
 * Shared test helpers: where the real fixtures are (VFX_REAL_FIXTURES, default
 * ../shared/fixtures-real), a deterministic synthetic particle set, and value comparisons.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParticleSet, getAttribute } from '@vfxkit/particles';
import type { ParticleAttribute, ParticleSet } from '@vfxkit/particles';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const fixturesRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real');
export const particleFixtures = join(fixturesRoot, 'particles');
export const plyFixtures = join(fixturesRoot, 'ply');
/** Why real-fixture tests are skipped, or false when the fixtures are there. */
export const noFixtures: string | false = existsSync(particleFixtures) && existsSync(plyFixtures) ? false : `real fixtures not found at ${fixturesRoot} (set VFX_REAL_FIXTURES)`;
if (noFixtures) console.log(`skipping real-fixture tests: ${noFixtures}`);

/** Every file under `root`, relative to it, sorted. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}

export function fixture(root: string, path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(root, path)));
}

/** A small deterministic pseudo-random source. */
export function random(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A set with P, v, id, Cd (and optionally more) of `count` particles. */
export function syntheticSet(count: number, extra: { life?: boolean; strings?: boolean; fixed?: boolean; doubles?: boolean } = {}): ParticleSet {
  const next = random(count + 7);
  const P = extra.doubles ? new Float64Array(count * 3) : new Float32Array(count * 3);
  const v = new Float32Array(count * 3);
  const Cd = new Float32Array(count * 3);
  const id = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 3; k++) {
      P[3 * i + k] = (next() - 0.5) * 200;
      v[3 * i + k] = (next() - 0.5) * 4;
      Cd[3 * i + k] = next();
    }
    id[i] = i * 3 + 1;
  }
  const attributes: ParticleAttribute[] = [
    { name: 'P', type: 'vector', width: 3, data: P, interpretation: 'point' },
    { name: 'v', type: 'vector', width: 3, data: v },
    { name: 'id', type: 'int', width: 1, data: id },
    { name: 'Cd', type: 'vector', width: 3, data: Cd, interpretation: 'color' },
  ];
  if (extra.life) {
    const life = new Float32Array(count);
    for (let i = 0; i < count; i++) life[i] = next() * 10;
    attributes.push({ name: 'life', type: 'float', width: 1, data: life });
  }
  if (extra.strings) {
    const name = new Int32Array(count);
    for (let i = 0; i < count; i++) name[i] = i % 3;
    attributes.push({ name: 'name', type: 'indexedString', width: 1, data: name, strings: ['alpha', 'beta', 'gamma'] });
  }
  const fixed: ParticleAttribute[] = extra.fixed ? [{ name: 'frame', type: 'int', width: 1, data: Int32Array.of(42) }, { name: 'scale', type: 'float', width: 1, data: Float32Array.of(0.5) }] : [];
  return createParticleSet(count, attributes, fixed);
}

/** Asserts the values of `name` in `actual` match `expected` within `tolerance` (absolute). */
export function assertAttributeClose(actual: ParticleSet, expected: ParticleSet, name: string, tolerance = 0, actualName = name): void {
  const a = getAttribute(actual, actualName);
  const e = getAttribute(expected, name);
  assert.ok(a, `attribute '${actualName}' missing (have ${actual.attributes.map((x) => x.name).join(', ')})`);
  assert.ok(e, `expected attribute '${name}' missing`);
  assert.equal(a.width, e.width, `width of '${name}'`);
  assert.equal(a.data.length, e.data.length, `length of '${name}'`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.data.length; i++) {
    const d = Math.abs(Number(a.data[i]) - Number(e.data[i]));
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tolerance, `'${name}' differs by ${worst} at value ${at} (${a.data[at]} vs ${e.data[at]}), tolerance ${tolerance}`);
}

/** Values of an attribute as plain numbers. */
export function values(set: ParticleSet, name: string): number[] {
  const attribute = getAttribute(set, name);
  assert.ok(attribute, `attribute '${name}' missing (have ${set.attributes.map((a) => a.name).join(', ')})`);
  return Array.from(attribute.data, Number);
}

/** Rounds for comparisons of float32 values with decimal literals. */
export function rounded(list: number[], digits = 4): number[] {
  return list.map((v) => Number(v.toFixed(digits)));
}
