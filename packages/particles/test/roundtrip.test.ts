/**
 * Every format we write reads back to the same set within the format's precision, and a chain of
 * conversions through every format that can hold them keeps P, v, id and colour.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createParticleSet,
  getAttribute,
  getFixedAttribute,
  particleFormats,
  readParticles,
  writeParticles,
} from '@vfxkit/particles';
import type { ParticleAttribute, ParticleSet } from '@vfxkit/particles';
import { assertAttributeClose, syntheticSet, values } from './helpers.js';

/** What each writable format holds of the synthetic set, and how exactly. */
interface Case {
  /** Attributes written and compared (after `prepare`). */
  compare: string[];
  /** Absolute tolerance per attribute (default 0: exact). */
  tolerance?: Record<string, number>;
  prepare?: (set: ParticleSet) => ParticleSet;
  /** Fixed attributes survive. */
  fixed?: boolean;
  /** Indexed strings survive. */
  strings?: boolean;
  options?: Parameters<typeof writeParticles>[2];
}

function only(set: ParticleSet, names: string[]): ParticleSet {
  return createParticleSet(set.count, set.attributes.filter((a) => names.includes(a.name)));
}

const CASES: Record<string, Case> = {
  bgeo: { compare: ['P', 'v', 'id', 'Cd', 'life', 'name'], fixed: true, strings: true },
  geo: { compare: ['P', 'v', 'id', 'Cd', 'life', 'name'], fixed: true, strings: true },
  bhclassic: { compare: ['P', 'v', 'id', 'Cd', 'life', 'name'], fixed: true, strings: true },
  hclassic: { compare: ['P', 'v', 'id', 'Cd', 'life', 'name'], fixed: true, strings: true },
  pda: { compare: ['P', 'v', 'id', 'Cd', 'life'], prepare: (s) => only(s, ['P', 'v', 'id', 'Cd', 'life']) },
  pdb: { compare: ['P', 'v', 'id', 'Cd', 'life'], prepare: (s) => only(s, ['P', 'v', 'id', 'Cd', 'life']) },
  pdc: {
    compare: ['P', 'v', 'id', 'Cd', 'life'],
    prepare: (s) => ({ ...only(s, ['P', 'v', 'id', 'Cd', 'life']), fixed: s.fixed }),
    fixed: true,
  },
  prt: { compare: ['P', 'v', 'id', 'Cd', 'life'], prepare: (s) => ({ ...only(s, ['P', 'v', 'id', 'Cd', 'life']), fixed: s.fixed }), fixed: true },
  bin: { compare: ['P', 'v', 'id'], prepare: (s) => only(s, ['P', 'v', 'id']) },
  ptc: { compare: ['P', 'v', 'Cd', 'life'], prepare: (s) => only(s, ['P', 'v', 'Cd', 'life']) },
  ply: { compare: ['P', 'v', 'id', 'Cd', 'life'], tolerance: { Cd: 0.5 / 255 + 1e-6 }, prepare: (s) => only(s, ['P', 'v', 'id', 'Cd', 'life']) },
  pts: { compare: ['P', 'Cd'], tolerance: { Cd: 0.5 / 255 + 1e-6 }, prepare: (s) => only(s, ['P', 'Cd']) },
  xyz: { compare: ['P', 'v', 'id', 'Cd', 'life'], prepare: (s) => only(s, ['P', 'v', 'id', 'Cd', 'life']) },
  csv: { compare: ['P', 'v', 'id', 'Cd', 'life'], prepare: (s) => only(s, ['P', 'v', 'id', 'Cd', 'life']) },
};

/** The value an attribute has after a format stores it (Cd quantised to bytes, ...). */
function comparable(set: ParticleSet, name: string): ParticleSet {
  const attribute = getAttribute(set, name)!;
  if (attribute.normalizedMax === undefined) return set;
  const data = Float64Array.from(attribute.data, (v) => v / attribute.normalizedMax!);
  return createParticleSet(set.count, [{ ...attribute, type: 'float', data, normalizedMax: undefined } as ParticleAttribute]);
}

describe('round trips', () => {
  it('covers every writable format', () => {
    for (const format of particleFormats) if (format.write !== undefined) assert.ok(format.id in CASES, `no round-trip case for ${format.id}`);
  });
  for (const [id, c] of Object.entries(CASES)) {
    for (const gzip of [false, true]) {
      it(`${id}${gzip ? ' (gzip)' : ''}: ${c.compare.join(', ')}${c.fixed ? ', fixed attributes' : ''}${c.strings ? ', indexed strings' : ''}`, () => {
        const source = syntheticSet(257, { life: true, strings: true, fixed: true });
        const input = c.prepare ? c.prepare(source) : source;
        const bytes = writeParticles(input, id, { ...c.options, gzip });
        const back = readParticles(bytes, { fileName: `out.${id}${gzip ? '.gz' : ''}` });
        assert.equal(back.format, id);
        assert.equal(back.count, input.count);
        for (const name of c.compare) {
          const tolerance = c.tolerance?.[name] ?? 0;
          assertAttributeClose(comparable(back, name), input, name, tolerance);
        }
        if (c.fixed) {
          assert.equal(getFixedAttribute(back, 'frame')?.data[0], 42);
          assert.equal(getFixedAttribute(back, 'scale')?.data[0], 0.5);
        }
        if (c.strings) assert.deepEqual(getAttribute(back, 'name')!.strings, ['alpha', 'beta', 'gamma']);
      });
    }
  }

  it('bgeo, geo, pdc and prt keep float64 data as float64; classic BGEO stores float32', () => {
    const source = syntheticSet(50, { doubles: true });
    for (const id of ['bgeo', 'geo', 'pdc', 'prt', 'csv']) {
      const back = readParticles(writeParticles(source, id), { format: id });
      assert.ok(getAttribute(back, 'P')!.data instanceof Float64Array, id);
      assertAttributeClose(back, source, 'P');
    }
    const classic = readParticles(writeParticles(source, 'bhclassic'));
    assert.ok(getAttribute(classic, 'P')!.data instanceof Float32Array);
  });

  it('PLY: binary big-endian and ASCII read back like little-endian; uchar colours stay integers', () => {
    const source = only(syntheticSet(100), ['P', 'v', 'id', 'Cd']);
    const little = readParticles(writeParticles(source, 'ply'));
    for (const plyEncoding of ['binary_big_endian', 'ascii'] as const) {
      const other = readParticles(writeParticles(source, 'ply', { plyEncoding }));
      for (const name of ['P', 'v', 'id', 'Cd']) assertAttributeClose(other, little, name);
    }
    assert.equal(getAttribute(little, 'Cd')!.storage, 'uint8');
    // A PLY set written again keeps its byte colours and its own float colours.
    const again = readParticles(writeParticles(little, 'ply'));
    assert.deepEqual(values(again, 'Cd'), values(little, 'Cd'));
  });

  it('PRT keeps each channel type (float16, int8, uint16, int64)', () => {
    const count = 64;
    const set = createParticleSet(count, [
      { name: 'P', type: 'vector', width: 3, data: Float32Array.from({ length: 3 * count }, (_, i) => i / 8), storage: 'float16' },
      { name: 'flag', type: 'int', width: 1, data: Int32Array.from({ length: count }, (_, i) => (i % 200) - 100), storage: 'int8' },
      { name: 'count', type: 'int', width: 1, data: Int32Array.from({ length: count }, (_, i) => i * 1000), storage: 'uint16' },
      { name: 'big', type: 'int', width: 1, data: Float64Array.from({ length: count }, (_, i) => 2 ** 40 + i), storage: 'int64' },
    ]);
    const back = readParticles(writeParticles(set, 'prt'));
    assert.deepEqual(back.attributes.map((a) => a.storage), ['float16', 'int8', 'uint16', 'int64']);
    for (const name of ['P', 'flag', 'count', 'big']) assertAttributeClose(back, set, name);
  });

  it('RealFlow BIN fills what the set lacks with partio defaults and keeps its header', () => {
    const set = only(syntheticSet(10), ['P']);
    const back = readParticles(writeParticles(set, 'bin'));
    assert.deepEqual(values(back, 'id'), Array.from({ length: 10 }, (_, i) => i));
    assert.deepEqual(values(back, 'mass').slice(0, 2), [1, 1]);
    assert.equal((back.extras['bin'] as { header: { version: number } }).header.version, 11);
    const twice = readParticles(writeParticles(back, 'bin'));
    assert.deepEqual((twice.extras['bin'] as { header: unknown }).header, (back.extras['bin'] as { header: unknown }).header);
  });

  it('PTC packs normals in 16 bits and radius as pscale', () => {
    const count = 200;
    const N = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      const a = i * 0.37;
      const b = ((i * 0.11) % 2) - 1;
      N.set([Math.cos(a) * Math.sqrt(1 - b * b * 0.25), Math.sin(a) * Math.sqrt(1 - b * b * 0.25), b * 0.5], 3 * i);
    }
    N.set([0, 0, 0], 0); // a zero normal has its own code
    const set = createParticleSet(count, [
      { name: 'P', type: 'vector', width: 3, data: Float32Array.from({ length: count * 3 }, (_, i) => i) },
      { name: 'N', type: 'vector', width: 3, data: N },
      { name: 'pscale', type: 'float', width: 1, data: Float32Array.from({ length: count }, (_, i) => i / 10) },
    ]);
    const back = readParticles(writeParticles(set, 'ptc'));
    assertAttributeClose(back, set, 'N', 2e-4);
    assertAttributeClose(back, set, 'pscale');
  });

  it('writers refuse what a format cannot hold, or drop it with dropUnsupported', () => {
    const source = syntheticSet(5, { strings: true, fixed: true });
    assert.throws(() => writeParticles(source, 'pdc'), (e: { code?: string; message: string }) => e.code === 'PART_BAD_ARGUMENT' && /'name'/.test(e.message) && /dropUnsupported/.test(e.message));
    const back = readParticles(writeParticles(source, 'pdc', { dropUnsupported: true }));
    assert.equal(getAttribute(back, 'name'), undefined);
    assert.throws(() => writeParticles(source, 'ply'), { code: 'PART_BAD_ARGUMENT' });
    assert.throws(() => writeParticles(source, 'bin'), { code: 'PART_BAD_ARGUMENT' });
    assert.throws(() => writeParticles(createParticleSet(2), 'bgeo'), /'P'/);
    assert.throws(() => writeParticles(source, 'bgeosc'), /read-only/);
    assert.throws(() => writeParticles(source, 'nope'), { code: 'PART_BAD_ARGUMENT' });
  });

  it('a file name picks the format and gzip', () => {
    const source = only(syntheticSet(5), ['P', 'id']);
    const bytes = writeParticles(source, 'cache.0001.pdc.gz');
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
    assert.equal(readParticles(bytes).format, 'pdc');
  });
});

describe('cross-format conversion keeps P, v, id and colour', () => {
  const chain = ['bgeo', 'pdc', 'prt', 'ply', 'csv', 'bhclassic', 'pda', 'pdb', 'geo', 'xyz', 'hclassic', 'bgeo'];
  it(`through ${chain.join(' -> ')}`, () => {
    const source = only(syntheticSet(500), ['P', 'v', 'id', 'Cd']);
    let set = source;
    let quantised = false;
    for (const id of chain) {
      set = readParticles(writeParticles(set, id), { fileName: `step.${id}` });
      assert.equal(set.count, source.count, id);
      assertAttributeClose(set, source, 'P', 0, 'P');
      assertAttributeClose(set, source, 'v', 0, 'v');
      assertAttributeClose(set, source, 'id', 0, 'id');
      quantised ||= id === 'ply';
      assertAttributeClose(comparable(set, 'Cd'), source, 'Cd', quantised ? 0.5 / 255 + 1e-6 : 0, 'Cd');
      assert.equal(getAttribute(set, 'id')!.type, 'int', `${id}: id stays an integer`);
    }
    assert.equal(getAttribute(set, 'Cd')!.type, 'vector');
  });

  it('names map per format: P/v/id/Cd are position/velocity/particleId/rgbPP in Maya files, Position/Velocity/ID/Color in PRT', () => {
    const source = only(syntheticSet(3), ['P', 'v', 'id', 'Cd']);
    const maya = readParticles(writeParticles(source, 'pdc'), { nativeNames: true });
    assert.deepEqual(maya.attributes.map((a) => a.name), ['position', 'velocity', 'particleId', 'rgbPP']);
    const prt = readParticles(writeParticles(source, 'prt'), { nativeNames: true });
    assert.deepEqual(prt.attributes.map((a) => a.name), ['Position', 'Velocity', 'ID', 'Color']);
    const ply = new TextDecoder().decode(writeParticles(source, 'ply', { plyEncoding: 'ascii' }));
    assert.match(ply, /property float x\nproperty float y\nproperty float z\nproperty float vx/);
    assert.match(ply, /property uchar red\nproperty uchar green\nproperty uchar blue/);
  });
});
