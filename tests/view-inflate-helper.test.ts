/**
 * The decode worker's inflate helper (viewers/src/decode/inflate-helper.ts, inflate.worker.ts):
 * a large ZIP/ZIPS EXR read as one band has its chunks inflated on another thread while the decode
 * worker turns them into planes (exr-bands.ts). Whatever inflates the chunks, and however they are
 * shared, the pixels must be readExr's and a damaged chunk must give readExr's error.
 *
 * In Node: decodeBand with an Inflater on node:zlib's thread pool (another thread, as the helper
 * worker is), one that has gone away (every stream refused: the decode worker inflates them all
 * itself), and a damaged chunk. In Chromium: the app with the helper worker forced on and off on a
 * ZIP and a ZIPS file over 2 MiB, compared value by value with readExr, and a damaged file.
 * The browser part skips with a printed reason when Chromium or the built app is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflate } from 'node:zlib';
import { halfToFloat } from '@vfxkit/core';
import { readExr, readExrHeader, writeExr, type ExrCompression } from '@vfxkit/exr';
import { findChromium, launchBrowser, startViewServer, type Browser, type Page } from '@vfxkit/tool-view';
import { decodeBand } from '../viewers/src/decode/exr-bands.js';
import { inflateNative, type Inflater } from '../viewers/src/decode/native-inflate.js';
import type { VfxViewApi, ViewInfo } from '../viewers/src/contract.js';
import { repoRoot, tempDir } from './helpers.js';
import { noisyPlanes as planes } from './view-fixtures.js';

declare const window: { vfxView: VfxViewApi };

/** An Inflater on node:zlib's thread pool: another thread, as the helper worker is in the browser.
 *  It keeps node:zlib's own limit on the output, as the helper does. */
function threadPoolInflater(): Inflater & { used: number } {
  const inflater = {
    used: 0,
    inflate(data: Uint8Array, limit: number): Promise<Uint8Array> {
      inflater.used++;
      return new Promise((resolve, reject) => inflate(data, { maxOutputLength: Math.max(1, limit) }, (error, out) => (error ? reject(error) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)))));
    },
  };
  return inflater;
}

/** A helper that answers late (each stream 10 ms after it is asked): the decode worker inflates
 *  some chunks itself meanwhile (from tasks of its own, exr-bands.ts). */
function slowInflater(): Inflater & { used: number } {
  const inner = threadPoolInflater();
  const inflater = {
    used: 0,
    async inflate(data: Uint8Array, limit: number): Promise<Uint8Array> {
      inflater.used++;
      const out = await inner.inflate(data, limit);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return out;
    },
  };
  return inflater;
}

/** A helper that has gone away: every stream is refused, as InflateHelper refuses after its worker died. */
const goneHelper: Inflater & { used: number } = {
  used: 0,
  inflate(): Promise<Uint8Array> {
    goneHelper.used++;
    return Promise.reject(new Error('the inflate helper failed'));
  },
};

describe('viewer: a large ZIP EXR inflated with a helper thread (decode/inflate-helper.ts)', () => {
  const decodeOne = (bytes: Uint8Array, helper: Inflater | undefined, marks: string[] = []) =>
    decodeBand({ source: new Blob([bytes as Uint8Array<ArrayBuffer>]), name: 'test.exr', size: bytes.byteLength }, undefined, 0, 1, (name) => void marks.push(name), undefined, undefined, undefined, helper);

  it('ZIP and ZIPS, half, float and uint channels: the pixels are readExr\'s, with the helper inflating, with a slow one and with one that has gone', async () => {
    for (const compression of ['zip', 'zips'] as const) {
      const w = 203;
      const h = 150;
      const floats = new Float32Array(w * h).map((_, i) => Math.sin(i) * 1000);
      const uints = new Uint32Array(w * h).map((_, i) => (i * 2654435761) >>> 0);
      const bytes = writeExr({ width: w, height: h, compression, channels: [...planes(w, h), { name: 'Z', type: 'float', data: floats }, { name: 'id', type: 'uint', data: uints }] });
      const whole = readExr(bytes);
      const chunks = readExrHeader(bytes).parts[0]!.chunkCount;
      for (const [label, helper] of [
        ['helper', threadPoolInflater()],
        ['slow helper', slowInflater()],
        ['helper gone', goneHelper],
      ] as const) {
        const marks: string[] = [];
        const usedBefore = helper.used;
        const band = await decodeOne(bytes, helper, marks);
        assert.ok(band !== null, `${compression}, ${label}: decoded`);
        assert.deepEqual(band.image.channels.map((c) => c.name), whole.channels.map((c) => c.name));
        for (const [c, channel] of band.image.channels.entries()) assert.deepEqual(channel.data, whole.channels[c]!.data, `${compression}, ${label}: ${channel.name}`);
        assert.ok(helper.used - usedBefore > 0, `${compression}, ${label}: the helper was asked`);
        const shared = marks.find((m) => m.startsWith('worker:helper '));
        assert.ok(shared !== undefined, `${compression}, ${label}: the share is marked`);
        const [byHelper, of] = shared.slice('worker:helper '.length).split('/').map(Number);
        assert.equal(of, chunks);
        if (label === 'helper gone') assert.equal(byHelper, 0, 'a helper that is gone inflates nothing');
        else assert.ok(byHelper! > 0, `${compression}, ${label}: the helper inflated ${byHelper} of ${of} chunks`);
        if (label === 'slow helper') assert.ok(byHelper! < of!, `${compression}: with a slow helper the decode worker inflated ${of! - byHelper!} chunks itself`);
      }
    }
  });

  it('a damaged chunk gives the error readExr gives, naming the chunk, with a helper too', async () => {
    const bytes = writeExr({ width: 203, height: 200, compression: 'zip', channels: planes(203, 200) });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const table = readExrHeader(bytes).offsetTablesOffset;
    const damaged = bytes.slice();
    const dataAt = Number(view.getBigUint64(table + 10 * 8, true)) + 8;
    for (let i = 20; i < 60; i++) damaged[dataAt + i] = 0x55;
    let expected: { code?: string; message?: string } = {};
    try {
      readExr(damaged);
    } catch (error) {
      expected = error as { code: string; message: string };
    }
    assert.ok(expected.code !== undefined, 'readExr refuses the damaged file');
    for (const helper of [threadPoolInflater(), goneHelper, undefined]) {
      await assert.rejects(decodeOne(damaged, helper), (error: { code?: string; message?: string }) => {
        assert.equal(error.code, expected.code);
        assert.equal(error.message, expected.message);
        assert.match(error.message ?? '', /chunk 10/);
        return true;
      });
    }
  });

  it('inflateNative into a scratch buffer: the same bytes as a new buffer, a view of the scratch; past the limit refused', async () => {
    const raw = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    const packed = await new Promise<Uint8Array>((resolve, reject) => {
      import('node:zlib').then(({ deflate }) => deflate(raw, (error, out) => (error ? reject(error) : resolve(new Uint8Array(out)))), reject);
    });
    const scratch = new Uint8Array(300_000).fill(7);
    const into = await inflateNative(packed, 300_000, scratch);
    assert.equal(into.buffer, scratch.buffer, 'a view of the scratch buffer');
    assert.deepEqual(into, raw);
    assert.deepEqual(await inflateNative(packed, 300_000), raw);
    // A scratch buffer smaller than the limit is not used.
    const small = await inflateNative(packed, 300_000, new Uint8Array(1000));
    assert.deepEqual(small, raw);
    await assert.rejects(inflateNative(packed, 100_000, scratch), /past its size/);
  });
});

const viewerDir = join(repoRoot, 'viewers', 'dist');
const chromium = findChromium();
const skip = chromium === null ? 'no Chromium (install chromium or set VFX_CHROMIUM)' : !existsSync(join(viewerDir, 'index.html')) ? 'viewers/dist is not built (npm run build -w @vfxkit/viewers)' : false;
if (skip !== false) console.log(`# skipping the browser tests of the inflate helper: ${skip}`);

describe('vfx view in Chromium: the inflate helper worker', { skip, timeout: 240_000 }, () => {
  const temp = tempDir('vfx-view-inflate-');
  let browser: Browser;
  let page: Page;
  let url = '';
  let close: () => Promise<void> = async () => undefined;
  const W = 1024;
  const H = 600;
  const files: Record<string, { compression: ExrCompression; bytes: Uint8Array }> = {};

  before(async () => {
    for (const compression of ['zip', 'zips'] as const) {
      const bytes = writeExr({ width: W, height: H, compression, channels: planes(W, H) });
      assert.ok(bytes.byteLength > 2 * 1024 * 1024, `the ${compression} file is over 2 MiB (read as one band)`);
      files[`noise-${compression}.exr`] = { compression, bytes };
      writeFileSync(join(temp.dir, `noise-${compression}.exr`), bytes);
    }
    // Chunk 20 of the ZIP file damaged.
    const bytes = files['noise-zip.exr']!.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const damaged = bytes.slice();
    const dataAt = Number(view.getBigUint64(readExrHeader(bytes).offsetTablesOffset + 20 * 8, true)) + 8;
    for (let i = 40; i < 90; i++) damaged[dataAt + i] ^= 0x5a;
    writeFileSync(join(temp.dir, 'damaged.exr'), damaged);
    const server = await startViewServer({ paths: ['noise-zip.exr', 'noise-zips.exr', 'damaged.exr'], cwd: temp.dir, viewerDir });
    url = server.url;
    close = server.close;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 960, height: 540 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await close();
    temp.cleanup();
  });

  const open = async (query: string): Promise<ViewInfo> => {
    await page.goto(`${url}?${query}`);
    return page.evaluate(() => window.vfxView.whenReady());
  };
  const helperMark = (): Promise<string | undefined> => page.evaluate(() => performance.getEntriesByType('mark').find((m) => m.name.startsWith('worker:helper '))?.name);

  for (const name of ['noise-zip.exr', 'noise-zips.exr']) {
    it(`${name}: with the helper on and off, every probed value is readExr's`, async () => {
      const { bytes } = files[name]!;
      const whole = readExr(bytes);
      const item = name === 'noise-zip.exr' ? 0 : 1;
      // Snapshot mode fits 1024x600 in 960x540: 0.9 CSS px per pixel, centred.
      const scale = Math.min(960 / W, 540 / H);
      const x0 = (960 - W * scale) / 2;
      const y0 = (540 - H * scale) / 2;
      for (const inflaters of [1, 0]) {
        // One decode worker whatever the cores: the file is read as one band.
        const info = await open(`item=${item}&snapshot=1&workers=1&inflaters=${inflaters}`);
        assert.equal(info.status, 'ready', info.error ?? '');
        assert.equal(info.summary.resolution, `${W}x${H}`);
        const shared = await helperMark();
        if (inflaters === 1) {
          assert.ok(shared !== undefined, 'the decode worker had a helper');
          const [byHelper, of] = shared.slice('worker:helper '.length).split('/').map(Number);
          assert.equal(of, readExrHeader(bytes).parts[0]!.chunkCount);
          assert.ok(byHelper! > 0, `the helper inflated chunks (${shared})`);
        } else assert.equal(shared, undefined, 'inflaters=0: no helper');
        for (const py of [0, 1, 15, 16, 17, 299, 300, 583, 584, 599]) {
          for (const px of [0, 1, 511, 1022, 1023]) {
            const probe = await page.evaluate(([x, y]) => window.vfxView.probe(x, y), [x0 + (px + 0.5) * scale, y0 + (py + 0.5) * scale] as [number, number]);
            assert.ok(probe !== null, `the probe finds (${px}, ${py})`);
            assert.deepEqual(probe.pixel, [px, py]);
            const expected = Object.fromEntries(whole.channels.map((c) => [c.name, halfToFloat((c.data as Uint16Array)[py * W + px]!)]));
            assert.deepEqual(probe.values, expected, `inflaters=${inflaters}: values at (${px}, ${py})`);
          }
        }
      }
    });
  }

  it('a damaged chunk: the page says what readExr says, with the helper on and off', async () => {
    let expected = '';
    try {
      readExr(new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(join(temp.dir, 'damaged.exr')))));
    } catch (error) {
      expected = (error as Error).message;
    }
    assert.match(expected, /chunk 20/, 'readExr names the damaged chunk');
    for (const inflaters of [1, 0]) {
      const info = await open(`item=2&snapshot=1&workers=1&inflaters=${inflaters}`);
      assert.equal(info.status, 'error', `inflaters=${inflaters}: the file is refused`);
      assert.ok((info.error ?? '').includes(expected), `inflaters=${inflaters}: ${info.error} names readExr's error (${expected})`);
    }
  });
});
