import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanTree } from '@vfxkit/core/node';

describe('scanTree with stat: false', () => {
  it('lists names without sizes, and still resolves links to files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfx-scan-names-'));
    try {
      writeFileSync(join(dir, 'a.0001.exr'), 'aaaa');
      writeFileSync(join(dir, 'a.0002.exr'), 'bb');
      symlinkSync(join(dir, 'a.0002.exr'), join(dir, 'link.exr'));
      const files = [];
      for await (const entry of scanTree([dir], { stat: false })) files.push(...entry.files);
      assert.deepEqual(
        files.map((f) => [f.name, f.isSymlink, Number.isNaN(f.size) ? 'NaN' : f.size]),
        [
          ['a.0001.exr', false, 'NaN'],
          ['a.0002.exr', false, 'NaN'],
          ['link.exr', true, 2],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
