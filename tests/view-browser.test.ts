/**
 * The viewer app (viewers/) in a real browser: headless Chromium (playwright-core, SwiftShader
 * WebGL) on pages served by `startViewServer`, with fixtures written by our own writers and real
 * files from ../shared/fixtures-real. Every viewer is checked by its pixels: the EXR probe and the
 * canvas colour under an exposure change, particles drawn where `project` puts them, a volume
 * inside its projected bounding box and nothing outside, an Alembic mesh moving with the timeline,
 * the A/B wipe, drag-and-drop and the message shown for a file that cannot be read. Screenshots go
 * to tests/out/.
 *
 * Skips with a printed reason when Chromium or the built app (npm run build -w @vfxkit/viewers)
 * is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { halfToFloat } from '@vfxkit/core';
import { readExr, readExrHeader, writeExr, type ExrCompression } from '@vfxkit/exr';
import { createParticleSet, writeParticles } from '@vfxkit/particles';
import { decodeBand } from '../viewers/src/decode/exr-bands.js';
import { normalizeProxy, proxyFactor } from '../viewers/src/shared/proxy.js';
import type { ProxyChannel } from '../viewers/src/protocol.js';
import { findChromium, launchBrowser, startViewServer, type Browser, type Page, type ViewResponseEvent } from '@vfxkit/tool-view';
import { realFixtures, repoRoot, tempDir } from './helpers.js';
import { LARGE, largeSmoothPlanes, noisyHalf, noisyPlanes } from './view-fixtures.js';
import type { VfxViewApi, ViewInfo, ViewOptions } from '../viewers/src/contract.js';

// What the page functions below use (they run in the browser; this program has no DOM library).
declare const window: { vfxView: VfxViewApi };
declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null;
};
declare function requestAnimationFrame(callback: (time: number) => void): number;
declare class DataTransfer {
  items: { add(file: unknown): void };
}
declare class DragEvent {
  constructor(type: string, init: { dataTransfer: DataTransfer; bubbles: boolean; cancelable: boolean });
}

const viewerDir = join(repoRoot, 'viewers', 'dist');
const outDir = join(repoRoot, 'tests', 'out');
const chromium = findChromium();
const built = existsSync(join(viewerDir, 'index.html'));
const skip = chromium === null ? 'no Chromium (install chromium or set VFX_CHROMIUM)' : !built ? 'viewers/dist is not built (npm run build -w @vfxkit/viewers)' : false;
if (skip !== false) console.log(`# skipping the browser tests: ${skip}`);

const WIDTH = 960;
const HEIGHT = 540;
/** The 3D viewers' background (0x16171a). */
const BACKGROUND = [0x16, 0x17, 0x1a];

// Fixtures ------------------------------------------------------------------------------------

/** A 64x32 half RGBA image: left half (0.2, 0.1, 0.05), right half (0.05, 0.1, 0.2), pixel
 *  (10, 5) = (0.25, 0.5, 0.75), and an AOV layer diffuse.* = (0.3, 0.6, 0.9). */
function knownExr(): Uint8Array {
  const w = 64;
  const h = 32;
  const plane = (left: number, right: number, special: number): Float32Array => {
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = x < w / 2 ? left : right;
    data[5 * w + 10] = special;
    return data;
  };
  const constant = (v: number): Float32Array => new Float32Array(w * h).fill(v);
  return writeExr({
    width: w,
    height: h,
    compression: 'zip',
    channels: [
      { name: 'A', type: 'half', data: constant(1) },
      { name: 'B', type: 'half', data: plane(0.05, 0.2, 0.75) },
      { name: 'G', type: 'half', data: plane(0.1, 0.1, 0.5) },
      { name: 'R', type: 'half', data: plane(0.2, 0.05, 0.25) },
      { name: 'diffuse.B', type: 'half', data: constant(0.9) },
      { name: 'diffuse.G', type: 'half', data: constant(0.6) },
      { name: 'diffuse.R', type: 'half', data: constant(0.3) },
    ],
  });
}

function flatExr(value: number, w = 32, h = 32): Uint8Array {
  const data = new Float32Array(w * h).fill(value);
  return writeExr({ width: w, height: h, channels: ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, data })) });
}

/** Two parts: `beauty` (RGB 0.5) and `depth` (Z float 7.5). */
function twoPartExr(): Uint8Array {
  const n = 16 * 16;
  return writeExr([
    { name: 'beauty', width: 16, height: 16, channels: ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, data: new Float32Array(n).fill(0.5) })) },
    { name: 'depth', width: 16, height: 16, channels: [{ name: 'Z', type: 'float', data: new Float32Array(n).fill(7.5) }] },
  ]);
}

/** A 1024x600 half RGBA image of noise (`noisyHalf`), larger than 2 MiB packed: the size from
 *  which the viewer splits an EXR into bands of rows, one per decode worker. */
function noisyExr(compression: ExrCompression, tiles?: { xSize: number; ySize: number }): Uint8Array {
  const w = 1024;
  const h = 600;
  const channels = ['A', 'B', 'G', 'R'].map((name, c) => {
    const data = new Uint16Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = noisyHalf(x, y, c);
    return { name, type: 'half' as const, data };
  });
  return writeExr({ width: w, height: h, compression, channels, ...(tiles !== undefined ? { tiles } : {}) });
}

/** Five points at known positions, coloured. */
const POINTS: [number, number, number][] = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 1],
];
function particleFile(shift = 0): Uint8Array {
  const P = new Float32Array(POINTS.flatMap(([x, y, z]) => [x + shift, y, z]));
  const Cd = new Float32Array([1, 0.2, 0.2, 0.2, 1, 0.2, 0.2, 0.2, 1, 1, 1, 0.2, 1, 1, 1]);
  const set = createParticleSet(POINTS.length, [
    { name: 'P', type: 'vector', width: 3, data: P },
    { name: 'Cd', type: 'vector', width: 3, data: Cd },
    { name: 'id', type: 'int', width: 1, data: new Int32Array([0, 1, 2, 3, 4]) },
  ]);
  return writeParticles(set, 'pda');
}

// Page helpers --------------------------------------------------------------------------------

async function screenshot(page: Page, name: string): Promise<{ width: number; height: number; channels: number; data: Buffer }> {
  const png = await page.locator('#vfx-canvas').screenshot();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `view-${name}.png`), png);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

function pixel(shot: { width: number; channels: number; data: Buffer }, x: number, y: number): number[] {
  const i = (Math.round(y) * shot.width + Math.round(x)) * shot.channels;
  return [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
}

function isBackground(rgb: number[], tolerance = 6): boolean {
  return rgb.every((v, i) => Math.abs(v - BACKGROUND[i]!) <= tolerance);
}

async function open(page: Page, url: string, query = ''): Promise<ViewInfo> {
  await page.goto(`${url}${query}`);
  return page.evaluate(() => window.vfxView.whenReady());
}

function set(page: Page, options: Partial<ViewOptions>): Promise<ViewInfo> {
  return page.evaluate((o) => window.vfxView.set(o), options);
}

// Tests ---------------------------------------------------------------------------------------
// The bands outside the browser (Node 20 has Blob, streams and DecompressionStream as browsers do):
// every split of every scanline compression joins into exactly what readExr reads.
describe('viewer: an EXR part decoded in bands of rows (viewers/src/decode/exr-bands.ts)', () => {
  const planes = noisyPlanes;
  const join = async (bytes: Uint8Array, count: number, part?: number) => {
    const source = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const bands = [];
    for (let band = 0; band < count; band++) bands.push(await decodeBand({ source, name: 'test.exr', size: bytes.byteLength }, part, band, count, () => undefined));
    return bands;
  };

  for (const compression of ['zip', 'zips', 'piz', 'none', 'rle'] as const) {
    it(`${compression}: 2, 3 and 4 bands join into readExr's pixels, the rows split on chunk boundaries`, async () => {
      const bytes = writeExr({ width: 203, height: 260, compression, channels: planes(203, 260) });
      const whole = readExr(bytes);
      for (const count of [2, 3, 4]) {
        const bands = await join(bytes, count);
        let next = 0;
        for (const band of bands) {
          assert.ok(band !== null, `${count} bands: every band decodes`);
          assert.equal(band.plan.yMin, next, `${count} bands: band rows follow on`);
          next = band.plan.yMax + 1;
          const rows = band.plan.yMax - band.plan.yMin + 1;
          for (const [c, channel] of band.image.channels.entries()) {
            const all = whole.channels[c]!.data as Uint16Array;
            assert.deepEqual(channel.data, all.subarray(band.plan.yMin * 203, (band.plan.yMin + rows) * 203), `${count} bands: ${channel.name} of rows ${band.plan.yMin}-${band.plan.yMax}`);
          }
        }
        assert.equal(next, 260, `${count} bands cover every row`);
      }
    });
  }

  it('one band (one worker): the chunks decoded as they arrive equal readExr, for half, float and uint channels, ZIP and ZIPS', async () => {
    for (const compression of ['zip', 'zips'] as const) {
      const w = 203;
      const h = 70;
      const floats = new Float32Array(w * h).map((_, i) => Math.sin(i) * 1000);
      const uints = new Uint32Array(w * h).map((_, i) => (i * 2654435761) >>> 0);
      const bytes = writeExr({ width: w, height: h, compression, channels: [...planes(w, h), { name: 'Z', type: 'float', data: floats }, { name: 'id', type: 'uint', data: uints }] });
      const whole = readExr(bytes);
      const [band] = await join(bytes, 1);
      assert.ok(band !== null && band !== undefined);
      assert.equal(band.plan.yMin, 0);
      assert.equal(band.plan.yMax, h - 1);
      assert.deepEqual(band.image.channels.map((c) => c.name), whole.channels.map((c) => c.name));
      for (const [c, channel] of band.image.channels.entries()) assert.deepEqual(channel.data, whole.channels[c]!.data, `${compression}: ${channel.name}`);
      assert.equal(band.proxies.size, 0, 'no proxy asked for');
    }
  });

  it('display-resolution proxies: box means of the channels shown, from one band or joined from several', async () => {
    const w = 203;
    const h = 260;
    const bytes = writeExr({ width: w, height: h, compression: 'zip', channels: planes(w, h) });
    const whole = readExr(bytes);
    // 203x260 at fit in 67x80 device pixels: 3.25 image pixels a device pixel -> 3x3 boxes (68x87).
    const request = { width: 67, height: 80, layer: '', channel: 'rgb' };
    const source = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const one = await decodeBand({ source, name: 'test.exr', size: bytes.byteLength }, undefined, 0, 1, () => undefined, undefined, request);
    assert.ok(one !== null);
    assert.deepEqual([...one.proxies.keys()].sort(), ['B', 'G', 'R'], 'the RGB view draws R, G and B (not A)');
    for (const name of ['R', 'G', 'B']) {
      const proxy: ProxyChannel = one.proxies.get(name)!;
      assert.equal(proxy.factor, 3);
      assert.equal(proxy.width, 68);
      assert.equal(proxy.height, 87);
      assert.equal(proxy.partial, undefined);
      const data = whole.channels.find((c) => c.name === name)!.data as Uint16Array;
      for (const [i, j] of [[0, 0], [10, 20], [67, 40], [30, 86], [67, 86]] as const) {
        let sum = 0;
        let n = 0;
        for (let y = j * 3; y < Math.min(h, j * 3 + 3); y++) for (let x = i * 3; x < Math.min(w, i * 3 + 3); x++, n++) sum += halfToFloat(data[y * w + x]!);
        const value = proxy.data[j * proxy.width + i]!;
        // The mean, rounded to a half float (shared/proxy.ts normalizeProxy): within half a unit in its last place.
        assert.ok(Math.abs(value - sum / n) <= Math.abs(sum / n) * 2 ** -11 + 1e-6, `${name} box (${i}, ${j}): ${value} vs ${sum / n} (${n} pixels)`);
      }
    }
    // Alpha only for the alpha view.
    const alpha = await decodeBand({ source, name: 'test.exr', size: bytes.byteLength }, undefined, 0, 1, () => undefined, undefined, { ...request, channel: 'a' });
    assert.ok(alpha?.proxies.has('A'));
    // Three bands: each sends its rows' sums; added and divided they are one band's means.
    const bands: Awaited<ReturnType<typeof decodeBand>>[] = [];
    for (let band = 0; band < 3; band++) bands.push(await decodeBand({ source, name: 'test.exr', size: bytes.byteLength }, undefined, band, 3, () => undefined, undefined, request));
    const total = new Float32Array(68 * 87);
    for (const band of bands) {
      const proxy: ProxyChannel = band!.proxies.get('G')!;
      assert.equal(proxy.partial, true);
      for (let i = 0; i < total.length; i++) total[i]! += proxy.data[i]!;
    }
    normalizeProxy(total, w, h, 3);
    const means = one.proxies.get('G')!.data;
    for (let i = 0; i < total.length; i++) assert.ok(Math.abs(total[i]! - means[i]!) < 1e-5, `joined proxy texel ${i}`);
    // No proxy when the screen shows the image at about full size or larger.
    const big = await decodeBand({ source, name: 'test.exr', size: bytes.byteLength }, undefined, 0, 1, () => undefined, undefined, { ...request, width: 150, height: 200 });
    assert.equal(big?.proxies.size, 0);
    assert.equal(proxyFactor({ xMin: 0, yMin: 0, xMax: 4095, yMax: 2159 }, 1, { width: 1280, height: 720 }), 3);
    assert.equal(proxyFactor({ xMin: 0, yMin: 0, xMax: 1919, yMax: 1079 }, 1, { width: 1280, height: 720 }), 1);
  });

  it('part 1 of a multi-part file (chunk leaders carry the part number)', async () => {
    const bytes = writeExr([
      { name: 'plain', width: 120, height: 90, compression: 'none', channels: planes(120, 90) },
      { name: 'big', width: 120, height: 90, compression: 'zip', channels: planes(120, 90) },
    ]);
    const whole = readExr(bytes, { part: 1 });
    const bands = await join(bytes, 2, 1);
    const joined = new Uint16Array(120 * 90);
    for (const band of bands) {
      assert.ok(band !== null);
      assert.equal(band.plan.part, 1);
      joined.set(band.image.channels[3]!.data as Uint16Array, band.plan.yMin * 120);
    }
    assert.deepEqual(joined, whole.channels[3]!.data);
  });

  it('a part it cannot split (tiled, or too few chunks) is left to band 0 whole: every band answers null', async () => {
    const tiled = writeExr({ width: 128, height: 128, compression: 'zip', tiles: { xSize: 32, ySize: 32 }, channels: planes(128, 128) });
    assert.deepEqual(await join(tiled, 2), [null, null]);
    const short = writeExr({ width: 64, height: 40, compression: 'zip', channels: planes(64, 40) });
    assert.deepEqual(await join(short, 2), [null, null]);
    // A single band reads the whole file in one stream: it hands those bytes back for the whole-file path.
    const whole: { bytes?: Uint8Array } = {};
    assert.equal(await decodeBand({ source: new Blob([tiled as Uint8Array<ArrayBuffer>]), name: 'tiled.exr', size: tiled.byteLength }, undefined, 0, 1, () => undefined, undefined, undefined, whole), null);
    assert.deepEqual(whole.bytes, tiled);
  });

  it('a damaged chunk fails its band with the error readExr gives, naming the chunk', async () => {
    const bytes = writeExr({ width: 203, height: 200, compression: 'zip', channels: planes(203, 200) });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Chunk 10 of 13 (rows 160-175) is in the second of two bands.
    const table = readExrHeader(bytes).offsetTablesOffset;
    const offsets = Array.from({ length: 13 }, (_, c) => Number(view.getBigUint64(table + c * 8, true)));
    const damaged = bytes.slice();
    const dataAt = offsets[10]! + 8;
    for (let i = 20; i < 60; i++) damaged[dataAt + i] = 0x55;
    let expected: { code?: string; message?: string } = {};
    try {
      readExr(damaged);
    } catch (error) {
      expected = error as { code: string; message: string };
    }
    assert.ok(expected.code !== undefined, 'readExr refuses the damaged file');
    const source = new Blob([damaged]);
    const first = await decodeBand({ source, name: 'damaged.exr', size: damaged.byteLength }, undefined, 0, 2, () => undefined);
    assert.ok(first !== null, 'the first band is intact');
    await assert.rejects(decodeBand({ source, name: 'damaged.exr', size: damaged.byteLength }, undefined, 1, 2, () => undefined), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, expected.code);
      assert.match(error.message ?? '', /chunk 10/);
      return true;
    });
  });
});


describe('vfx view app in Chromium', { skip, timeout: 240_000 }, () => {
  const temp = tempDir('vfx-view-app-');
  let browser: Browser;
  let page: Page;
  const servers: { close(): Promise<void> }[] = [];
  /** Every response of the servers (the band test counts the range requests). */
  const responses: ViewResponseEvent[] = [];

  let largePlanes: { name: string; type: 'half'; data: Uint16Array }[] = [];
  const serve = async (paths: string[]): Promise<string> => {
    const server = await startViewServer({ paths, cwd: temp.dir, viewerDir, onResponse: (event) => responses.push(event) });
    servers.push(server);
    return server.url;
  };

  before(async () => {
    writeFileSync(join(temp.dir, 'known.exr'), knownExr());
    writeFileSync(join(temp.dir, 'grey20.exr'), flatExr(0.2));
    writeFileSync(join(temp.dir, 'grey80.exr'), flatExr(0.8));
    writeFileSync(join(temp.dir, 'parts.exr'), twoPartExr());
    writeFileSync(join(temp.dir, 'noise-zip.exr'), noisyExr('zip'));
    writeFileSync(join(temp.dir, 'noise-tiled.exr'), noisyExr('zip', { xSize: 64, ySize: 64 }));
    largePlanes = largeSmoothPlanes(['B', 'G', 'R']);
    writeFileSync(join(temp.dir, 'large-smooth.exr'), writeExr({ ...LARGE, compression: 'zip', channels: largePlanes }));
    for (let f = 1001; f <= 1005; f++) writeFileSync(join(temp.dir, `seq.${f}.exr`), flatExr((f - 1000) / 10, 48, 27));
    writeFileSync(join(temp.dir, 'points.pda'), particleFile());
    for (let f = 1; f <= 3; f++) writeFileSync(join(temp.dir, `drift.${String(f).padStart(4, '0')}.pda`), particleFile(f - 1));
    await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toFile(join(temp.dir, 'plate.png'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 20, b: 30 } } }).tiff().toFile(join(temp.dir, 'scan.tif'));
    const truncated = knownExr();
    writeFileSync(join(temp.dir, 'broken.exr'), truncated.subarray(0, Math.floor(truncated.length * 0.6)));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) await server.close();
    temp.cleanup();
  });

  it('EXR: the probe reads the known pixel, exposure +1 stop doubles the linear canvas value, layers and snapshot mode', async () => {
    const url = await serve(['known.exr']);
    const info = await open(page, url, '?snapshot=1&display=linear');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'exr');
    assert.equal(info.name, 'known.exr');
    assert.equal(info.summary.resolution, '64x32');
    // Snapshot mode fits the 64x32 image in 960x540: 15 CSS px per image pixel, centred.
    const scale = Math.min(WIDTH / 64, HEIGHT / 32);
    const x0 = (WIDTH - 64 * scale) / 2;
    const y0 = (HEIGHT - 32 * scale) / 2;
    const centre = (px: number, py: number): [number, number] => [x0 + (px + 0.5) * scale, y0 + (py + 0.5) * scale];
    const probe = await page.evaluate(([x, y]) => window.vfxView.probe(x, y), centre(10, 5));
    assert.ok(probe !== null, 'the probe finds pixel (10, 5)');
    assert.deepEqual(probe.pixel, [10, 5]);
    assert.equal(probe.values.R, 0.25);
    assert.equal(probe.values.G, 0.5);
    assert.equal(probe.values.B, 0.75);
    assert.equal(probe.values.A, 1);
    assert.ok(Math.abs(probe.values['diffuse.G']! - 0.6) < 1e-3, `diffuse.G ${probe.values['diffuse.G']}`);

    const before = await screenshot(page, 'exr-linear');
    const [lx, ly] = centre(8, 20);
    const left = pixel(before, lx, ly);
    // Linear display: value * 255.
    assert.ok(Math.abs(left[0]! - 0.2 * 255) <= 2, `R ${left[0]} for 0.2`);
    assert.ok(Math.abs(left[1]! - 0.1 * 255) <= 2, `G ${left[1]} for 0.1`);
    await set(page, { exposure: 1 });
    const brighter = pixel(await screenshot(page, 'exr-linear-plus1'), lx, ly);
    for (let c = 0; c < 3; c++) {
      const ratio = brighter[c]! / left[c]!;
      assert.ok(Math.abs(ratio - 2) < 0.1, `channel ${c}: ${left[c]} -> ${brighter[c]} (ratio ${ratio})`);
    }
    // sRGB display: 0.2 encodes to 124/255; one stop up 0.4 to 170/255.
    await set(page, { exposure: 0, display: 'srgb' });
    const srgb = pixel(await screenshot(page, 'exr-srgb'), lx, ly);
    assert.ok(Math.abs(srgb[0]! - 124) <= 2, `sRGB R ${srgb[0]}`);
    await set(page, { layer: 'diffuse', display: 'linear' });
    const diffuse = pixel(await screenshot(page, 'exr-diffuse'), lx, ly);
    assert.ok(Math.abs(diffuse[0]! - 0.3 * 255) <= 2 && Math.abs(diffuse[2]! - 0.9 * 255) <= 2, `diffuse ${diffuse}`);
    await set(page, { layer: '', channel: 'g' });
    const green = pixel(await screenshot(page, 'exr-green'), lx, ly);
    assert.ok(green.every((v) => Math.abs(v - 0.1 * 255) <= 2), `G as grey ${green}`);
    // Alpha (bound only for this view) is 1: white.
    await set(page, { channel: 'a' });
    const alpha = pixel(await screenshot(page, 'exr-alpha'), lx, ly);
    assert.ok(alpha.every((v) => v >= 253), `A as grey ${alpha}`);
    await set(page, { channel: 'rgb' });
    assert.ok(Math.abs(pixel(await screenshot(page, 'exr-rgb-again'), lx, ly)[0]! - 0.2 * 255) <= 2, 'back to RGB');
    // No UI chrome in snapshot mode.
    assert.equal(await page.locator('.panel').isVisible(), false);
  });

  it('EXR: the UI shows the file, what was read and a pixel probe', async () => {
    const url = await serve(['known.exr']);
    await open(page, url);
    assert.equal(await page.locator('.file-name').textContent(), 'known.exr');
    assert.match((await page.locator('.file-read').textContent()) ?? '', /64x32.*7 channels/);
    assert.equal(await page.locator('.panel').isVisible(), true);
    const box = (await page.locator('#vfx-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    assert.match((await page.locator('.probe-readout').textContent()) ?? '', /^\d+, \d+ .*R /);
    await screenshot(page, 'exr-ui');
    // Wheel zoom keeps the pixel under the cursor; a drag pans.
    const cx = box.width / 2;
    const cy = box.height / 2;
    const at = (x: number, y: number): Promise<[number, number] | undefined> => page.evaluate(([px, py]) => window.vfxView.probe(px, py)?.pixel, [x, y] as [number, number]);
    const centreBefore = await at(cx, cy);
    const rightBefore = await at(cx + 120, cy);
    await page.mouse.wheel(0, -600);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.deepEqual(await at(cx, cy), centreBefore, 'the pixel under the cursor stays');
    const rightAfter = await at(cx + 120, cy);
    assert.ok(rightBefore !== undefined && rightAfter !== undefined && rightAfter[0] - centreBefore![0] < rightBefore[0] - centreBefore![0], `zoomed in: ${rightBefore} -> ${rightAfter}`);
    await page.mouse.down();
    await page.mouse.move(box.x + cx + 200, box.y + cy, { steps: 4 });
    await page.mouse.up();
    const panned = await at(cx + 200, cy);
    assert.deepEqual(panned, centreBefore, `after a 200 px drag the pixel follows the cursor: ${panned}`);
    await page.screenshot({ path: join(outDir, 'view-exr-ui-page.png') });
  });

  it('a large EXR is first painted from display-resolution proxies: it matches the full-resolution render at fit, and the probe is exact before the full textures arrive', async () => {
    assert.ok(readFileSync(join(temp.dir, 'large-smooth.exr')).length > 2 * 1024 * 1024, 'large-smooth.exr is over 2 MiB (the band path, which makes proxies)');
    const url = await serve(['large-smooth.exr']);
    // Snapshot mode fits 2048x1152 in 960x540: 0.469 CSS px per pixel (2x2 proxy boxes).
    const scale = Math.min(WIDTH / LARGE.width, HEIGHT / LARGE.height);
    const points: [number, number][] = [];
    for (let y = 20; y < HEIGHT; y += 97) for (let x = 15; x < WIDTH; x += 89) points.push([x + 0.5, y + 0.5]);
    // Opened without waiting for the page's load event, so this evaluation is already waiting on
    // whenReady() when it resolves and reads the first paint before the full textures' upload
    // (a task queued after it).
    await page.goto(`${url}?snapshot=1`, { waitUntil: 'commit' });
    type Page = { full: boolean; status: string; pixels: number[]; probes: ({ pixel: [number, number]; values: Record<string, number> } | null)[] };
    const read = (): number[] => {
      const canvas = (document as unknown as { querySelector(s: string): { width: number; height: number; getContext(type: string): unknown } }).querySelector('#vfx-canvas');
      const gl = canvas.getContext('webgl2') as { RGBA: number; UNSIGNED_BYTE: number; readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void };
      const out = new Uint8Array(canvas.width * canvas.height * 4);
      gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, out);
      return [canvas.width, canvas.height, ...out];
    };
    const first: Page = await page.evaluate(
      async ({ points, readSource }) => {
        while ((window as { vfxView?: unknown }).vfxView === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        const info = await window.vfxView.whenReady();
        const full = performance.getEntriesByName('vfx:full-resolution').length > 0;
        const pixels = (new Function(`return (${readSource})()`) as () => number[])();
        return { full, status: info.status, pixels, probes: points.map(([x, y]) => window.vfxView.probe(x, y)) };
      },
      { points, readSource: read.toString() },
    );
    assert.equal(first.status, 'ready');
    assert.equal(first.full, false, 'whenReady resolved on the proxy paint (the full-resolution textures follow)');
    // The probe reads the decoded full-resolution values already.
    const valueAt = (name: string, px: number, py: number): number => halfToFloat(largePlanes.find((p) => p.name === name)!.data[py * LARGE.width + px]!);
    for (const [k, [x, y]] of points.entries()) {
      const probe = first.probes[k];
      assert.ok(probe !== null && probe !== undefined, `probe at ${x}, ${y}`);
      assert.deepEqual(probe.pixel, [Math.floor(x / scale), Math.floor((y - (HEIGHT - LARGE.height * scale) / 2) / scale)]);
      assert.deepEqual(probe.values, { B: valueAt('B', ...probe.pixel), G: valueAt('G', ...probe.pixel), R: valueAt('R', ...probe.pixel) });
    }
    // Then the full-resolution textures replace the proxies.
    await page.waitForFunction(() => performance.getEntriesByName('vfx:full-resolution').length > 0, undefined, { timeout: 60_000 });
    const after = await page.evaluate((readSource) => (new Function(`return (${readSource})()`) as () => number[])(), read.toString());
    const [w, h] = first.pixels;
    assert.deepEqual(after.slice(0, 2), [w, h]);
    // Both frames for a person to look at (readPixels rows are bottom-up).
    mkdirSync(outDir, { recursive: true });
    for (const [name, pixels] of [['first', first.pixels], ['full', after]] as const) {
      await sharp(Buffer.from(pixels.slice(2)), { raw: { width: w!, height: h!, channels: 4 } }).flip().png().toFile(join(outDir, `view-exr-proxy-${name}.png`));
    }
    // At fit the proxy (2x2 means) and the full-resolution render (one pixel of each 2.13) agree
    // within the noise (+-0.02 linear: a few sRGB codes); and they are not the same image.
    let worst = 0;
    let differing = 0;
    let compared = 0;
    for (let y = 0; y < h!; y += 5) {
      for (let x = 0; x < w!; x += 5) {
        const i = 2 + (y * w! + x) * 4;
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(first.pixels[i + c]! - after[i + c]!);
          worst = Math.max(worst, d);
          if (d > 0) differing++;
          compared++;
        }
      }
    }
    assert.ok(worst <= 12, `the first paint and the full-resolution render differ by at most 12 codes (worst ${worst})`);
    assert.ok(differing > compared / 20, `the first paint is the proxy, not the full-resolution render (${differing} of ${compared} samples differ)`);
    const probe = await page.evaluate(([x, y]) => window.vfxView.probe(x, y), points[7]!);
    assert.deepEqual(probe, first.probes[7]);
  });

  it('a large EXR is decoded in bands by every worker (range requests): exact values on both sides of each split; a tiled one whole', async () => {
    for (const name of ['noise-zip.exr', 'noise-tiled.exr']) {
      assert.ok(readFileSync(join(temp.dir, name)).length > 2 * 1024 * 1024, `${name} is over 2 MiB`);
    }
    const url = await serve(['noise-zip.exr', 'noise-tiled.exr']);
    responses.length = 0;
    // Two decode workers whatever the cores (the default is one per core but one).
    const info = await open(page, url, '?snapshot=1&workers=2');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.summary.resolution, '1024x600');
    assert.equal(info.summary.dataWindow, '(0 0) - (1023 599)');
    const ranges = responses.filter((r) => r.path.startsWith('files/0/') && r.status === 206);
    // Each band reads the headers, then its own chunks.
    assert.ok(ranges.length >= 4, `range requests for the bands: ${ranges.map((r) => `${r.status} ${r.bytes}`).join(', ')}`);
    // Snapshot mode fits 1024x600 in 960x540: 0.9 CSS px per pixel, centred.
    const scale = Math.min(WIDTH / 1024, HEIGHT / 600);
    const x0 = (WIDTH - 1024 * scale) / 2;
    const y0 = (HEIGHT - 600 * scale) / 2;
    const check = async (label: string): Promise<void> => {
      // The rows either side of every split (2, 3 or 4 bands of the 38 chunks of 16 rows), and
      // the first and last rows.
      const rows = new Set([0, 1, 598, 599]);
      for (const bands of [2, 3, 4]) {
        for (let band = 1; band < bands; band++) {
          const split = Math.floor((38 * band) / bands) * 16;
          rows.add(split - 1).add(split);
        }
      }
      for (const py of rows) {
        for (const px of [0, 511, 1023]) {
          const probe = await page.evaluate(([x, y]) => window.vfxView.probe(x, y), [x0 + (px + 0.5) * scale, y0 + (py + 0.5) * scale] as [number, number]);
          assert.ok(probe !== null, `${label}: the probe finds (${px}, ${py})`);
          assert.deepEqual(probe.pixel, [px, py]);
          const expected = { A: halfToFloat(noisyHalf(px, py, 0)), B: halfToFloat(noisyHalf(px, py, 1)), G: halfToFloat(noisyHalf(px, py, 2)), R: halfToFloat(noisyHalf(px, py, 3)) };
          assert.deepEqual(probe.values, expected, `${label}: values at (${px}, ${py})`);
        }
      }
    };
    await check('zip, in bands');
    // The canvas shows both bands alike (no empty band): the mean green of the top and bottom
    // quarters of the noise (about 50 of 255), well above the window's backdrop (0.09: 23 of 255).
    const shot = await screenshot(page, 'exr-bands');
    const mean = (from: number, to: number): number => {
      let sum = 0;
      let n = 0;
      for (let y = from; y < to; y += 3) for (let x = Math.ceil(x0); x < WIDTH - x0; x += 3, n++) sum += pixel(shot, x, y)[1]!;
      return sum / n;
    };
    const top = mean(Math.ceil(y0), Math.ceil(y0 + 135 * scale));
    const bottom = mean(Math.floor(y0 + 465 * scale), Math.floor(y0 + 600 * scale));
    assert.ok(top > 35 && bottom > 35 && Math.abs(top - bottom) < 8, `top ${top.toFixed(1)} and bottom ${bottom.toFixed(1)} quarters are alike`);
    // The alpha view draws the A channel (bound only for that view): screen pixel = A * 255 (linear).
    await set(page, { channel: 'a', display: 'linear' });
    const alphaShot = await screenshot(page, 'exr-bands-alpha');
    for (const [sx, sy] of [
      [100, 60],
      [480, 270],
      [861, 480],
      [300, 400],
    ] as const) {
      const probe = await page.evaluate(([x, y]) => window.vfxView.probe(x, y), [sx + 0.5, sy + 0.5] as [number, number]);
      assert.ok(probe !== null);
      const shown = pixel(alphaShot, sx, sy)[0]!;
      assert.ok(Math.abs(shown - probe.values.A! * 255) <= 2, `alpha at ${sx}, ${sy}: ${shown} for A ${probe.values.A}`);
    }
    await set(page, { channel: 'rgb', display: 'srgb' });
    const tiled = await set(page, { item: 1 });
    assert.equal(tiled.status, 'ready', tiled.error ?? '');
    await check('zip tiles, whole');
  });

  it('EXR: a two-finger pinch (touch) zooms by the ratio of the finger distances about their middle, and a two-finger drag pans', async () => {
    const url = await serve(['noise-zip.exr']);
    const info = await open(page, url);
    assert.equal(info.status, 'ready', info.error ?? '');
    const box = (await page.locator('#vfx-canvas').boundingBox())!;
    const cx = Math.round(box.width / 2);
    const cy = Math.round(box.height / 2);
    const at = async (x: number, y: number): Promise<[number, number]> => {
      const probe = await page.evaluate(([px, py]) => window.vfxView.probe(px, py), [x, y] as [number, number]);
      assert.ok(probe !== null, `the probe finds a pixel at ${x}, ${y}`);
      return probe.pixel;
    };
    /** Image pixels per 200 CSS px, across the middle. */
    const span = async (): Promise<number> => (await at(cx + 100, cy))[0] - (await at(cx - 100, cy))[0];
    const centreBefore = await at(cx, cy);
    const spanBefore = await span();
    const cdp = await page.context().newCDPSession(page);
    const touch = async (type: 'touchStart' | 'touchMove' | 'touchEnd', points: [number, number][]): Promise<void> => {
      await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x: box.x + x, y: box.y + y, id })) });
    };
    // Fingers 40 px either side of the middle move apart to 100 px: 2.5x.
    await touch('touchStart', [
      [cx - 40, cy],
      [cx + 40, cy],
    ]);
    for (let d = 45; d <= 100; d += 5) {
      await touch('touchMove', [
        [cx - d, cy],
        [cx + d, cy],
      ]);
    }
    await touch('touchEnd', []);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const spanAfter = await span();
    const factor = spanBefore / spanAfter;
    assert.ok(Math.abs(factor - 2.5) < 0.1, `zoomed by ${factor.toFixed(3)} (span ${spanBefore} -> ${spanAfter} pixels), expected 2.5`);
    const centreAfter = await at(cx, cy);
    assert.ok(Math.abs(centreAfter[0] - centreBefore[0]) <= 1 && Math.abs(centreAfter[1] - centreBefore[1]) <= 1, `the pixel between the fingers stays: ${centreBefore} -> ${centreAfter}`);
    const shot = await screenshot(page, 'exr-pinched');
    assert.ok(shot.width > 0);
    // Two fingers moving together 60 px right pan the image with them, at the same zoom.
    await touch('touchStart', [
      [cx - 50, cy],
      [cx + 50, cy],
    ]);
    for (let dx = 10; dx <= 60; dx += 10) {
      await touch('touchMove', [
        [cx - 50 + dx, cy],
        [cx + 50 + dx, cy],
      ]);
    }
    await touch('touchEnd', []);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const moved = await at(cx + 60, cy);
    assert.ok(Math.abs(moved[0] - centreAfter[0]) <= 1 && Math.abs(moved[1] - centreAfter[1]) <= 1, `the pixel followed the fingers: ${centreAfter} -> ${moved} at +60 px`);
    assert.ok(Math.abs(spanBefore / (await span()) - 2.5) < 0.1, 'a two-finger drag does not zoom');
    await cdp.detach();
  });

  it('EXR: a second part of a multi-part file', async () => {
    const url = await serve(['parts.exr']);
    const info = await open(page, url, '?snapshot=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.summary.parts, 2);
    const depth = await set(page, { part: 1 });
    assert.equal(depth.summary.part, 1);
    assert.equal(depth.summary.partName, 'depth');
    const probe = await page.evaluate(() => window.vfxView.probe(480, 270));
    assert.deepEqual(probe?.values, { Z: 7.5 });
  });

  it('EXR sequence: frames, scrub, flipbook playback with a cache', async () => {
    const url = await serve(['seq.#.exr']);
    const info = await open(page, url, '?frame=1003');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.deepEqual(info.frames, [1001, 1002, 1003, 1004, 1005]);
    assert.equal(info.frame, 1003);
    const r = async (): Promise<number | undefined> => (await page.evaluate(() => window.vfxView.probe(400, 270)))?.values.R;
    const r1003 = await r();
    assert.ok(Math.abs(r1003! - 0.3) < 1e-3, `R of frame 1003: ${r1003}`);
    assert.equal((await page.locator('.frame-label').textContent())?.trim(), '1003');
    const next = await set(page, { frame: 1005 });
    assert.equal(next.frame, 1005);
    const r1005 = await r();
    assert.ok(Math.abs(r1005! - 0.5) < 1e-3, `R of frame 1005: ${r1005}`);
    const shownBefore = (await page.evaluate(() => window.vfxView.stats())).framesShown;
    await page.evaluate(() => window.vfxView.play(30));
    await page.waitForFunction((n) => window.vfxView.stats().framesShown >= n + 8, shownBefore, { timeout: 30_000 });
    await page.evaluate(() => window.vfxView.pause());
    const stats = await page.evaluate(() => window.vfxView.stats());
    assert.equal(stats.cachedFrames, 5);
    await page.screenshot({ path: join(outDir, 'view-sequence-page.png') });
  });

  it('A/B wipe: A left of the split, B right of it, and the split moves', async () => {
    const url = await serve(['grey20.exr', 'grey80.exr']);
    const info = await open(page, url, '?snapshot=1&display=linear&compare=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    const shot = await screenshot(page, 'wipe-half');
    const y = HEIGHT / 2;
    assert.ok(Math.abs(pixel(shot, WIDTH * 0.4, y)[0]! - 51) <= 2, `A at 40% ${pixel(shot, WIDTH * 0.4, y)}`);
    assert.ok(Math.abs(pixel(shot, WIDTH * 0.6, y)[0]! - 204) <= 2, `B at 60% ${pixel(shot, WIDTH * 0.6, y)}`);
    assert.equal((await page.evaluate(([x, y]) => window.vfxView.probe(x, y), [WIDTH * 0.6, HEIGHT / 2]))?.values.R, 0.7998046875);
    await set(page, { wipe: 0.25 });
    const moved = await screenshot(page, 'wipe-quarter');
    assert.ok(Math.abs(pixel(moved, WIDTH * 0.4, y)[0]! - 204) <= 2, `B at 40% after the move ${pixel(moved, WIDTH * 0.4, y)}`);
    assert.ok(Math.abs(pixel(moved, WIDTH * 0.235, y)[0]! - 51) <= 2, `A at 23.5% after the move ${pixel(moved, WIDTH * 0.235, y)}`);
    // Dragging the split back to 60% of the width shows A at 40% again.
    await page.mouse.move(WIDTH * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(WIDTH * 0.6, y, { steps: 5 });
    await page.mouse.up();
    await page.evaluate(() => window.vfxView.whenReady());
    const dragged = await screenshot(page, 'wipe-dragged');
    assert.ok(Math.abs(pixel(dragged, WIDTH * 0.4, y)[0]! - 51) <= 2, `A at 40% after dragging the split ${pixel(dragged, WIDTH * 0.4, y)}`);
    assert.ok(Math.abs(pixel(dragged, WIDTH * 0.65, y)[0]! - 204) <= 2, `B at 65% after dragging the split ${pixel(dragged, WIDTH * 0.65, y)}`);
  });

  it('particles: a point is drawn where project() puts it', async () => {
    const url = await serve(['points.pda']);
    const info = await open(page, url, '?snapshot=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'particles');
    assert.equal(info.summary.count, 5);
    const shot = await screenshot(page, 'particles');
    for (const p of POINTS) {
      const at = await page.evaluate((q) => window.vfxView.project(q), p);
      assert.ok(at !== null, `point ${p} projects`);
      assert.ok(!isBackground(pixel(shot, at[0], at[1])), `point ${p} at ${at} is drawn: ${pixel(shot, at[0], at[1])}`);
    }
    // Away from every point (the middle of the (0,1,0)-(1,0,0) segment's far side): background.
    const corner = await page.evaluate(() => window.vfxView.project([0.5, 0.5, 0.5]));
    assert.ok(corner !== null, 'the middle of the points projects');
    assert.ok(isBackground(pixel(shot, corner[0], corner[1]), 12), `empty space at ${corner}: ${pixel(shot, corner[0], corner[1])}`);
    // A sequence: the points move from frame to frame.
    const seqUrl = await serve(['drift.#.pda']);
    const seq = await open(page, seqUrl, '?snapshot=1&frame=1');
    assert.equal(seq.status, 'ready', seq.error ?? '');
    assert.deepEqual(seq.frames, [1, 2, 3]);
    const third = await set(page, { frame: 3 });
    assert.equal(third.frame, 3);
    assert.deepEqual((third.summary.bbox as { min: number[] }).min, [2, 0, 0]);
    // Colour by an attribute through the ramp: the legend appears (not in snapshot mode).
    await page.goto(`${url}?attr=id`);
    await page.evaluate(() => window.vfxView.whenReady());
    assert.equal(await page.locator('.legend-bar').isVisible(), true);
    await page.screenshot({ path: join(outDir, 'view-particles-page.png') });
  });

  it('8-bit images: PNG codes decoded from sRGB and shown back unchanged; TIFF is refused with a message', async () => {
    const url = await serve(['plate.png', 'scan.tif']);
    const info = await open(page, url, '?snapshot=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'image');
    assert.equal(info.summary.resolution, '16x8');
    const probe = await page.evaluate(() => window.vfxView.probe(480, 270));
    assert.deepEqual(probe?.values, { R: 200 / 255, G: 100 / 255, B: 50 / 255, A: 1 });
    const shown = pixel(await screenshot(page, 'png'), 480, 270);
    assert.ok(Math.abs(shown[0]! - 200) <= 1 && Math.abs(shown[1]! - 100) <= 1 && Math.abs(shown[2]! - 50) <= 1, `PNG shown as ${shown}`);
    const tiff = await set(page, { item: 1 });
    assert.equal(tiff.status, 'error');
    assert.match(tiff.error ?? '', /scan\.tif.*TIFF/);
  });

  it('a file that cannot be read shows a message naming it, not a blank canvas', async () => {
    const url = await serve(['broken.exr']);
    const info = await open(page, url);
    assert.equal(info.status, 'error');
    assert.match(info.error ?? '', /broken\.exr/);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.vfxStatus), 'error');
    const message = page.locator('.message');
    assert.equal(await message.isVisible(), true);
    assert.match((await message.textContent()) ?? '', /Cannot read broken\.exr/);
    await page.screenshot({ path: join(outDir, 'view-error-page.png') });
  });

  it('drag-and-drop opens a dropped file whatever was shown', async () => {
    const url = await serve(['points.pda']);
    await open(page, url);
    const bytes = [...readFileSync(join(temp.dir, 'known.exr'))];
    await page.evaluate((data) => {
      const file = new File([new Uint8Array(data)], 'dropped.exr');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      document.querySelector('#vfx-canvas')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await page.waitForFunction(() => window.vfxView.info().name === 'dropped.exr');
    const info = await page.evaluate(() => window.vfxView.whenReady());
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'exr');
    assert.equal(info.summary.resolution, '64x32');
    // And openFiles directly (what a drop calls).
    const again = await page.evaluate(async (data) => window.vfxView.openFiles([new File([new Uint8Array(data)], 'again.exr')]), bytes);
    assert.equal(again.name, 'again.exr');
    assert.equal(again.status, 'ready');
  });

  const real = realFixtures();
  it('volume: the render is non-empty inside the projected bounding box and empty outside', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    const url = await serve([join(real!, 'vdb/gaffer/houdini_fog_sphere.vdb')]);
    const info = await open(page, url, '?snapshot=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'volume');
    const bounds = info.summary.worldBounds as { min: number[]; max: number[] };
    const corners: [number, number][] = [];
    for (let c = 0; c < 8; c++) {
      const p: [number, number, number] = [c & 1 ? bounds.max[0]! : bounds.min[0]!, c & 2 ? bounds.max[1]! : bounds.min[1]!, c & 4 ? bounds.max[2]! : bounds.min[2]!];
      const at = await page.evaluate((q) => window.vfxView.project(q), p);
      assert.ok(at !== null, `bbox corner ${p} projects`);
      corners.push(at);
    }
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    const shot = await screenshot(page, 'volume');
    let inside = 0;
    let outside = 0;
    let outsideDrawn = 0;
    for (let y = 0; y < shot.height; y += 4) {
      for (let x = 0; x < shot.width; x += 4) {
        const drawn = !isBackground(pixel(shot, x, y));
        if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1) inside += drawn ? 1 : 0;
        else if (x < box.x0 - 3 || x > box.x1 + 3 || y < box.y0 - 3 || y > box.y1 + 3) {
          outside++;
          outsideDrawn += drawn ? 1 : 0;
        }
      }
    }
    assert.ok(inside > 50, `drawn samples inside the box: ${inside}`);
    assert.equal(outsideDrawn, 0, `drawn samples outside the box: ${outsideDrawn} of ${outside}`);
    await page.goto(url);
    await page.evaluate(() => window.vfxView.whenReady());
    await page.screenshot({ path: join(outDir, 'view-volume-page.png') });

    // A level set is drawn as a surface: opaque inside its projected box.
    const levelUrl = await serve([join(real!, 'vdb/cortex/sphere.vdb')]);
    const level = await open(page, levelUrl, '?snapshot=1');
    assert.equal(level.status, 'ready', level.error ?? '');
    assert.match(String(level.summary.gridClass), /level set/);
    const centre = level.summary.worldBounds as { min: number[]; max: number[] };
    const mid = await page.evaluate((q) => window.vfxView.project(q), centre.min.map((v, i) => (v + centre.max[i]!) / 2) as [number, number, number]);
    assert.ok(mid !== null, 'the sphere centre projects');
    const surface = await screenshot(page, 'volume-level-set');
    assert.ok(!isBackground(pixel(surface, mid[0], mid[1]), 20), `the surface is drawn at the centre: ${pixel(surface, mid[0], mid[1])}`);
    assert.ok(isBackground(pixel(surface, 4, 4)), 'the corner of the canvas is empty');
  });

  it('volume: the grid picker switches grids, by set({grid}) and by the panel control, and the summary and pixels follow', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    // OpenUSD's test volume holds two float grids: density (23x23x42 voxels) and heat (22x21x32).
    const url = await serve([join(real!, 'vdb/openusd/densityAndHeat.vdb')]);
    const info = await open(page, url);
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.summary.grid, 'density');
    const picker = page.locator('label.row', { has: page.locator('.row-label', { hasText: /^Grid$/ }) }).locator('select');
    assert.deepEqual(await picker.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value)), ['density', 'heat']);
    const density = await screenshot(page, 'volume-grid-density');
    const heat = await set(page, { grid: 'heat' });
    assert.equal(heat.status, 'ready', heat.error ?? '');
    assert.equal(heat.summary.grid, 'heat');
    assert.notDeepEqual(heat.summary.dense, info.summary.dense, `the summary describes the heat grid: ${String(heat.summary.dense)}`);
    assert.equal(await picker.inputValue(), 'heat');
    const heatShot = await screenshot(page, 'volume-grid-heat');
    let differ = 0;
    for (let i = 0; i < density.data.length; i += density.channels) if (Math.abs(density.data[i]! - heatShot.data[i]!) + Math.abs(density.data[i + 1]! - heatShot.data[i + 1]!) > 12) differ++;
    assert.ok(differ > 200, `the heat grid draws differently from the density grid (${differ} pixels differ)`);
    // The panel control: back to density, the same picture as at first.
    await picker.selectOption('density');
    await page.waitForFunction(() => window.vfxView.info().summary.grid === 'density');
    const back = await page.evaluate(() => window.vfxView.whenReady());
    assert.equal(back.summary.grid, 'density');
    assert.deepEqual(back.summary.dense, info.summary.dense);
    const again = await screenshot(page, 'volume-grid-density-again');
    let changed = 0;
    for (let i = 0; i < density.data.length; i += density.channels) if (Math.abs(density.data[i]! - again.data[i]!) > 6) changed++;
    assert.ok(changed < density.data.length / density.channels / 1000, `the density grid is drawn as before (${changed} pixels differ)`);
  });

  it('EXR luminance/chroma (Y, RY, BY) is shown as the RGB it encodes', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    const dir = join(real!, 'exr/openexr-images/Chromaticities');
    const url = await serve([join(dir, 'Rec709.exr'), join(dir, 'Rec709_YC.exr')]);
    await open(page, url, '?snapshot=1');
    const rgb = await screenshot(page, 'exr-rec709-rgb');
    const yc = await set(page, { item: 1 });
    assert.equal(yc.status, 'ready', yc.error ?? '');
    const ycShot = await screenshot(page, 'exr-rec709-yc');
    let sum = 0;
    for (let i = 0; i < rgb.data.length; i++) sum += Math.abs(rgb.data[i]! - ycShot.data[i]!);
    const mean = sum / rgb.data.length;
    assert.ok(mean < 4, `mean difference ${mean.toFixed(2)} of 255 between the RGB and the Y/RY/BY file`);
  });

  it('Alembic: the frame counter and a mesh position change with the timeline', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    const url = await serve([join(real!, 'abc/cortex/animatedCube.abc')]);
    const info = await open(page, url, '?snapshot=1');
    assert.equal(info.status, 'ready', info.error ?? '');
    assert.equal(info.kind, 'alembic');
    assert.ok(info.frames.length > 1, `frames ${info.frames}`);
    const centroid = (shot: { width: number; height: number; channels: number; data: Buffer }): [number, number] => {
      let sx = 0;
      let sy = 0;
      let n = 0;
      for (let y = 0; y < shot.height; y += 2) {
        for (let x = 0; x < shot.width; x += 2) {
          if (!isBackground(pixel(shot, x, y), 10)) {
            sx += x;
            sy += y;
            n++;
          }
        }
      }
      assert.ok(n > 20, 'the mesh is drawn');
      return [sx / n, sy / n];
    };
    const first = centroid(await screenshot(page, 'alembic-first'));
    const last = info.frames[info.frames.length - 1]!;
    const moved = await set(page, { frame: last });
    assert.equal(moved.frame, last);
    const second = centroid(await screenshot(page, 'alembic-last'));
    assert.ok(Math.hypot(first[0] - second[0], first[1] - second[1]) > 3, `the mesh moved on screen: ${first} -> ${second}`);
    await page.goto(`${url}?frame=${last}`);
    await page.evaluate(() => window.vfxView.whenReady());
    assert.equal((await page.locator('.frame-label').textContent())?.trim(), String(last));
    assert.ok((await page.locator('.outliner li').count()) > 0, 'the outliner lists objects');
    await page.screenshot({ path: join(outDir, 'view-alembic-page.png') });

    // The view through an Alembic camera differs from the orbit view, and draws the scene.
    await page.goto(`${url}?snapshot=1`);
    await page.evaluate(() => window.vfxView.whenReady());
    const orbitShot = await screenshot(page, 'alembic-orbit');
    const through = await set(page, { camera: '/persp/perspShape' });
    assert.equal(through.status, 'ready', through.error ?? '');
    const cameraShot = await screenshot(page, 'alembic-camera');
    let drawn = 0;
    let differ = 0;
    for (let i = 0; i < cameraShot.data.length; i += 4 * cameraShot.channels) {
      if (!isBackground([cameraShot.data[i]!, cameraShot.data[i + 1]!, cameraShot.data[i + 2]!], 10)) drawn++;
      if (Math.abs(cameraShot.data[i]! - orbitShot.data[i]!) > 10) differ++;
    }
    assert.ok(drawn > 100, `the camera view draws the scene (${drawn} samples)`);
    assert.ok(differ > 100, `the camera view differs from the orbit view (${differ} samples)`);
  });

  it('volume: a slice plane through the middle of the fog sphere shows its density, one at the edge almost none', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    const url = await serve([join(real!, 'vdb/gaffer/houdini_fog_sphere.vdb')]);
    const info = await open(page, url);
    assert.equal(info.status, 'ready', info.error ?? '');
    const control = (label: string) => page.locator('label.row', { has: page.locator('.row-label', { hasText: new RegExp(`^${label}$`) }) });
    // Samples where the slice's colour ramp (dark purple at 0 to yellow at 1) shows density: green above 120.
    const dense = async (name: string): Promise<number> => {
      await set(page, {}); // renders now and resolves after the render
      const shot = await screenshot(page, name);
      let n = 0;
      for (let y = 0; y < shot.height; y += 2) for (let x = 0; x < shot.width; x += 2) if (pixel(shot, x, y)[1]! > 120) n++;
      return n;
    };
    await control('Mode').locator('select').selectOption('slice');
    const middle = await dense('volume-slice-middle');
    const slider = control('Slice at').locator('input');
    await slider.evaluate((input) => {
      (input as { value: string }).value = '0.02';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const edge = await dense('volume-slice-edge');
    assert.ok(middle > 200, `the middle slice shows the sphere's density (${middle} samples)`);
    assert.ok(middle > edge * 2, `the middle slice (${middle}) cuts more of the sphere than one at the edge (${edge})`);
  });

  it('Alembic outliner: hide, show all, select and isolate change what is drawn', { skip: real === undefined ? 'no ../shared/fixtures-real' : false }, async () => {
    const url = await serve([join(real!, 'abc/cortex/animatedCube.abc')]);
    const info = await open(page, url);
    assert.equal(info.status, 'ready', info.error ?? '');
    // Shaded mesh pixels (not background, not the thin box lines): counted on every 2nd pixel.
    const count = async (name: string): Promise<{ drawn: number; orange: number }> => {
      await set(page, {}); // renders now and resolves after the render
      const shot = await screenshot(page, name);
      let drawn = 0;
      let orange = 0;
      for (let y = 0; y < shot.height; y += 2) {
        for (let x = 0; x < shot.width; x += 2) {
          const [r, g, b] = pixel(shot, x, y) as [number, number, number];
          if (!isBackground([r, g, b], 10)) drawn++;
          if (r > g + 30 && g > b + 30) orange++;
        }
      }
      return { drawn, orange };
    };
    const row = (name: string) => page.locator('.outliner li', { has: page.locator('.node-name', { hasText: new RegExp(`^${name}$`) }) });
    const all = await count('alembic-outliner-all');
    assert.ok(all.drawn > 500, `the mesh is drawn (${all.drawn})`);
    assert.equal(all.orange, 0, 'nothing selected yet');

    await row('pCube1').locator('.eye').click();
    const hidden = await count('alembic-outliner-hidden');
    assert.ok(hidden.drawn < all.drawn / 2, `hiding /pCube1 removes the mesh (${all.drawn} -> ${hidden.drawn})`);

    await page.getByRole('button', { name: 'Show all' }).click();
    const shown = await count('alembic-outliner-shown');
    assert.ok(Math.abs(shown.drawn - all.drawn) < all.drawn * 0.05, `show all brings it back (${all.drawn} vs ${shown.drawn})`);

    await row('pCube1').click();
    const selected = await count('alembic-outliner-selected');
    assert.ok(selected.orange > 200, `the selected mesh is drawn in the selection colour (${selected.orange})`);

    await row('pCube1').click(); // deselect
    await row('front').click(); // a camera transform: isolating it leaves no mesh
    await page.getByRole('button', { name: 'Isolate' }).click();
    const isolated = await count('alembic-outliner-isolated');
    assert.ok(isolated.drawn < all.drawn / 2, `isolating /front hides the mesh (${all.drawn} -> ${isolated.drawn})`);
    await page.getByRole('button', { name: 'Show all' }).click();
    assert.ok((await count('alembic-outliner-again')).drawn > all.drawn * 0.95, 'show all ends the isolation');
  });
});
