/**
 * `vfx view`: the server's security (token, traversal raw and encoded, absolute paths, symlinks out
 * of the tree), content types, HEAD, ranges, the session JSON, the CLI as a real process stopped by
 * SIGINT, and, in headless Chromium with the built viewer app, a snapshot of an EXR and a contact
 * sheet checked by their pixels. Screenshots go to tests/out/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { writeExr } from '@vfxkit/exr';
import {
  LABEL_HEIGHT,
  defaultViewerDir,
  findChromium,
  chromiumMissingMessage,
  startViewServer,
  viewerBuilt,
  type ViewServer,
  type ViewSession,
} from '@vfxkit/tool-view';
import { realFixtures, repoRoot, runVfx, spawnVfx, tempDir } from './helpers.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (fetch and URL would normalise `..` and `%2e`). */
function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A flat half RGB(A) EXR. */
function flatExr(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Uint8Array {
  const planes = [0, 1, 2].map((c) => Float32Array.from({ length: width * height }, (_, i) => rgb(i % width, Math.floor(i / width))[c]!));
  return writeExr({
    width,
    height,
    compression: 'zip',
    channels: ['B', 'G', 'R'].map((name) => ({ name, type: 'half' as const, data: planes['RGB'.indexOf(name)]! })),
  });
}

let scratch: string;
let cleanup: () => void;
let tree: string;
let outside: string;
let viewer: string;
let exrBytes: Uint8Array;

before(() => {
  ({ dir: scratch, cleanup } = tempDir('vfx-view-'));
  tree = join(scratch, 'tree');
  outside = join(scratch, 'outside');
  viewer = join(scratch, 'viewer');
  mkdirSync(tree);
  mkdirSync(outside);
  mkdirSync(join(viewer, 'assets'), { recursive: true });
  exrBytes = flatExr(8, 4, () => [0.5, 0.25, 0.125]);
  for (const frame of [1001, 1002, 1003]) writeFileSync(join(tree, `beauty.${frame}.exr`), exrBytes);
  writeFileSync(join(tree, 'notes.txt'), 'not for the viewer\n');
  writeFileSync(join(tree, 'plate.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  writeFileSync(join(outside, 'secret.exr'), 'secret bytes\n');
  symlinkSync(join(tree, 'beauty.1001.exr'), join(tree, 'inside-link.exr'));
  symlinkSync(join(outside, 'secret.exr'), join(tree, 'outside-link.exr'));
  mkdirSync(join(tree, 'sub'));
  writeFileSync(join(tree, 'sub', 'deeper.exr'), exrBytes);
  writeFileSync(join(viewer, 'index.html'), '<!doctype html><title>test viewer</title><script type="module" src="./assets/app.js"></script>\n');
  writeFileSync(join(viewer, 'assets', 'app.js'), 'export const app = 1;\n');
  writeFileSync(join(viewer, 'assets', 'app.css'), 'body { margin: 0 }\n');
});
after(() => cleanup());

describe('vfx view server: security', () => {
  let server: ViewServer;
  let base: string;
  before(async () => {
    server = await startViewServer({ paths: [tree], viewerDir: viewer });
    base = `/${server.token}/`;
  });
  after(() => server.close());

  it('listens on 127.0.0.1 with a 32-hex-digit token in the URL', () => {
    assert.match(server.token, /^[0-9a-f]{32}$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/${server.token}/`);
    assert.ok(server.port > 0);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    for (const path of ['/', '/api/session', '/index.html', '/files/0/0/beauty.1001.exr']) {
      const r = await raw(server.port, path);
      assert.equal(r.status, 403, path);
      assert.match(r.body.toString(), /forbidden/);
    }
    const wrong = server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    for (const path of [`/${wrong}/api/session`, `/${server.token.slice(0, 31)}/api/session`, `/${server.token}x/api/session`, `/${server.token.toUpperCase()}/api/session`]) {
      assert.equal((await raw(server.port, path)).status, 403, path);
    }
    assert.equal((await raw(server.port, `${base}api/session`)).status, 200);
  });

  it('refuses `..`, raw and percent-encoded (once and twice), absolute paths, backslashes and NUL', async () => {
    const attempts = [
      '../outside/secret.exr',
      '../../../../etc/passwd',
      'assets/../../outside/secret.exr',
      'files/0/0/../../../../outside/secret.exr',
      '%2e%2e/%2e%2e/etc/passwd',
      '%2E%2E/outside/secret.exr',
      'assets/%2e%2e/%2e%2e/outside/secret.exr',
      '..%2f..%2foutside%2fsecret.exr',
      '%252e%252e/%252e%252e/etc/passwd',
      'assets/%252e%252e%252f%252e%252e%252foutside%252fsecret.exr',
      '/etc/passwd',
      '%2fetc%2fpasswd',
      `${scratch}/outside/secret.exr`,
      '..%5c..%5coutside%5csecret.exr',
      'assets\\..\\..\\outside\\secret.exr',
      'index.html%00.png',
      'assets/%c0%ae%c0%ae/secret.exr',
    ];
    for (const attempt of attempts) {
      const r = await raw(server.port, base + attempt);
      assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${attempt}: ${r.status}`);
      assert.doesNotMatch(r.body.toString(), /secret bytes|root:/, attempt);
    }
    // The traversal attempts the issue lists are refused outright, not merely missed.
    for (const attempt of ['../outside/secret.exr', '%2e%2e/outside/secret.exr', '%252e%252e/outside/secret.exr', '/etc/passwd']) {
      assert.equal((await raw(server.port, base + attempt)).status, 403, attempt);
    }
    // Encoded traversal inside the files route names no served file.
    const frame = await raw(server.port, `${base}files/0/0/%252e%252e%252foutside%252fsecret.exr`);
    assert.equal(frame.status, 404);
  });

  it('leaves symlinks out of the tree out of the session and serves symlinks inside it', async () => {
    const session = JSON.parse((await raw(server.port, `${base}api/session`)).body.toString()) as ViewSession;
    const names = session.items.map((item) => item.name);
    assert.ok(!names.includes('outside-link.exr'), names.join(', '));
    assert.ok(names.includes('inside-link.exr'), names.join(', '));
    const inside = session.items.find((item) => item.name === 'inside-link.exr')!;
    const r = await raw(server.port, base + inside.frames[0]!.url);
    assert.equal(r.status, 200);
    assert.deepEqual(new Uint8Array(r.body), exrBytes);
    // Guessing the URL the link would have had finds nothing.
    for (let item = 0; item < session.items.length + 1; item++) {
      assert.notEqual((await raw(server.port, `${base}files/${item}/0/outside-link.exr`)).status, 200);
    }
  });

  it('refuses a frame that became a symlink out of the tree after the server started', async () => {
    const dir = join(scratch, 'swap');
    mkdirSync(dir);
    for (const frame of [1, 2, 3]) writeFileSync(join(dir, `shot.${frame}.exr`), exrBytes);
    const swap = await startViewServer({ paths: [join(dir, 'shot.#.exr').replace('#', '@')], viewerDir: viewer });
    try {
      assert.equal(swap.items.length, 1);
      assert.equal(swap.items[0]!.frames.length, 3);
      const url = `/${swap.token}/${swap.items[0]!.frames[1]!.url}`;
      assert.equal((await raw(swap.port, url)).status, 200);
      renameSync(join(dir, 'shot.2.exr'), join(dir, 'shot.2.exr.old'));
      symlinkSync(join(outside, 'secret.exr'), join(dir, 'shot.2.exr'));
      const r = await raw(swap.port, url);
      assert.equal(r.status, 403);
      assert.doesNotMatch(r.body.toString(), /secret bytes/);
      // A FIFO swapped in for a frame neither hangs the request nor the server.
      renameSync(join(dir, 'shot.3.exr'), join(dir, 'shot.3.exr.old'));
      if (spawnSync('mkfifo', [join(dir, 'shot.3.exr')]).status === 0) {
        assert.equal((await raw(swap.port, `/${swap.token}/${swap.items[0]!.frames[2]!.url}`)).status, 404);
        assert.equal((await raw(swap.port, `/${swap.token}/${swap.items[0]!.frames[0]!.url}`)).status, 200);
      }
    } finally {
      await swap.close();
    }
  });

  it('serves no directory listing and nothing below a named directory', async () => {
    assert.equal((await raw(server.port, `${base}assets/`)).status, 404);
    assert.equal((await raw(server.port, `${base}assets`)).status, 404);
    assert.equal((await raw(server.port, `${base}files/`)).status, 404);
    assert.equal((await raw(server.port, `${base}files/0`)).status, 404);
    const session = JSON.parse((await raw(server.port, `${base}api/session`)).body.toString()) as ViewSession;
    assert.ok(!session.items.some((item) => item.name.includes('deeper')));
    assert.equal((await raw(server.port, `${base}sub/deeper.exr`)).status, 404);
  });

  it('refuses other hosts (DNS rebinding) and other methods', async () => {
    assert.equal((await raw(server.port, `${base}api/session`, { headers: { Host: 'evil.example:80' } })).status, 403);
    assert.equal((await raw(server.port, `${base}api/session`, { headers: { Host: `localhost:${server.port}` } })).status, 200);
    const post = await raw(server.port, `${base}api/session`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  it('keeps serving after malformed requests', async () => {
    assert.equal((await raw(server.port, `${base}%E0%A4%A`)).status, 403);
    assert.equal((await raw(server.port, `${base}files/99999999999/0/x.exr`)).status, 404);
    assert.equal((await raw(server.port, `${base}api/session`)).status, 200);
  });
});

describe('vfx view server: files, types, ranges', () => {
  let server: ViewServer;
  let base: string;
  let session: ViewSession;
  before(async () => {
    server = await startViewServer({ paths: [join(tree, 'beauty.1001-1003#.exr'), join(tree, 'plate.png')], viewerDir: viewer, options: { exposure: 1, display: 'filmic' } });
    base = `/${server.token}/`;
    session = JSON.parse((await raw(server.port, `${base}api/session`)).body.toString()) as ViewSession;
  });
  after(() => server.close());

  it('serves the app with its content types, and redirects the bare token to the app base', async () => {
    const index = await raw(server.port, base);
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(index.body.toString(), /test viewer/);
    assert.equal((await raw(server.port, `${base}index.html?item=0`)).status, 200);
    const js = await raw(server.port, `${base}assets/app.js`);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await raw(server.port, `${base}assets/app.css`)).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    assert.equal(js.headers['referrer-policy'], 'no-referrer');
    const bare = await raw(server.port, `/${server.token}?frame=3`);
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.location, `/${server.token}/?frame=3`);
  });

  it('serves the session JSON with the options, uncached', async () => {
    const r = await raw(server.port, `${base}api/session`);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.deepEqual(session.options, { exposure: 1, display: 'filmic' });
    assert.equal(session.version, 1);
    assert.deepEqual(
      session.items.map((i) => [i.id, i.name, i.kind, i.sequence]),
      [
        ['0', 'beauty.1001-1003#.exr', 'exr', true],
        ['1', 'plate.png', 'image', false],
      ],
    );
    assert.deepEqual(session.items[0]!.frames, [1001, 1002, 1003].map((frame, index) => ({ frame, name: `beauty.${frame}.exr`, size: exrBytes.length, url: `files/0/${index}/beauty.${frame}.exr` })));
  });

  it('serves frames with Content-Type, Content-Length, Accept-Ranges, and HEAD without a body', async () => {
    const r = await raw(server.port, base + session.items[0]!.frames[2]!.url);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'image/x-exr');
    assert.equal(r.headers['content-length'], String(exrBytes.length));
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.deepEqual(new Uint8Array(r.body), exrBytes);
    const png = await raw(server.port, base + session.items[1]!.frames[0]!.url, { method: 'HEAD' });
    assert.equal(png.status, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.equal(png.headers['content-length'], '8');
    assert.equal(png.body.length, 0);
    // A wrong name for the index, or an index out of range: not found.
    assert.equal((await raw(server.port, `${base}files/0/2/beauty.1001.exr`)).status, 404);
    assert.equal((await raw(server.port, `${base}files/0/3/beauty.1004.exr`)).status, 404);
    assert.equal((await raw(server.port, `${base}files/2/0/plate.png`)).status, 404);
  });

  it('answers single ranges with 206, unsatisfiable ones with 416, and ignores multiple ranges', async () => {
    const url = base + session.items[0]!.frames[0]!.url;
    const size = exrBytes.length;
    const cases: [string, number, number][] = [
      ['bytes=0-3', 0, 3],
      ['bytes=10-', 10, size - 1],
      ['bytes=-16', size - 16, size - 1],
      ['bytes=5-99999', 5, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await raw(server.port, url, { headers: { Range: range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end}/${size}`, range);
      assert.equal(r.headers['content-length'], String(end - start + 1), range);
      assert.deepEqual(new Uint8Array(r.body), exrBytes.subarray(start, end + 1), range);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const r = await raw(server.port, url, { headers: { Range: range } });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers['content-range'], `bytes */${size}`, range);
    }
    for (const range of ['bytes=0-1,4-5', 'items=0-3', 'bytes=5-2', 'bytes=abc']) {
      const r = await raw(server.port, url, { headers: { Range: range } });
      assert.equal(r.status, 200, range);
      assert.equal(r.body.length, size, range);
    }
    const head = await raw(server.port, url, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    assert.equal(head.status, 206);
    assert.equal(head.headers['content-length'], '10');
    assert.equal(head.body.length, 0);
  });

  it('streams a large file in ranges without reading it whole', async () => {
    const big = join(scratch, 'big.exr');
    const bytes = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i, i);
    writeFileSync(big, bytes);
    const one = await startViewServer({ paths: [big], viewerDir: viewer });
    try {
      const url = `/${one.token}/${one.items[0]!.frames[0]!.url}`;
      const whole = await raw(one.port, url);
      assert.equal(whole.body.length, bytes.length);
      assert.ok(whole.body.equals(bytes));
      const tail = await raw(one.port, url, { headers: { Range: 'bytes=20000000-20004095' } });
      assert.equal(tail.status, 206);
      assert.ok(tail.body.equals(bytes.subarray(20000000, 20004096)));
    } finally {
      await one.close();
    }
  });

  it('reports each response to onResponse', async () => {
    const events: { path: string; status: number; bytes: number; complete: boolean }[] = [];
    const one = await startViewServer({ paths: [join(tree, 'plate.png')], viewerDir: viewer, onResponse: (event) => events.push(event) });
    try {
      await raw(one.port, `/${one.token}/${one.items[0]!.frames[0]!.url}`);
      await raw(one.port, `/${one.token}/${one.items[0]!.frames[0]!.url}`, { headers: { Range: 'bytes=2-5' } });
      await raw(one.port, '/nothing');
    } finally {
      await one.close();
    }
    assert.deepEqual(
      events.map(({ path, status, bytes, complete }) => ({ path, status, bytes, complete })),
      [
        { path: 'files/0/0/plate.png', status: 200, bytes: 8, complete: true },
        { path: 'files/0/0/plate.png', status: 206, bytes: 4, complete: true },
        { path: '/nothing', status: 403, bytes: 'forbidden\n'.length, complete: true },
      ],
    );
  });

  it('says how to build the app when viewers/dist is missing', async () => {
    const none = await startViewServer({ paths: [join(tree, 'plate.png')], viewerDir: join(scratch, 'no-viewer') });
    try {
      const r = await raw(none.port, `/${none.token}/`);
      assert.equal(r.status, 503);
      assert.match(r.body.toString(), /npm run build -w @vfxkit\/viewers/);
      assert.equal((await raw(none.port, `/${none.token}/api/session`)).status, 200);
    } finally {
      await none.close();
    }
  });
});

describe('vfx view server: session items', () => {
  it('lists a directory as its sequences and files, a single file on its own, a pattern as its frames', async () => {
    const server = await startViewServer({
      paths: [tree, join(tree, 'beauty.1002.exr'), 'tree/beauty.#.exr', 'tree/beauty.1001-1002#.exr'],
      cwd: scratch,
      viewerDir: viewer,
    });
    try {
      const items = server.items.map((item) => ({ name: item.name, kind: item.kind, sequence: item.sequence, frames: item.frames.map((f) => f.frame) }));
      assert.deepEqual(items, [
        { name: 'beauty.1001-1003#.exr', kind: 'exr', sequence: true, frames: [1001, 1002, 1003] },
        { name: 'inside-link.exr', kind: 'exr', sequence: false, frames: [null] },
        { name: 'notes.txt', kind: 'unknown', sequence: false, frames: [null] },
        { name: 'plate.png', kind: 'image', sequence: false, frames: [null] },
        { name: 'beauty.1002.exr', kind: 'exr', sequence: false, frames: [1002] },
        { name: 'beauty.1001-1003#.exr', kind: 'exr', sequence: true, frames: [1001, 1002, 1003] },
        { name: 'beauty.1001-1002#.exr', kind: 'exr', sequence: true, frames: [1001, 1002] },
      ]);
      assert.deepEqual(server.items.map((item) => item.id), ['0', '1', '2', '3', '4', '5', '6']);
    } finally {
      await server.close();
    }
  });

  it('names the path that does not exist', async () => {
    await assert.rejects(startViewServer({ paths: [join(tree, 'nothing.####.exr')], viewerDir: viewer }), (error: Error & { code?: string; file?: string }) => {
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.file ?? '', /nothing\.####\.exr$/);
      assert.match(error.message, /no frames match/);
      return true;
    });
  });
});

describe('vfx view CLI', () => {
  it('prints the URL, serves until SIGINT, and exits 130', { timeout: 120_000 }, async () => {
    const child = spawnVfx(['view', '--no-open', join(tree, 'beauty.#.exr')]);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 90_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^(http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
    });
    const parsed = new URL(url);
    const r = await raw(Number(parsed.port), `${parsed.pathname}api/session`);
    assert.equal(r.status, 200);
    const session = JSON.parse(r.body.toString()) as ViewSession;
    assert.equal(session.items[0]!.name, 'beauty.1001-1003#.exr');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stderr, /serving 1 item on 127\.0\.0\.1:\d+; Ctrl-C to stop/);
    await assert.rejects(raw(Number(parsed.port), `${parsed.pathname}api/session`));
  });

  it('prints the session as JSON with --json and stops on SIGTERM', { timeout: 120_000 }, async () => {
    const child = spawnVfx(['view', '--no-open', '--json', '--exposure', '1.5', tree]);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!stdout.endsWith('}\n') && Date.now() - started < 90_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const printed = JSON.parse(stdout) as { url: string; token: string; port: number; items: { name: string }[] };
    assert.equal(printed.url, `http://127.0.0.1:${printed.port}/${printed.token}/`);
    assert.deepEqual(printed.items.map((item) => item.name), ['beauty.1001-1003#.exr', 'inside-link.exr', 'notes.txt', 'plate.png']);
    const session = JSON.parse((await raw(printed.port, `/${printed.token}/api/session`)).body.toString()) as ViewSession;
    assert.deepEqual(session.options, { exposure: 1.5 });
    child.kill('SIGTERM');
    assert.equal(await exited, 130);
  });

  it('exits 2 on bad usage and 1 on a missing path', async () => {
    const none = await runVfx(['view', '--no-open']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name at least one file/);
    const sheet = await runVfx(['view', '--contact-sheet', join(tree, 'beauty.#.exr')]);
    assert.equal(sheet.code, 2);
    assert.match(sheet.stderr, /needs -o/);
    assert.equal((await runVfx(['view', '--port', '70000', tree])).code, 2);
    assert.equal((await runVfx(['view', '--size', '12x', '--snapshot', 'x.png', tree])).code, 2);
    const missing = await runVfx(['view', '--no-open', join(tree, 'missing.exr')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /missing\.exr/);
  });

  it('refuses to overwrite a snapshot without --force, before starting anything', async () => {
    const out = join(scratch, 'exists.png');
    writeFileSync(out, 'keep me');
    const r = await runVfx(['view', join(tree, 'plate.png'), '--snapshot', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /add --force/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
  });

  it('says how to get Chromium when there is none', async () => {
    const r = await runVfx(['view', join(tree, 'plate.png'), '--snapshot', join(scratch, 'none.png')], { env: { NO_COLOR: '1', VFX_CHROMIUM: join(scratch, 'no-chromium') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /install chromium or set VFX_CHROMIUM/);
  });
});

// ---- In headless Chromium, with the built viewer app ----

const chromium = findChromium();
const appBuilt = viewerBuilt(defaultViewerDir());
const noBrowser = chromium === null ? chromiumMissingMessage() : !appBuilt ? 'the viewer app is not built (npm run build -w @vfxkit/viewers)' : false;
const outDir = join(repoRoot, 'tests', 'out');

/** The pixel at (x, y) of a decoded PNG, RGB. */
async function pixels(path: string): Promise<{ width: number; height: number; at: (x: number, y: number) => [number, number, number] }> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

/** sRGB code value (0..255) to linear light. */
function linear(code: number): number {
  const v = code / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

describe('vfx view in headless Chromium', { skip: noBrowser }, () => {
  let shots: string;
  before(() => {
    mkdirSync(outDir, { recursive: true });
    shots = join(scratch, 'shots');
    mkdirSync(shots);
    // 16:9, so it fills a 16:9 snapshot: red left half, blue right half, a grey bar along the bottom.
    writeFileSync(join(shots, 'halves.exr'), flatExr(64, 36, (x, y) => (y >= 30 ? [0.25, 0.25, 0.25] : x < 32 ? [1, 0, 0] : [0, 0, 1])));
    writeFileSync(join(shots, 'grey.exr'), flatExr(64, 36, () => [0.25, 0.25, 0.25]));
    const colours: [number, number, number][] = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 0],
    ];
    colours.forEach((rgb, index) => writeFileSync(join(shots, `colour.${String(1001 + index)}.exr`), flatExr(32, 18, () => rgb)));
    writeFileSync(join(shots, 'broken.exr'), Buffer.concat([Buffer.from(exrBytes.subarray(0, 40))]));
  });

  it('writes a snapshot of an EXR whose pixels are the file\'s colours', { timeout: 300_000 }, async () => {
    const out = join(outDir, 'view-snapshot-halves.png');
    const r = await runVfx(['view', join(shots, 'halves.exr'), '--snapshot', out, '--size', '320x180', '--force', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { width: number; height: number; info: { status: string; kind: string } };
    assert.equal(result.info.status, 'ready');
    assert.equal(result.info.kind, 'exr');
    const image = await pixels(out);
    assert.equal(image.width, 320);
    assert.equal(image.height, 180);
    const left = image.at(80, 60);
    const right = image.at(240, 60);
    assert.ok(left[0] > 200 && left[1] < 40 && left[2] < 40, `left ${left.join(',')}`);
    assert.ok(right[2] > 200 && right[0] < 40 && right[1] < 40, `right ${right.join(',')}`);
    // The grey bar is the file's bottom rows: the image is not flipped.
    const bottom = image.at(160, 170);
    const top = image.at(160, 5);
    assert.ok(Math.abs(bottom[0] - 137) < 12 && Math.abs(bottom[2] - 137) < 12, `bottom ${bottom.join(',')}`);
    assert.notDeepEqual(top, bottom);
  });

  it('makes the canvas twice as bright in linear light for one stop of exposure', { timeout: 300_000 }, async () => {
    const base = join(outDir, 'view-snapshot-grey-0.png');
    const up = join(outDir, 'view-snapshot-grey+1.png');
    for (const [out, exposure] of [
      [base, '0'],
      [up, '1'],
    ] as const) {
      const r = await runVfx(['view', join(shots, 'grey.exr'), '--snapshot', out, '--size', '160x90', '--exposure', exposure, '--display', 'srgb', '--force']);
      assert.equal(r.code, 0, r.stderr);
    }
    const a = (await pixels(base)).at(80, 45);
    const b = (await pixels(up)).at(80, 45);
    const ratio = linear(b[1]) / linear(a[1]);
    assert.ok(Math.abs(linear(a[1]) - 0.25) < 0.03, `grey ${a.join(',')}`);
    assert.ok(Math.abs(ratio - 2) < 0.15, `ratio ${ratio} (${a.join(',')} -> ${b.join(',')})`);
  });

  it('exits 1 with the page\'s message when the file cannot be read', { timeout: 300_000 }, async () => {
    const out = join(scratch, 'broken.png');
    const r = await runVfx(['view', join(shots, 'broken.exr'), '--snapshot', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.exr/);
    assert.throws(() => readFileSync(out));
  });

  it('tiles a sequence into a contact sheet with each frame in its place', { timeout: 300_000 }, async () => {
    const out = join(outDir, 'view-contact-sheet.png');
    const r = await runVfx(['view', '--contact-sheet', join(shots, 'colour.#.exr'), '-o', out, '--size', '160x90', '--columns', '2', '--force', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { columns: number; rows: number; frames: number[]; width: number; height: number };
    assert.deepEqual(result.frames, [1001, 1002, 1003, 1004]);
    assert.equal(result.columns, 2);
    assert.equal(result.rows, 2);
    const image = await pixels(out);
    assert.equal(image.width, 320);
    assert.equal(image.height, 2 * (90 + LABEL_HEIGHT));
    const expected: [number, number, number][] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 0],
    ];
    expected.forEach((rgb, index) => {
      const x = (index % 2) * 160 + 80;
      const y = Math.floor(index / 2) * (90 + LABEL_HEIGHT) + 45;
      const got = image.at(x, y);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c]! - rgb[c]!) < 40, `frame ${1001 + index} at ${x},${y}: ${got.join(',')}`);
      // The label band under the tile has the frame number in white on grey.
      let bright = 0;
      const top = Math.floor(index / 2) * (90 + LABEL_HEIGHT) + 90;
      for (let yy = top; yy < top + LABEL_HEIGHT; yy++) for (let xx = x - 40; xx < x + 40; xx++) if (image.at(xx, yy)[0] > 160) bright++;
      assert.ok(bright > 20, `label of frame ${1001 + index}: ${bright} bright pixels`);
    });
  });
});

const real = realFixtures();
const noReal = noBrowser !== false ? noBrowser : real === undefined ? 'no real fixtures (set VFX_REAL_FIXTURES)' : false;

/** How many pixels of a PNG differ from its top-left corner (the background) by more than 24 in any channel. */
async function foreground(path: string): Promise<number> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.abs(data[i]! - data[0]!) > 24 || Math.abs(data[i + 1]! - data[1]!) > 24 || Math.abs(data[i + 2]! - data[2]!) > 24) count++;
  }
  return count;
}

describe('vfx view snapshots of real files', { skip: noReal }, () => {
  const cases: [string, string, string, (summary: Record<string, unknown>) => void][] = [
    ['exr', 'exr/openexr-images/Beachball/singlepart.0001.exr', 'view-real-beachball.png', (summary) => assert.equal(summary.resolution, '911x876')],
    ['volume', 'vdb/cortex/smoke.vdb', 'view-real-smoke.png', (summary) => assert.equal(summary.grid, 'density')],
    ['particles', 'particles/sidefxlabs/neuron_tpose.bgeo', 'view-real-neuron.png', (summary) => assert.equal(summary.count, 72)],
  ];
  for (const [kind, file, shot, check] of cases) {
    it(`renders ${file} (${kind}) to a PNG with something drawn`, { timeout: 300_000 }, async () => {
      mkdirSync(outDir, { recursive: true });
      const out = join(outDir, shot);
      const r = await runVfx(['view', join(real!, file), '--snapshot', out, '--size', '480x270', '--force', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { info: { status: string; kind: string; summary: Record<string, unknown> } };
      assert.equal(result.info.status, 'ready');
      assert.equal(result.info.kind, kind);
      check(result.info.summary);
      const drawn = await foreground(out);
      assert.ok(drawn > 100 && drawn < 480 * 270, `${drawn} pixels drawn`);
    });
  }
});
