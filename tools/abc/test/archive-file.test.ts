/**
 * The on-demand file source behind every `vfx abc` verb: the same archive, object for object and
 * sample for sample, as reading the whole file into memory; a file that changes under it is an
 * error naming the file.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isVfxError } from '@vfxkit/core';
import { openAlembic, type AlembicObject, type AlembicProperty, type CompoundProperty } from '@vfxkit/alembic';
import { FileByteSource } from '../src/archive-file.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const abcRoot = resolve(repoRoot, process.env['VFX_REAL_FIXTURES'] ?? '../shared/fixtures-real', 'abc');
const skip = statSync(abcRoot, { throwIfNoEntry: false }) === undefined ? `no real archives at ${abcRoot} (set VFX_REAL_FIXTURES)` : false;

function archives(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...archives(path));
    else if (name.endsWith('.abc')) out.push(path);
  }
  return out;
}

/** Every object path with its schema, and every sampled property's stored bytes, in order. */
function fingerprint(root: AlembicObject): string[] {
  const lines: string[] = [];
  const props = (compound: CompoundProperty, prefix: string): void => {
    for (const property of compound.properties as readonly AlembicProperty[]) {
      if (property.kind === 'compound') props(property, `${prefix}/${property.name}`);
      else {
        const count = property.header.sampleCount;
        for (let i = 0; i < count; i++) lines.push(`${prefix}/${property.name}[${i}] ${Buffer.from(property.rawSampleBytes(i)).toString('base64')}`);
      }
    }
  };
  const walk = (object: AlembicObject): void => {
    lines.push(`${object.path} ${object.schema}`);
    props(object.properties, object.path);
    for (const child of object.children) walk(child);
  };
  walk(root);
  return lines;
}

describe('FileByteSource (vfx abc reads archives on demand)', { skip }, () => {
  it('gives every real archive that reads from memory the same objects and sample bytes', () => {
    let compared = 0;
    for (const path of archives(abcRoot)) {
      let expected: string[];
      try {
        expected = fingerprint(openAlembic(new Uint8Array(readFileSync(path))).root);
      } catch (error) {
        // Archives meant to fail must fail the same way from the file.
        assert.ok(isVfxError(error), String(error));
        assert.throws(() => fingerprint(openAlembic(new FileByteSource(path, path, statSync(path))).root), (e: unknown) => isVfxError(e) && e.code === error.code);
        continue;
      }
      assert.deepEqual(fingerprint(openAlembic(new FileByteSource(path, path, statSync(path))).root), expected, path);
      // The real archives are small: 256-byte pages make most blocks span pages.
      assert.deepEqual(fingerprint(openAlembic(new FileByteSource(path, path, statSync(path), 256)).root), expected, `${path} (256-byte pages)`);
      compared++;
    }
    assert.ok(compared >= 20, `compared ${compared} archives`);
  });

  it('refuses to go on reading a file that changed after it was opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfx-abc-source-'));
    try {
      const path = join(dir, 'cube.abc');
      copyFileSync(join(abcRoot, 'cortex/animatedCube.abc'), path);
      const source = new FileByteSource(path, 'cube.abc', statSync(path), 1024);
      assert.deepEqual([...source.read(0, 5)], [...Buffer.from('Ogawa')]);
      appendFileSync(path, 'x');
      // Page 0 is cached; the last page is not, and reading it finds the file changed.
      assert.throws(
        () => source.read(source.byteLength - 4, source.byteLength),
        (e: unknown) => isVfxError(e) && e.file === 'cube.abc' && /changed while it was being read/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads spans across pages as one copy equal to the file bytes', () => {
    const path = archives(abcRoot).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const bytes = readFileSync(path);
    const source = new FileByteSource(path, path, statSync(path), 4096);
    const end = bytes.byteLength;
    for (const [start, stop] of [[0, end], [4090, 4102], [1, 9], [end - 3, end], [8192, 8192 + 4096], [100, 100]] as const) {
      assert.deepEqual(Buffer.from(source.read(start, stop)), bytes.subarray(start, stop), `${start}-${stop}`);
    }
  });
});
