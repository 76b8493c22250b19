/**
 * npm run bench -- seq [--files N] [--keep]
 *
 * 1. Sequence detection in memory over 100k and 1M synthetic names (packages/core/bench/seq-memory.ts):
 *    names/second, peak memory, and the 1M/100k time ratio (10 means linear).
 * 2. A real directory of N files (default 100,000: 200 sequences of 500 frames): the floor is a bare
 *    `readdir` of it; we measure detection on that listing, our full listing with sizes
 *    (`scanTree` + `groupFileNames`, a stat per file like `ls -l`), and `vfx seq ls --json` as a
 *    process; the references are `find DIR -printf` (readdir + stat in C) and, when FILESEQ_PATH
 *    points at a checkout of fileseq (Python), `fileseq.findSequencesOnDisk`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupFileNames } from '@vfxkit/core';
import { scanTree } from '@vfxkit/core/node';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const fileCount = Number(args[args.indexOf('--files') + 1] ?? 0) || 100_000;
const keep = args.includes('--keep');

function best<T>(runs: number, body: () => T): { ms: number; value: T } {
  let bestMs = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = body();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  return { ms: bestMs, value };
}

async function bestAsync<T>(runs: number, body: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let bestMs = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = await body();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  return { ms: bestMs, value };
}

function timeCommand(command: string, commandArgs: string[], runs = 3, env: NodeJS.ProcessEnv = process.env): number | undefined {
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env, maxBuffer: 1 << 30 });
    const ms = performance.now() - start;
    if (result.status !== 0) {
      console.log(`  (${command} failed: ${result.stderr?.toString().trim().split('\n').pop() ?? result.status})`);
      return undefined;
    }
    bestMs = Math.min(bestMs, ms);
  }
  return bestMs;
}

const rate = (count: number, ms: number): string => `${((count / ms) * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} names/s`;

console.log('== in memory ==');
const memory = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx/esm', '--expose-gc', join(root, 'packages/core/bench/seq-memory.ts')], {
  stdio: 'inherit',
  cwd: root,
});
if (memory.status !== 0) process.exitCode = 1;

console.log(`\n== a real directory of ${fileCount.toLocaleString('en-US')} files ==`);
const dir = mkdtempSync(join(tmpdir(), 'vfx-bench-seq-'));
try {
  const perSequence = 500;
  const sequences = Math.ceil(fileCount / perSequence);
  let made = 0;
  for (let s = 0; s < sequences && made < fileCount; s++) {
    const base = `shot${String(s).padStart(3, '0')}_beauty_v${String(1 + (s % 7)).padStart(3, '0')}.`;
    for (let f = 1001; f < 1001 + perSequence && made < fileCount; f++) {
      if (f % 97 === 0) continue; // a gap now and then
      writeFileSync(join(dir, `${base}${f}.exr`), '');
      made++;
    }
  }
  mkdirSync(join(dir, 'sub'));
  console.log(`made ${made.toLocaleString('en-US')} files in ${dir}`);

  const readdirOnly = await bestAsync(3, () => readdir(dir));
  console.log(`readdir (names only, the floor):        ${readdirOnly.ms.toFixed(0).padStart(6)} ms`);
  const names = readdirSync(dir);
  const detect = best(3, () => groupFileNames(names, { dir: '' }));
  console.log(
    `groupFileNames on that listing:          ${detect.ms.toFixed(0).padStart(6)} ms  (${rate(names.length, detect.ms)}, ${detect.value.filter((g) => g.kind === 'sequence').length} sequences)`,
  );
  const ours = await bestAsync(3, async () => {
    let groups = 0;
    for await (const entry of scanTree([dir], { recursive: false })) groups += groupFileNames(entry.files.map((f) => f.name)).length;
    return groups;
  });
  console.log(`scanTree + detect (readdir + stat each): ${ours.ms.toFixed(0).padStart(6)} ms  (${(ours.ms / readdirOnly.ms).toFixed(1)}x the bare readdir)`);
  const find = timeCommand('find', [dir, '-maxdepth', '1', '-type', 'f', '-printf', '%f %s\n']);
  if (find !== undefined) {
    console.log(`find -printf name+size (C, reference):   ${find.toFixed(0).padStart(6)} ms  -> ours/find = ${(ours.ms / find).toFixed(2)}`);
  }
  const vfx = timeCommand(process.execPath, [join(root, 'tools/vfx/dist/bin.js'), 'seq', 'ls', '--json', dir]);
  const vfxLong = timeCommand(process.execPath, [join(root, 'tools/vfx/dist/bin.js'), 'seq', 'ls', '--long', '--json', dir]);
  const lsf = timeCommand('sh', ['-c', `ls -f ${JSON.stringify(dir)} > /dev/null`]);
  const lsl = timeCommand('sh', ['-c', `ls -l ${JSON.stringify(dir)} > /dev/null`]);
  if (vfx !== undefined && lsf !== undefined) {
    console.log(`vfx seq ls --json DIR (process, names):  ${vfx.toFixed(0).padStart(6)} ms  vs ls -f ${lsf.toFixed(0)} ms -> ${(vfx / lsf).toFixed(2)}x`);
  }
  if (vfxLong !== undefined && lsl !== undefined) {
    console.log(`vfx seq ls -l --json DIR (with sizes):   ${vfxLong.toFixed(0).padStart(6)} ms  vs ls -l ${lsl.toFixed(0)} ms -> ${(vfxLong / lsl).toFixed(2)}x`);
  }
  const fileseqPath = process.env.FILESEQ_PATH;
  if (fileseqPath) {
    const python = process.env.PYTHON ?? 'python3';
    const fileseq = timeCommand(python, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(fileseqPath)}); import fileseq; fileseq.findSequencesOnDisk(${JSON.stringify(dir)})`]);
    if (fileseq !== undefined && vfx !== undefined) {
      console.log(`fileseq.findSequencesOnDisk (process):   ${fileseq.toFixed(0).padStart(6)} ms  -> vfx seq ls is ${(fileseq / vfx).toFixed(2)}x as fast`);
    }
  } else {
    console.log('fileseq: not measured (set FILESEQ_PATH to a fileseq checkout to compare)');
  }
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
