/**
 * Point data grids: the Houdini-written fixture and points vdb_tool writes (8, 16 and 32-bit
 * positions) against the positions vdb_tool extracts itself (`-vdb2points`); then a grid with
 * every codec, a string and a uniform and a strided attribute and groups, written plainly by the
 * test writer, read by OpenVDB (vdb_print) and re-written by it with Blosc in pages and without
 * compression: every attribute must come back.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { halfToFloat, floatToHalf } from '@vfxkit/core';
import { inspectVdb, readVdb, readVdbPoints } from '@vfxkit/vdb';
import type { VdbPointData } from '@vfxkit/vdb';
import { missingVdbPrint, missingVdbTool, noFixtures, random, run, tempDir, vdbFixtures, vdbPrint } from './helpers.js';
import { encoders, writePointsFile } from './points-writer.js';
import type { SynthPoints } from './points-writer.js';

const dir = tempDir();
after(() => dir.remove());

/** Positions vdb_tool extracts (binary little-endian PLY of float x, y, z). */
function vdbToolPositions(vdb: string): Float32Array {
  const ply = join(dir.path, `${Math.random().toString(36).slice(2)}.ply`);
  const result = run('vdb_tool', ['-read', vdb, '-vdb2points', '-write', ply]);
  assert.equal(result.status, 0, result.stderr);
  const bytes = readFileSync(ply);
  const text = bytes.subarray(0, 400).toString('latin1');
  const count = Number(/element vertex (\d+)/.exec(text)![1]);
  const start = bytes.indexOf('end_header\n') + 11;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + count * 12));
}

async function pointsOf(path: string): Promise<VdbPointData> {
  const file = await readVdb(new Uint8Array(readFileSync(path)));
  return readVdbPoints(file.grids[0]!);
}

describe('point data grids', () => {
  it('reads the Houdini points fixture as vdb_tool extracts it', { skip: noFixtures || missingVdbTool() }, async () => {
    const path = join(vdbFixtures, 'cortex/points.vdb');
    const points = await pointsOf(path);
    assert.equal(points.count, 8);
    assert.deepEqual(Object.keys(points.attributes), ['P']);
    assert.equal(points.attributes['P']!.codec, 'fxpt16');
    assert.deepEqual(Array.from(points.attributes['P']!.data), Array.from(vdbToolPositions(path)));
  });

  it('reads points vdb_tool writes with 8, 16 and 32-bit positions', { skip: missingVdbTool() }, async () => {
    for (const bits of [8, 16, 32]) {
      const path = join(dir.path, `scatter${bits}.vdb`);
      const made = run('vdb_tool', ['-sphere', 'd=32', 'r=1', '-scatter', 'count=3000', '-points2vdb', 'ppv=8', `bits=${bits}`, '-write', 'codec=blosc', path]);
      assert.equal(made.status, 0, made.stderr);
      const points = await pointsOf(path);
      const expected = vdbToolPositions(path);
      assert.equal(points.count, expected.length / 3);
      const P = points.attributes['P']!;
      assert.equal(P.codec, bits === 8 ? 'fxpt8' : bits === 16 ? 'fxpt16' : 'null');
      assert.deepEqual(Array.from(P.data), Array.from(expected), `${bits}-bit positions`);
      const info = inspectVdb(new Uint8Array(readFileSync(path)));
      assert.equal(info.grids[0]!.valueType, 'ptdataidx32');
    }
  });

  describe('every attribute codec, through OpenVDB and back', () => {
    const rand = random(11);
    const count = 2500;
    const positions = new Float64Array(count * 3).map(() => 1 + rand() * 40);
    const offsets = positions.map((v) => v - Math.round(v));
    const velocity = new Float32Array(count * 3).map(() => (rand() - 0.5) * 20);
    const colour = new Float32Array(count * 3).map(() => rand());
    const normals = new Float32Array(count * 3);
    const packed = new Uint16Array(count);
    for (let p = 0; p < count; p++) {
      const v = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
      const length = Math.hypot(...v);
      v.forEach((c, a) => (normals[3 * p + a] = c / length));
      packed[p] = packUnitVector(normals[3 * p]!, normals[3 * p + 1]!, normals[3 * p + 2]!);
    }
    const ids = new Int32Array(count).map((_, i) => i * 7 - 1000);
    const pscale = new Uint8Array(count).map(() => Math.floor(rand() * 256));
    const density = new Float32Array(count).map(() => rand() * 4);
    const age = new Uint16Array(count).map(() => Math.floor(rand() * 65536));
    const names = new Uint32Array(count).map((_, i) => i % 4);
    const jitter = new Uint8Array(count * 3).map(() => Math.floor(rand() * 256));
    const groups = new Uint8Array(count).map((_, i) => (i % 2 === 0 ? 1 : 0) | (density[i]! > 2 ? 2 : 0));
    const pairs = new Float32Array(count * 2).map(() => rand());
    const synth: SynthPoints = {
      positions,
      voxelSize: 0.5,
      attributes: [
        { name: 'P', valueType: 'vec3s', codec: 'null', encode: encoders.f32(offsets, 3) },
        { name: 'v', valueType: 'vec3s', codec: 'null', encode: encoders.f32(velocity, 3) },
        { name: 'Cd', valueType: 'vec3s', codec: 'trnc', encode: encoders.half(colour, 3) },
        { name: 'N', valueType: 'vec3s', codec: 'uvec', encode: encoders.u16(packed, 1) },
        { name: 'id', valueType: 'int32', codec: 'null', encode: encoders.i32(ids) },
        { name: 'pscale', valueType: 'float', codec: 'ufxpt8', encode: encoders.u8(pscale) },
        { name: 'density', valueType: 'float', codec: 'trnc', encode: encoders.half(density, 1) },
        { name: 'age', valueType: 'float', codec: 'ufxpt16', encode: encoders.u16(age, 1) },
        { name: 'jitter', valueType: 'vec3s', codec: 'fxpt8', encode: encoders.u8(jitter, 3) },
        { name: 'name', valueType: 'uint32', codec: 'str', encode: encoders.u32(names) },
        { name: '__groups', valueType: 'uint8', codec: 'grp', encode: encoders.u8(groups) },
        { name: 'constant', valueType: 'float', codec: 'null', uniform: true, encode: (_p, out) => out.f32(7.25) },
        { name: 'pair', valueType: 'float', codec: 'null', stride: 2, encode: encoders.f32(pairs, 2) },
      ],
      groups: [
        { name: 'even', offset: 0 },
        { name: 'dense', offset: 1 },
      ],
      strings: ['alpha', 'beta', 'gamma'],
    };
    const path = join(dir.path, 'synth.vdb');
    writeFileSync(path, writePointsFile(synth));

    /** Our points in file order, matched back to the synthetic indices through `id`. */
    function assertAttributes(points: VdbPointData, what: string): void {
      assert.equal(points.count, count, `${what}: count`);
      const id = points.attributes['id']!;
      assert.equal(id.type, 'int');
      const index = Array.from(id.data, (v) => (v + 1000) / 7);
      const P = points.attributes['P']!.data;
      index.forEach((p, i) => {
        for (let a = 0; a < 3; a++) {
          const world = Math.fround(positions[3 * p + a]! - Math.round(positions[3 * p + a]!)) + Math.round(positions[3 * p + a]!);
          assert.ok(Math.abs(P[3 * i + a]! - Math.fround(world * 0.5)) < 1e-6, `${what} P ${p}`);
        }
        for (let a = 0; a < 3; a++) {
          assert.equal(points.attributes['v']!.data[3 * i + a], velocity[3 * p + a], `${what} v`);
          assert.equal(points.attributes['Cd']!.data[3 * i + a], halfToFloat(floatToHalf(colour[3 * p + a]!)), `${what} Cd`);
          assert.equal(points.attributes['N']!.data[3 * i + a], unpackUnitVector(packed[p]!)[a], `${what} N`);
          assert.ok(Math.abs(points.attributes['N']!.data[3 * i + a]! - normals[3 * p + a]!) < 0.05, `${what} N close to the normal`);
        }
        assert.equal(points.attributes['pscale']!.data[i], Math.fround(pscale[p]! / 255), `${what} pscale`);
        assert.equal(points.attributes['density']!.data[i], halfToFloat(floatToHalf(density[p]!)), `${what} density`);
        assert.equal(points.attributes['age']!.data[i], Math.fround(age[p]! / 65535), `${what} age`);
        for (let a = 0; a < 3; a++) {
          assert.equal(points.attributes['jitter']!.data[3 * i + a], Math.fround(Math.fround(jitter[3 * p + a]! / 255) - 0.5), `${what} jitter`);
        }
        assert.equal(points.attributes['name']!.data[i], names[p], `${what} name`);
        assert.equal(points.attributes['constant']!.data[i], 7.25, `${what} uniform`);
        assert.equal(points.attributes['pair']!.data[2 * i], pairs[2 * p], `${what} stride`);
        assert.equal(points.attributes['pair']!.data[2 * i + 1], pairs[2 * p + 1], `${what} stride`);
        assert.equal(points.groups['even']![i], p % 2 === 0 ? 1 : 0, `${what} group even`);
        assert.equal(points.groups['dense']![i], density[p]! > 2 ? 1 : 0, `${what} group dense`);
      });
      assert.deepEqual(points.attributes['name']!.strings, ['', 'alpha', 'beta', 'gamma']);
      assert.equal(points.attributes['name']!.type, 'indexedString');
      assert.equal(points.attributes['N']!.type, 'vector');
      assert.equal(points.attributes['pair']!.width, 2);
      assert.equal(points.attributes['__groups'], undefined, 'group arrays become groups');
    }

    it('reads what the test writer wrote', async () => {
      assertAttributes(await pointsOf(path), 'plain');
    });

    it('is a file OpenVDB reads', { skip: missingVdbPrint() }, () => {
      const printed = vdbPrint(path);
      assert.equal(printed.grids[0]!.type, 'Tree_ptdataidx32_5_4_3');
      assert.ok(printed.grids[0]!.leafCount > 0);
    });

    it('reads OpenVDB re-writing it with Blosc pages and without compression', { skip: missingVdbTool() }, async () => {
      for (const codec of ['blosc', 'none', 'active']) {
        const out = join(dir.path, `synth_${codec}.vdb`);
        const written = run('vdb_tool', ['-read', path, '-write', `codec=${codec}`, out]);
        assert.equal(written.status, 0, written.stderr);
        const points = await pointsOf(out);
        assertAttributes(points, codec);
        assert.deepEqual(Array.from(points.attributes['P']!.data), Array.from(vdbToolPositions(out)), `${codec}: P as vdb_tool extracts it`);
      }
    });
  });
});

/** OpenVDB's `QuantizedUnitVec::unpack`, its weight table computed (1 / |(x, y, 126 - x - y)|). */
function unpackUnitVector(data: number): number[] {
  let x = (data & 0x1f80) >> 7;
  let y = data & 0x7f;
  if (x + y > 126) {
    x = 127 - x;
    y = 127 - y;
  }
  const z = 126 - x - y;
  const w = Math.fround(1 / Math.sqrt(x * x + y * y + z * z));
  return [Math.fround(x * w) * (data & 0x8000 ? -1 : 1), Math.fround(y * w) * (data & 0x4000 ? -1 : 1), Math.fround(z * w) * (data & 0x2000 ? -1 : 1)];
}

/** OpenVDB's `QuantizedUnitVec::pack`. */
function packUnitVector(x: number, y: number, z: number): number {
  if (x === 0 && y === 0 && z === 0) return 0;
  let data = 0;
  if (x < 0) {
    data |= 0x8000;
    x = -x;
  }
  if (y < 0) {
    data |= 0x4000;
    y = -y;
  }
  if (z < 0) {
    data |= 0x2000;
    z = -z;
  }
  const w = Math.fround(126 / (x + y + z));
  let xbits = Math.floor(x * w);
  let ybits = Math.floor(y * w);
  if (xbits > 63) {
    xbits = 127 - xbits;
    ybits = 127 - ybits;
  }
  return data | (xbits << 7) | ybits;
}
