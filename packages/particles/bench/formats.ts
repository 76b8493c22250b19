/**
 * Read and write speed, and read memory, of a 10-million-particle set (P, v, id, Cd) in binary
 * BGEO (classic and Houdini JSON), PRT and binary PLY, with @loaders.gl/ply's and three.js's
 * PLYLoader parse of the same PLY beside ours. Run from the repository root:
 *
 *   npm run bench -- part [--count N] [--only id,...] [--no-others]
 *
 * Cases: bhclassic, bgeo, prt, prt-fast, prt-node, ply (--only picks some; --no-others skips the
 * loaders.gl and three.js parses, which take minutes and gigabytes at 10 M).
 *
 * Every step runs in a process of its own so that peaks do not mix:
 * - time: best wall time of a few runs, and the CPU time (user + system) of that run. On a shared
 *   machine the CPU rate is the steadier figure; the wall rate is what a user waits.
 * - memory: one read in a fresh process. `before` is the RSS once the file's bytes are in memory,
 *   `peak` the maximum RSS (getrusage; `/usr/bin/time -v` reports the same number when present).
 *   "added" = (peak - before) / attribute bytes: what the read costs beyond the input the caller
 *   holds (1.0 = nothing but the output arrays). "total" = (peak - the process before reading the
 *   file) / attribute bytes: input plus read.
 * The first line is the memory floor: allocating and filling the set's arrays, which bounds every
 * reader that returns arrays of its own.
 *
 * Targets (issue 6): binary formats read at >= 50M particles/s; PLY at least as fast as
 * loaders.gl; peak memory within 1.5x of the attribute data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { unzlibSync } from 'fflate';
import { createParticleSet, readParticlesAsync, writeParticles } from '@vfxkit/particles';
import type { ParticleSet } from '@vfxkit/particles';
// The codec `vfx part` reads and writes with (node:zlib, streaming inflate), measured as the CLI runs it.
import { nodeZlib } from '../../../tools/part/src/zlib.js';

interface Case {
  id: string;
  label: string;
  format: string;
  options?: Record<string, unknown>;
  readOptions?: Record<string, unknown>;
}

const CASES: Case[] = [
  { id: 'bhclassic', label: 'BGEO classic (binary)', format: 'bhclassic' },
  { id: 'bgeo', label: 'BGEO JSON (binary)', format: 'bgeo' },
  { id: 'prt', label: 'PRT (fflate, level 6)', format: 'prt' },
  { id: 'prt-fast', label: 'PRT (fflate, level 1)', format: 'prt', options: { level: 1 } },
  { id: 'prt-node', label: 'PRT (node:zlib as vfx part, l. 6)', format: 'prt', options: { zlib: 'node' }, readOptions: { zlib: 'node' } },
  { id: 'ply', label: 'PLY (binary LE)', format: 'ply' },
];

function makeSet(count: number): ParticleSet {
  const P = new Float32Array(count * 3);
  const v = new Float32Array(count * 3);
  const Cd = new Float32Array(count * 3);
  const id = new Int32Array(count);
  let seed = 12345;
  for (let i = 0; i < count * 3; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    P[i] = (seed / 2 ** 32 - 0.5) * 100;
    v[i] = Math.sin(i) * 2;
    Cd[i] = (i % 256) / 255;
  }
  for (let i = 0; i < count; i++) id[i] = i;
  return createParticleSet(count, [
    { name: 'P', type: 'vector', width: 3, data: P },
    { name: 'v', type: 'vector', width: 3, data: v },
    { name: 'id', type: 'int', width: 1, data: id },
    { name: 'Cd', type: 'vector', width: 3, data: Cd },
  ]);
}

const MiB = 2 ** 20;
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;
/** Drops garbage between runs so a run's peak does not include the previous run's result. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** The file's bytes as a view of the Buffer readFileSync returns (no second copy). */
function fileBytes(file: string): Uint8Array {
  const buffer = readFileSync(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function withZlib(o: Record<string, unknown> | undefined): Record<string, unknown> {
  return o?.['zlib'] === 'node' ? { ...o, zlib: nodeZlib } : (o ?? {});
}

/** Parses the PLY with another library; returns the vertex count it found. */
async function parseWith(library: string, bytes: Uint8Array): Promise<number> {
  // The file's own ArrayBuffer when the bytes fill it (a large readFileSync does), else a copy.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  if (library === 'loadersgl') {
    const { PLYLoader } = await import('@loaders.gl/ply');
    const mesh = (await PLYLoader.parse(buffer, {})) as unknown as { attributes: { POSITION: { value: Float32Array } } };
    return mesh.attributes.POSITION.value.length / 3;
  }
  const { PLYLoader } = await import('three/examples/jsm/loaders/PLYLoader.js');
  const geometry = new PLYLoader().parse(buffer);
  return geometry.getAttribute('position').count;
}

/** The zlib stream of a PRT 1.0/1.1 file and its inflated size (header, chunks, channel table). */
function prtPayload(bytes: Uint8Array): { data: Uint8Array; size: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Number(view.getBigInt64(48, true));
  let at = 56;
  if (view.getInt32(44, true) > 1) {
    for (;;) {
      const type = String.fromCharCode(...bytes.subarray(at, at + 4));
      const length = view.getInt32(at + 4, true);
      at += 8 + (type === 'Stop' ? 0 : length);
      if (type === 'Stop') break;
    }
  } else {
    at = view.getInt32(8, true);
  }
  const channels = view.getInt32(at + 4, true);
  const entry = view.getInt32(at + 8, true);
  const sizes: Record<number, number> = { 0: 2, 1: 4, 2: 8, 3: 2, 4: 4, 5: 8, 6: 2, 7: 4, 8: 8, 9: 1, 10: 1 };
  let stride = 0;
  for (let c = 0, e = at + 12; c < channels; c++, e += entry) {
    stride = Math.max(stride, view.getInt32(e + 40, true) + view.getInt32(e + 36, true) * sizes[view.getInt32(e + 32, true)]!);
  }
  return { data: bytes.subarray(at + 12 + channels * entry), size: count * stride };
}

interface Timing {
  ms: number;
  cpu: number;
  bytes: number;
  peak: number;
}
interface Memory {
  start: number;
  before: number;
  peak: number;
  result: number;
  arrayBuffers: number;
}

/** One step, in its own process: prints a JSON line. */
async function child(step: string, id: string, file: string, count: number, runs: number): Promise<void> {
  const c = CASES.find((x) => x.id === id)!;
  if (step === 'floor') {
    // What any reader must spend: allocating and filling the output arrays of the set.
    let best: Timing = { ms: Infinity, cpu: 0, bytes: count * 40, peak: 0 };
    for (let run = 0; run < runs; run++) {
      collect();
      const cpu = process.cpuUsage();
      const start = performance.now();
      const arrays = [new Float32Array(count * 3), new Float32Array(count * 3), new Float32Array(count * 3), new Int32Array(count)];
      for (const a of arrays) a.fill(1);
      const ms = performance.now() - start;
      if (ms < best.ms) best = { ms, cpu: cpuSeconds(cpu), bytes: count * 40, peak: best.peak };
      if (run === 0) best.peak = maxRssBytes(); // the peak of one run: later runs may overlap garbage
    }
    console.log(JSON.stringify(best));
    return;
  }
  if (step === 'write') {
    const set = makeSet(count);
    let best: Timing = { ms: Infinity, cpu: 0, bytes: 0, peak: 0 };
    let bytes: Uint8Array = new Uint8Array(0);
    for (let run = 0; run < runs; run++) {
      bytes = new Uint8Array(0);
      collect();
      const cpu = process.cpuUsage();
      const start = performance.now();
      bytes = writeParticles(set, c.format, withZlib(c.options));
      const ms = performance.now() - start;
      if (ms < best.ms) best = { ms, cpu: cpuSeconds(cpu), bytes: bytes.length, peak: best.peak };
      if (run === 0) best.peak = maxRssBytes(); // the peak of one run: later runs may overlap garbage
    }
    writeFileSync(file, bytes);
    console.log(JSON.stringify(best));
    return;
  }
  if (step === 'ceiling') {
    // What inflating alone costs: the PRT's zlib stream inflated in one call into one output
    // buffer of the payload's size (node:zlib for the CLI's codec, fflate for the default one).
    const { data, size } = prtPayload(fileBytes(file));
    let best: Timing = { ms: Infinity, cpu: 0, bytes: data.length, peak: 0 };
    for (let run = 0; run < runs; run++) {
      collect();
      const cpu = process.cpuUsage();
      const start = performance.now();
      const out = c.readOptions?.['zlib'] === 'node' ? inflateSync(data, { chunkSize: size + 1, maxOutputLength: size }) : unzlibSync(data, { out: new Uint8Array(size) });
      const ms = performance.now() - start;
      if (out.length !== size) throw new Error(`${id}: inflated ${out.length} bytes, expected ${size}`);
      if (ms < best.ms) best = { ms, cpu: cpuSeconds(cpu), bytes: data.length, peak: 0 };
    }
    console.log(JSON.stringify({ ...best, peak: maxRssBytes() }));
    return;
  }
  const read = async (bytes: Uint8Array): Promise<{ count: number; bytes: number }> => {
    if (step.endsWith('loadersgl') || step.endsWith('three')) return { count: await parseWith(step.endsWith('three') ? 'three' : 'loadersgl', bytes), bytes: 0 };
    const set = await readParticlesAsync(bytes, { format: c.format, ...withZlib(c.readOptions) });
    return { count: set.count, bytes: set.attributes.reduce((sum, a) => sum + a.data.byteLength, 0) };
  };
  if (step.startsWith('memory')) {
    collect();
    const start = process.memoryUsage().rss;
    const bytes = fileBytes(file);
    collect();
    const before = process.memoryUsage().rss;
    const result = await read(bytes);
    const after = process.memoryUsage();
    if (result.count !== count) throw new Error(`${id}: read ${result.count} particles, expected ${count}`);
    const memory: Memory = { start, before, peak: maxRssBytes(), result: result.bytes, arrayBuffers: after.arrayBuffers };
    console.log(JSON.stringify(memory));
    return;
  }
  const bytes = fileBytes(file);
  let best: Timing = { ms: Infinity, cpu: 0, bytes: bytes.length, peak: 0 };
  for (let run = 0; run < runs; run++) {
    collect();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await read(bytes);
    const ms = performance.now() - start;
    if (result.count !== count) throw new Error(`${id}: read ${result.count} particles, expected ${count}`);
    if (ms < best.ms) best = { ms, cpu: cpuSeconds(cpu), bytes: bytes.length, peak: 0 };
  }
  console.log(JSON.stringify({ ...best, peak: maxRssBytes() }));
}

const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function run<T>(self: string, args: string[], measure = false): T | string {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx/esm', '--expose-gc', '--max-old-space-size=16384', self, ...args];
  const command = measure && timeTool !== undefined ? [timeTool, '-v', ...node] : node;
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 22 });
  if (result.status !== 0) return `failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  const line = result.stdout.trim().split('\n').pop()!;
  const parsed = JSON.parse(line) as T & { timeMaxRss?: number };
  // /usr/bin/time -v: "Maximum resident set size (kbytes): N" (the same getrusage figure, as a check).
  const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
  if (timeRss !== null) parsed.timeMaxRss = Number(timeRss[1]) * 1024;
  return parsed;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args[at + 1];
  };
  const count = Number(flag('--count') ?? 10_000_000);
  const step = flag('--step');
  if (step !== undefined) return child(step, flag('--case')!, flag('--file')!, count, Number(flag('--runs') ?? 3));
  const only = flag('--only')?.split(',');
  const others = !args.includes('--no-others') && !args.includes('--no-loaders-gl');
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'vfxkit-part-bench-'));
  const attributeBytes = count * 40;
  console.log(`${count.toLocaleString('en')} particles (P, v, Cd float32 x3, id int32): ${(attributeBytes / MiB).toFixed(0)} MiB of attribute data`);
  console.log(`memory: "added" = (peak RSS - RSS with the file loaded) / attribute data; "total" = (peak RSS - RSS before loading the file) / attribute data${timeTool ? '; peak checked with /usr/bin/time -v' : ''}`);
  console.log(
    'step                                  wall s   M/s wall    cpu s   M/s cpu   file MiB   peak MiB   added   total',
  );
  const rate = (seconds: number) => (count / seconds / 1e6).toFixed(1);
  const line = (label: string, timing: Timing | string, memory?: Memory | string) => {
    if (typeof timing === 'string') return console.log(`${label.padEnd(36)}${timing}`);
    let text = `${label.padEnd(36)}${(timing.ms / 1000).toFixed(2).padStart(8)}${rate(timing.ms / 1000).padStart(11)}${timing.cpu.toFixed(2).padStart(9)}${rate(timing.cpu).padStart(10)}`;
    text += `${(timing.bytes / MiB).toFixed(0).padStart(11)}`;
    if (memory === undefined) text += `${(timing.peak / MiB).toFixed(0).padStart(11)}`;
    else if (typeof memory === 'string') text += `  memory ${memory}`;
    else {
      const added = (memory.peak - memory.before) / attributeBytes;
      const total = (memory.peak - memory.start) / attributeBytes;
      text += `${(memory.peak / MiB).toFixed(0).padStart(11)}${added.toFixed(2).padStart(8)}${total.toFixed(2).padStart(8)}`;
    }
    console.log(text);
  };
  const common = ['--count', String(count)];
  try {
    line('memory floor (allocate + fill)', run<Timing>(self, ['--step', 'floor', '--case', 'bgeo', '--file', '-', ...common]));
    for (const c of CASES) {
      if (only !== undefined && !only.includes(c.id)) continue;
      const file = join(dir, `set.${c.id}`);
      const slow = c.id.startsWith('prt');
      const runs = slow ? ['--runs', '1'] : [];
      line(`${c.label} write`, run<Timing>(self, ['--step', 'write', '--case', c.id, '--file', file, ...common, ...runs]));
      line(`${c.label} read`, run<Timing>(self, ['--step', 'read', '--case', c.id, '--file', file, ...common, ...runs]), run<Memory>(self, ['--step', 'memory', '--case', c.id, '--file', file, ...common], true));
      if (c.id === 'prt' || c.id === 'prt-node') {
        const label = c.id === 'prt' ? '  zlib ceiling: fflate unzlibSync' : '  zlib ceiling: node inflateSync';
        line(label, run<Timing>(self, ['--step', 'ceiling', '--case', c.id, '--file', file, ...common, ...runs]));
      }
      if (c.id === 'ply' && others) {
        for (const [library, label] of [
          ['loadersgl', '@loaders.gl/ply parse'],
          ['three', 'three.js PLYLoader parse'],
        ] as const) {
          line(
            label,
            run<Timing>(self, ['--step', `read-${library}`, '--case', c.id, '--file', file, ...common, '--runs', '1']),
            run<Memory>(self, ['--step', `memory-${library}`, '--case', c.id, '--file', file, ...common], true),
          );
        }
      }
      rmSync(file, { force: true });
    }
    console.log("partio's tools: not packaged by Debian (no partio package), so not run.");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
