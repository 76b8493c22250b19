/**
 * Speed of `createTransform` on a 4096x2160 RGBA float frame (a 4K DCI frame, 8.8 Mpixels), in
 * Mpixels/s, best and median of several runs after one warm-up run, output into a preallocated
 * frame; also per CPU-second of this process, which a busy machine skews less than wall time (run
 * it on a quiet machine all the same). From the repository root:
 *
 *   node --conditions=source --import tsx packages/color/bench/transform.ts [runs]
 */
import { bakeLut3D, createLutTransform, createTransform } from '@vfxkit/color';
import type { ColorTransform } from '@vfxkit/color';

const WIDTH = 4096;
const HEIGHT = 2160;
const PIXELS = WIDTH * HEIGHT;
const runs = Number(process.argv[2] ?? 7);

/** A deterministic frame in [0, 1] (what an sRGB texture holds): gradients, a checker, noise. */
function makeFrame(): Float32Array {
  const frame = new Float32Array(PIXELS * 4);
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const at = (y * WIDTH + x) * 4;
      const checker = ((x >> 6) + (y >> 6)) & 1 ? 0.1 : 0;
      const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
      frame[at] = clamp((x / WIDTH) * 0.9 + checker + (random() - 0.5) * 0.01);
      frame[at + 1] = clamp(y / HEIGHT + (random() - 0.5) * 0.01);
      frame[at + 2] = clamp(((x + y) / (WIDTH + HEIGHT)) * 0.9 + checker);
      frame[at + 3] = 1;
    }
  }
  return frame;
}

function bench(name: string, transform: ColorTransform, frame: Float32Array, output: Float32Array): void {
  transform(frame, 4, output); // warm up: let the JIT optimise for this transform
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    transform(frame, 4, output);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rate = (ms: number) => (PIXELS / 1e6 / (ms / 1000)).toFixed(1).padStart(6);
  const best = Math.min(...times);
  console.log(
    `${name.padEnd(46)} ${rate(best)} Mpixels/s best ${rate(median(times))} median wall ${rate(median(cpuTimes))} per CPU-second  ` +
      `(${median(times).toFixed(0)} ms/frame)`,
  );
}

const frame = makeFrame();
const output = new Float32Array(frame.length);
console.log(`createTransform on a ${WIDTH}x${HEIGHT} RGBA float32 frame (${(PIXELS / 1e6).toFixed(2)} Mpixels), ${runs} runs, Node ${process.version}`);
bench('sRGB -> ACEScg (decode table + matrix)', createTransform('sRGB', 'ACEScg'), frame, output);
bench('sRGB -> ACEScg, exact (no tables)', createTransform('sRGB', 'ACEScg', { exact: true }), frame, output);
bench('ACEScg -> sRGB, clamped (matrix + encode table)', createTransform('ACEScg', 'sRGB', { clamp: true }), frame, output);
bench('ACEScg -> ACEScct (log encode)', createTransform('ACEScg', 'ACEScct'), frame, output);
const lut = bakeLut3D(createTransform('ACEScct', 'sRGB', { clamp: true }), 33);
bench('33^3 3D LUT, tetrahedral', createLutTransform(lut), frame, output);
bench('33^3 3D LUT, trilinear', createLutTransform(lut, { interpolation: 'trilinear' }), frame, output);
bench('ACEScg -> ACEScct -> 33^3 LUT (tetrahedral)', createTransform('ACEScg', 'ACEScct', { lut }), frame, output);
