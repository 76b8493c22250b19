/**
 * Editing header attributes without touching the pixels. An EXR file is: magic, version field,
 * headers (each a list of `name\0 type\0 size value` records ended by a NUL; multi-part files end
 * the list of headers with one more NUL), one offset table per part (a uint64 file offset per
 * chunk), then the chunks. Changing an attribute changes the headers' length by some delta, so the
 * new file is: the new headers, every offset-table entry plus delta, and the chunk bytes copied
 * unchanged. Attributes that were not edited keep their bytes exactly; new ones are inserted in
 * name order, as OpenEXR writes them.
 */
import { ByteReader, ByteWriter, VfxError, encodeUtf8 } from '@vfxkit/core';
import { readExrHeader, type ExrAttribute, type ExrHeader, type ExrPartHeader } from '@vfxkit/exr';
import { encodeAttributeValue, REQUIRED_ATTRIBUTES, STRUCTURAL_ATTRIBUTES } from './attribute-values.js';
import { partLabel } from './format.js';

/** One attribute record of a header, as stored. */
interface AttributeRecord {
  name: string;
  type: string;
  /** The whole record: name, NUL, type, NUL, size, value. */
  bytes: Uint8Array;
}

const decoder = new TextDecoder();

/** The records of one part's raw header (its attributes and the terminating NUL). */
function records(raw: Uint8Array): AttributeRecord[] {
  const reader = new ByteReader(raw);
  const out: AttributeRecord[] = [];
  for (;;) {
    const start = reader.offset;
    const nameEnd = raw.indexOf(0, start);
    if (nameEnd === start) return out;
    const name = decoder.decode(raw.subarray(start, nameEnd));
    const typeEnd = raw.indexOf(0, nameEnd + 1);
    const type = decoder.decode(raw.subarray(nameEnd + 1, typeEnd));
    reader.offset = typeEnd + 1;
    const size = reader.i32();
    reader.skip(size);
    out.push({ name, type, bytes: raw.subarray(start, reader.offset) });
  }
}

function encodeRecord(attribute: ExrAttribute): AttributeRecord {
  const value = encodeAttributeValue(attribute);
  const writer = new ByteWriter(value.byteLength + 64);
  writer.bytes(encodeUtf8(attribute.name)).u8(0).bytes(encodeUtf8(attribute.type)).u8(0).i32(value.byteLength).bytes(value);
  return { name: attribute.name, type: attribute.type, bytes: writer.toBytes() };
}

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

function applyToPart(part: ExrPartHeader, edits: readonly HeaderEdit[], multipart: boolean, report: EditReport): AttributeRecord[] {
  let list = records(part.raw);
  for (const edit of edits) {
    checkEdit(edit, part, multipart);
    if (edit.kind === 'delete') {
      const before = list.length;
      list = list.filter((r) => r.name !== edit.name);
      if (list.length !== before) report.changes.push(`deleted ${edit.name}`);
      continue;
    }
    const record = encodeRecord(edit.attribute);
    const at = list.findIndex((r) => r.name === record.name);
    if (at !== -1) {
      const old = list[at]!;
      list[at] = record;
      report.changes.push(
        old.type === record.type && equalBytes(old.bytes, record.bytes) ? `${record.name} unchanged` : `set ${record.name} (${record.type})`,
      );
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

/** Where the offset tables end, checking that every entry points at a chunk inside the file. */
function checkOffsetTables(bytes: Uint8Array, header: ExrHeader): { tablesEnd: number; entries: number } {
  let entries = 0;
  for (const part of header.parts) entries += part.chunkCount;
  const tablesEnd = header.offsetTablesOffset + entries * 8;
  if (tablesEnd > bytes.byteLength) {
    throw new VfxError('EXR_TRUNCATED', `the file ends inside its offset tables (${entries} entries at byte ${header.offsetTablesOffset}): repair it before editing its header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < entries; i++) {
    const offset = Number(view.getBigUint64(header.offsetTablesOffset + i * 8, true));
    if (offset < tablesEnd || offset >= bytes.byteLength) {
      throw new VfxError(
        'EXR_CORRUPT_CHUNK',
        `offset table entry ${i} (${offset}) does not point inside the file's chunks: the file is incomplete or damaged (see vfx exr check); its header is not edited`,
      );
    }
  }
  return { tablesEnd, entries };
}

/**
 * The file with `edits` applied to the parts `partIndices` (default every part). The chunk bytes
 * of the result are those of the input, byte for byte. Throws BAD_USAGE for refused edits (nothing
 * changes then) and when the result would not read back.
 */
export function editHeader(bytes: Uint8Array, edits: readonly HeaderEdit[], partIndices?: readonly number[]): { bytes: Uint8Array; reports: EditReport[] } {
  const header = readExrHeader(bytes);
  const { tablesEnd, entries } = checkOffsetTables(bytes, header);
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
  const headers = header.parts.map((part) => {
    if (!chosen.has(part.index)) return records(part.raw);
    const report: EditReport = { part: part.index, name: part.name, changes: [] };
    reports.push(report);
    return applyToPart(part, edits, multipart, report);
  });

  // Version field: long names when any name is over 31 bytes (never cleared: other names may need it).
  let version = new ByteReader(bytes, 4).u32();
  const longName = headers.some((list) => list.some((r) => encodeUtf8(r.name).byteLength > 31 || encodeUtf8(r.type).byteLength > 31));
  if (longName) version |= 0x400;

  const headerLength = headers.reduce((sum, list) => sum + list.reduce((s, r) => s + r.bytes.byteLength, 0) + 1, 0) + (multipart ? 1 : 0);
  const newTablesOffset = 8 + headerLength;
  const delta = newTablesOffset - header.offsetTablesOffset;
  const out = new Uint8Array(newTablesOffset + entries * 8 + (bytes.byteLength - tablesEnd));
  const writer = new DataView(out.buffer);
  out.set(bytes.subarray(0, 4), 0);
  writer.setUint32(4, version >>> 0, true);
  let position = 8;
  for (const list of headers) {
    for (const record of list) {
      out.set(record.bytes, position);
      position += record.bytes.byteLength;
    }
    out[position++] = 0;
  }
  if (multipart) out[position++] = 0;
  const tables = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < entries; i++) {
    // Every entry was checked above: a chunk offset inside the file.
    writer.setBigUint64(position, tables.getBigUint64(header.offsetTablesOffset + i * 8, true) + BigInt(delta), true);
    position += 8;
  }
  out.set(bytes.subarray(tablesEnd), position);

  // The result must read back, with the same parts and chunk layout.
  let check: ExrHeader;
  try {
    check = readExrHeader(out);
  } catch (error) {
    throw new VfxError('BAD_USAGE', `the edit would make the header invalid: ${(error as Error).message}`, { cause: error });
  }
  if (check.parts.length !== header.parts.length || check.parts.some((p, i) => p.chunkCount !== header.parts[i]!.chunkCount)) {
    throw new VfxError('BAD_USAGE', 'the edit would change the chunk layout of the file; nothing was written');
  }
  return { bytes: out, reports };
}
