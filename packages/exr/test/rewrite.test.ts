/**
 * The header-only rewrite (`rewriteExrHead`), on files writeExr makes: attributes replaced, added
 * and deleted per part, the chunks left where they were relative to the head, every offset moved by
 * the change in header length, and damaged heads refused with their codes. (`vfx exr attr` and
 * `vfx meta` are tested over it on real files in their own suites.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import {
  encodeStoredAttribute,
  offsetTablesEnd,
  readExr,
  readExrHeader,
  rewriteExrHead,
  splitStoredAttributes,
  writeExr,
  type ExrWritePart,
} from '../src/index.js';

function part(name: string, width: number, height: number): ExrWritePart {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i % 53) / 7;
  return {
    name,
    width,
    height,
    displayWindow: { xMin: 0, yMin: 0, xMax: 63, yMax: 63 },
    compression: 'zip',
    channels: [{ name: 'Y', type: 'half', data }],
    attributes: [{ name: 'owner', type: 'string', value: 'A' }],
  };
}

function rejectsWith(work: () => unknown, code: string): void {
  assert.throws(work, (error: unknown) => isVfxError(error) && error.code === code);
}

describe('rewriteExrHead', () => {
  const bytes = writeExr([part('beauty', 37, 40), part('depth', 21, 19)]);
  const header = readExrHeader(bytes);

  it('splits a header into its stored records, in file order, byte for byte', () => {
    for (const p of header.parts) {
      const stored = splitStoredAttributes(p.raw);
      assert.deepEqual(
        stored.map((s) => s.name),
        p.attributes.map((a) => a.name),
      );
      assert.equal(stored.reduce((n, s) => n + s.record.byteLength, 0) + 1, p.raw.byteLength);
    }
  });

  it('leaves the head as it was when the edit keeps every record', () => {
    const rewrite = rewriteExrHead(bytes, header, (_part, stored) => stored);
    assert.equal(rewrite.changed, false);
    assert.equal(rewrite.keepFrom, offsetTablesEnd(header));
  });

  it('edits each part, moves every offset by the change and keeps the pixels', () => {
    const long = 'a'.repeat(40);
    const rewrite = rewriteExrHead(bytes, header, (p, stored) => {
      const kept = stored.filter((s) => s.name !== 'owner');
      if (p.index === 1) kept.push(encodeStoredAttribute({ name: long, type: 'string', value: 'approved' }));
      else kept.push(encodeStoredAttribute({ name: 'comments', type: 'string', value: 'a longer comment than before' }));
      return kept;
    });
    assert.equal(rewrite.changed, true);
    const out = new Uint8Array(rewrite.head.byteLength + bytes.byteLength - rewrite.keepFrom);
    out.set(rewrite.head);
    out.set(bytes.subarray(rewrite.keepFrom), rewrite.head.byteLength);
    const edited = readExrHeader(out);
    assert.equal(edited.flags.longNames, true);
    assert.equal(edited.parts[0]!.attributes.find((a) => a.name === 'owner'), undefined);
    assert.equal(edited.parts[0]!.attributes.find((a) => a.name === 'comments')?.value, 'a longer comment than before');
    assert.equal(edited.parts[1]!.attributes.find((a) => a.name === long)?.value, 'approved');
    const delta = rewrite.head.byteLength - rewrite.keepFrom;
    const before = new DataView(bytes.buffer, bytes.byteOffset);
    const after = new DataView(out.buffer);
    const entries = (rewrite.keepFrom - header.offsetTablesOffset) / 8;
    for (let i = 0; i < entries; i++) {
      const old = before.getBigUint64(header.offsetTablesOffset + i * 8, true);
      assert.equal(after.getBigUint64(edited.offsetTablesOffset + i * 8, true), old + BigInt(delta));
    }
    for (const index of [0, 1]) {
      assert.deepEqual(readExr(out, { part: index }).channels[0]!.data, readExr(bytes, { part: index }).channels[0]!.data);
    }
  });

  it('refuses bytes that end inside the offset tables, and entries pointing into the head', () => {
    const end = offsetTablesEnd(header);
    rejectsWith(() => rewriteExrHead(bytes.subarray(0, end - 3), header, (_p, s) => s.slice(1)), 'EXR_TRUNCATED');
    const damaged = bytes.slice();
    new DataView(damaged.buffer).setBigUint64(header.offsetTablesOffset + 8, 12n, true);
    rejectsWith(() => rewriteExrHead(damaged, readExrHeader(damaged), (_p, s) => s.slice(1)), 'EXR_CORRUPT_CHUNK');
  });

  it('refuses a header whose records are malformed', () => {
    const raw = new Uint8Array([0x61, 0, 0x69, 0x6e, 0x74, 0, 99, 0, 0, 0, 1, 2, 3, 4, 0]);
    rejectsWith(() => splitStoredAttributes(raw), 'EXR_BAD_HEADER');
    rejectsWith(() => splitStoredAttributes(new Uint8Array([0x61, 0x62])), 'EXR_BAD_HEADER');
  });
});
