/**
 * npm run bench -- slate [--jpeg N] [--exr N] [--jobs N] [--keep]
 *
 * Burn-in speed, ours against `oiiotool --text` (OpenImageIO 2.4, Debian's openimageio-tools) on
 * the same frames with the same font file (the bundled Inter Medium) and four texts per frame
 * (shot, version, frame number twice: oiiotool has no timecode, we draw {timecode}):
 * 1. --jpeg (default 200) 1920x1080 JPEG frames (10 distinct gradients with grain, hard-linked),
 *    written as JPEG quality 95;
 * 2. --exr (default 100) 1920x1080 RGBA half ZIP EXR frames (10 distinct, hard-linked), written as
 *    half ZIP.
 * Ours: `vfx burnin -j N` in this process (main() with a captured context) and as a real process
 * (started from sources through tsx, start-up included); oiiotool processes the frame range in one
 * process (`--frames`), with its default thread count. Printed: seconds and frames/s of each.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { floatsToHalves } from '@vfxkit/core';
import { boxOfSize, type Image } from '@vfxkit/image';
import { encodeExrImage, fontFile } from '@vfxkit/slate/node';
import { captureContext } from '@vfxkit/tool-common';
import { main } from '@vfxkit/vfx';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const jpegFrames = option('--jpeg', 200);
const exrFrames = option('--exr', 100);
const jobs = option('--jobs', availableParallelism());
const keep = args.includes('--keep');
const W = 1920;
const H = 1080;
const FIRST = 1001;
const DISTINCT = 10;

const dir = mkdtempSync(join(tmpdir(), 'vfx-bench-slate-'));
const pad = (frame: number) => String(frame).padStart(4, '0');

function gradient(frame: number): Float32Array[] {
  const size = W * H;
  const planes = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  let seed = frame * 7919;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = ((seed >>> 16) / 65536 - 0.5) * 0.04;
      const i = y * W + x;
      planes[0]![i] = (x / W) * 0.8 + grain;
      planes[1]![i] = (y / H) * 0.6 + grain;
      planes[2]![i] = 0.2 + (frame % DISTINCT) * 0.05 + grain;
    }
  }
  return planes;
}

async function makeFrames(): Promise<void> {
  for (let k = 0; k < DISTINCT; k++) {
    const planes = gradient(k);
    const rgb = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(planes[c]![i]! * 255)));
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 92 }).toFile(join(dir, `distinct${k}.jpg`));
    const image: Image = {
      width: W,
      height: H,
      dataWindow: boxOfSize(W, H),
      displayWindow: boxOfSize(W, H),
      channels: ['R', 'G', 'B', 'A'].map((name) => ({ name, type: 'half' as const })),
      pixels: { layout: 'planar', planes: [...planes.map((p) => floatsToHalves(p)), floatsToHalves(new Float32Array(W * H).fill(1))] },
      colorSpace: 'Linear Rec.709 (sRGB)',
      alpha: 'premultiplied',
      metadata: { tags: {} },
    };
    writeFileSync(join(dir, `distinct${k}.exr`), encodeExrImage(image, 'zip'));
  }
  for (let i = 0; i < jpegFrames; i++) linkSync(join(dir, `distinct${i % DISTINCT}.jpg`), join(dir, `plate.${pad(FIRST + i)}.jpg`));
  for (let i = 0; i < exrFrames; i++) linkSync(join(dir, `distinct${i % DISTINCT}.exr`), join(dir, `render.${pad(FIRST + i)}.exr`));
}

const size = Math.round(0.024 * H);
const margin = Math.round(0.025 * H);
const texts = (frameText: string) => [
  ['--top-left', 'SH010'],
  ['--top-right', 'v003'],
  ['--bottom-left', frameText],
  ['--bottom-right', frameText === '{frame}' ? '{timecode}' : frameText],
];

async function oursInProcess(input: string, output: string): Promise<number> {
  const { context, stderr } = captureContext({ cwd: dir });
  const started = performance.now();
  const code = await main(['burnin', input, '-o', output, ...texts('{frame}').flat(), '--text-size', '0.024', '-j', String(jobs), '--force', '--json'], context);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`vfx burnin failed: ${stderr()}`);
  return seconds;
}

function oursProcess(input: string, output: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', import.meta.resolve('tsx/esm'), join(root, 'tools/vfx/src/bin.ts'), 'burnin', input, '-o', output, ...texts('{frame}').flat(), '--text-size', '0.024', '-j', String(jobs), '--force'],
    { cwd: dir, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`vfx burnin failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

function oiiotool(input: string, output: string, count: number, font: string, writeArgs: string[]): number {
  const placed = [
    [margin, margin + size, 'SH010', ''],
    [W - margin - 5 * size, margin + size, 'v003', ''],
    [margin, H - margin, '{FRAME_NUMBER}', ''],
    [W - margin - 5 * size, H - margin, '{FRAME_NUMBER}', ''],
  ] as const;
  const textArgs = placed.flatMap(([x, y, text]) => [`--text:x=${x}:y=${y}:size=${size}:font=${font}:color=1,1,1`, text]);
  mkdirSync(join(dir, output.split('/')[0]!), { recursive: true });
  const started = performance.now();
  const result = spawnSync('oiiotool', ['--frames', `${FIRST}-${FIRST + count - 1}`, input, ...textArgs, ...writeArgs, '-o', output], { cwd: dir, encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) throw new Error(`oiiotool failed: ${result.error?.message ?? result.stderr}`);
  return (performance.now() - started) / 1000;
}

function row(label: string, frames: number, seconds: number): string {
  return `  ${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${(frames / seconds).toFixed(1).padStart(7)} frames/s`;
}

try {
  console.log(`# vfx burnin vs oiiotool --text: ${jpegFrames} JPEG + ${exrFrames} EXR frames, ${W}x${H}, -j ${jobs}, ${availableParallelism()} cores`);
  await makeFrames();
  // oiiotool reads '@' in arguments as a frame-number wildcard: give it the same TTF by a plain path.
  const font = join(dir, 'Inter_500Medium.ttf');
  copyFileSync(fontFile('medium'), font);

  console.log(`\nJPEG ${W}x${H}, ${jpegFrames} frames, 4 texts each, written JPEG q95`);
  const jpegIn = await oursInProcess('plate.#.jpg', 'ours-jpg/');
  console.log(row('vfx burnin (in process)', jpegFrames, jpegIn));
  const jpegProcess = oursProcess('plate.#.jpg', 'ours-jpg-process/');
  console.log(row('vfx burnin (process, start-up included)', jpegFrames, jpegProcess));
  const jpegOiio = oiiotool('plate.#.jpg', 'oiio-jpg/plate.#.jpg', jpegFrames, font, ['--compression', 'jpeg:95']);
  console.log(row('oiiotool --text', jpegFrames, jpegOiio));
  console.log(`  ours / oiiotool: ${(jpegOiio / jpegIn).toFixed(2)}x in process, ${(jpegOiio / jpegProcess).toFixed(2)}x as a process`);

  console.log(`\nEXR ${W}x${H} RGBA half ZIP, ${exrFrames} frames, 4 texts each, written half ZIP`);
  const exrIn = await oursInProcess('render.#.exr', 'ours-exr/render.#.exr');
  console.log(row('vfx burnin (in process, worker threads)', exrFrames, exrIn));
  const exrProcess = oursProcess('render.#.exr', 'ours-exr-process/render.#.exr');
  console.log(row('vfx burnin (process, start-up included)', exrFrames, exrProcess));
  const exrOiio = oiiotool('render.#.exr', 'oiio-exr/render.#.exr', exrFrames, font, ['-d', 'half', '--compression', 'zip']);
  console.log(row('oiiotool --text', exrFrames, exrOiio));
  console.log(`  ours / oiiotool: ${(exrOiio / exrIn).toFixed(2)}x in process, ${(exrOiio / exrProcess).toFixed(2)}x as a process`);
} finally {
  if (keep) console.log(`\n(frames kept in ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
}
