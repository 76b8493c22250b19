/**
 * PLY against @loaders.gl/ply, the independent reader: the fixtures read to the same values, and
 * the files we write parse in loaders.gl to the values we wrote.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLYLoader } from '@loaders.gl/ply';
import { COMPONENT_GROUPS, getAttribute, readParticles, readParticlesAsync, writeParticles, inspectParticles } from '@vfxkit/particles';
import type { ParticleSet } from '@vfxkit/particles';
import { fixture, listFiles, noFixtures, plyFixtures, syntheticSet } from './helpers.js';

interface Accessor {
  value: ArrayLike<number>;
  size: number;
}

async function loadersGl(bytes: Uint8Array): Promise<Record<string, Accessor>> {
  const log = console.log;
  console.log = () => {}; // loaders.gl prints "unhandled obj_info" for CloudCompare's header line
  try {
    const mesh = (await PLYLoader.parse(bytes.slice().buffer, {})) as unknown as { attributes: Record<string, Accessor> };
    return mesh.attributes;
  } finally {
    console.log = log;
  }
}

/** Component `k` of our attribute `name` equals loaders.gl's accessor `key`, component `c`. */
function assertSame(set: ParticleSet, name: string, k: number, theirs: Accessor, c: number, what: string): void {
  const attribute = getAttribute(set, name);
  assert.ok(attribute, `${what}: no attribute ${name}`);
  const count = theirs.value.length / theirs.size;
  assert.equal(set.count, count, `${what}: count`);
  for (let i = 0; i < count; i++) {
    const ours = attribute.data[i * attribute.width + k]!;
    const other = theirs.value[i * theirs.size + c]!;
    assert.ok(ours === other || Math.fround(ours) === Math.fround(other), `${what}: vertex ${i}: ${ours} vs ${other}`);
  }
}

function compare(set: ParticleSet, theirs: Record<string, Accessor>, what: string): void {
  for (const [key, accessor] of Object.entries(theirs)) {
    const mapped: Record<string, string> = { POSITION: 'P', NORMAL: 'N', COLOR_0: 'Cd', TEXCOORD_0: 'uv' };
    if (mapped[key] !== undefined) {
      for (let c = 0; c < accessor.size; c++) assertSame(set, mapped[key]!, c, accessor, c, `${what} ${key}`);
      continue;
    }
    const match = /^(.+)_([0-9]+)$/.exec(key);
    const group = COMPONENT_GROUPS.find((g) => g.components.includes(key) && getAttribute(set, g.name)?.width === g.components.length);
    if (getAttribute(set, key) !== undefined) assertSame(set, key, 0, accessor, 0, `${what} ${key}`);
    else if (group !== undefined) assertSame(set, group.name, group.components.indexOf(key), accessor, 0, `${what} ${key}`);
    else if (match !== null) assertSame(set, match[1]!, Number(match[2]), accessor, 0, `${what} ${key}`);
    else assert.fail(`${what}: loaders.gl has ${key}, we do not`);
  }
}

describe('PLY fixtures read like @loaders.gl/ply reads them', { skip: noFixtures }, () => {
  for (const file of listFiles(plyFixtures)) {
    it(file, async () => {
      const bytes = fixture(plyFixtures, file);
      const ours = readParticles(bytes, { fileName: file });
      const theirs = await loadersGl(bytes);
      compare(ours, theirs, file);
      // Every attribute loaders.gl reports is one of ours, and the vertex properties all made it.
      assert.ok(Object.keys(theirs).length > 0);
    });
  }

  for (const file of listFiles(plyFixtures)) {
    it(`${file}: our default parser and the loaders.gl parser option agree on positions, normals and colours`, async () => {
      const bytes = fixture(plyFixtures, file);
      const ours = readParticles(bytes, { fileName: file });
      const log = console.log;
      console.log = () => {};
      let viaLoaders: ParticleSet;
      try {
        viaLoaders = await readParticlesAsync(bytes, { fileName: file, ply: { parser: 'loaders.gl' } });
      } finally {
        console.log = log;
      }
      assert.equal(viaLoaders.count, ours.count);
      const compared: string[] = [];
      for (const name of ['P', 'N', 'Cd']) {
        const a = getAttribute(ours, name);
        const b = getAttribute(viaLoaders, name);
        assert.equal(b === undefined, a === undefined, `${file}: ${name} present in one parser's set only`);
        if (a === undefined || b === undefined) continue;
        assert.equal(b.width, a.width, `${file}: ${name} width`);
        for (let i = 0; i < a.data.length; i++) {
          // loaders.gl widens doubles to float32: equal at float32 precision.
          assert.ok(a.data[i] === b.data[i] || Math.fround(a.data[i]!) === Math.fround(b.data[i]!), `${file}: ${name}[${i}]: ${a.data[i]} vs ${b.data[i]}`);
        }
        compared.push(name);
      }
      assert.ok(compared.includes('P'), `${file}: positions compared`);
    });
  }

  it('the loaders.gl parser option gives loaders.gl\'s values in our model', async () => {
    const bytes = fixture(plyFixtures, 'loaders.gl/ripple_bin.ply');
    const log = console.log;
    console.log = () => {};
    try {
      const viaLoaders = await readParticlesAsync(bytes, { ply: { parser: 'loaders.gl' } });
      const ours = readParticles(bytes);
      for (const name of ['P', 'N', 'Cd']) assert.deepEqual(Array.from(getAttribute(viaLoaders, name)!.data), Array.from(getAttribute(ours, name)!.data), name);
      assert.throws(() => readParticles(bytes, { ply: { parser: 'loaders.gl' } }), { code: 'PART_ASYNC_REQUIRED' });
    } finally {
      console.log = log;
    }
  });

  it('inspect reads the header only: counts and property groups, elements it skips in the notes', () => {
    const info = inspectParticles(fixture(plyFixtures, 'loaders.gl/bunny.ply'));
    assert.equal(info.count, 34834);
    assert.deepEqual(info.notes, ["element 'tristrips' (1) skipped"]);
    assert.equal(info.version, '1.0');
  });
});

describe('PLY we write parses in @loaders.gl/ply', () => {
  for (const plyEncoding of ['binary_little_endian', 'binary_big_endian', 'ascii'] as const) {
    it(plyEncoding, async () => {
      const set = syntheticSet(300);
      set.attributes = set.attributes.filter((a) => a.name !== 'id');
      const bytes = writeParticles(set, 'ply', { plyEncoding });
      const theirs = await loadersGl(bytes);
      compare(readParticles(bytes), theirs, plyEncoding);
      // And the colours loaders.gl sees are the float colours scaled to bytes.
      const Cd = getAttribute(set, 'Cd')!.data;
      const colour = theirs['COLOR_0']!;
      for (let i = 0; i < 10; i++) assert.equal(colour.value[i], Math.round(Cd[i]! * 255));
    });
  }
});
