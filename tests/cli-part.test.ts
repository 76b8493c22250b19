import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createParticleSet, readParticles, writeParticles, type ParticleSet } from '@vfxkit/particles';
import { deflateSync } from 'node:zlib';
import { nodeZlib } from '../tools/part/src/zlib.js';
import { range, realFixtures, runVfx, tempDir } from './helpers.js';

const real = realFixtures();

/** A set of `count` particles: P = (i, 2i, 3i), v = (1, 0, 0), id = i + offset. */
function makeSet(count: number, offset = 0): ParticleSet {
  const P = new Float32Array(count * 3);
  const v = new Float32Array(count * 3);
  const id = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    P.set([i, 2 * i, 3 * i], i * 3);
    v.set([1, 0, 0], i * 3);
    id[i] = i + offset;
  }
  return createParticleSet(count, [
    { name: 'P', type: 'vector', width: 3, data: P },
    { name: 'v', type: 'vector', width: 3, data: v },
    { name: 'id', type: 'int', width: 1, data: id },
  ]);
}

function readBack(path: string): ParticleSet {
  return readParticles(readFileSync(path), { fileName: path });
}

describe('vfx part info', () => {
  it('prints the documented JSON for a Krakatoa PRT file', { skip: real ? false : 'no real fixtures (set VFX_REAL_FIXTURES)' }, async () => {
    const file = join(real!, 'particles/krakatoa-prt/intColor.prt');
    const result = await runVfx(['part', 'info', '--json', file]);
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(info.file, file);
    assert.equal(info.format, 'prt');
    assert.equal(info.count, 10);
    const attributes = info.attributes as { name: string; type: string; width: number; min: number[]; max: number[] }[];
    const P = attributes.find((a) => a.name === 'P')!;
    assert.equal(P.type, 'vector');
    assert.equal(P.width, 3);
    assert.deepEqual(P.min.map((x) => Math.round(x * 10) / 10), [1, 1.1, 1.2]);
    assert.deepEqual(P.max.map((x) => Math.round(x * 10) / 10), [10, 10.1, 10.2]);
    const bbox = info.bbox as { min: number[]; max: number[] };
    assert.deepEqual(bbox.min.map((x) => Math.round(x * 10) / 10), [1, 1.1, 1.2]);
    assert.ok(Array.isArray(info.fixed));
  });

  it('reports per-frame counts and attributes that vanish across a sequence', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const frame of range(1, 3)) {
        const set = makeSet(frame * 10);
        if (frame === 3) set.attributes = set.attributes.filter((a) => a.name !== 'v');
        writeFileSync(join(dir, `sparks.${String(frame).padStart(4, '0')}.bgeo`), writeParticles(set, 'bgeo'));
      }
      const result = await runVfx(['part', 'info', '--json', join(dir, 'sparks.#.bgeo')]);
      assert.equal(result.code, 0, result.stderr);
      const info = JSON.parse(result.stdout) as { frames: { frame: number; count: number }[]; attributes: { name: string; frames: string; absent?: string }[] };
      assert.deepEqual(info.frames.map((f) => [f.frame, f.count]), [[1, 10], [2, 20], [3, 30]]);
      const v = info.attributes.find((a) => a.name === 'v')!;
      assert.equal(v.frames, '1-2');
      assert.equal(v.absent, '3');
      assert.equal(info.attributes.find((a) => a.name === 'P')!.absent, undefined);
    } finally {
      cleanup();
    }
  });
});

describe('vfx part convert, filter, merge', () => {
  it('converts a sequence in worker threads and keeps P, v and id across formats', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const frame of range(1001, 1004)) writeFileSync(join(dir, `cache.${frame}.prt`), writeParticles(makeSet(50, frame), 'prt'));
      const result = await runVfx(['part', 'convert', join(dir, 'cache.#.prt'), '-o', join(dir, 'out/cache.#.bgeo'), '-j', '2']);
      assert.equal(result.code, 0, result.stderr);
      for (const frame of range(1001, 1004)) {
        const set = readBack(join(dir, `out/cache.${frame}.bgeo`));
        assert.equal(set.count, 50);
        const id = set.attributes.find((a) => a.name === 'id')!;
        assert.equal(id.data[0], frame);
        const P = set.attributes.find((a) => a.name === 'P')!;
        assert.deepEqual(Array.from(P.data.subarray(3, 6)), [1, 2, 3]);
      }
      const again = await runVfx(['part', 'convert', join(dir, 'cache.#.prt'), '-o', join(dir, 'out/cache.#.bgeo')]);
      assert.equal(again.code, 1, 'refuses to overwrite without --force');
      assert.match(again.stderr, /vfx: .*cache\.1001\.bgeo: /);
      const ply = await runVfx(['part', 'convert', join(dir, 'cache.1001.prt'), '-o', join(dir, 'one.ply')]);
      assert.equal(ply.code, 0, ply.stderr);
      assert.equal(readBack(join(dir, 'one.ply')).count, 50);
    } finally {
      cleanup();
    }
  });

  it('filters by expression and keeps only the named attributes', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'in.bgeo'), writeParticles(makeSet(100), 'bgeo'));
      const result = await runVfx(['part', 'filter', join(dir, 'in.bgeo'), '-o', join(dir, 'out.bgeo'), '--where', 'id<10', '--where', 'P.y>=4', '--keep', 'P,id']);
      assert.equal(result.code, 0, result.stderr);
      const set = readBack(join(dir, 'out.bgeo'));
      assert.deepEqual(Array.from(set.attributes.find((a) => a.name === 'id')!.data), [2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(set.attributes.map((a) => a.name).sort(), ['P', 'id']);
      const bad = await runVfx(['part', 'filter', join(dir, 'in.bgeo'), '-o', join(dir, 'x.bgeo'), '--where', 'P>1']);
      assert.equal(bad.code, 1, 'the file failed: its P has three components');
      assert.match(bad.stderr, /'P' has 3 components: name one/);
      assert.ok(!existsSync(join(dir, 'x.bgeo')));
    } finally {
      cleanup();
    }
  });

  it('merges by id as partio does', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'base.bgeo'), writeParticles(makeSet(10), 'bgeo'));
      writeFileSync(join(dir, 'delta.bgeo'), writeParticles(makeSet(5, 8), 'bgeo'));
      const result = await runVfx(['part', 'merge', join(dir, 'base.bgeo'), join(dir, 'delta.bgeo'), '-o', join(dir, 'merged.bgeo'), '--id', 'id']);
      assert.equal(result.code, 0, result.stderr);
      const merged = readBack(join(dir, 'merged.bgeo'));
      assert.equal(merged.count, 13, 'ids 8 and 9 replaced, 10-12 appended');
    } finally {
      cleanup();
    }
  });

  it('names the file and the problem for unreadable input', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'junk.prt'), 'not a prt file at all');
      const result = await runVfx(['part', 'info', join(dir, 'junk.prt')]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^vfx: .*junk\.prt: /m);
      const unknown = await runVfx(['part', 'convert', join(dir, 'junk.prt'), '-o', join(dir, 'x.xyzzy')]);
      assert.notEqual(unknown.code, 0);
    } finally {
      cleanup();
    }
  });
});

describe('vfx part attrs, and PRT through node:zlib', () => {
  it('lists attributes from the header, as text and as JSON', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'cache.prt'), writeParticles(makeSet(30), 'prt'));
      const text = await runVfx(['part', 'attrs', join(dir, 'cache.prt')]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /cache\.prt {2}PRT, 30 particles/);
      assert.match(text.stdout, /^ {2}P {2}vector\[3\] {2}float32$/m);
      assert.match(text.stdout, /^ {2}id {2}int\[1\] {2}int32$/m);
      const json = await runVfx(['part', 'attrs', '--json', join(dir, 'cache.prt')]);
      assert.equal(json.code, 0, json.stderr);
      const [info] = JSON.parse(json.stdout) as { format: string; count: number; attributes: { name: string; width: number }[] }[];
      assert.equal(info!.format, 'prt');
      assert.equal(info!.count, 30);
      assert.deepEqual(info!.attributes.map((a) => [a.name, a.width]), [['P', 3], ['v', 3], ['id', 1]]);
    } finally {
      cleanup();
    }
  });

  it('writes PRT with node:zlib and reads it back streaming; a damaged stream names the file and the checksum', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const count = 20_000;
      writeFileSync(join(dir, 'in.bgeo'), writeParticles(makeSet(count, 5), 'bgeo'));
      const toPrt = await runVfx(['part', 'convert', join(dir, 'in.bgeo'), '-o', join(dir, 'out.prt')]);
      assert.equal(toPrt.code, 0, toPrt.stderr);
      // Read back by the CLI (node:zlib stream) into PLY, and by the library (fflate) directly.
      const toPly = await runVfx(['part', 'convert', join(dir, 'out.prt'), '-o', join(dir, 'out.ply')]);
      assert.equal(toPly.code, 0, toPly.stderr);
      for (const set of [readBack(join(dir, 'out.prt')), readBack(join(dir, 'out.ply'))]) {
        assert.equal(set.count, count);
        const id = set.attributes.find((a) => a.name === 'id')!;
        assert.equal(id.data[count - 1], count - 1 + 5);
        const P = set.attributes.find((a) => a.name === 'P')!;
        assert.deepEqual(Array.from(P.data.subarray(3 * (count - 1))), [count - 1, 2 * (count - 1), 3 * (count - 1)]);
      }
      // The gzip layer goes through node:zlib too: written, read back, and a damaged CRC refused.
      const toGz = await runVfx(['part', 'convert', join(dir, 'out.prt'), '-o', join(dir, 'out.pdc.gz')]);
      assert.equal(toGz.code, 0, toGz.stderr);
      const gz = readBack(join(dir, 'out.pdc.gz'));
      assert.equal(gz.format, 'pdc');
      assert.equal(gz.attributes.find((a) => a.name === 'id')!.data[7], 12);
      const gzBack = await runVfx(['part', 'info', '--json', join(dir, 'out.pdc.gz')]);
      assert.equal(gzBack.code, 0, gzBack.stderr);
      assert.equal((JSON.parse(gzBack.stdout) as { count: number }).count, count);
      const badGz = readFileSync(join(dir, 'out.pdc.gz'));
      badGz[badGz.length - 6] ^= 0xff; // inside the CRC-32
      writeFileSync(join(dir, 'bad.pdc.gz'), badGz);
      const gzFail = await runVfx(['part', 'info', join(dir, 'bad.pdc.gz')]);
      assert.equal(gzFail.code, 1);
      assert.match(gzFail.stderr, /^vfx: .*bad\.pdc\.gz: gzip stream does not inflate: /m);
      const bad = readFileSync(join(dir, 'out.prt'));
      bad[bad.length - 1] ^= 0xff;
      writeFileSync(join(dir, 'bad.prt'), bad);
      const result = await runVfx(['part', 'info', join(dir, 'bad.prt')]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^vfx: .*bad\.prt: PRT particle data: zlib data does not inflate: incorrect data check/m);
    } finally {
      cleanup();
    }
  });
});

describe("the CLI's node:zlib stream (decoding while the thread pool inflates)", () => {
  // 24 MiB of words that deflate well but not trivially: 24 pieces of 1 MiB.
  const words = new Uint32Array(6 << 20);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i >>> 3, 2654435761) >>> 20;
  const raw = new Uint8Array(words.buffer);
  const packed = deflateSync(raw, { level: 1 });

  it('hands over every piece in order, also to a consumer slower than the inflater', async () => {
    const back = new Uint8Array(raw.length);
    let at = 0;
    let pieces = 0;
    await nodeZlib.inflateChunksAsync!(packed, (chunk) => {
      back.set(chunk, at);
      at += chunk.length;
      pieces++;
      const until = performance.now() + 10; // slower than inflating a piece
      while (performance.now() < until);
    });
    assert.equal(at, raw.length);
    assert.ok(pieces >= 24, `${pieces} pieces`);
    assert.ok(Buffer.from(back).equals(Buffer.from(raw)), 'the inflated bytes differ');
  });

  it('rejects with what the consumer throws and calls it no more; rejects a damaged stream', async () => {
    let calls = 0;
    const failure = new Error('decoder refused the piece');
    await assert.rejects(
      nodeZlib.inflateChunksAsync!(packed, () => {
        calls++;
        if (calls === 3) throw failure;
      }),
      (error) => error === failure,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls, 3);
    const damaged = packed.slice();
    damaged[damaged.length - 2] ^= 0xff; // inside the Adler-32
    await assert.rejects(nodeZlib.inflateChunksAsync!(damaged, () => {}), /incorrect data check/);
  });
});

describe('vfx inspect on particle files', () => {
  it('summarises a particle file and lists particle sequences from their headers', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const frame of range(1, 3)) writeFileSync(join(dir, `fx.${String(frame).padStart(4, '0')}.prt`), writeParticles(makeSet(20), 'prt'));
      const one = await runVfx(['inspect', join(dir, 'fx.0001.prt')]);
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, /particles +20/);
      assert.match(one.stdout, /attributes +P\[3\], v\[3\], id/);
      const listing = await runVfx(['inspect', '--json', dir]);
      const items = JSON.parse(listing.stdout) as { type: string; count: number; summary: { count: number } }[];
      assert.equal(items[0]!.type, 'particles');
      assert.equal(items[0]!.count, 3);
      assert.equal(items[0]!.summary.count, 20);
    } finally {
      cleanup();
    }
  });
});
