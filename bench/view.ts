/**
 * npm run bench -- view [--frames N] [--points N] [--voxels N] [--runs R] [--cases 1,2,3,4] [--query k=v,...] [--versus DIR] [--keep]
 *
 * The viewers in headless Chromium (SwiftShader: WebGL on the CPU, no GPU), through the `vfx view`
 * server, driven by the page's `window.vfxView` API. Inputs are written at bench time in a
 * temporary directory:
 * 1. Time to first image of a 4096x2160 half RGBA EXR (ZIP), written with @vfxkit/exr's writeExr:
 *    from `page.goto` to the first image on the canvas, each run in a fresh browser context (no HTTP
 *    cache) made before the clock starts. At 1280x720 that first image is the display-resolution
 *    proxy (3x3 box means, drawn at fit): made by the `vfx view` server (api/proxy) when the page
 *    marks `vfx:first-image` (then `whenReady()`, when the worker's pixels are in and the probe is
 *    exact, is printed apart), else by the worker, drawn when `whenReady()` resolves (page start,
 *    session, transfer, decode in the workers, upload, render). "full resolution on screen" is its
 *    own figure (when the full-resolution textures replaced the proxy). The page's marks split the
 *    time. Target: under 1 s.
 * 2. Flipbook playback of a cached 1920x1080 half RGB EXR sequence (N frames, default 24, ZIP): one
 *    pass of `set({frame})` over every frame to decode and cache them, then timed passes of
 *    `set({frame})` (each resolves after its render), then `play(24)` for 4 s read through
 *    `stats().framesShown`. Target: 24 fps.
 * 3. Time to first render of a 10M-point binary PLY (P and Cd), written with @vfxkit/particles.
 * 4. Time to first render of a 256^3 fog volume (a noisy sphere) written with python3-openvdb
 *    (/usr/bin/python3) or vdb_tool, whichever is present; otherwise a skip line.
 * `--versus DIR` (case 1): another build of the app (a copy of an older viewers/dist) timed against
 * this one, run for run in turn in the same browser after one untimed run of each, so both see the
 * same load on a shared machine.
 * There is no reference tool for this one. The load average is printed: the machine is shared.
 * Every run opens a fresh browser context (no HTTP cache), but the browser stays up, so the first
 * run of each viewer also pays for SwiftShader compiling its shaders (cold) and later runs do not
 * (warm); each figure lists every run in order.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExr } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { createParticleSet, writeParticles } from '@vfxkit/particles';
import {
  chromiumMissingMessage,
  defaultViewerDir,
  findChromium,
  launchBrowser,
  openView,
  setView,
  startViewServer,
  viewerBuilt,
  viewUrl,
  waitForView,
  type Browser,
  type PageViewInfo,
  type ViewResponseEvent,
  type ViewServer,
} from '@vfxkit/tool-view';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at === -1 ? Number.NaN : Number(args[at + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const frameCount = option('--frames', 24);
const pointCount = option('--points', 10_000_000);
const voxels = option('--voxels', 256);
const runs = option('--runs', 3);
const keep = args.includes('--keep');
const casesAt = args.indexOf('--cases');
/** The cases to run (`--cases 1,2`: only those); all by default. */
const cases = new Set(casesAt === -1 ? [1, 2, 3, 4] : (args[casesAt + 1] ?? '').split(',').map(Number));
/** Extra query parameters for the app (`--query workers=2,proxy=0`), to compare its settings. */
const queryAt = args.indexOf('--query');
const extraQuery: Record<string, string> = Object.fromEntries(
  (queryAt === -1 ? '' : args[queryAt + 1] ?? '').split(',').filter((pair) => pair.includes('=')).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/** Another build of the app to compare with (`--versus DIR`, case 1). */
const versusAt = args.indexOf('--versus');
const versus = versusAt === -1 ? undefined : args[versusAt + 1];

const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A half RGB(A) image with a gradient and a little noise, shifted by `phase` (so frames differ). */
function makeExr(width: number, height: number, channels: string[], phase: number): Uint8Array {
  const planes = channels.map((name, c) => {
    const plane = new Float32Array(width * height);
    let seed = 12345 + c * 977 + phase * 7919;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const noise = ((seed >>> 16) / 65536 - 0.5) * 0.02;
        const value = name === 'A' ? 1 : ((x + phase * 37) % width) / width * (0.5 + 0.5 * c / 3) + (y / height) * 0.25 + noise;
        plane[y * width + x] = value;
      }
    }
    return { name, type: 'half' as const, data: plane };
  });
  return writeExr({ width, height, compression: 'zip', channels: planes }, { zlib: nodeZlib });
}

/** Where the time of the last run went, on this process's clock (the server runs here). */
interface Breakdown {
  start: number;
  /** When the app asked for the session (its scripts had loaded and run). */
  session: number;
  fileStart: number;
  fileEnd: number;
  ready: number;
  /** The page's own marks (ms since its navigation started), first of each name. */
  marks: Record<string, number>;
  /** When the full-resolution textures were on screen (after a proxy first paint), this clock. */
  full?: number;
  /** The server's proxy answer (api/proxy), this clock, and its Server-Timing (read, decode, reduce). */
  proxy?: { start: number; end: number; timing?: string };
}

/** The page marks the split prints, with their labels, in order. */
const PAGE_STAGES: [string, string][] = [
  ['html-in', 'HTML in'],
  ['vfx:main', 'entry script run'],
  ['worker:message', 'worker has the request'],
  ['worker:head', 'EXR headers in'],
  ['vfx:proxy-asked', 'server proxy asked'],
  ['vfx:app-loaded', 'app code loaded'],
  ['vfx:session', 'app built'],
  ['vfx:proxy-in', 'server proxy in'],
  ['vfx:first-image', 'server proxy drawn (first image)'],
  ['worker:fetched', 'last byte in (a large EXR: its chunks inflated and decoded as they came)'],
  ['worker:decoded', 'decoded'],
  ['vfx:message', 'page has the pixels'],
  ['vfx:rendered', 'drawn'],
  ['vfx:full-resolution', 'full resolution drawn'],
];

/** The median of each stage over the runs (times from the run's start). */
function breakdownText(runs: Breakdown[]): string {
  if (runs.length === 0) return '   (no file request seen)';
  const stage = (pick: (b: Breakdown) => number): string => ms(median(runs.map(pick)));
  const lines = [`   breakdown (median of ${runs.length} run${runs.length === 1 ? '' : 's'}): session asked for after ${stage((b) => b.session - b.start)}, file asked for after ${stage((b) => b.fileStart - b.start)}, file sent by ${stage((b) => b.fileEnd - b.start)}, then until ready: ${stage((b) => b.ready - b.fileEnd)}`];
  const marks = PAGE_STAGES.filter(([name]) => runs.some((b) => b.marks[name] !== undefined)).map(([name, label]) => {
    const values = runs.map((b) => b.marks[name]).filter((v): v is number => v !== undefined);
    return `${label} ${ms(median(values))}`;
  });
  if (marks.length > 0) lines.push(`   page marks (median ms since navigation): ${marks.join(', ')}`);
  const proxied = runs.filter((b) => b.proxy !== undefined);
  if (proxied.length > 0) {
    const durations = (name: string): number[] => proxied.map((b) => Number(new RegExp(`${name};dur=([0-9.]+)`).exec(b.proxy!.timing ?? '')?.[1] ?? Number.NaN)).filter((v) => Number.isFinite(v));
    const server = ['read', 'decode', 'reduce', 'job', 'prefetched', 'total'].map((name) => [name, durations(name)] as const).filter(([, values]) => values.length > 0).map(([name, values]) => `${name} ${ms(median(values))}`);
    lines.push(`   server proxy (api/proxy, median): asked for after ${ms(median(proxied.map((b) => b.proxy!.start - b.start)))}, sent by ${ms(median(proxied.map((b) => b.proxy!.end - b.start)))}${server.length > 0 ? ` (server: ${server.join(', ')})` : ''}`);
  }
  // The decode worker's inflate helper (viewers/src/decode/inflate-helper.ts): chunks it inflated, per run.
  const shares = runs.map((b) => Object.keys(b.marks).find((name) => name.startsWith('worker:helper '))?.slice('worker:helper '.length)).filter((v): v is string => v !== undefined);
  if (shares.length > 0) lines.push(`   ZIP chunks inflated by the inflate helper worker (per run): ${shares.join(', ')}`);
  return lines.join('\n');
}

/** Every response of the servers, for the breakdowns. */
const responses: ViewResponseEvent[] = [];

/** The breakdowns of the runs of the last `timeFirstRender`. */
let breakdown: Breakdown[] = [];

/** `whenReady()` of the runs of the last `timeFirstRender`, when it came after a server proxy's first image. */
let readyAfterProxy: number[] = [];

async function timeFirstRender(browser: Browser, server: ViewServer, label: string, count: number): Promise<{ times: number[]; info: PageViewInfo | undefined }> {
  const times: number[] = [];
  readyAfterProxy = [];
  let info: PageViewInfo | undefined;
  breakdown = [];
  for (let run = 0; run < count; run++) {
    // A fresh context (no HTTP cache) and page, made before the clock starts: timed from
    // page.goto to whenReady().
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    responses.length = 0;
    const start = performance.now();
    await page.goto(viewUrl(server.url, { item: 0, snapshot: 1, ...extraQuery }), { waitUntil: 'load', timeout: 300_000 });
    info = await waitForView(page, 300_000);
    const elapsed = performance.now() - start;
    // After a display-resolution proxy first paint, the full-resolution textures follow: wait for
    // them (the page marks vfx:full-resolution) and place that mark on this clock.
    const page_ = await page.evaluate(async () => {
      const shown = (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document.documentElement.dataset.vfxProxy;
      const proxy = shown === '1' || performance.getEntriesByName('vfx:full-resolution').length > 0;
      for (let i = 0; proxy && i < 3000 && performance.getEntriesByName('vfx:full-resolution').length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      const marks: Record<string, number> = {};
      for (const entry of performance.getEntriesByType('mark')) if (!(entry.name in marks)) marks[entry.name] = entry.startTime;
      // The page's HTML received (its navigation entry: the clock's origin is the navigation's start).
      const navigation = performance.getEntries().find((entry) => (entry.entryType as string) === 'navigation') as unknown as { responseEnd?: number } | undefined;
      if (navigation?.responseEnd !== undefined) marks['html-in'] = navigation.responseEnd;
      const timing = (performance.getEntriesByName('vfx:proxy-in')[0] as { detail?: unknown } | undefined)?.detail;
      return { marks, proxy, timing: typeof timing === 'string' ? timing : undefined };
    });
    // vfx:chrome is the page's last mark before whenReady() resolves.
    const fullMark = page_.marks['vfx:full-resolution'];
    const readyMark = page_.marks['vfx:chrome'];
    const full = page_.proxy && fullMark !== undefined && readyMark !== undefined ? start + elapsed + Math.max(0, fullMark - readyMark) : undefined;
    // A first image from the server's proxy was on the canvas before whenReady(): at its mark.
    const firstMark = page_.marks['vfx:first-image'];
    const first = firstMark !== undefined && readyMark !== undefined ? elapsed - Math.max(0, readyMark - firstMark) : elapsed;
    const files = responses.filter((event) => event.path.startsWith('files/'));
    const proxyEvent = responses.find((event) => event.path.startsWith('api/proxy/'));
    if (files.length > 0) {
      breakdown.push({
        start,
        session: responses.find((event) => event.path.startsWith('api/session'))?.start ?? Number.NaN,
        fileStart: Math.min(...files.map((e) => e.start)),
        fileEnd: Math.max(...files.map((e) => e.end)),
        ready: start + elapsed,
        marks: page_.marks,
        ...(full !== undefined ? { full } : {}),
        ...(proxyEvent !== undefined ? { proxy: { start: proxyEvent.start, end: proxyEvent.end, ...(page_.timing !== undefined ? { timing: page_.timing } : {}) } } : {}),
      });
    }
    await page.context().close();
    if (info.status !== 'ready') {
      console.log(`  ${label}: the viewer reported an error: ${info.error ?? 'unknown'}`);
      return { times, info };
    }
    times.push(first);
    if (firstMark !== undefined) readyAfterProxy.push(elapsed);
  }
  return { times, info };
}

function summaryText(info: PageViewInfo | undefined): string {
  if (info === undefined) return '';
  const entries = Object.entries(info.summary)
    .filter(([, value]) => typeof value !== 'object' || value === null)
    .slice(0, 6)
    .map(([key, value]) => `${key} ${String(value)}`);
  return entries.length > 0 ? ` (${entries.join(', ')})` : '';
}

/** Writes a fog volume of `size`^3 voxels; returns the tool used, or undefined when none is here. */
function writeVolume(path: string, size: number): string | undefined {
  const script = [
    'import sys, numpy as np, pyopenvdb as vdb',
    'n = int(sys.argv[2])',
    'i = (np.arange(n, dtype=np.float32) - n / 2) / (n / 2)',
    'x, y, z = np.meshgrid(i, i, i, indexing="ij")',
    'r = np.sqrt(x * x + y * y + z * z)',
    'rng = np.random.default_rng(1)',
    'd = np.clip(1.0 - r, 0.0, 1.0) * (0.8 + 0.2 * rng.random((n, n, n), dtype=np.float32))',
    'g = vdb.FloatGrid()',
    'g.copyFromArray(d.astype(np.float32))',
    'g.name = "density"',
    'g.gridClass = vdb.GridClass.FOG_VOLUME',
    'vdb.write(sys.argv[1], grids=[g])',
  ].join('\n');
  const python = spawnSync('/usr/bin/python3', ['-c', script, path, String(size)], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (python.status === 0) return 'python3-openvdb';
  const tool = spawnSync('vdb_tool', ['-sphere', `dim=${size}`, 'radius=1', 'voxel=' + (2.2 / size).toFixed(6), '-l2f', '-write', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (tool.status === 0) return 'vdb_tool (sphere level set -> fog)';
  return undefined;
}

async function main(): Promise<void> {
  const chromium = findChromium();
  if (chromium === null) {
    console.log(`view bench skipped: ${chromiumMissingMessage()}`);
    return;
  }
  if (!viewerBuilt(defaultViewerDir())) {
    console.log(`view bench skipped: the viewer app is not built (no ${defaultViewerDir()}index.html): npm run build -w @vfxkit/viewers`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vfx-bench-view-'));
  const browser = await launchBrowser({ executablePath: chromium });
  const servers: ViewServer[] = [];
  const serve = async (path: string, viewerDir?: string): Promise<ViewServer> => {
    const server = await startViewServer({ paths: [path], onResponse: (event) => responses.push(event), ...(viewerDir !== undefined ? { viewerDir } : {}) });
    servers.push(server);
    return server;
  };
  try {
    console.log(`vfx view in headless Chromium (${chromium}, SwiftShader WebGL); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    let start = performance.now();
    // 1. First image of a 4K half EXR.
    if (cases.has(1)) {
      const big = join(dir, 'uhd.exr');
      start = performance.now();
      writeFileSync(big, makeExr(4096, 2160, ['A', 'B', 'G', 'R'], 0));
      console.log(`\n1. time to first image, 4096x2160 half RGBA EXR (ZIP, ${mib(statSync(big).size)}; written in ${ms(performance.now() - start)}), ${runs} runs:`);
      if (versus !== undefined) {
        // This build and the other one in turn, run for run, after an untimed run of each.
        const sides = [
          { label: `this build (${defaultViewerDir()})`, server: await serve(big), times: [] as number[], ready: [] as number[], runs: [] as Breakdown[] },
          { label: `--versus ${versus}`, server: await serve(big, versus), times: [] as number[], ready: [] as number[], runs: [] as Breakdown[] },
        ];
        for (const side of sides) await timeFirstRender(browser, side.server, 'EXR', 1);
        for (let run = 0; run < runs; run++) {
          for (const side of sides) {
            const one = await timeFirstRender(browser, side.server, 'EXR', 1);
            side.times.push(...one.times);
            side.ready.push(...readyAfterProxy);
            side.runs.push(...breakdown);
          }
        }
        for (const side of sides) {
          if (side.times.length === 0) continue;
          console.log(`   ${side.label}: first image median ${ms(median(side.times))}, best ${ms(Math.min(...side.times))}, worst ${ms(Math.max(...side.times))} (all: ${side.times.map((t) => ms(t)).join(', ')})`);
          if (side.ready.length > 0) console.log(`   ${side.label}: first image from the server's proxy in ${side.ready.length} of ${side.times.length} runs; whenReady() (the worker's pixels in, probe exact) median ${ms(median(side.ready))}`);
          console.log(breakdownText(side.runs));
        }
        console.log(`   load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      }
      const first = versus !== undefined ? { times: [] as number[], info: undefined } : await timeFirstRender(browser, await serve(big), 'EXR', runs);
      if (first.times.length > 0) {
        const best = Math.min(...first.times);
        const proxied = breakdown.filter((b) => b.full !== undefined);
        const label = proxied.length > 0 ? 'first image (display-resolution proxy)' : 'first image';
        console.log(`   ${label}: cold ${ms(first.times[0])}; best ${ms(best)}, median ${ms(median(first.times))}, worst ${ms(Math.max(...first.times))} (all: ${first.times.map((t) => ms(t)).join(', ')})${summaryText(first.info)}`);
        if (readyAfterProxy.length > 0) console.log(`   first image from the server's proxy in ${readyAfterProxy.length} of ${first.times.length} runs; whenReady() (the worker's pixels in, probe exact): median ${ms(median(readyAfterProxy))} (all: ${readyAfterProxy.map((t) => ms(t)).join(', ')})`);
        if (proxied.length > 0) {
          const fulls = proxied.map((b) => b.full! - b.start);
          console.log(`   full resolution on screen: median ${ms(median(fulls))}, best ${ms(Math.min(...fulls))}, worst ${ms(Math.max(...fulls))} (all: ${fulls.map((t) => ms(t)).join(', ')})`);
        }
        console.log(breakdownText(breakdown));
        console.log(`   target < 1 s: ${verdict(median(first.times) < 1000)} (median ${label})`);
      }
    }

    // 2. Flipbook of a cached HD sequence.
    if (cases.has(2)) {
      start = performance.now();
      for (let frame = 1; frame <= frameCount; frame++) {
        writeFileSync(join(dir, `hd.${String(1000 + frame).padStart(4, '0')}.exr`), makeExr(1920, 1080, ['B', 'G', 'R'], frame));
      }
      console.log(`\n2. flipbook, ${frameCount} frames of 1920x1080 half RGB EXR (ZIP, ${mib(statSync(join(dir, 'hd.1001.exr')).size)} each; written in ${ms(performance.now() - start)}):`);
      const sequence = await serve(join(dir, 'hd.#.exr'));
      const frames = sequence.items[0]!.frames.map((f) => f.frame!);
      const view = await openView(browser, sequence.url, { width: 1280, height: 720, query: { item: 0, snapshot: 1, frame: frames[0] }, timeoutMs: 300_000 });
      if (view.info.status !== 'ready') {
        console.log(`   the viewer reported an error: ${view.info.error ?? 'unknown'}`);
      } else {
        start = performance.now();
        for (const frame of frames) await setView(view.page, { frame }, 300_000);
        const firstPass = performance.now() - start;
        console.log(`   first pass (decode and cache): ${ms(firstPass)}, ${(frames.length / (firstPass / 1000)).toFixed(1)} fps`);
        const passes = 3;
        start = performance.now();
        for (let pass = 0; pass < passes; pass++) for (const frame of frames) await setView(view.page, { frame }, 300_000);
        const cached = performance.now() - start;
        const setFps = (passes * frames.length) / (cached / 1000);
        console.log(`   cached, set({frame}) each awaited: ${setFps.toFixed(1)} fps (${passes} passes, ${ms(cached / (passes * frames.length))} a frame)`);
        const stats = await view.page.evaluate(() => (globalThis as unknown as { vfxView: { stats(): { framesShown: number; cachedFrames: number } } }).vfxView.stats());
        const playFor = 4000;
        const shownBefore = stats.framesShown;
        await view.page.evaluate(() => (globalThis as unknown as { vfxView: { play(fps?: number): void } }).vfxView.play(24));
        await new Promise((resolve) => setTimeout(resolve, playFor));
        const after = await view.page.evaluate(() => {
          const api = (globalThis as unknown as { vfxView: { stats(): { framesShown: number; cachedFrames: number }; pause(): void } }).vfxView;
          api.pause();
          return api.stats();
        });
        const playFps = (after.framesShown - shownBefore) / (playFor / 1000);
        console.log(`   cached, play(24) for ${playFor / 1000} s: ${playFps.toFixed(1)} fps shown (${after.cachedFrames} frames cached)`);
        console.log(`   target 24 fps: ${verdict(Math.max(setFps, playFps) >= 24 * 0.97)} (set: ${setFps.toFixed(1)}, play: ${playFps.toFixed(1)})`);
      }
      await view.page.context().close();
    }

    // 3. A 10M-point cache.
    if (cases.has(3)) {
      start = performance.now();
      const P = new Float32Array(pointCount * 3);
      const Cd = new Float32Array(pointCount * 3);
      let seed = 7;
      for (let i = 0; i < pointCount * 3; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        P[i] = (seed / 4294967296) * 2 - 1;
        Cd[i] = (i % 3) / 2;
      }
      const ply = join(dir, 'points.ply');
      writeFileSync(ply, writeParticles(createParticleSet(pointCount, [
        { name: 'P', type: 'vector', width: 3, data: P },
        { name: 'Cd', type: 'vector', width: 3, data: Cd },
      ]), 'ply'));
      console.log(`\n3. time to first render, ${(pointCount / 1e6).toFixed(1)}M-point binary PLY (P, Cd; ${mib(statSync(ply).size)}; written in ${ms(performance.now() - start)}):`);
      const points = await timeFirstRender(browser, await serve(ply), 'points', Math.max(2, Math.min(runs, 3)));
      if (points.times.length > 0) console.log(`   cold ${ms(points.times[0])}, then ${points.times.slice(1).map((t) => ms(t)).join(', ')}${summaryText(points.info)}\n${breakdownText(breakdown)}`);
    }

    // 4. A 256^3 volume.
    if (cases.has(4)) {
      const vdbPath = join(dir, 'fog.vdb');
      start = performance.now();
      const tool = writeVolume(vdbPath, voxels);
      if (tool === undefined) {
        console.log(`\n4. ${voxels}^3 volume: skipped (neither python3-openvdb for /usr/bin/python3 nor vdb_tool is installed)`);
      } else {
        console.log(`\n4. time to first render, ${voxels}^3 fog volume (${tool}, ${mib(statSync(vdbPath).size)}; written in ${ms(performance.now() - start)}):`);
        const volume = await timeFirstRender(browser, await serve(vdbPath), 'volume', Math.max(2, Math.min(runs, 3)));
        if (volume.times.length > 0) console.log(`   cold ${ms(volume.times[0])}, then ${volume.times.slice(1).map((t) => ms(t)).join(', ')}${summaryText(volume.info)}\n${breakdownText(breakdown)}`);
      }
    }
  } finally {
    await browser.close();
    for (const server of servers) await server.close();
    if (keep) console.log(`\ninputs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
