/**
 * Sequence detection speed and memory on synthetic directory listings.
 *
 *   node --conditions=source --import tsx packages/core/bench/seq-memory.ts [N...]
 *
 * For each N (default 100000 and 1000000) it makes N file names the way a busy shot directory
 * looks — several hundred sequences of varied lengths with dropped frames and holes, padded 4 and 6
 * and unpadded, versions in the names (`sh010_comp_v012.1001.exr`), multi-part extensions
 * (`.bgeo.sc`), negative frames, frames overflowing their padding, and single files (`.DS_Store`,
 * dated logs, movies) — shuffled, as `readdir` returns them on hashed directories (ext4, XFS), with
 * each string allocated in list order as `readdir` does (`--scattered`: strings made first and
 * shuffled after, so each one is a cache miss; a worst case). It then times
 * `groupFileNames` (one cold first call, then after a warm-up the best of 3) and prints names per second of wall time and of CPU time (steadier
 * on a busy machine; it counts the garbage collector's helper threads too); memory as rss and heapUsed right after
 * the call minus before it (the work's garbage included, so near its peak), the heap still held
 * once garbage is collected (the result), and the process's peak rss; and at the end the ratio of
 * the largest N's time to the smallest's, against the ratio of the Ns (equal means linear).
 */
import { groupFileNames } from '@vfxkit/core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** mulberry32: a small seeded PRNG, so every run lists the same names. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (value: number, width: number): string =>
  value < 0 ? `-${String(-value).padStart(width - 1, '0')}` : String(value).padStart(width, '0');

/** One kind of sequence in a shot directory: its name for a sequence number and a frame. */
interface SequenceKind {
  start: number;
  name: (index: number, frame: number) => string;
}

const KINDS: readonly SequenceKind[] = [
  { start: 1001, name: (i, f) => `sh${pad(i, 3)}_comp_v${pad((i % 17) + 1, 3)}.${pad(f, 4)}.exr` },
  { start: 1001, name: (i, f) => `sh${pad(i, 3)}_plate_main.${f}.dpx` },
  { start: 1, name: (i, f) => `fx_sim_pyro_${i}.${pad(f, 4)}.bgeo.sc` },
  { start: 1001, name: (i, f) => `render_${i}_beauty_v${pad((i % 9) + 1, 3)}_${pad(f, 4)}.png` },
  { start: 1, name: (i, f) => `cache_${i}.${pad(f, 6)}.vdb` },
  { start: -48, name: (i, f) => `cam_${i}_track.${pad(f, 4)}.abc` },
  { start: 1, name: (i, f) => `shot${i}_matte.${f}.tif` },
  { start: 9000, name: (i, f) => `long_${i}_precomp.${pad(f, 4)}.exr` },
];

const SINGLES: readonly ((index: number) => string)[] = [
  (i) => `notes_${i}.txt`,
  () => '.DS_Store',
  (i) => `thumb_${i}.jpg`,
  (i) => `log_2024-01-${pad((i % 28) + 1, 2)}_${i}.txt`,
  (i) => `ref_v${i}_final version.mov`,
  (i) => `README_${i}`,
];

/**
 * N names in shuffled order. Each name is built in list order, so the strings lie in memory in the
 * order they are listed, as with `readdir`; with `scattered` they are built first and shuffled
 * after, so every name is a cache miss (a worst case).
 */
function makeNames(count: number, seed: number, scattered: boolean): string[] {
  const random = makeRandom(seed);
  // Each name as (kind or -1 for a single file, sequence number, frame).
  const kinds: number[] = [];
  const sequenceNumbers: number[] = [];
  const frames: number[] = [];
  const sequenceCount = 600;
  const singleShare = 0.04;
  // Sequence lengths vary over two orders of magnitude, scaled to fill the listing.
  const weights = Array.from({ length: sequenceCount }, () => Math.exp(random() * 4.6));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const frameBudget = count * (1 - singleShare);
  for (let index = 0; index < sequenceCount; index++) {
    const kind = index % KINDS.length;
    const length = Math.max(2, Math.round(((weights[index] as number) / total) * frameBudget));
    let frame = (KINDS[kind] as SequenceKind).start;
    for (let written = 0; written < length; frame++) {
      // 2% of frames missing, and now and then a hole of up to 50 frames.
      if (random() < 0.02) continue;
      if (random() < 0.001) {
        frame += Math.floor(random() * 50);
        continue;
      }
      kinds.push(kind);
      sequenceNumbers.push(index);
      frames.push(frame);
      written++;
    }
  }
  for (let index = 0; kinds.length < count; index++) {
    kinds.push(-1);
    sequenceNumbers.push(index);
    frames.push(0);
  }
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const swap = order[index] as number;
    order[index] = order[other] as number;
    order[other] = swap;
  }
  const nameOf = (at: number): string => {
    const kind = kinds[at] as number;
    const number = sequenceNumbers[at] as number;
    const text =
      kind < 0
        ? (SINGLES[number % SINGLES.length] as (i: number) => string)(number)
        : (KINDS[kind] as SequenceKind).name(number, frames[at] as number);
    // Flatten the template literal's rope now, so the flat string is allocated here.
    text.charCodeAt(0);
    return text;
  };
  if (!scattered) return order.map(nameOf);
  const inOrder = Array.from({ length: count }, (_, at) => nameOf(at));
  return order.map((at) => inOrder[at] as string);
}

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

const scattered = process.argv.includes('--scattered');
const sizes = process.argv.slice(2).filter((argument) => argument !== '--scattered').map(Number);
if (sizes.length === 0) sizes.push(100_000, 1_000_000);
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
  console.error('usage: seq-memory.ts [--scattered] [N...]   (N: how many file names, e.g. 100000 1000000)');
  process.exit(2);
}

// The first call runs before the JIT has compiled anything: time it alone (a one-shot CLI run
// sees this), then warm up so the best-of-3 figures compare steady states.
const lists = sizes.map((size) => makeNames(size, 12345, scattered));
{
  const names = lists[0] as string[];
  const started = performance.now();
  groupFileNames(names);
  console.log(`first call in the process (cold JIT), ${names.length} names: ${(performance.now() - started).toFixed(1)} ms`);
  const warmUp = makeNames(50_000, 777, scattered);
  for (let round = 0; round < 8; round++) groupFileNames(warmUp);
}

const bestTimes: number[] = [];
for (const [listIndex, size] of sizes.entries()) {
  const names = lists[listIndex] as string[];
  let best = Infinity;
  let bestCpu = Infinity;
  let heapDelta = 0;
  let rssDelta = 0;
  let heapRetained = 0;
  let summary = '';
  for (let run = 0; run < 3; run++) {
    collectGarbage();
    const before = process.memoryUsage();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = groupFileNames(names);
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMilliseconds = (cpu.user + cpu.system) / 1000;
    if (cpuMilliseconds < bestCpu) bestCpu = cpuMilliseconds;
    const after = process.memoryUsage();
    collectGarbage();
    const retained = process.memoryUsage().heapUsed - before.heapUsed;
    if (elapsed < best) best = elapsed;
    heapDelta = Math.max(heapDelta, after.heapUsed - before.heapUsed);
    rssDelta = Math.max(rssDelta, after.rss - before.rss);
    heapRetained = Math.max(heapRetained, retained);
    let sequences = 0;
    let files = 0;
    for (const item of result) {
      if (item.kind === 'sequence') sequences++;
      else files++;
    }
    summary = `${sequences} sequences, ${files} files`;
  }
  bestTimes.push(best);
  const rate = size / (best / 1000);
  console.log(
    `${String(size).padStart(9)} names: best of 3 ${best.toFixed(1).padStart(7)} ms, ` +
      `${Math.round(rate).toLocaleString('en-US').padStart(10)} names/s ` +
      `(CPU ${bestCpu.toFixed(0)} ms, GC threads included: ${Math.round(size / (bestCpu / 1000)).toLocaleString('en-US')} names/CPU-s); ` +
      `after the call heapUsed +${megabytes(heapDelta)} rss +${megabytes(rssDelta)}, ` +
      `held by the result +${megabytes(heapRetained)} (${summary})`,
  );
}
console.log(scattered ? 'strings scattered in memory (--scattered)' : 'strings allocated in list order, as readdir does');
console.log(`peak rss of the process: ${megabytes(process.resourceUsage().maxRSS * 1024)}`);
if (sizes.length > 1) {
  const smallest = sizes.indexOf(Math.min(...sizes));
  const largest = sizes.indexOf(Math.max(...sizes));
  const timeRatio = (bestTimes[largest] as number) / (bestTimes[smallest] as number);
  const sizeRatio = (sizes[largest] as number) / (sizes[smallest] as number);
  console.log(`time ratio ${sizes[largest]}/${sizes[smallest]}: ${timeRatio.toFixed(2)} (linear would be ${sizeRatio.toFixed(2)})`);
}
