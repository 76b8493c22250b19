/**
 * npm run fuzz -- vdb [--iterations N] [--seed S] [--iteration I]
 *
 * Mutation fuzzing of the OpenVDB reader. Seeds: every file under fixtures-real/vdb
 * (VFX_REAL_FIXTURES). Each iteration mutates one seed once (bit flips, byte changes, a truncation,
 * an inserted run, or an int32/int64 field at a random place set to 0, -1, 2^31-1 or a huge count)
 * and runs inspectVdb, readVdbSync (every grid, values decoded) and a sample of accessor reads on it.
 * A finding is anything thrown that is not a VfxError, or a call slower than 5 s; it is printed with
 * its reproducer (`--seed S --iteration I`). Exits 1 when it found something.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';
import { inspectVdb, readVdbSync } from '@vfxkit/vdb';
import { mutateBytes, random, realSeeds, type Mutation } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const iterations = option('--iterations', 2000);
const seed = option('--seed', 1);
const only = option('--iteration', -1);

const root = resolve(fileURLToPath(new URL('..', import.meta.url)), process.env.VFX_REAL_FIXTURES ?? '../shared/fixtures-real', 'vdb');
if (!existsSync(root)) {
  console.log(`fuzz vdb: no seeds: ${root} is absent (set VFX_REAL_FIXTURES)`);
  process.exit(0);
}
const seeds = realSeeds(root, '.vdb', (8 << 20) - 1);

function mutate(bytes: Uint8Array, next: () => number): Mutation {
  const kind = Math.floor(next() * 5) as 0 | 1 | 2 | 3 | 4;
  return mutateBytes(bytes, next, kind, [0, -1, 0x7fffffff, 0x10000000, 8], 8);
}

function exercise(bytes: Uint8Array): void {
  const steps: (() => unknown)[] = [
    () => inspectVdb(bytes),
    () => {
      const file = readVdbSync(bytes);
      for (const grid of file.grids) {
        grid.activeVoxelCount();
        const box = grid.indexBoundingBox();
        if (!box) continue;
        for (let k = 0; k < 64; k++) {
          const ijk = [0, 1, 2].map((axis) => box.min[axis]! + (((k * 2654435761) >>> axis) % Math.max(1, box.max[axis]! - box.min[axis]! + 1)));
          grid.getValue(ijk[0]!, ijk[1]!, ijk[2]!);
        }
      }
    },
  ];
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      if (!isVfxError(error)) throw error;
    }
  }
}

let findings = 0;
for (let iteration = 0; iteration < iterations; iteration++) {
  if (only !== -1 && iteration !== only) continue;
  const next = random(seed * 1_000_003 + iteration);
  const source = seeds[Math.floor(next() * seeds.length)]!;
  const { bytes, what } = mutate(source.bytes, next);
  const started = performance.now();
  try {
    exercise(bytes);
  } catch (error) {
    findings++;
    console.log(`finding: ${source.name}: ${what}: ${(error as Error).stack ?? String(error)}\n  reproduce: npm run fuzz -- vdb --seed ${seed} --iteration ${iteration}`);
  }
  const ms = performance.now() - started;
  if (ms > 5000) {
    findings++;
    console.log(`finding: ${source.name}: ${what}: took ${ms.toFixed(0)} ms\n  reproduce: npm run fuzz -- vdb --seed ${seed} --iteration ${iteration}`);
  }
}
console.log(`fuzz vdb: ${only !== -1 ? 1 : iterations} iterations over ${seeds.length} seeds (seed ${seed}): ${findings} finding${findings === 1 ? '' : 's'}`);
process.exit(findings > 0 ? 1 : 0);
