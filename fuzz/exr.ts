/**
 * npm run fuzz -- exr [--iterations N] [--seed S] [--iteration I] [--workers N] [--timeout MS]
 *                     [--max-size BYTES] [--save DIR] [--files PATH...]
 *
 * Mutation fuzzing of the EXR readers (and of `vfx exr check`, `probe` and `attr set` on the same
 * bytes). Seeds: every .exr under ../shared/fixtures-real/exr (VFX_REAL_FIXTURES) and files written
 * here with @vfxkit/exr in every compression, tiled with mip-maps, multi-part and deep. Each
 * iteration takes one seed and applies one mutation: bit flips, byte changes, truncation, or
 * tampering with a header field (data window, chunk count, tile size, compression, channel list,
 * attribute sizes), an offset-table entry, a chunk leader (coordinates, packed sizes) or a chunk's
 * packed bytes. The mutated file goes to a worker thread that runs every reader on it with a time
 * bound. A finding is anything thrown that is not a VfxError, a hang (no answer within the time
 * bound, twice: the second time with four times as long), or a crashed worker; each is printed with its reproducer (seed, iteration, file, mutation)
 * and the mutated file is saved.
 *
 * Iteration i of seed s always makes the same mutation of the same file (given the same seed
 * files), so `--seed s --iteration i` replays one case.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readExrHeader, writeExr, type ExrCompression, type ExrWritePart } from '@vfxkit/exr';
import { random, realSeeds as realSeedFiles, TargetWorker, type SeedFile } from './harness.js';
import type { TargetResult } from './exr-target.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// -----------------------------------------------------------------------------------------------
// Deterministic randomness

export { random };

function iterationSeed(seed: number, iteration: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ iteration, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

interface Rng {
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
}

function rng(seed: number): Rng {
  const next = random(seed);
  return {
    next,
    int: (below) => Math.floor(next() * below),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

// -----------------------------------------------------------------------------------------------
// Seed files

export type { SeedFile } from './harness.js';

function pattern(width: number, height: number, channel: number, type: 'half' | 'float' | 'uint'): number[] {
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.sin((x + 1) * 0.3 + channel) * Math.cos(y * 0.2) * 2 + (x ^ y) / 64;
      values.push(type === 'uint' ? (x * 31 + y * 7 + channel) >>> 0 : v);
    }
  }
  return values;
}

/** Small files of every kind the writer makes, so each codec and layout is mutated. */
export function generatedSeeds(): SeedFile[] {
  const seeds: SeedFile[] = [];
  const flat = (width: number, height: number, types: ('half' | 'float' | 'uint')[]): ExrWritePart['channels'] =>
    types.map((type, i) => ({
      name: ['R', 'G', 'B', 'A', 'Z', 'id'][i]!,
      type,
      data: type === 'uint' ? new Uint32Array(pattern(width, height, i, type)) : new Float32Array(pattern(width, height, i, type)),
    }));
  const compressions: ExrCompression[] = ['none', 'rle', 'zips', 'zip', 'piz', 'pxr24', 'b44', 'b44a', 'dwaa', 'dwab'];
  for (const compression of compressions) {
    seeds.push({
      name: `generated/scanline_${compression}.exr`,
      bytes: writeExr({ width: 37, height: 41, compression, channels: flat(37, 41, ['half', 'half', 'half', 'half', 'float', 'uint']) }),
    });
  }
  seeds.push({
    name: 'generated/tiled_mipmap_zip.exr',
    bytes: writeExr({ width: 45, height: 30, compression: 'zip', tiles: { xSize: 16, ySize: 8, levelMode: 'mipmap', roundingMode: 'up' }, channels: flat(45, 30, ['half', 'float']) }),
  });
  seeds.push({
    name: 'generated/tiled_ripmap_piz.exr',
    bytes: writeExr({ width: 33, height: 20, compression: 'piz', tiles: { xSize: 8, ySize: 8, levelMode: 'ripmap' }, channels: flat(33, 20, ['half', 'half', 'half']) }),
  });
  seeds.push({
    name: 'generated/subsampled_zip.exr',
    bytes: writeExr({
      dataWindow: { xMin: -4, yMin: 2, xMax: 27, yMax: 25 },
      compression: 'zip',
      channels: [
        { name: 'Y', type: 'half', data: new Float32Array(pattern(32, 24, 0, 'half')) },
        { name: 'RY', type: 'half', xSampling: 2, ySampling: 2, data: new Float32Array(pattern(16, 12, 1, 'half')) },
        { name: 'BY', type: 'half', xSampling: 2, ySampling: 2, data: new Float32Array(pattern(16, 12, 2, 'half')) },
      ],
    }),
  });
  seeds.push({
    name: 'generated/multipart.exr',
    bytes: writeExr([
      { name: 'beauty', width: 24, height: 18, compression: 'zips', channels: flat(24, 18, ['half', 'half', 'half']) },
      { name: 'depth', width: 24, height: 18, compression: 'pxr24', channels: [{ name: 'Z', type: 'float', data: new Float32Array(pattern(24, 18, 4, 'float')) }] },
      { name: 'tiles', width: 24, height: 18, compression: 'rle', tiles: { xSize: 8, ySize: 8 }, channels: flat(24, 18, ['half']) },
    ]),
  });
  const deep = (width: number, height: number) => {
    const counts = new Uint32Array(width * height).map((_, i) => (i * 7) % 4);
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      sampleCounts: counts,
      sampleOffsets: new Uint32Array(width * height + 1),
      totalSamples: total,
      channels: [
        { name: 'A', type: 'half' as const, pLinear: false, data: new Uint16Array(total).map((_, i) => 0x3c00 - (i % 512)) },
        { name: 'Z', type: 'float' as const, pLinear: false, data: new Float32Array(total).map((_, i) => i * 0.5) },
      ],
    };
  };
  seeds.push({ name: 'generated/deep_scanline_zips.exr', bytes: writeExr({ width: 16, height: 12, compression: 'zips', channels: [], deep: deep(16, 12) }) });
  seeds.push({
    name: 'generated/deep_tiled_rle.exr',
    bytes: writeExr({ width: 16, height: 12, compression: 'rle', type: 'deeptile', tiles: { xSize: 8, ySize: 8 }, channels: [], deep: deep(16, 12) }),
  });
  return seeds;
}

/** Every .exr under `dir` of at most `maxSize` bytes. */
export function realSeeds(dir: string, maxSize = Infinity): SeedFile[] {
  return realSeedFiles(dir, '.exr', maxSize);
}

// -----------------------------------------------------------------------------------------------
// Mutations

/** Where things are in a seed file (for the structure-aware mutations). */
interface Layout {
  headerEnd: number;
  tablesEnd: number;
  /** Offset, size and type of each attribute value and of its size field. */
  attributes: { name: string; type: string; sizeOffset: number; valueOffset: number; size: number }[];
  /** File offsets of the offset-table entries, and the chunk offsets they hold. */
  entries: { at: number; chunk: number }[];
  multipart: boolean;
  deep: boolean;
}

function layoutOf(bytes: Uint8Array): Layout | undefined {
  let header: ReturnType<typeof readExrHeader>;
  try {
    header = readExrHeader(bytes);
  } catch {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const attributes: Layout['attributes'] = [];
  for (const part of header.parts) {
    let at = part.offset;
    for (;;) {
      const nameEnd = bytes.indexOf(0, at);
      if (nameEnd === at || nameEnd === -1) break;
      const name = new TextDecoder().decode(bytes.subarray(at, nameEnd));
      const typeEnd = bytes.indexOf(0, nameEnd + 1);
      const type = new TextDecoder().decode(bytes.subarray(nameEnd + 1, typeEnd));
      const size = view.getInt32(typeEnd + 1, true);
      attributes.push({ name, type, sizeOffset: typeEnd + 1, valueOffset: typeEnd + 5, size });
      at = typeEnd + 5 + size;
    }
  }
  const entries: Layout['entries'] = [];
  let at = header.offsetTablesOffset;
  for (const part of header.parts) {
    for (let i = 0; i < part.chunkCount && at + 8 <= bytes.byteLength; i++, at += 8) {
      entries.push({ at, chunk: Number(view.getBigUint64(at, true)) });
    }
  }
  return {
    headerEnd: header.offsetTablesOffset,
    tablesEnd: at,
    attributes,
    entries,
    multipart: header.flags.multipart,
    deep: header.parts.some((p) => p.type === 'deepscanline' || p.type === 'deeptile'),
  };
}

function interestingInt(r: Rng, size: number): number {
  return r.pick([0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 255, 256, 0x7fff, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 0x7ffffffe, 1 << 30, size, size + 1, size - 1, r.int(1 << 20), -r.int(1 << 20)]);
}

export interface Mutation {
  kind: string;
  description: string;
  bytes: Uint8Array;
}

/** One mutation of `seed`, chosen by `r`. */
export function mutate(seed: SeedFile, r: Rng): Mutation {
  const source = seed.bytes;
  const bytes = source.slice();
  const view = new DataView(bytes.buffer);
  const size = bytes.byteLength;
  const layout = layoutOf(source);
  const headerEnd = layout?.headerEnd ?? Math.min(size, 512);
  const position = () => (r.next() < 0.5 && headerEnd > 0 ? r.int(Math.max(1, headerEnd)) : r.int(Math.max(1, size)));
  const kinds = layout !== undefined ? ['bitflip', 'bytes', 'truncate', 'attribute', 'attribute-size', 'offsets', 'leader', 'chunk-data', 'splice'] : ['bitflip', 'bytes', 'truncate', 'splice'];
  const kind = r.pick(kinds);
  switch (kind) {
    case 'bitflip': {
      const flips: string[] = [];
      for (let n = 1 + r.int(8); n > 0; n--) {
        const at = position();
        const bit = r.int(8);
        bytes[at] = bytes[at]! ^ (1 << bit);
        flips.push(`${at}:${bit}`);
      }
      return { kind, description: `flip bits (byte:bit) ${flips.join(' ')}`, bytes };
    }
    case 'bytes': {
      const changes: string[] = [];
      for (let n = 1 + r.int(4); n > 0; n--) {
        const at = position();
        const value = r.pick([0, 0xff, 0x7f, 0x80, 1, r.int(256)]);
        bytes[at] = value;
        changes.push(`${at}=${value}`);
      }
      return { kind, description: `set bytes ${changes.join(' ')}`, bytes };
    }
    case 'truncate': {
      const zone = r.int(3);
      const tablesEnd = layout?.tablesEnd ?? size;
      const length = zone === 0 ? r.int(Math.max(1, headerEnd)) : zone === 1 ? headerEnd + r.int(Math.max(1, tablesEnd - headerEnd)) : tablesEnd + r.int(Math.max(1, size - tablesEnd));
      return { kind, description: `truncate to ${Math.min(length, size)} of ${size} bytes`, bytes: source.slice(0, Math.min(length, size)) };
    }
    case 'attribute': {
      const attribute = r.pick(layout!.attributes);
      const at = attribute.valueOffset;
      let change: string;
      switch (attribute.type) {
        case 'box2i':
        case 'v2i':
        case 'v3i':
        case 'int':
        case 'tiledesc':
        case 'keycode':
        case 'rational': {
          const fields = Math.max(1, Math.floor(attribute.size / 4));
          const field = r.int(fields);
          const value = interestingInt(r, size);
          view.setInt32(at + field * 4, value, true);
          if (attribute.type === 'tiledesc' && r.next() < 0.3) bytes[at + 8] = r.int(256);
          change = `field ${field} = ${value}`;
          break;
        }
        case 'compression':
        case 'lineOrder':
        case 'envmap':
        case 'deepImageState': {
          const value = r.int(16);
          bytes[at] = value;
          change = `= ${value}`;
          break;
        }
        case 'chlist': {
          // A channel's type code, pLinear or sampling (16 bytes after each name).
          const names: number[] = [];
          for (let i = at; i < at + attribute.size - 1; ) {
            const end = bytes.indexOf(0, i);
            if (end === i || end === -1) break;
            names.push(end + 1);
            i = end + 17;
          }
          const fieldsAt = r.pick(names.length > 0 ? names : [at]);
          const field = r.pick([0, 4, 8, 12]);
          const value = r.pick([0, 1, 2, 3, -1, 0x7fffffff, 3, 4, 1 << 16]);
          if (field === 4) bytes[fieldsAt + 4] = value & 0xff;
          else view.setInt32(fieldsAt + field, value, true);
          change = `channel field at ${fieldsAt + field} = ${value}`;
          break;
        }
        case 'float':
        case 'v2f':
        case 'box2f': {
          const field = r.int(Math.max(1, Math.floor(attribute.size / 4)));
          const value = r.pick([0, -1, NaN, Infinity, 1e-30, 1e30, -0]);
          view.setFloat32(at + field * 4, value, true);
          change = `field ${field} = ${value}`;
          break;
        }
        default: {
          const offset = r.int(Math.max(1, attribute.size));
          bytes[at + offset] = r.int(256);
          change = `byte ${offset} = ${bytes[at + offset]}`;
        }
      }
      return { kind, description: `attribute '${attribute.name}' (${attribute.type}) at ${at}: ${change}`, bytes };
    }
    case 'attribute-size': {
      const attribute = r.pick(layout!.attributes);
      const value = r.pick([0, -1, attribute.size + 1, attribute.size - 1, attribute.size * 2, 0x7fffffff, size]);
      view.setInt32(attribute.sizeOffset, value, true);
      return { kind, description: `size of attribute '${attribute.name}' at ${attribute.sizeOffset} = ${value}`, bytes };
    }
    case 'offsets': {
      if (layout!.entries.length === 0) return mutate(seed, r);
      const entry = r.pick(layout!.entries);
      const choice = r.int(7);
      if (choice === 6 && layout!.entries.length > 1) {
        const other = r.pick(layout!.entries);
        view.setBigUint64(entry.at, BigInt(other.chunk), true);
        view.setBigUint64(other.at, BigInt(entry.chunk), true);
        return { kind, description: `swap offset entries at ${entry.at} and ${other.at}`, bytes };
      }
      const value = [0n, BigInt(size), BigInt(size - 1), BigInt(r.int(size)), BigInt(layout!.tablesEnd - 1), 2n ** 53n + 5n, BigInt(r.pick(layout!.entries).chunk)][choice]!;
      view.setBigUint64(entry.at, value, true);
      return { kind, description: `offset entry at ${entry.at} = ${value}`, bytes };
    }
    case 'leader': {
      const valid = layout!.entries.filter((e) => e.chunk > 0 && e.chunk + 8 < size);
      if (valid.length === 0) return mutate(seed, r);
      const entry = r.pick(valid);
      // Part number (multi-part), y or tile coordinates, packed sizes (deep: three uint64s).
      const field = r.int(layout!.deep ? 10 : 6);
      const at = entry.chunk + field * 4;
      if (at + 4 > size) return mutate(seed, r);
      const value = interestingInt(r, size);
      view.setInt32(at, value, true);
      return { kind, description: `chunk leader at ${entry.chunk}, int ${field} = ${value}`, bytes };
    }
    case 'chunk-data': {
      const valid = layout!.entries.filter((e) => e.chunk > 0 && e.chunk + 16 < size);
      if (valid.length === 0) return mutate(seed, r);
      const entry = r.pick(valid);
      const start = entry.chunk + (layout!.multipart ? 4 : 0) + 8;
      const flips: string[] = [];
      for (let n = 1 + r.int(16); n > 0; n--) {
        const at = Math.min(size - 1, start + r.int(Math.min(4096, size - start)));
        const bit = r.int(8);
        bytes[at] = bytes[at]! ^ (1 << bit);
        flips.push(`${at}:${bit}`);
      }
      return { kind, description: `flip bits in the chunk at ${entry.chunk}: ${flips.join(' ')}`, bytes };
    }
    default: {
      // splice: copy a run of bytes over another place (duplicated or misplaced data)
      const length = 1 + r.int(Math.min(256, size));
      const from = r.int(Math.max(1, size - length));
      const to = position();
      bytes.set(source.subarray(from, from + length).subarray(0, Math.max(0, size - to)), to);
      return { kind: 'splice', description: `copy ${length} bytes from ${from} to ${to}`, bytes };
    }
  }
}

// -----------------------------------------------------------------------------------------------
// Workers with a time bound

const targetUrl = new URL(import.meta.url.endsWith('.ts') ? './exr-target.ts' : './exr-target.js', import.meta.url);


// -----------------------------------------------------------------------------------------------
// The run

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** Only this iteration (a replay). */
  iteration?: number;
  seeds: SeedFile[];
  workers?: number;
  /** Time bound of one file's decoding, in ms. */
  timeoutMs?: number;
  /** Heap limit of each worker, in MiB. */
  memoryMb?: number;
  /** Where mutated files of findings are saved (none when undefined). */
  saveDir?: string;
  onFinding?: (finding: FuzzFinding) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface FuzzFinding {
  seed: number;
  iteration: number;
  file: string;
  mutation: string;
  kind: 'exception' | 'hang' | 'crash';
  step?: string;
  message: string;
  stack?: string;
  savedAs?: string;
  reproduce: string;
}

export interface FuzzSummary {
  iterations: number;
  /** Files every reader accepted. */
  accepted: number;
  /** VfxError codes met, with counts (a file can meet several). */
  codes: Record<string, number>;
  /** Mutations applied, by kind. */
  mutations: Record<string, number>;
  findings: FuzzFinding[];
  elapsedMs: number;
  /** Files the pure zlib (fflate) and node:zlib decoded differently (one failed, one did not):
   *  not findings, but worth a look (e.g. a checksum one of them does not verify). */
  zlibDisagreements: { iteration: number; file: string; mutation: string; detail: string }[];
  /** The slowest file that did answer: how long, and its reproducer. */
  slowest: { ms: number; file: string; mutation: string; iteration: number } | undefined;
}

export async function runExrFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  if (options.seeds.length === 0) throw new Error('no seed files');
  const start = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const iterations = options.iteration !== undefined ? [options.iteration] : Array.from({ length: options.iterations }, (_, i) => i);
  const workers = Array.from({ length: Math.max(1, Math.min(options.workers ?? 4, iterations.length)) }, () => new TargetWorker<TargetResult>(targetUrl, { memoryMb: options.memoryMb ?? 2048, quiet: true }));
  const summary: FuzzSummary = { iterations: iterations.length, accepted: 0, codes: {}, mutations: {}, findings: [], elapsedMs: 0, slowest: undefined, zlibDisagreements: [] };
  let next = 0;
  let done = 0;
  const one = async (worker: TargetWorker<TargetResult>, iteration: number) => {
    const r = rng(iterationSeed(options.seed, iteration));
    const seed = r.pick(options.seeds);
    const mutation = mutate(seed, r);
    summary.mutations[mutation.kind] = (summary.mutations[mutation.kind] ?? 0) + 1;
    let result = await worker.run(mutation.bytes, timeoutMs);
    let ms = worker.lastMs;
    // On a loaded machine a big file can miss the bound: a hang is one that misses it again with
    // four times as long.
    if ('hang' in result) {
      result = await worker.run(mutation.bytes, timeoutMs * 4);
      ms = worker.lastMs;
    }
    if (!('hang' in result) && (summary.slowest === undefined || ms > summary.slowest.ms)) {
      summary.slowest = { ms, file: seed.name, mutation: mutation.description, iteration };
    }
    let finding: Omit<FuzzFinding, 'seed' | 'iteration' | 'file' | 'mutation' | 'reproduce'> | undefined;
    if ('hang' in result) finding = { kind: 'hang', message: `no answer within ${timeoutMs} ms, nor within ${result.hang} ms on a second try` };
    else if ('crash' in result) finding = { kind: 'crash', message: result.crash };
    else {
      for (const code of result.codes) summary.codes[code] = (summary.codes[code] ?? 0) + 1;
      if (result.codes.length === 0 && result.finding === undefined) summary.accepted++;
      if (result.zlibDisagreement !== undefined) {
        summary.zlibDisagreements.push({ iteration, file: seed.name, mutation: mutation.description, detail: result.zlibDisagreement });
      }
      if (result.finding !== undefined) {
        finding = { kind: 'exception', step: result.finding.step, message: `${result.finding.name}: ${result.finding.message}`, ...(result.finding.stack ? { stack: result.finding.stack } : {}) };
      }
    }
    if (finding !== undefined) {
      const full: FuzzFinding = {
        seed: options.seed,
        iteration,
        file: seed.name,
        mutation: mutation.description,
        ...finding,
        reproduce: `npm run fuzz -- exr --seed ${options.seed} --iteration ${iteration}`,
      };
      if (options.saveDir !== undefined) {
        mkdirSync(options.saveDir, { recursive: true });
        full.savedAs = join(options.saveDir, `seed${options.seed}-it${iteration}-${basename(seed.name)}`);
        writeFileSync(full.savedAs, mutation.bytes);
      }
      summary.findings.push(full);
      options.onFinding?.(full);
    }
    done++;
    options.onProgress?.(done, iterations.length);
  };
  try {
    await Promise.all(
      workers.map(async (worker) => {
        while (next < iterations.length) await one(worker, iterations[next++]!);
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  summary.elapsedMs = performance.now() - start;
  return summary;
}

// -----------------------------------------------------------------------------------------------
// Command line

function argument(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function main(args: string[]): Promise<number> {
  const iterations = Number(argument(args, '--iterations') ?? 2000);
  const seed = Number(argument(args, '--seed') ?? Math.floor(Math.random() * 2 ** 31));
  const iteration = argument(args, '--iteration');
  const maxSize = Number(argument(args, '--max-size') ?? Infinity);
  const realRoot = resolve(root, process.env.VFX_REAL_FIXTURES ?? '../shared/fixtures-real');
  const realDir = join(realRoot, 'exr');
  let seeds = generatedSeeds();
  try {
    seeds = [...realSeeds(realDir, maxSize), ...seeds];
  } catch {
    console.log(`(no real files: ${realDir} is absent; fuzzing generated files only)`);
  }
  const files = args.includes('--files') ? args.slice(args.indexOf('--files') + 1).filter((a) => !a.startsWith('--')) : [];
  if (files.length > 0) seeds = files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) }));
  const saveDir = argument(args, '--save') ?? join(tmpdir(), 'vfx-fuzz-findings');
  console.log(`exr fuzz: seed ${seed}, ${iteration !== undefined ? `iteration ${iteration}` : `${iterations} iterations`}, ${seeds.length} seed files`);
  let lastLine = 0;
  const summary = await runExrFuzz({
    iterations,
    seed,
    ...(iteration !== undefined ? { iteration: Number(iteration) } : {}),
    seeds,
    workers: Number(argument(args, '--workers') ?? 4),
    timeoutMs: Number(argument(args, '--timeout') ?? 10_000),
    saveDir,
    onFinding: (f) => {
      console.log(`\nFINDING (${f.kind}${f.step ? ` in ${f.step}` : ''}): ${f.message}`);
      console.log(`  file: ${f.file}\n  mutation: ${f.mutation}\n  reproduce: ${f.reproduce}${f.savedAs ? `\n  saved: ${f.savedAs}` : ''}`);
      if (f.stack && iteration !== undefined) console.log(f.stack);
    },
    onProgress: (done, total) => {
      if (performance.now() - lastLine > 5000 || done === total) {
        lastLine = performance.now();
        console.log(`  ${done}/${total}`);
      }
    },
  });
  if (iteration !== undefined) {
    const r = rng(iterationSeed(seed, Number(iteration)));
    const file = r.pick(seeds);
    console.log(`iteration ${iteration}: ${file.name}: ${mutate(file, r).description}`);
  }
  console.log(`\n${summary.iterations} iterations in ${(summary.elapsedMs / 1000).toFixed(1)} s (${((1000 * summary.iterations) / summary.elapsedMs).toFixed(0)}/s)`);
  console.log(`mutations: ${Object.entries(summary.mutations).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`accepted by every reader: ${summary.accepted}`);
  console.log(`VfxError codes: ${Object.entries(summary.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (summary.zlibDisagreements.length > 0) {
    console.log(`fflate and node:zlib disagreed on ${summary.zlibDisagreements.length} files, e.g. iteration ${summary.zlibDisagreements[0]!.iteration} (${summary.zlibDisagreements[0]!.file}): ${summary.zlibDisagreements[0]!.detail}`);
  }
  if (summary.slowest !== undefined) {
    const s = summary.slowest;
    console.log(`slowest file: ${(s.ms / 1000).toFixed(2)} s (iteration ${s.iteration}: ${s.file}, ${s.mutation})`);
  }
  console.log(`findings: ${summary.findings.length}${summary.findings.length > 0 ? ` (saved under ${saveDir})` : ''}`);
  return summary.findings.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.exitCode = await main(process.argv.slice(2));
}
