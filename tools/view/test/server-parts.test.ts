/**
 * The pure parts of the `vfx view` server: range parsing, path segment checks, item kinds, content
 * types and size parsing. The server as a whole is tested over HTTP in tests/cli-view.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentTypeOf, defaultColumns, itemKind, parseRange, parseSize, safeSegments, viewUrl } from '@vfxkit/tool-view';

describe('parseRange', () => {
  it('reads single byte ranges, clamped to the file', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-5000', 1000), { start: 0, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
    assert.deepEqual(parseRange(' Bytes = 1 - 2 ', 1000), { start: 1, end: 2 });
  });

  it('says unsatisfiable when nothing of the file is asked for', () => {
    assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=2000-3000', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
    assert.equal(parseRange('bytes=-10', 0), 'unsatisfiable');
  });

  it('ignores what it does not serve: no header, other units, several ranges, bad syntax', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=0-1,5-6', 'bytes=5-2', 'bytes=-', 'bytes=a-b', 'bytes 0-1', '']) {
      assert.equal(parseRange(header, 1000), undefined, String(header));
    }
  });
});

describe('safeSegments', () => {
  it('decodes plain and percent-encoded segments', () => {
    assert.deepEqual(safeSegments(''), []);
    assert.deepEqual(safeSegments('assets/index-abc.js'), ['assets', 'index-abc.js']);
    assert.deepEqual(safeSegments('files/0/3/beauty%20v2.1003.exr'), ['files', '0', '3', 'beauty v2.1003.exr']);
    assert.deepEqual(safeSegments('files/0/0/100%25.exr'), ['files', '0', '0', '100%.exr']);
  });

  it('refuses dot segments, empty segments, separators, NUL and bad encodings', () => {
    for (const path of ['..', 'a/../b', '.', '%2e%2e/x', '%2E%2e', 'a//b', '/etc/passwd', '%2fetc', 'a%2fb', 'a\\b', '%5c', 'a%00b', 'a%0ab', '%e0%a4%a', '%c0%ae%c0%ae']) {
      assert.equal(safeSegments(path), undefined, path);
    }
  });
});

describe('itemKind', () => {
  it('names the viewer by extension and the particle registry', () => {
    const kinds: [string, string][] = [
      ['beauty.1001.exr', 'exr'],
      ['PLATE.EXR', 'exr'],
      ['photo.jpeg', 'image'],
      ['scan.tif', 'image'],
      ['a.webp', 'image'],
      ['smoke.vdb', 'volume'],
      ['shot.abc', 'alembic'],
      ['cache.bgeo.sc', 'particles'],
      ['cache.0001.bgeo.gz', 'particles'],
      ['points.ply', 'particles'],
      ['scene.prt', 'particles'],
      ['cloud.xyz', 'particles'],
      ['notes.txt', 'unknown'],
      ['README', 'unknown'],
      ['movie.mov', 'unknown'],
    ];
    for (const [name, kind] of kinds) assert.equal(itemKind(name), kind, name);
  });
});

describe('contentTypeOf, parseSize, viewUrl, defaultColumns', () => {
  it('types the app assets and the files', () => {
    assert.equal(contentTypeOf('index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeOf('assets/decode.worker-x.js'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeOf('a.wasm'), 'application/wasm');
    assert.equal(contentTypeOf('b.EXR'), 'image/x-exr');
    assert.equal(contentTypeOf('c.png'), 'image/png');
    assert.equal(contentTypeOf('d.bgeo.sc'), 'application/octet-stream');
  });

  it('parses WIDTHxHEIGHT within 1..16384', () => {
    assert.deepEqual(parseSize('1280x720'), { width: 1280, height: 720 });
    assert.deepEqual(parseSize(' 320 X 180 '), { width: 320, height: 180 });
    for (const bad of ['1280', '0x10', '10x0', '20000x10', 'axb', '12x', '-1x5']) assert.equal(parseSize(bad), undefined, bad);
  });

  it('adds query parameters, leaving out undefined ones', () => {
    assert.equal(viewUrl('http://127.0.0.1:1/t/', { snapshot: 1, frame: 1001, camera: 'orbit:45,30,10', gamma: undefined }), 'http://127.0.0.1:1/t/?snapshot=1&frame=1001&camera=orbit%3A45%2C30%2C10');
    assert.equal(viewUrl('http://127.0.0.1:1/t/'), 'http://127.0.0.1:1/t/');
    assert.equal(defaultColumns(1), 1);
    assert.equal(defaultColumns(4), 4);
    assert.equal(defaultColumns(100), 6);
  });
});
