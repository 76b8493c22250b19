/**
 * npm run fuzz -- abc [--iterations N] [--seed S] [--iteration I] [--workers N] [--timeout MS] [--save DIR]
 *
 * Mutation fuzzing of the Alembic reader and of what `vfx abc` does with an archive. Seeds: every
 * .abc under fixtures-real/abc (VFX_REAL_FIXTURES): the cortex, gaffer and openusd archives, the
 * HDF5 ones and Alembic's own invalid files. Each iteration takes one seed and applies one mutation:
 * bit flips, a byte changed, a truncation, an inserted run, an int32 set to 0, -1, 2^31-1 or a large
 * count, or an Ogawa-shaped one: an 8-byte word at an 8-aligned place (Ogawa's group child offsets,
 * data sizes, the root position) set to 0, the file's length, an offset inside the file, a data
 * offset (the high bit set) or a huge value. The mutated archive goes to a worker thread that runs
 * `abc-target.ts` on it (reading, schemas, scene, three.js adapter, check, export) with a time bound.
 * A finding is anything thrown that is not a VfxError, a hang (no answer within the bound, twice:
 * the second time with four times as long) or a crashed worker (out of memory included); each is
 * printed with its reproducer (`--seed S --iteration I`) and the mutated file saved. Exits 1 on a
 * finding.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutateBytes, random, realSeeds, TargetWorker, type Mutation } from './harness.js';
import type { AbcTargetResult } from './abc-target.js';

const args = process.argv.slice(2);
const argument = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const iterations = Number(argument('--iterations') ?? 2000);
const seed = Number(argument('--seed') ?? 1);
const only = argument('--iteration') !== undefined ? Number(argument('--iteration')) : undefined;
const workerCount = Math.max(1, Number(argument('--workers') ?? 2));
const timeoutMs = Number(argument('--timeout') ?? 10_000);
const saveDir = argument('--save') ?? join(tmpdir(), 'vfx-fuzz-findings');

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const abcRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real', 'abc');
if (!existsSync(abcRoot)) {
  console.log(`fuzz abc: no seeds: ${abcRoot} is absent (set VFX_REAL_FIXTURES)`);
  process.exit(0);
}
const seeds = realSeeds(abcRoot, '.abc', (8 << 20) - 1);

function mutate(bytes: Uint8Array, next: () => number): Mutation {
  const kind = Math.floor(next() * 7);
  if (kind < 5) return mutateBytes(bytes, next, kind as 0 | 1 | 2 | 3 | 4, [0, -1, 0x7fffffff, 0x10000000, 8]);
  const at = (n = bytes.length) => Math.floor(next() * n);
  const out = new Uint8Array(bytes);
  // Ogawa's words: the root position at 8, group child offsets and data sizes, all uint64.
  const words = Math.max(1, Math.floor(bytes.length / 8) - 1);
  const offset = 8 * (next() < 0.1 ? 1 : 1 + at(words - 1));
  const choices: bigint[] = [0n, BigInt(bytes.length), BigInt(at()), (1n << 63n) | BigInt(at()), 0xffffffffffffffffn, 1n << 40n, BigInt(offset)];
  const value = choices[at(choices.length)]!;
  if (offset + 8 <= out.length) new DataView(out.buffer, out.byteOffset).setBigUint64(offset, value, true);
  return { bytes: out, what: `uint64 at ${offset} set to 0x${value.toString(16)}` };
}

const target = new URL(import.meta.url.endsWith('.ts') ? './abc-target.ts' : './abc-target.js', import.meta.url);


const list = only !== undefined ? [only] : Array.from({ length: iterations }, (_, i) => i);
const workers = Array.from({ length: Math.min(workerCount, list.length) }, () => new TargetWorker<AbcTargetResult>(target, { memoryMb: 1024 }));
const codes = new Map<string, number>();
let accepted = 0;
let findings = 0;
let slowest = { ms: 0, what: '' };
let nextIndex = 0;
const started = performance.now();

async function one(worker: TargetWorker<AbcTargetResult>, iteration: number): Promise<void> {
  const next = random(seed * 1_000_003 + iteration);
  const source = seeds[Math.floor(next() * seeds.length)]!;
  const { bytes, what } = mutate(source.bytes, next);
  let result = await worker.run(bytes, timeoutMs);
  // On a loaded machine a file can miss the bound: a hang misses it again with four times as long.
  if ('hang' in result) result = await worker.run(bytes, timeoutMs * 4);
  if (!('hang' in result) && worker.lastMs > slowest.ms) slowest = { ms: worker.lastMs, what: `iteration ${iteration}: ${basename(source.name)}, ${what}` };
  let problem: string | undefined;
  if ('hang' in result) problem = `hang: no answer within ${timeoutMs} ms, nor within ${result.hang} ms on a second try`;
  else if ('crash' in result) problem = `crash: ${result.crash}`;
  else {
    for (const code of result.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
    if (result.codes.length === 0 && result.finding === undefined) accepted++;
    if (result.finding !== undefined) {
      problem = `${result.finding.name} in ${result.finding.step}: ${result.finding.message}${only !== undefined && result.finding.stack ? `\n${result.finding.stack}` : ''}`;
    }
  }
  if (problem === undefined) return;
  findings++;
  mkdirSync(saveDir, { recursive: true });
  const saved = join(saveDir, `abc-seed${seed}-it${iteration}-${basename(source.name)}`);
  writeFileSync(saved, bytes);
  console.log(`finding: ${source.name}: ${what}: ${problem}\n  saved: ${saved}\n  reproduce: npm run fuzz -- abc --seed ${seed} --iteration ${iteration}`);
}

try {
  await Promise.all(
    workers.map(async (worker) => {
      while (nextIndex < list.length) await one(worker, list[nextIndex++]!);
    }),
  );
} finally {
  await Promise.all(workers.map((w) => w.close()));
}
const seconds = (performance.now() - started) / 1000;
console.log(`accepted by every step: ${accepted}; VfxError codes: ${[...codes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
console.log(`slowest: ${slowest.ms.toFixed(0)} ms (${slowest.what}); ${(list.length / seconds).toFixed(0)} iterations/s`);
console.log(`fuzz abc: ${list.length} iterations over ${seeds.length} seeds (seed ${seed}): ${findings} finding${findings === 1 ? '' : 's'}`);
process.exit(findings > 0 ? 1 : 0);
