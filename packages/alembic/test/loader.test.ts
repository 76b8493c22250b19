/**
 * The loaders.gl loader object: its shape, magic test, and parsing through @loaders.gl/core's
 * `parse` with options under `alembic`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '@loaders.gl/core';
import { AbcErrorCode, AlembicArchive, AlembicLoader, AlembicWriter } from '@vfxkit/alembic';
import { noReal, real } from './helpers/fixtures.js';

function tiny(): ArrayBuffer {
  const writer = new AlembicWriter();
  writer.root.addChild('hello').properties.addScalar('n', { pod: 'int32', extent: 1 }).addSample([1]);
  return writer.finish().slice().buffer;
}

describe('AlembicLoader', () => {
  it('has the loader fields loaders.gl needs', () => {
    assert.equal(AlembicLoader.id, 'alembic');
    assert.equal(AlembicLoader.module, 'alembic');
    assert.deepEqual(AlembicLoader.extensions, ['abc']);
    assert.equal(AlembicLoader.binary, true);
    assert.equal(typeof AlembicLoader.parse, 'function');
    assert.equal(typeof AlembicLoader.parseSync, 'function');
    assert.equal(AlembicLoader.tests[0]!(tiny()), true);
    assert.equal(AlembicLoader.tests[0]!(new TextEncoder().encode('#usda 1.0').buffer as ArrayBuffer), false);
  });

  it('parses through @loaders.gl/core, passing options under "alembic"', async () => {
    const archive = (await parse(tiny(), AlembicLoader, { alembic: { sampleCacheBytes: 0 } })) as AlembicArchive;
    assert.ok(archive instanceof AlembicArchive);
    assert.deepEqual(archive.root.children.map((c) => c.name), ['hello']);
  });

  it('rejects with the VfxError code', async () => {
    await assert.rejects(AlembicLoader.parse(new Uint8Array(40).buffer), { code: AbcErrorCode.ABC_NOT_OGAWA });
  });

  it('reads a real archive', { skip: noReal }, async () => {
    const archive = (await parse(real('cortex/cube.abc').slice().buffer, AlembicLoader)) as AlembicArchive;
    assert.ok(archive.findObject('/group1/pCube1/pCubeShape1'));
  });
});
