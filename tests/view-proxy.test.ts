/**
 * The `vfx view` server's first paint of a large EXR (tools/view/src/proxy.ts, `api/proxy`): its
 * answer is the decode worker's display-resolution proxies for the same frame and canvas, byte for
 * byte (one implementation: viewers/src/shared/); it is token-protected, refuses bad items, frames
 * and sizes, and answers a damaged file with an error, not a crash. In Chromium: the page draws the
 * server's proxies first (the first image), then the worker's full decode (probe exact); with
 * `serverproxy=0` or a failing endpoint it does what it did before, with the same messages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { VfxError, halfToFloat } from '@vfxkit/core';
import { readExr, readExrHeader, writeExr, type ExrCompression } from '@vfxkit/exr';
import { nodeZlib } from '@vfxkit/exr/node';
import { findChromium, launchBrowser, startViewServer, type Browser, type ViewResponseEvent, type ViewServer } from '@vfxkit/tool-view';
import { decodeBand } from '../viewers/src/decode/exr-bands.js';
import { decodeProxyPayload, exrViewInfo, proxiesOf, proxyPlan } from '../viewers/src/shared/exr-proxy.js';
import type { VfxViewApi, ViewInfo } from '../viewers/src/contract.js';
import { joinProxyBands, makeProxy, makeProxyBand } from '../tools/view/src/proxy-job.js';
import { realFixtures, repoRoot, tempDir } from './helpers.js';
import { LARGE, largeSmoothPlanes } from './view-fixtures.js';

declare const window: { vfxView: VfxViewApi; __firstImage?: FirstImage };
declare const document: { documentElement: { dataset: Record<string, string | undefined> }; querySelector(selector: string): unknown };

interface FirstImage {
  status: string;
  proxyShown: string | undefined;
  probe: unknown;
  pixels: number[];
}

const WIDTH = 960;
const HEIGHT = 540;
const viewerDir = join(repoRoot, 'viewers', 'dist');
const outDir = join(repoRoot, 'tests', 'out');
const chromium = findChromium();
const built = existsSync(join(viewerDir, 'index.html'));
const browserSkip = chromium === null ? 'no Chromium (install chromium or set VFX_CHROMIUM)' : !built ? 'viewers/dist is not built (npm run build -w @vfxkit/viewers)' : false;
if (browserSkip !== false) console.log(`# skipping the browser tests of the server proxy: ${browserSkip}`);

/** `bytes` with a run of bytes inside a chunk in the middle of the file overwritten: readExr fails. */
function damaged(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const header = readExrHeader(copy);
  const part = header.parts[0]!;
  const view = new DataView(copy.buffer);
  const middle = Number(view.getBigUint64(header.offsetTablesOffset + Math.floor(part.chunkCount / 2) * 8, true));
  for (let i = middle + 8 + 2; i < middle + 8 + 200; i++) copy[i] = 0xa5;
  return copy;
}

const bytesOf = (data: Float32Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

describe('vfx view server: api/proxy', () => {
  const temp = tempDir('vfx-view-proxy-');
  let server: ViewServer;
  let large: Uint8Array;

  before(async () => {
    large = writeExr({ ...LARGE, compression: 'zip', channels: largeSmoothPlanes(['A', 'B', 'G', 'R']) });
    assert.ok(large.length > 2 * 1024 * 1024, 'large.exr is over 2 MiB');
    writeFileSync(join(temp.dir, 'large.exr'), large);
    writeFileSync(join(temp.dir, 'small.exr'), writeExr({ width: 64, height: 32, channels: ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, data: new Float32Array(64 * 32).fill(0.5) })) }));
    writeFileSync(join(temp.dir, 'damaged.exr'), damaged(large));
    await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toFile(join(temp.dir, 'plate.png'));
    server = await startViewServer({ paths: ['large.exr', 'small.exr', 'plate.png', 'damaged.exr'], cwd: temp.dir, viewerDir });
  });

  after(async () => {
    await server?.close();
    temp.cleanup();
  });

  it("answers the decode worker's proxies for the same frame and canvas, byte for byte, and its description of the frame", async () => {
    const response = await fetch(`${server.url}api/proxy/0/0?w=${WIDTH}&h=${HEIGHT}&channel=rgb`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('server-timing') ?? '', /read;dur=[\d.]+, decode;dur=[\d.]+, reduce;dur=[\d.]+, job;dur=[\d.]+, total;dur=[\d.]+/);
    const payload = decodeProxyPayload(await response.arrayBuffer());
    assert.deepEqual([...payload.proxies.keys()].sort(), ['B', 'G', 'R'], 'the channels the RGB view draws (not alpha)');
    // The worker's proxies: the band decoder's, in its decode pass (one band: one worker).
    const request = { width: WIDTH, height: HEIGHT, layer: '', channel: 'rgb' };
    const band = await decodeBand({ source: new Blob([large as Uint8Array<ArrayBuffer>]), name: 'large.exr', size: large.length }, undefined, 0, 1, () => undefined, undefined, request);
    assert.ok(band !== null);
    // And the shared reduction over readExr's planes (what the server runs).
    const header = readExrHeader(large);
    const plan = proxyPlan(header.parts[0]!, request)!;
    const reference = proxiesOf(readExr(large), plan);
    const bandProxies = band.proxies;
    for (const name of ['B', 'G', 'R']) {
      const got = payload.proxies.get(name)!;
      const worker = bandProxies.get(name)!;
      assert.deepEqual([got.factor, got.width, got.height], [2, 1024, 576]);
      assert.deepEqual([worker.factor, worker.width, worker.height], [got.factor, got.width, got.height]);
      assert.ok(bytesOf(got.data).equals(bytesOf(worker.data)), `${name}: the server's proxy is the worker's, byte for byte`);
      assert.ok(bytesOf(got.data).equals(bytesOf(reference.get(name)!.data)), `${name}: and the shared reduction's`);
    }
    // The description the app shows is the worker's (decode/work.ts describes readExr's whole image
    // with exrViewInfo), though the server reads only the channels it reduces.
    const image = readExr(large);
    const described = exrViewInfo(header, 0, image);
    assert.deepEqual(payload.head.info, JSON.parse(JSON.stringify(described)));
    assert.deepEqual(
      payload.head.channels.map((c) => [c.name, c.type, c.width, c.height]),
      image.channels.map((c) => [c.name, c.type, c.width, c.height]),
    );
  });

  it('a frame split in bands of rows (one per proxy thread) joins into the same answer', () => {
    const wanted = { width: WIDTH, height: HEIGHT, layer: '', channel: 'rgb', part: undefined };
    const whole = makeProxy(large, wanted)!;
    for (const count of [2, 3, 7]) {
      const bands = Array.from({ length: count }, (_, i) => makeProxyBand(large, { ...wanted, width: 640, height: 360 }, [i, count]));
      const joined = joinProxyBands(bands)!;
      assert.ok(Buffer.from(joined).equals(Buffer.from(makeProxy(large, { ...wanted, width: 640, height: 360 })!)), `${count} bands (3x3 boxes)`);
    }
    const halves = joinProxyBands([makeProxyBand(large, wanted, [0, 2]), makeProxyBand(large, wanted, [1, 2])])!;
    assert.ok(Buffer.from(halves).equals(Buffer.from(whole)), '2 bands (2x2 boxes)');
  });

  it('makes the proxies of the channels the view draws: alpha for the alpha view, none for a canvas the image fits', async () => {
    const alpha = decodeProxyPayload(await (await fetch(`${server.url}api/proxy/0/0?w=${WIDTH}&h=${HEIGHT}&channel=a`)).arrayBuffer());
    assert.deepEqual([...alpha.proxies.keys()].sort(), ['A', 'B', 'G', 'R']);
    assert.ok(alpha.proxies.get('A')!.data.every((v) => v === 1));
    // A 3x3 box for a smaller canvas.
    const small = decodeProxyPayload(await (await fetch(`${server.url}api/proxy/0/0?w=640&h=360`)).arrayBuffer());
    assert.deepEqual([small.proxies.get('R')!.factor, small.proxies.get('R')!.width, small.proxies.get('R')!.height], [3, 683, 384]);
    // Nothing to gain: the image is not larger than the canvas (204, no body), or a small image.
    assert.equal((await fetch(`${server.url}api/proxy/0/0?w=4096&h=2160`)).status, 204);
    assert.equal((await fetch(`${server.url}api/proxy/1/0?w=${WIDTH}&h=${HEIGHT}`)).status, 204);
    // A part the file does not have: nothing (the worker's decode says what is wrong).
    assert.equal((await fetch(`${server.url}api/proxy/0/0?w=${WIDTH}&h=${HEIGHT}&part=3`)).status, 204);
  });

  it('refuses requests without the token, and bad items, frames, sizes and methods, with a 4xx', async () => {
    const origin = server.url.slice(0, server.url.length - server.token.length - 1);
    assert.equal((await fetch(`${origin}api/proxy/0/0?w=960&h=540`)).status, 403, 'no token');
    assert.equal((await fetch(`${origin}${'0'.repeat(32)}/api/proxy/0/0?w=960&h=540`)).status, 403, 'a wrong token');
    const status = async (path: string, init?: RequestInit): Promise<[number, string]> => {
      const response = await fetch(`${server.url}${path}`, init);
      const text = await response.text();
      return [response.status, text];
    };
    for (const [path, expected] of [
      ['api/proxy/9/0?w=960&h=540', 404],
      ['api/proxy/0/1?w=960&h=540', 404],
      ['api/proxy/0?w=960&h=540', 404],
      ['api/proxy/x/0?w=960&h=540', 404],
      ['api/proxy/2/0?w=960&h=540', 415],
      ['api/proxy/0/0?w=0&h=540', 400],
      ['api/proxy/0/0?w=9000&h=540', 400],
      ['api/proxy/0/0?w=abc&h=540', 400],
      ['api/proxy/0/0?w=960', 400],
      ['api/proxy/0/0?w=960&h=540&channel=x', 400],
      ['api/proxy/0/0?w=960&h=540&part=-1', 400],
    ] as const) {
      const [got, body] = await status(path);
      assert.equal(got, expected, `${path}: ${body}`);
      const error = (JSON.parse(body) as { error: { code: string; message: string } }).error;
      assert.ok(typeof error.code === 'string' && error.message.length > 0, `${path}: a JSON error`);
    }
    assert.equal((await status('api/proxy/2/0?w=960&h=540'))[1].includes('plate.png'), true, 'the message names the file');
    assert.equal((await status('api/proxy/0/0?w=960&h=540', { method: 'HEAD' }))[0], 405);
  });

  it('answers a damaged file with an error naming it, and keeps serving; two requests at once are answered in turn', async () => {
    const response = await fetch(`${server.url}api/proxy/3/0?w=${WIDTH}&h=${HEIGHT}`);
    assert.equal(response.status, 422);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.match(error.message, /^damaged\.exr: /);
    assert.match(error.code, /^EXR_|^ERROR$/);
    assert.equal((await fetch(`${server.url}api/session`)).status, 200);
    const [a, b] = await Promise.all([0, 1].map(() => fetch(`${server.url}api/proxy/0/0?w=${WIDTH}&h=${HEIGHT}`).then(async (r) => [r.status, Buffer.from(await r.arrayBuffer())] as const)));
    assert.deepEqual([a[0], b[0]], [200, 200]);
    assert.ok(a[1].equals(b[1]), 'the same answer');
  });
});

/**
 * The sums the proxy job made before it decoded in one pass: readExr's planes of the shown channels
 * (a tiled part still goes this way), reduced by the shared proxiesOf: the reference for the one-pass
 * job's sums, byte for byte.
 */
function planeSums(bytes: Uint8Array, wanted: { width: number; height: number; layer: string; channel: string; part: number | undefined }): Map<string, Float32Array> | null {
  const header = readExrHeader(bytes);
  const part = header.parts[wanted.part ?? header.parts.findIndex((p) => p.type === 'scanlineimage' || p.type === 'tiledimage')];
  if (part === undefined || (part.type !== 'scanlineimage' && part.type !== 'tiledimage')) return null;
  const plan = proxyPlan(part, wanted);
  if (plan === undefined) return null;
  const image = readExr(bytes, { part: part.index, channels: plan.channels.map((c) => c.name), zlib: nodeZlib });
  const proxies = proxiesOf(image, plan, { y0: 0, height: part.dataWindow.yMax - part.dataWindow.yMin + 1 });
  return new Map(plan.channels.map((c) => [c.name, proxies.get(c.name)!.data]));
}

function assertSameSums(bytes: Uint8Array, wanted: Parameters<typeof planeSums>[1], what: string): boolean {
  const expected = planeSums(bytes, wanted);
  const band = makeProxyBand(bytes, wanted);
  assert.equal(band === null, expected === null, `${what}: both have proxies, or neither`);
  if (band === null || expected === null) return false;
  assert.deepEqual(band.proxies.map((p) => p.name), [...expected.keys()], what);
  for (const { name, proxy } of band.proxies) assert.ok(bytesOf(proxy.data).equals(bytesOf(expected.get(name)!)), `${what}: ${name} sums differ`);
  return true;
}

describe('the proxy job decodes scanline parts in one pass (readExrChunks): the same sums as over readExr planes', () => {
  const request = { width: 100, height: 60, layer: '', channel: 'rgb', part: undefined };

  it('in every compression, as scanlines and as tiles (read into planes), whole and in bands', () => {
    const w = 301;
    const h = 157;
    const planes = ['A', 'B', 'G', 'R'].map((name, c) => ({ name, type: (c === 1 ? 'float' : 'half') as 'half' | 'float', data: Float32Array.from({ length: w * h }, (_, i) => ((i % w) / w) * (c + 1) + Math.sin(i * 0.37 + c) * 0.05) }));
    const compressions: ExrCompression[] = ['none', 'rle', 'zips', 'zip', 'piz', 'pxr24', 'b44', 'b44a', 'dwaa', 'dwab'];
    for (const compression of compressions) {
      for (const tiles of [undefined, { xSize: 64, ySize: 32 }]) {
        const bytes = writeExr({ width: w, height: h, dataWindow: { xMin: -3, yMin: 5, xMax: w - 4, yMax: h + 4 }, displayWindow: { xMin: 0, yMin: 0, xMax: w - 1, yMax: h - 1 }, compression, channels: planes, ...(tiles !== undefined ? { tiles } : {}) });
        const what = `${compression} ${tiles === undefined ? 'scanline' : 'tiled'}`;
        for (const channel of ['rgb', 'a']) assert.ok(assertSameSums(bytes, { ...request, channel }, `${what} ${channel}`));
        // Bands join into the whole answer (3x3 boxes here, so band edges fall inside chunks).
        const whole = makeProxy(bytes, request)!;
        const bands = joinProxyBands([0, 1, 2].map((i) => makeProxyBand(bytes, request, [i, 3])))!;
        assert.ok(Buffer.from(bands).equals(Buffer.from(whole)), `${what}: 3 bands`);
      }
    }
  });

  it('on every real file with an image part: each part, its first layers, the alpha view', { skip: realFixtures() === undefined ? 'no real fixtures (set VFX_REAL_FIXTURES)' : false }, (t) => {
    const root = join(realFixtures()!, 'exr');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== 'invalid') walk(path);
        } else if (name.endsWith('.exr')) files.push(path);
      }
    };
    walk(root);
    let compared = 0;
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      let header;
      try {
        header = readExrHeader(bytes);
      } catch {
        continue; // an unreadable header: nothing is decoded
      }
      for (const part of header.parts) {
        if (part.type !== 'scanlineimage' && part.type !== 'tiledimage') continue;
        const layers = ['', ...new Set(part.channels.filter((c) => c.name.includes('.')).map((c) => c.name.slice(0, c.name.lastIndexOf('.'))))].slice(0, 2);
        for (const layer of layers) {
          for (const channel of layer === '' ? ['rgb', 'a'] : ['rgb']) {
            const wanted = { width: 64, height: 48, layer, channel, part: part.index };
            let expected: Map<string, Float32Array> | null;
            try {
              expected = planeSums(bytes, wanted);
            } catch (error) {
              // A file readExr cannot decode: the one-pass job fails with the same error.
              assert.throws(() => makeProxyBand(bytes, wanted), (got: unknown) => got instanceof VfxError && error instanceof VfxError && got.code === error.code && got.message === error.message, file);
              continue;
            }
            if (expected !== null && assertSameSums(bytes, wanted, `${file} part ${part.index} layer '${layer}' ${channel}`)) compared++;
          }
        }
      }
    }
    t.diagnostic(`${compared} proxies compared`);
    assert.ok(compared >= 40, `${compared} proxies compared`);
  });

  it("fails on a damaged file as readExr does (the server's 422)", () => {
    const bytes = damaged(writeExr({ ...LARGE, compression: 'zip', channels: largeSmoothPlanes(['B', 'G', 'R']) }));
    const wanted = { width: WIDTH, height: HEIGHT, layer: '', channel: 'rgb', part: undefined };
    let expected: unknown;
    try {
      readExr(bytes, { channels: ['B', 'G', 'R'], zlib: nodeZlib });
    } catch (error) {
      expected = error;
    }
    assert.ok(expected instanceof VfxError);
    assert.throws(() => makeProxyBand(bytes, wanted), (error: unknown) => error instanceof VfxError && error.code === expected.code && error.message === expected.message);
  });
});

describe('vfx view app in Chromium: the first image from the server', { skip: browserSkip, timeout: 240_000 }, () => {
  const temp = tempDir('vfx-view-proxy-app-');
  let browser: Browser;
  const servers: ViewServer[] = [];
  const responses: ViewResponseEvent[] = [];
  let planes: { name: string; type: 'half'; data: Uint16Array }[] = [];

  const serve = async (paths: string[]): Promise<string> => {
    const server = await startViewServer({ paths, cwd: temp.dir, viewerDir, onResponse: (event) => responses.push(event) });
    servers.push(server);
    return server.url;
  };

  before(async () => {
    planes = largeSmoothPlanes(['A', 'B', 'G', 'R']);
    const large = writeExr({ ...LARGE, compression: 'zip', channels: planes });
    writeFileSync(join(temp.dir, 'large.exr'), large);
    writeFileSync(join(temp.dir, 'damaged.exr'), damaged(large));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) await server.close();
    temp.cleanup();
  });

  /** Opens `url` in a fresh page; the canvas, status and probe are read when the page marks
   *  `vfx:first-image` (the server's proxy drawn), then the page's whenReady() is awaited. */
  const openPage = async (url: string): Promise<{ first: FirstImage | undefined; info: ViewInfo; page: Awaited<ReturnType<Browser['newPage']>> }> => {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
    await page.addInitScript(() => {
      new PerformanceObserver((list) => {
        if (!list.getEntries().some((entry) => entry.name === 'vfx:first-image')) return;
        const canvas = document.querySelector('#vfx-canvas') as { width: number; height: number; getContext(type: string): unknown };
        const gl = canvas.getContext('webgl2') as { RGBA: number; UNSIGNED_BYTE: number; readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void };
        const out = new Uint8Array(canvas.width * canvas.height * 4);
        gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
        window.__firstImage = { status: window.vfxView.status, proxyShown: document.documentElement.dataset.vfxProxy, probe: window.vfxView.probe(480, 270), pixels: [canvas.width, canvas.height, ...out] };
      }).observe({ type: 'mark', buffered: true });
    });
    await page.goto(url);
    const info = await page.evaluate(() => window.vfxView.whenReady());
    const first = await page.evaluate(() => window.__firstImage);
    return { first, info, page };
  };

  /** The canvas as RGBA rows, top row first. */
  const canvasPixels = (page: Awaited<ReturnType<Browser['newPage']>>): Promise<number[]> =>
    page.evaluate(() => {
      const canvas = document.querySelector('#vfx-canvas') as { width: number; height: number; getContext(type: string): unknown };
      const gl = canvas.getContext('webgl2') as { RGBA: number; UNSIGNED_BYTE: number; readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void };
      const out = new Uint8Array(canvas.width * canvas.height * 4);
      gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
      return [canvas.width, canvas.height, ...out];
    });

  it("draws the server's proxies first, before the file is fetched; the worker's pixels follow (probe exact), then full resolution", async () => {
    const url = await serve(['large.exr']);
    responses.length = 0;
    const { first, info, page } = await openPage(`${url}?snapshot=1`);
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.ok(first !== undefined, 'the page marked vfx:first-image');
    assert.equal(first.status, 'loading', 'whenReady waits for the worker');
    assert.equal(first.proxyShown, '1');
    assert.equal(first.probe, null, 'no probe from the proxies');
    // The proxy was answered before the worker asked for the file.
    const proxy = responses.find((event) => event.path.startsWith('api/proxy/0/0?'));
    const files = responses.filter((event) => event.path.startsWith('files/'));
    assert.equal(proxy?.status, 200);
    assert.ok(files.length > 0 && files.every((event) => event.start >= proxy!.end), 'the file was asked for once the proxy was in');
    // whenReady: the worker's pixels, exact.
    const scale = Math.min(WIDTH / LARGE.width, HEIGHT / LARGE.height);
    const y0 = (HEIGHT - LARGE.height * scale) / 2;
    const valueAt = (name: string, px: number, py: number): number => halfToFloat(planes.find((p) => p.name === name)!.data[py * LARGE.width + px]!);
    for (const [x, y] of [[15.5, 40.5], [480.5, 270.5], [901.5, 500.5]] as const) {
      const probe = await page.evaluate(([px, py]) => window.vfxView.probe(px, py), [x, y] as [number, number]);
      assert.ok(probe !== null);
      const pixel: [number, number] = [Math.floor(x / scale), Math.floor((y - y0) / scale)];
      assert.deepEqual(probe.pixel, pixel);
      assert.deepEqual(probe.values, { A: valueAt('A', ...pixel), B: valueAt('B', ...pixel), G: valueAt('G', ...pixel), R: valueAt('R', ...pixel) });
    }
    await page.waitForFunction(() => performance.getEntriesByName('vfx:full-resolution').length > 0, undefined, { timeout: 60_000 });
    const full = await canvasPixels(page);
    await page.close();
    // The same first image as the worker's own proxies (serverproxy=0): the same means, drawn alike.
    const page0 = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    responses.length = 0;
    await page0.goto(`${url}?snapshot=1&serverproxy=0`, { waitUntil: 'commit' });
    const workerFirst = await page0.evaluate(async () => {
      while ((window as { vfxView?: unknown }).vfxView === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      await window.vfxView.whenReady();
      const canvas = document.querySelector('#vfx-canvas') as { width: number; height: number; getContext(type: string): unknown };
      const gl = canvas.getContext('webgl2') as { RGBA: number; UNSIGNED_BYTE: number; readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void };
      const out = new Uint8Array(canvas.width * canvas.height * 4);
      gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
      return { full: performance.getEntriesByName('vfx:full-resolution').length > 0, pixels: [canvas.width, canvas.height, ...out] };
    });
    await page0.close();
    assert.equal(responses.some((event) => event.path.startsWith('api/proxy/')), false, 'serverproxy=0 asks nothing of the server');
    assert.equal(workerFirst.full, false, "the worker's proxies were drawn first");
    assert.deepEqual(first.pixels.slice(0, 2), workerFirst.pixels.slice(0, 2));
    let worst = 0;
    let differing = 0;
    for (let i = 2; i < first.pixels.length; i++) {
      const d = Math.abs(first.pixels[i]! - workerFirst.pixels[i]!);
      worst = Math.max(worst, d);
      if (d > 0) differing++;
    }
    assert.equal(worst, 0, `the server's first image is the worker's (${differing} samples differ, by at most ${worst})`);
    // And it is a proxy: the full-resolution render differs from it (within the noise).
    let changed = 0;
    for (let i = 2; i < full.length; i += 4) if (full[i] !== first.pixels[i]) changed++;
    assert.ok(changed > (full.length - 2) / 4 / 20, `the full-resolution render replaced it (${changed} pixels changed)`);
    mkdirSync(outDir, { recursive: true });
    const [w, h] = first.pixels;
    for (const [name, pixels] of [['first', first.pixels], ['full', full]] as const) {
      await sharp(Buffer.from(pixels.slice(2)), { raw: { width: w!, height: h!, channels: 4 } }).flip().png().toFile(join(outDir, `view-server-proxy-${name}.png`));
    }
  });

  it('falls back to the worker when the server cannot make the proxy: a damaged file gives the message it gives without the server proxy', async () => {
    const url = await serve(['damaged.exr']);
    responses.length = 0;
    const withProxy = await openPage(url);
    assert.equal(withProxy.info.status, 'error');
    assert.equal(withProxy.first, undefined, 'no first image');
    assert.equal(responses.find((event) => event.path.startsWith('api/proxy/'))?.status, 422);
    const message = await withProxy.page.locator('.message').textContent();
    await withProxy.page.close();
    const without = await openPage(`${url}?serverproxy=0`);
    assert.equal(without.info.status, 'error');
    assert.equal(without.info.error, withProxy.info.error, 'the same error');
    assert.match(without.info.error ?? '', /damaged\.exr/);
    assert.equal(await without.page.locator('.message').textContent(), message);
    await without.page.close();
  });

  it('an older server (no api/proxy: 404) or proxy=0: the page decodes in its worker as before', async () => {
    const url = await serve(['large.exr']);
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    await page.route('**/api/proxy/**', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await page.goto(`${url}?snapshot=1`);
    const info = await page.evaluate(() => window.vfxView.whenReady());
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(await page.evaluate(() => performance.getEntriesByName('vfx:first-image').length), 0);
    assert.deepEqual((await page.evaluate(() => window.vfxView.probe(480.5, 270.5)))?.pixel, [1025, 577]);
    await page.close();
    responses.length = 0;
    const plain = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    await plain.goto(`${url}?snapshot=1&proxy=0`);
    assert.equal((await plain.evaluate(() => window.vfxView.whenReady())).status, 'ready');
    assert.equal(responses.some((event) => event.path.startsWith('api/proxy/')), false);
    await plain.close();
  });
});
