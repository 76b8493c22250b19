/**
 * Reading a large smoke volume, side by side with OpenVDB: our `readVdb` (every leaf decoded),
 * `vdb_print -l` (read plus statistics) and pyopenvdb's `read` (OpenVDB reading through Python),
 * both with OPENVDB_DISABLE_DELAYED_LOAD=1 so that OpenVDB reads every buffer too. Figures: wall
 * time, MB/s of file, active voxels/s, peak resident memory of the process; and `inspectVdb`.
 * Run from the repository root:
 *
 *   node --conditions=source --import tsx packages/vdb/bench/read.ts [file.vdb] [--runs N]
 *
 * Without a file it makes a 64 MB fog volume with pyopenvdb once (in the OS temp directory) and
 * reuses it. Each contender runs in its own process under /usr/bin/time for its peak memory; our
 * own timing is taken inside the process (after Node's start), OpenVDB's is the process's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectVdb, readVdb } from '@vfxkit/vdb';

const PYTHON = '/usr/bin/python3';
const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

/** The child mode: read the file once, print JSON timings. */
async function child(path: string): Promise<void> {
  const t0 = performance.now();
  const bytes = new Uint8Array(readFileSync(path));
  const t1 = performance.now();
  const file = await readVdb(bytes);
  const t2 = performance.now();
  let voxels = 0;
  for (const grid of file.grids) voxels += grid.activeVoxelCount();
  const t3 = performance.now();
  for (const grid of file.grids) grid.minMax();
  const t4 = performance.now();
  const info = inspectVdb(bytes);
  const t5 = performance.now();
  void info;
  console.log(JSON.stringify({ load: t1 - t0, read: t2 - t1, count: t3 - t2, minMax: t4 - t3, inspect: t5 - t4, voxels }));
}

/** A smooth, noisy fog volume of about 64 MB, written once by pyopenvdb. */
function makeSmoke(): string {
  const dir = join(tmpdir(), 'vfxkit-vdb-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'smoke-320.vdb');
  if (existsSync(path)) return path;
  const script = String.raw`
import sys, numpy as np, pyopenvdb as vdb
n = 320
ax = np.linspace(-1, 1, n, dtype=np.float32)
x, y, z = np.meshgrid(ax, ax, ax, indexing='ij')
r = np.sqrt(x * x + y * y + z * z)
noise = np.sin(x * 13.0 + np.cos(y * 7.0)) * np.cos(y * 11.0 - z * 5.0) * np.sin(z * 17.0 + x * 3.0)
rng = np.random.default_rng(1)
density = np.clip((1.0 - r) * (0.6 + 0.4 * noise) + rng.normal(0, 0.02, size=r.shape), 0, None).astype(np.float32)
g = vdb.FloatGrid(0.0)
g.copyFromArray(density, ijk=(-n // 2, -n // 2, -n // 2), tolerance=0.001)
g.name = 'density'
g.gridClass = vdb.GridClass.FOG_VOLUME
g.transform = vdb.createLinearTransform(voxelSize=0.05)
vdb.write(sys.argv[1], grids=[g])
`;
  const made = spawnSync(PYTHON, ['-c', script, path], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('could not make the benchmark volume with pyopenvdb (apt-get install python3-openvdb)');
  return path;
}

interface Run {
  seconds: number;
  peakMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time -v: wall seconds and peak resident memory. */
function timed(command: string[], env: Record<string, string> = {}): Run {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-v', ...command], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  return { seconds, peakMb: peak ? Number(peak[1]) / 1024 : NaN, stdout: result.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  if (args[0] === '--child') return child(args[1]!);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const path = args.find((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1)) ?? makeSmoke();
  const megabytes = statSync(path).size / 1e6;
  const info = inspectVdb(new Uint8Array(readFileSync(path)));
  console.log(`file: ${path} (${megabytes.toFixed(1)} MB, ${info.grids.map((g) => `${g.displayName} ${g.gridType} ${g.compressionName}`).join(', ')})`);
  console.log(`runs: ${runs} (median)\n`);

  const ours: { read: number; inspect: number; count: number; minMax: number; voxels: number; peak: number; wall: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const run = timed([process.execPath, '--conditions=source', '--import', 'tsx/esm', self, '--child', path], { NODE_NO_WARNINGS: '1' });
    const figures = JSON.parse(run.stdout.trim().split('\n').pop()!) as { read: number; inspect: number; count: number; minMax: number; voxels: number };
    ours.push({ ...figures, peak: run.peakMb, wall: run.seconds });
  }
  const voxels = ours[0]!.voxels;
  const readSeconds = median(ours.map((o) => o.read)) / 1000;

  const rows: string[][] = [['reader', 'time (s)', 'MB/s', 'Mvoxels/s', 'peak RSS (MB)']];
  rows.push([
    '@vfxkit/vdb readVdb (in process)',
    readSeconds.toFixed(3),
    (megabytes / readSeconds).toFixed(1),
    (voxels / 1e6 / readSeconds).toFixed(1),
    median(ours.map((o) => o.peak)).toFixed(0),
  ]);
  rows.push(['@vfxkit/vdb process (node start + read + stats)', median(ours.map((o) => o.wall)).toFixed(3), '', '', '']);

  const env = { OPENVDB_DISABLE_DELAYED_LOAD: '1' };
  const hasVdbPrint = spawnSync('vdb_print', ['-version']).status === 0;
  if (hasVdbPrint) {
    const times: number[] = [];
    const peaks: number[] = [];
    for (let r = 0; r < runs; r++) {
      const run = timed(['vdb_print', '-l', path], env);
      times.push(run.seconds);
      peaks.push(run.peakMb);
    }
    const t = median(times);
    rows.push(['vdb_print -l (process: read + stats)', t.toFixed(3), (megabytes / t).toFixed(1), (voxels / 1e6 / t).toFixed(1), median(peaks).toFixed(0)]);
  } else rows.push(['vdb_print -l', 'not installed (libopenvdb-tools)', '', '', '']);

  const hasPy = spawnSync(PYTHON, ['-c', 'import pyopenvdb']).status === 0;
  if (hasPy) {
    const script = `import sys, time, pyopenvdb as vdb\nt = time.time()\ngrids, meta = vdb.readAll(sys.argv[1])\nprint(time.time() - t)`;
    const times: number[] = [];
    const peaks: number[] = [];
    for (let r = 0; r < runs; r++) {
      const run = timed([PYTHON, '-c', script, path], env);
      times.push(Number(run.stdout.trim()));
      peaks.push(run.peakMb);
    }
    const t = median(times);
    rows.push(['pyopenvdb readAll (in process)', t.toFixed(3), (megabytes / t).toFixed(1), (voxels / 1e6 / t).toFixed(1), median(peaks).toFixed(0)]);
  } else rows.push(['pyopenvdb', 'not importable (python3-openvdb)', '', '', '']);

  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(
    `\nours, after reading: activeVoxelCount ${median(ours.map((o) => o.count)).toFixed(1)} ms, minMax ${median(ours.map((o) => o.minMax)).toFixed(1)} ms (${(voxels / 1e6).toFixed(2)} M active voxels)`,
  );
  const inspect = median(ours.map((o) => o.inspect));
  console.log(`inspectVdb: ${inspect.toFixed(2)} ms (target < 100 ms)`);
}

await main();
