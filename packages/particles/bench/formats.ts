/**
 * Read and write speed of a 10-million-particle set (P, v, id, Cd) in binary BGEO (classic and
 * Houdini JSON), PRT and binary PLY, with @loaders.gl/ply's parse of the same PLY side by side.
 * Prints particles per second and the peak memory (max RSS) of each step, each step in a process
 * of its own so the peaks do not mix. Run from the repository root:
 *
 *   node --conditions=source --import tsx packages/particles/bench/formats.ts [--count N] [--only id,...] [--no-loaders-gl]
 *
 * Cases: bhclassic, bgeo, prt, prt-fast, prt-node, ply. The first line is the memory floor: the
 * time to allocate and fill the set's arrays, which bounds every reader from above.
 *
 * Targets (issue 6): binary formats read at >= 50M particles/s; PLY at least as fast as loaders.gl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { createParticleSet, readParticles, writeParticles } from '@vfxkit/particles';
import type { ParticleSet, ZlibCodec } from '@vfxkit/particles';

const nodeZlib: ZlibCodec = {
  inflate: (data, size) => {
    const out = inflateSync(data, { maxOutputLength: Math.max(1, size) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  deflate: (data, level) => {
    const out = deflateSync(data, { level: level ?? 6 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

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
  { id: 'prt-node', label: 'PRT (node:zlib, level 6)', format: 'prt', options: { zlib: 'node' }, readOptions: { zlib: 'node' } },
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

const peakMiB = () => process.resourceUsage().maxRSS / 1024;
/** Drops garbage between runs so a run's peak does not include the previous run's result. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();

/** One step, in its own process: prints a JSON line. */
async function child(step: string, id: string, file: string, count: number): Promise<void> {
  const c = CASES.find((x) => x.id === id)!;
  const withZlib = (o: Record<string, unknown> | undefined) => (o?.['zlib'] === 'node' ? { ...o, zlib: nodeZlib } : (o ?? {}));
  if (step === 'floor') {
    // What any reader must spend: allocating and filling the output arrays of the set.
    const times: number[] = [];
    for (let run = 0; run < 2; run++) {
      collect();
      const start = performance.now();
      const arrays = [new Float32Array(count * 3), new Float32Array(count * 3), new Float32Array(count * 3), new Int32Array(count)];
      for (const a of arrays) a.fill(1);
      times.push(performance.now() - start);
    }
    console.log(JSON.stringify({ ms: Math.min(...times), first: times[0], bytes: count * 40, peak: peakMiB() }));
    return;
  }
  if (step === 'write') {
    const set = makeSet(count);
    const times: number[] = [];
    let bytes: Uint8Array = new Uint8Array(0);
    for (let run = 0; run < 2; run++) {
      bytes = new Uint8Array(0);
      collect();
      const start = performance.now();
      bytes = writeParticles(set, c.format, withZlib(c.options));
      times.push(performance.now() - start);
    }
    writeFileSync(file, bytes);
    console.log(JSON.stringify({ ms: Math.min(...times), first: times[0], bytes: bytes.length, peak: peakMiB() }));
    return;
  }
  const bytes = new Uint8Array(readFileSync(file));
  const times: number[] = [];
  let result = 0;
  for (let run = 0; run < 2; run++) {
    collect();
    const start = performance.now();
    if (step === 'loadersgl') {
      const { PLYLoader } = await import('@loaders.gl/ply');
      const mesh = (await PLYLoader.parse(bytes.buffer as ArrayBuffer, {})) as unknown as { attributes: { POSITION: { value: Float32Array } } };
      result = mesh.attributes.POSITION.value.length / 3;
    } else {
      result = readParticles(bytes, { format: c.format, ...withZlib(c.readOptions) }).count;
    }
    times.push(performance.now() - start);
    if (step === 'loadersgl') break; // one run: it takes long and holds a lot of memory
  }
  if (result !== count) throw new Error(`${id}: read ${result} particles, expected ${count}`);
  console.log(JSON.stringify({ ms: Math.min(...times), first: times[0], bytes: bytes.length, peak: peakMiB() }));
}

function run(self: string, args: string[]): { ms: number; first: number; bytes: number; peak: number } | string {
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--expose-gc', '--max-old-space-size=16384', self, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) return `failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  const line = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as { ms: number; first: number; bytes: number; peak: number };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args[at + 1];
  };
  const count = Number(flag('--count') ?? 10_000_000);
  const step = flag('--step');
  if (step !== undefined) return child(step, flag('--case')!, flag('--file')!, count);
  const only = flag('--only')?.split(',');
  const skipLoadersGl = args.includes('--no-loaders-gl');
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'vfxkit-part-bench-'));
  const attributeMiB = (count * 40) / 2 ** 20;
  console.log(`${count.toLocaleString('en')} particles (P, v, Cd float32 x3, id int32): ${attributeMiB.toFixed(0)} MiB of attribute data`);
  console.log('step                          time (best of 2)   Mparticles/s   file MiB   peak RSS MiB');
  const line = (label: string, r: ReturnType<typeof run>) => {
    if (typeof r === 'string') return console.log(`${label.padEnd(30)}${r}`);
    const rate = count / (r.ms / 1000) / 1e6;
    console.log(`${label.padEnd(30)}${(r.ms / 1000).toFixed(2).padStart(8)} s${''.padEnd(10)}${rate.toFixed(1).padStart(8)}${(r.bytes / 2 ** 20).toFixed(0).padStart(11)}${r.peak.toFixed(0).padStart(15)}`);
  };
  try {
    line('memory floor (allocate + fill)', run(self, ['--step', 'floor', '--case', 'bgeo', '--file', '-', '--count', String(count)]));
    for (const c of CASES) {
      if (only !== undefined && !only.includes(c.id)) continue;
      const file = join(dir, `set.${c.id}`);
      line(`${c.label} write`, run(self, ['--step', 'write', '--case', c.id, '--file', file, '--count', String(count)]));
      line(`${c.label} read`, run(self, ['--step', 'read', '--case', c.id, '--file', file, '--count', String(count)]));
      if (c.id === 'ply' && !skipLoadersGl) {
        line('@loaders.gl/ply parse (1 run)', run(self, ['--step', 'loadersgl', '--case', c.id, '--file', file, '--count', String(count)]));
      }
      rmSync(file, { force: true });
    }
    console.log('(peak RSS includes the file bytes and the Node process itself, about 60 MiB)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
