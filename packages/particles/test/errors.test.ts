/**
 * Bad input gets the right code: truncated files, headers that lie about the count (refused before
 * anything large is allocated), unknown attribute types, bytes no format knows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createParticleSet, inspectParticles, readParticles, readParticlesAsync, writeParticles } from '@vfxkit/particles';
import { syntheticSet } from './helpers.js';

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.equal((error as Error).name, 'VfxError', `not a VfxError: ${(error as Error).stack}`);
    return (error as { code: string }).code;
  }
  return 'no error';
}

function small(id: string) {
  const set = createParticleSet(40, syntheticSet(40, { life: true }).attributes.filter((a) => ['P', 'v', 'id', 'life'].includes(a.name)));
  return writeParticles(set, id, id === 'bin' ? { dropUnsupported: true } : {});
}

/** Formats whose header states the count (text formats without one cannot be "truncated"). */
const COUNTED = ['bgeo', 'geo', 'bhclassic', 'hclassic', 'pda', 'pdb', 'pdc', 'prt', 'bin', 'ptc', 'ply'];

describe('truncated files', () => {
  for (const id of COUNTED) {
    it(`${id}: every cut fails with PART_TRUNCATED or PART_CORRUPT`, () => {
      const bytes = id === 'ptc' ? writeParticles(createParticleSet(40, syntheticSet(40).attributes.filter((a) => a.name !== 'id')), 'ptc') : small(id);
      const cuts = [1, 4, 9, 17, 30, 64, Math.floor(bytes.length / 2), bytes.length - 3, bytes.length - 1].filter((n) => n < bytes.length);
      for (const cut of cuts) {
        const code = codeOf(() => readParticles(bytes.subarray(0, cut), { format: id }));
        // A cut inside a trailing block nobody needs (PLY's last newline, BGEO's 0x00 0xff) may read.
        if (code === 'no error' && cut >= bytes.length - 3) continue;
        assert.ok(['PART_TRUNCATED', 'PART_CORRUPT', 'PART_BAD_MAGIC'].includes(code), `${id} cut at ${cut} of ${bytes.length}: ${code}`);
      }
    });
  }

  it('a truncated gzip stream', () => {
    const bytes = writeParticles(syntheticSet(100), 'bgeo', { gzip: true });
    assert.ok(['PART_TRUNCATED', 'PART_CORRUPT', 'PART_LIMIT'].includes(codeOf(() => readParticles(bytes.subarray(0, bytes.length - 10)))));
  });
});

/** Sets the particle count of a written file to `count`, where each format keeps it. */
function lie(id: string, bytes: Uint8Array, count: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  switch (id) {
    case 'bhclassic':
      view.setInt32(9, count, false);
      break;
    case 'pdc':
      view.setInt32(20, count, false);
      break;
    case 'pdb':
      view.setUint32(16, count, true);
      break;
    case 'bin':
      view.setInt32(276, count, true);
      break;
    case 'prt':
      view.setBigInt64(48, BigInt(count), true);
      break;
    case 'ptc':
      view.setFloat64(8, count, true);
      break;
    default: {
      const text = new TextDecoder('latin1').decode(out);
      const replaced = text.replace(/element vertex \d+/, `element vertex ${count}`).replace(/NPoints \d+/, `NPoints ${count}`).replace(/NUMBER_OF_PARTICLES: \d+/, `NUMBER_OF_PARTICLES: ${count}`).replace(/"pointcount",(\s*)\d+/, `"pointcount",$1${count}`);
      return Uint8Array.from(replaced, (c) => c.charCodeAt(0));
    }
  }
  return out;
}

describe('headers that lie about the count', () => {
  for (const id of ['bhclassic', 'pdc', 'pdb', 'bin', 'prt', 'ptc', 'ply', 'hclassic', 'pda', 'geo']) {
    it(`${id}: 100 million declared in a small file is refused at once, 2^31 is over maxParticles`, () => {
      const bytes = id === 'ptc' ? writeParticles(createParticleSet(40, syntheticSet(40).attributes.filter((a) => a.name !== 'id')), 'ptc') : small(id);
      const before = process.memoryUsage().arrayBuffers;
      const start = performance.now();
      const code = codeOf(() => readParticles(lie(id, bytes, 100_000_000), { format: id }));
      assert.ok(['PART_TRUNCATED', 'PART_LIMIT'].includes(code), `${id}: ${code}`);
      assert.ok(performance.now() - start < 500, 'refused before decoding');
      assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'no large allocation');
      assert.equal(codeOf(() => readParticles(lie(id, bytes, 2 ** 31 - 1), { format: id })), 'PART_LIMIT');
    });
  }

  it('maxParticles applies to honest files too', () => {
    const bytes = small('bgeo');
    assert.equal(codeOf(() => readParticles(bytes, { maxParticles: 10 })), 'PART_LIMIT');
    assert.equal(readParticles(bytes, { maxParticles: 40 }).count, 40);
  });

  it('a binary JSON uniform array longer than the file is PART_TRUNCATED', () => {
    const bytes = small('bgeo');
    // Find the P rawpagedata (a float32 uniform array: 0x40 0x19 then the length) and inflate its length.
    for (let i = 0; i < bytes.length - 3; i++) {
      if (bytes[i] === 0x40 && bytes[i + 1] === 0x19 && bytes[i + 2] === 120) {
        const bad = bytes.slice();
        bad[i + 2] = 0xf4;
        assert.ok(['PART_TRUNCATED', 'PART_CORRUPT'].includes(codeOf(() => readParticles(bad))));
        return;
      }
    }
    assert.fail('no float32 uniform array of 120 values found');
  });
});

describe('unknown types', () => {
  it('classic BGEO attribute type 7, PDC type 9, PRT channel type 42, PLY property type quad, PDA type X', () => {
    const set = createParticleSet(2, [
      { name: 'P', type: 'vector', width: 3, data: new Float32Array(6) },
      { name: 'life', type: 'float', width: 1, data: new Float32Array(2) },
    ]);
    const bgeo = writeParticles(set, 'bhclassic');
    // The dictionary entry of 'life': int16 length 4, 'life', uint16 size, int32 type.
    const at = new TextDecoder('latin1').decode(bgeo).indexOf('life') + 4 + 2;
    const badBgeo = bgeo.slice();
    new DataView(badBgeo.buffer).setInt32(at, 7, false);
    assert.equal(codeOf(() => readParticles(badBgeo)), 'PART_UNKNOWN_TYPE');
    const stringBgeo = bgeo.slice();
    new DataView(stringBgeo.buffer).setInt32(at, 2, false);
    assert.equal(codeOf(() => readParticles(stringBgeo)), 'PART_UNSUPPORTED');

    const pdc = writeParticles(set, 'pdc');
    const pdcAt = new TextDecoder('latin1').decode(pdc).indexOf('position') + 8;
    const badPdc = pdc.slice();
    new DataView(badPdc.buffer).setInt32(pdcAt, 9, false);
    assert.equal(codeOf(() => readParticles(badPdc)), 'PART_UNKNOWN_TYPE');

    const prt = writeParticles(set, 'prt');
    const prtAt = new TextDecoder('latin1').decode(prt).indexOf('Position') + 32;
    const badPrt = prt.slice();
    new DataView(badPrt.buffer).setInt32(prtAt, 42, true);
    assert.equal(codeOf(() => readParticles(badPrt)), 'PART_UNKNOWN_TYPE');

    const ply = new TextDecoder().decode(writeParticles(set, 'ply', { plyEncoding: 'ascii' })).replace('property float life', 'property quad life');
    assert.equal(codeOf(() => readParticles(new TextEncoder().encode(ply))), 'PART_UNKNOWN_TYPE');

    const pda = new TextDecoder().decode(writeParticles(set, 'pda')).replace(/TYPES\n V R/, 'TYPES\n V X');
    assert.equal(codeOf(() => readParticles(new TextEncoder().encode(pda))), 'PART_UNKNOWN_TYPE');

    const geo = new TextDecoder().decode(writeParticles(set, 'geo')).replace('"fpreal32"', '"fpreal128"');
    assert.equal(codeOf(() => readParticles(new TextEncoder().encode(geo))), 'PART_UNKNOWN_TYPE');
  });
});

describe('bytes no format knows', () => {
  it('an unknown format lists the supported ones', () => {
    assert.throws(
      () => readParticles(new TextEncoder().encode('GIF89a........'), { fileName: 'picture.gif' }),
      (error: { code: string; message: string; file?: string }) =>
        error.code === 'PART_UNSUPPORTED_FORMAT' && error.file === 'picture.gif' && /bgeo \(\.bgeo\)/.test(error.message) && /prt \(\.prt \.sprt\)/.test(error.message),
    );
    assert.equal(codeOf(() => readParticles(new Uint8Array(0))), 'PART_UNSUPPORTED_FORMAT');
  });

  it('a format forced on the wrong bytes is PART_BAD_MAGIC, with a hint between Houdini generations', () => {
    const ply = writeParticles(createParticleSet(1, [{ name: 'P', type: 'vector', width: 3, data: new Float32Array(3) }]), 'ply');
    for (const format of ['pdc', 'prt', 'bhclassic', 'bgeo', 'bin', 'ptc', 'pdb']) assert.equal(codeOf(() => readParticles(ply, { format })), 'PART_BAD_MAGIC', format);
    const json = writeParticles(syntheticSet(2), 'bgeo');
    assert.throws(() => readParticles(json, { format: 'bhclassic' }), /Houdini 12\+ JSON geometry/);
    const classic = writeParticles(syntheticSet(2), 'bhclassic');
    assert.throws(() => readParticles(classic, { format: 'bgeo' }), /classic \(pre-Houdini 12\) BGEO/);
    assert.equal(codeOf(() => readParticles(ply, { format: 'nope' })), 'PART_BAD_ARGUMENT');
  });

  it('garbage after a valid magic number is an error, never a crash', async () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (const id of ['bhclassic', 'bgeo', 'pdc', 'pdb', 'prt', 'bin', 'ptc', 'ply']) {
      const bytes = id === 'ptc' ? writeParticles(createParticleSet(40, syntheticSet(40).attributes.filter((a) => a.name !== 'id')), 'ptc') : small(id);
      for (let round = 0; round < 40; round++) {
        const bad = bytes.slice();
        for (let k = 0; k < 6; k++) bad[12 + (next() % (bad.length - 12))] = next() & 0xff;
        try {
          await readParticlesAsync(bad, { format: id });
        } catch (error) {
          assert.equal((error as Error).name, 'VfxError', `${id}: ${(error as Error).stack}`);
        }
      }
    }
  });
});
