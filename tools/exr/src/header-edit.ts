/**
 * Editing header attributes without touching the pixels: the edits of `vfx exr attr`, checked and
 * reported here, applied by @vfxkit/exr's header-only rewrite (`rewriteExrHead`: the new headers,
 * every offset-table entry moved by the change in their length, the chunk bytes unchanged).
 * Attributes that were not edited keep their bytes exactly; new ones are inserted in name order, as
 * OpenEXR writes them.
 */
import { VfxError, encodeUtf8 } from '@vfxkit/core';
import {
  encodeStoredAttribute,
  type ExrAttribute,
  offsetTablesEnd,
  readExrHeader,
  rewriteExrHead,
  splitStoredAttributes,
  type ExrHeadRewrite,
  type ExrHeader,
  type ExrPartHeader,
  type StoredAttribute,
} from '@vfxkit/exr';
import { REQUIRED_ATTRIBUTES, STRUCTURAL_ATTRIBUTES } from './attribute-values.js';
import { partLabel } from './format.js';

function byteCompare(a: string, b: string): number {
  const x = encodeUtf8(a);
  const y = encodeUtf8(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export type HeaderEdit = { kind: 'set'; attribute: ExrAttribute } | { kind: 'delete'; name: string };

/** What an edit did to each part, for the report. */
export interface EditReport {
  part: number;
  name: string | undefined;
  changes: string[];
}

/** Refuses edits that would change how pixels are stored or leave a part without what it needs. */
function checkEdit(edit: HeaderEdit, part: ExrPartHeader, multipart: boolean): void {
  const name = edit.kind === 'set' ? edit.attribute.name : edit.name;
  if (STRUCTURAL_ATTRIBUTES.has(name)) {
    throw new VfxError(
      'BAD_USAGE',
      `'${name}' describes how the pixels are stored; it cannot be ${edit.kind === 'set' ? 'set' : 'deleted'} without rewriting them (use vfx exr compress or vfx exr extract)`,
    );
  }
  if (edit.kind === 'delete') {
    const required = REQUIRED_ATTRIBUTES.has(name) || (name === 'name' && (multipart || part.type === 'deepscanline' || part.type === 'deeptile'));
    if (required) throw new VfxError('BAD_USAGE', `'${name}' is a required attribute of ${partLabel(part)}; it cannot be deleted`);
    return;
  }
  const existing = part.attributes.find((a) => a.name === name);
  if (existing !== undefined && existing.type !== edit.attribute.type && (REQUIRED_ATTRIBUTES.has(name) || name === 'name')) {
    throw new VfxError('BAD_USAGE', `'${name}' must keep its type ${existing.type} (asked for ${edit.attribute.type})`);
  }
}

function applyToPart(part: ExrPartHeader, edits: readonly HeaderEdit[], multipart: boolean, report: EditReport): StoredAttribute[] {
  let list = splitStoredAttributes(part.raw);
  for (const edit of edits) {
    checkEdit(edit, part, multipart);
    if (edit.kind === 'delete') {
      const before = list.length;
      list = list.filter((r) => r.name !== edit.name);
      if (list.length !== before) report.changes.push(`deleted ${edit.name}`);
      continue;
    }
    const record = encodeStoredAttribute(edit.attribute);
    const at = list.findIndex((r) => r.name === record.name);
    if (at !== -1) {
      const old = list[at]!;
      if (old.type === record.type && equalBytes(old.record, record.record)) {
        report.changes.push(`${record.name} unchanged`);
      } else {
        list[at] = record;
        report.changes.push(`set ${record.name} (${record.type})`);
      }
      continue;
    }
    const insertAt = list.findIndex((r) => byteCompare(r.name, record.name) > 0);
    list.splice(insertAt === -1 ? list.length : insertAt, 0, record);
    report.changes.push(`added ${record.name} (${record.type})`);
  }
  return list;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every offset-table entry points at a chunk inside the file: a damaged or incomplete
 *  file is refused (vfx exr check says what is wrong with it), not rewritten. `head` holds at least
 *  the file's first bytes up to the end of its offset tables; `size` is the file's size. */
function checkOffsetTables(head: Uint8Array, header: ExrHeader, size: number): void {
  const tablesEnd = offsetTablesEnd(header);
  const entries = (tablesEnd - header.offsetTablesOffset) / 8;
  if (tablesEnd > head.byteLength || tablesEnd > size) {
    throw new VfxError('EXR_TRUNCATED', `the file ends inside its offset tables (${entries} entries at byte ${header.offsetTablesOffset}): repair it before editing its header`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let i = 0; i < entries; i++) {
    const offset = Number(view.getBigUint64(header.offsetTablesOffset + i * 8, true));
    if (offset < tablesEnd || offset >= size) {
      throw new VfxError(
        'EXR_CORRUPT_CHUNK',
        `offset table entry ${i} (${offset}) does not point inside the file's chunks: the file is incomplete or damaged (see vfx exr check); its header is not edited`,
      );
    }
  }
}

/**
 * The new head of a file with `edits` applied to the parts `partIndices` (default every part), from
 * its head alone: `head` holds the file's first bytes up to the end of its offset tables
 * (`readExrHead(path, { tables: true })`), `header` is `readExrHeader(head)` and `size` the file's
 * size. The file's bytes from `rewrite.keepFrom` on follow the new head unchanged. Throws
 * BAD_USAGE for refused edits and when the new head would not read back with the same parts and
 * chunk layout; nothing is written either way.
 */
export function planHeaderEdit(
  head: Uint8Array,
  header: ExrHeader,
  size: number,
  edits: readonly HeaderEdit[],
  partIndices?: readonly number[],
): { rewrite: ExrHeadRewrite; reports: EditReport[] } {
  checkOffsetTables(head, header, size);
  const multipart = header.flags.multipart;
  const chosen = new Set(partIndices ?? header.parts.map((p) => p.index));

  // A delete of a name no chosen part has is most likely a typo: say so.
  for (const edit of edits) {
    if (edit.kind !== 'delete') continue;
    if (!header.parts.some((p) => chosen.has(p.index) && p.attributes.some((a) => a.name === edit.name))) {
      throw new VfxError('NOT_FOUND', `no attribute '${edit.name}' to delete${chosen.size < header.parts.length ? ' in the parts chosen' : ''}`);
    }
  }

  const reports: EditReport[] = [];
  const rewrite = rewriteExrHead(head, header, (part, stored) => {
    if (!chosen.has(part.index)) return stored;
    const report: EditReport = { part: part.index, name: part.name, changes: [] };
    reports.push(report);
    return applyToPart(part, edits, multipart, report);
  });
  if (!rewrite.changed) return { rewrite, reports };

  // The new head must read back, with the same parts and chunk layout.
  let check: ExrHeader;
  try {
    check = readExrHeader(rewrite.head);
  } catch (error) {
    throw new VfxError('BAD_USAGE', `the edit would make the header invalid: ${(error as Error).message}`, { cause: error });
  }
  if (check.parts.length !== header.parts.length || check.parts.some((p, i) => p.chunkCount !== header.parts[i]!.chunkCount)) {
    throw new VfxError('BAD_USAGE', 'the edit would change the chunk layout of the file; nothing was written');
  }
  return { rewrite, reports };
}

/**
 * The whole file in memory with `edits` applied (see `planHeaderEdit`): its chunk bytes are the
 * input's, byte for byte (the input itself when nothing changed).
 */
export function editHeader(bytes: Uint8Array, edits: readonly HeaderEdit[], partIndices?: readonly number[]): { bytes: Uint8Array; reports: EditReport[] } {
  const { rewrite, reports } = planHeaderEdit(bytes, readExrHeader(bytes), bytes.byteLength, edits, partIndices);
  if (!rewrite.changed) return { bytes, reports };
  const out = new Uint8Array(rewrite.head.byteLength + (bytes.byteLength - rewrite.keepFrom));
  out.set(rewrite.head, 0);
  out.set(bytes.subarray(rewrite.keepFrom), rewrite.head.byteLength);
  return { bytes: out, reports };
}
