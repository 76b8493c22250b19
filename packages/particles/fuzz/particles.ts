/**
 * Mutation fuzzing of the particle readers. Run from the repository root:
 *
 *   node --conditions=source --import tsx packages/particles/fuzz/particles.ts [--iterations N] [--seed S] [--iteration I]
 *
 * Seeds: a small set written in every writable format (plain and gzip), and every file under
 * fixtures-real/particles and fixtures-real/ply (VFX_REAL_FIXTURES). Each iteration mutates one
 * seed once — bit flips, byte changes, a truncation, an inserted run, or an int32 at a random
 * place set to 0, -1, 2^31-1 or a large count — and runs readParticlesAsync (with the default
 * fflate and with the CLI's node:zlib codec) and inspectParticles on it. A finding is anything
 * thrown that is not a VfxError, or a call slower than 5 s; it is printed with its reproducer
 * (`--seed S --iteration I`). Exits 1 when it found something.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParticleSet, inspectParticles, particleFormats, readParticlesAsync, writeParticles } from '@vfxkit/particles';
// The codec `vfx part` reads with (node:zlib streams for PRT, gunzip for .gz), fuzzed beside fflate.
import { nodeZlib } from '../../../tools/part/src/zlib.js';
import { random } from '../../../fuzz/harness.js';

function seeds(): { name: string; bytes: Uint8Array }[] {
  const count = 37;
  const set = createParticleSet(count, [
    { name: 'P', type: 'vector', width: 3, data: Float32Array.from({ length: count * 3 }, (_, i) => Math.sin(i) * 10) },
    { name: 'v', type: 'vector', width: 3, data: Float32Array.from({ length: count * 3 }, (_, i) => Math.cos(i)) },
    { name: 'id', type: 'int', width: 1, data: Int32Array.from({ length: count }, (_, i) => i) },
    { name: 'Cd', type: 'vector', width: 3, data: Float32Array.from({ length: count * 3 }, (_, i) => (i % 10) / 10) },
  ]);
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const format of particleFormats) {
    if (format.write === undefined) continue;
    for (const gzip of [false, true]) out.push({ name: `synthetic.${format.id}${gzip ? '.gz' : ''}`, bytes: writeParticles(set, format.id, { gzip, dropUnsupported: true }) });
  }
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..', process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (statSync(path).size < 1 << 20) out.push({ name: path, bytes: new Uint8Array(readFileSync(path)) });
    }
  };
  walk(join(root, 'particles'));
  walk(join(root, 'ply'));
  return out;
}

function mutate(bytes: Uint8Array, next: () => number): { bytes: Uint8Array; what: string } {
  const int = (below: number) => Math.floor(next() * below);
  const out = bytes.slice();
  switch (int(5)) {
    case 0: {
      const n = 1 + int(8);
      for (let k = 0; k < n; k++) out[int(out.length)]! ^= 1 << int(8);
      return { bytes: out, what: `${n} bit flips` };
    }
    case 1: {
      const at = int(out.length);
      out[at] = int(256);
      return { bytes: out, what: `byte ${at} changed` };
    }
    case 2: {
      const at = int(out.length);
      return { bytes: out.subarray(0, at), what: `truncated at ${at}` };
    }
    case 3: {
      const at = int(out.length);
      const run = Uint8Array.from({ length: 1 + int(64) }, () => int(256));
      const grown = new Uint8Array(out.length + run.length);
      grown.set(out.subarray(0, at));
      grown.set(run, at);
      grown.set(out.subarray(at), at + run.length);
      return { bytes: grown, what: `${run.length} bytes inserted at ${at}` };
    }
    default: {
      const at = int(Math.max(1, out.length - 4));
      const value = [0, -1, 0x7fffffff, 100_000_000, 0x8000, 65535][int(6)]!;
      new DataView(out.buffer).setInt32(at, value, next() < 0.5);
      return { bytes: out, what: `int32 at ${at} set to ${value}` };
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at < 0 ? fallback : Number(args[at + 1]);
  };
  const iterations = flag('--iterations', 2000);
  const seed = flag('--seed', 1);
  const only = args.includes('--iteration') ? flag('--iteration', 0) : undefined;
  const files = seeds();
  let findings = 0;
  for (let i = only ?? 0; i < (only === undefined ? iterations : only + 1); i++) {
    const next = random((seed * 2654435761) ^ i);
    const file = files[Math.floor(next() * files.length)]!;
    const { bytes, what } = mutate(file.bytes, next);
    for (const [name, run] of [
      ['readParticlesAsync', () => readParticlesAsync(bytes, { fileName: file.name })],
      ['readParticlesAsync with node:zlib', () => readParticlesAsync(bytes, { fileName: file.name, zlib: nodeZlib })],
      ['inspectParticles', async () => inspectParticles(bytes, { fileName: file.name })],
    ] as const) {
      const start = performance.now();
      try {
        await run();
      } catch (error) {
        if ((error as Error).name !== 'VfxError') {
          findings++;
          console.log(`FINDING (--seed ${seed} --iteration ${i}): ${name} on ${file.name}, ${what}: ${(error as Error).stack}`);
        }
      }
      const ms = performance.now() - start;
      if (ms > 5000) {
        findings++;
        console.log(`SLOW (--seed ${seed} --iteration ${i}): ${name} on ${file.name}, ${what}: ${ms.toFixed(0)} ms`);
      }
    }
  }
  console.log(`${only === undefined ? iterations : 1} iterations over ${files.length} seed files: ${findings} finding${findings === 1 ? '' : 's'}`);
  process.exitCode = findings > 0 ? 1 : 0;
}

await main();
