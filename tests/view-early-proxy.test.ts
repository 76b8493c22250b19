/**
 * The first paint's request from the page's HTML (tools/view/src/early-proxy.ts): for a session
 * whose first view is a large EXR, the server's `index.html` carries an inline script that asks for
 * `api/proxy` before the app's code has loaded, for the URL the app itself would ask for
 * (`serverProxyTarget` / `serverProxyUrl`, viewers/src/shared/view-options.ts); the app takes that
 * answer. Other pages get the built file unchanged. Serving that HTML also has the server decode the
 * frame meanwhile (tools/view/src/proxy-prefetch.ts): the request then reduces those planes, with the
 * same answer, and a file changed in between, or another view, is decoded again. In Chromium: one
 * proxy request a page, asked before the entry script ran, and the first image drawn from it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeExr } from '@vfxkit/exr';
import { findChromium, launchBrowser, startViewServer, type Browser, type ViewResponseEvent, type ViewServer } from '@vfxkit/tool-view';
import { earlyProxyScript, earlyProxyTarget, indexWithEarlyProxy } from '../tools/view/src/early-proxy.js';
import { makeProxy, PROXY_MAX_PIXELS } from '../tools/view/src/proxy-job.js';
import { prefetchJob, takePrefetched } from '../tools/view/src/proxy-prefetch.js';
import { serverProxyUrl, type Session } from '../viewers/src/shared/view-options.js';
import type { VfxViewApi } from '../viewers/src/contract.js';
import { repoRoot, tempDir } from './helpers.js';
import { LARGE, largeSmoothPlanes } from './view-fixtures.js';

declare const window: { vfxView: VfxViewApi };

const viewerDir = join(repoRoot, 'viewers', 'dist');
const chromium = findChromium();
const built = existsSync(join(viewerDir, 'index.html'));
const browserSkip = chromium === null ? 'no Chromium (install chromium or set VFX_CHROMIUM)' : !built ? 'viewers/dist is not built (npm run build -w @vfxkit/viewers)' : false;
if (browserSkip !== false) console.log(`# skipping the browser test of the early proxy request: ${browserSkip}`);

const MiB = 1024 * 1024;
const session: Session = {
  version: 1,
  items: [
    { id: 'a', name: 'big.####.exr', kind: 'exr', sequence: true, frames: [1001, 1002, 1003].map((frame, i) => ({ frame, name: `big.${frame}.exr`, size: 20 * MiB, url: `files/0/${i}/big.${frame}.exr` })) },
    { id: 'b', name: 'small.exr', kind: 'exr', sequence: false, frames: [{ frame: null, name: 'small.exr', size: 1 * MiB, url: 'files/1/0/small.exr' }] },
    { id: 'c', name: 'plate.png', kind: 'image', sequence: false, frames: [{ frame: null, name: 'plate.png', size: 30 * MiB, url: 'files/2/0/plate.png' }] },
  ],
  options: {},
};
const HTML = '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8" />\n    <title>vfx view</title>\n    <link rel="stylesheet" href="./a.css">\n  </head>\n</html>\n';

describe('vfx view: the first paint asked for by the HTML', () => {
  it('targets the first view the page shows, as the page builds its URL', () => {
    const url = (query: string): string | undefined => {
      const target = earlyProxyTarget(session, query);
      return target === undefined ? undefined : serverProxyUrl(target, 1280, 720);
    };
    assert.equal(url(''), 'api/proxy/0/0?w=1280&h=720&channel=rgb');
    assert.equal(url('?frame=1003'), 'api/proxy/0/2?w=1280&h=720&channel=rgb');
    assert.equal(url('?frame=1002&channel=a&part=2'), 'api/proxy/0/1?w=1280&h=720&channel=a&part=2');
    assert.equal(url('?layer=diffuse%20indirect&channel=nonsense'), 'api/proxy/0/0?w=1280&h=720&channel=rgb&layer=diffuse%20indirect', 'an unknown channel is the default, as in the page');
    assert.equal(earlyProxyTarget({ ...session, options: { frame: 1002 } }, '')?.path, 'api/proxy/0/1', "the session's frame");
    // Nothing to ask for: a small EXR, not an EXR, a compare view, no such item, or turned off.
    for (const query of ['?item=1', '?item=2', '?item=7', '?compare=1', '?proxy=0', '?serverproxy=0']) assert.equal(url(query), undefined, query);
    assert.equal(earlyProxyTarget({ ...session, options: { compare: 1 } }, ''), undefined);
  });

  it('puts the script before the stylesheet, and any text it carries cannot end the script', () => {
    const target = earlyProxyTarget(session, '?layer=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E')!;
    const html = indexWithEarlyProxy(HTML, target);
    assert.equal(html.indexOf('<meta charset="utf-8" />') + '<meta charset="utf-8" />'.length, html.indexOf('<script>'));
    assert.ok(html.indexOf('</script>') < html.indexOf('<link rel="stylesheet"'));
    assert.equal(html.match(/<\/script>/gi)?.length, 1, 'one script element, closed once');
    assert.equal(html.replace(earlyProxyScript(target), ''), HTML, 'the rest unchanged');
    // Without a meta charset: at the start of the head.
    assert.match(indexWithEarlyProxy('<html><head><title>t</title></head></html>', target), /^<html><head><script>/);
  });

  describe('the server', () => {
    const temp = tempDir('vfx-view-early-');
    let server: ViewServer;

    before(async () => {
      writeFileSync(join(temp.dir, 'large.exr'), writeExr({ ...LARGE, compression: 'zip', channels: largeSmoothPlanes(['A', 'B', 'G', 'R']) }));
      writeFileSync(join(temp.dir, 'small.exr'), writeExr({ width: 8, height: 8, channels: ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, data: new Float32Array(64).fill(0.5) })) }));
      server = await startViewServer({ paths: ['large.exr', 'small.exr'], cwd: temp.dir, viewerDir: temp.dir });
      writeFileSync(join(temp.dir, 'index.html'), HTML);
    });

    after(async () => {
      await server?.close();
      temp.cleanup();
    });

    it('serves index.html with the script for the large EXR, unchanged for the small one', async () => {
      const early = await fetch(`${server.url}?channel=a`);
      assert.equal(early.status, 200);
      assert.equal(early.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(early.headers.get('cache-control'), 'no-store');
      const html = await early.text();
      assert.ok(html.includes('"api/proxy/0/0"') && html.includes('"&channel=a"'), html);
      const head = await fetch(`${server.url}index.html`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(indexWithEarlyProxy(HTML, earlyProxyTarget(session, '')!)));
      for (const query of ['?item=1', '?serverproxy=0']) {
        const plain = await fetch(`${server.url}${query}`);
        assert.equal(await plain.text(), readFileSync(join(temp.dir, 'index.html'), 'utf8'), query);
        assert.ok(plain.headers.get('etag') !== null, `${query}: the file as served before (ETag, ranges)`);
      }
    });

    it('decodes the frame while the page starts: the request reduces those planes, with the same answer', async () => {
      const file = join(temp.dir, 'large.exr');
      const proxyOf = async (query: string): Promise<{ timing: string; body: Uint8Array }> => {
        const response = await fetch(`${server.url}api/proxy/0/0?${query}`);
        assert.equal(response.status, 200, query);
        return { timing: response.headers.get('server-timing') ?? '', body: new Uint8Array(await response.arrayBuffer()) };
      };
      const expected = (channel: string): Uint8Array => makeProxy(new Uint8Array(readFileSync(file)), { width: 300, height: 200, layer: '', channel, part: undefined })!;
      // The HTML, then the page's request: prefetched (its decode timed), the same bytes.
      await (await fetch(server.url)).text();
      const first = await proxyOf('w=300&h=200&channel=rgb');
      assert.match(first.timing, /prefetched;dur=[\d.]+/);
      assert.deepEqual(first.body, expected('rgb'));
      // Taken once: a second request decodes.
      assert.doesNotMatch((await proxyOf('w=300&h=200&channel=rgb')).timing, /prefetched/);
      // Another view than the HTML's: decoded for it.
      await (await fetch(server.url)).text();
      const alpha = await proxyOf('w=300&h=200&channel=a');
      assert.doesNotMatch(alpha.timing, /prefetched/);
      assert.deepEqual(alpha.body, expected('a'));
      // The file rewritten after the HTML was served: the request sees the new file.
      await (await fetch(server.url)).text();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the prefetch done
      writeFileSync(file, writeExr({ ...LARGE, compression: 'zip', channels: largeSmoothPlanes(['A', 'B', 'G', 'R']).map((p) => ({ ...p, data: p.data.map((v) => v ^ 0x0400) })) }));
      const later = new Date(statSync(file).mtimeMs + 5000);
      utimesSync(file, later, later);
      const changed = await proxyOf('w=300&h=200&channel=rgb');
      assert.doesNotMatch(changed.timing, /prefetched/);
      assert.deepEqual(changed.body, expected('rgb'));
      assert.notDeepEqual(changed.body, first.body);
      // A HEAD of the HTML decodes nothing.
      await fetch(server.url, { method: 'HEAD' });
      assert.doesNotMatch((await proxyOf('w=300&h=200&channel=rgb')).timing, /prefetched/);
    });

    it('keeps one frame, for one key, taken once; not one over the pixel limit', () => {
      const file = join(temp.dir, 'small.exr');
      const fd = openSync(file, 'r');
      try {
        const input = { fd, size: statSync(file).size, key: 'k', wanted: { part: undefined, layer: '', channel: 'rgb' }, maxPixels: PROXY_MAX_PIXELS };
        assert.equal(prefetchJob(input).kept, true);
        assert.equal(takePrefetched('other'), undefined, 'another key: not given');
        assert.equal(takePrefetched('k'), undefined, 'and dropped by that request');
        prefetchJob(input);
        const taken = takePrefetched('k');
        assert.deepEqual(taken?.image.channels.map((c) => c.name), ['B', 'G', 'R']);
        assert.equal(taken?.header.parts[0]?.dataWindow.xMax, 7, "the file's header with it");
        assert.equal(takePrefetched('k'), undefined, 'taken once');
        assert.equal(prefetchJob({ ...input, maxPixels: 63 }).kept, false);
        assert.equal(takePrefetched('k'), undefined);
      } finally {
        closeSync(fd);
      }
    });
  });
});

describe('vfx view app in Chromium: the early proxy request', { skip: browserSkip, timeout: 180_000 }, () => {
  const temp = tempDir('vfx-view-early-app-');
  let browser: Browser;
  let server: ViewServer;
  const responses: ViewResponseEvent[] = [];

  before(async () => {
    writeFileSync(join(temp.dir, 'large.exr'), writeExr({ ...LARGE, compression: 'zip', channels: largeSmoothPlanes(['A', 'B', 'G', 'R']) }));
    server = await startViewServer({ paths: ['large.exr'], cwd: temp.dir, viewerDir, onResponse: (event) => responses.push(event) });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    temp.cleanup();
  });

  it('asks for the proxy once, before the entry script ran, and draws it first', async () => {
    responses.length = 0;
    const page = await browser.newPage({ viewport: { width: 960, height: 540 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}?snapshot=1`);
    const info = await page.evaluate(() => window.vfxView.whenReady());
    assert.equal(info.status, 'ready', info.error ?? '');
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    await page.close();
    const proxies = responses.filter((event) => event.path.startsWith('api/proxy/'));
    assert.deepEqual(proxies.map((event) => [event.path, event.status]), [['api/proxy/0/0?w=960&h=540&channel=rgb', 200]]);
    assert.ok(marks['vfx:proxy-asked']! < marks['vfx:main']!, `asked at ${marks['vfx:proxy-asked']} ms, the entry script ran at ${marks['vfx:main']} ms`);
    assert.ok(marks['vfx:first-image'] !== undefined && marks['vfx:first-image'] < marks['vfx:rendered']!, 'the proxy was the first image');
  });
});
