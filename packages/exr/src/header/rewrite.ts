/**
 * Header-only rewrites: changing a file's header attributes without decoding or moving its pixels
 * (what `vfx exr attr` and `vfx meta` do to EXR files). The file layout ("OpenEXR File Layout"):
 *
 *   magic (4) | version field (4) | header(s) | offset table(s) | chunks ...
 *
 * 1. Each header is a list of attributes `name\0 type\0 size(int32) value`, ended by a NUL; a
 *    multi-part file ends the list of headers with one more NUL. The attributes an edit keeps are
 *    copied byte for byte (so types this library does not know survive unchanged).
 * 2. The offset tables follow the headers: one uint64 absolute file offset per chunk. The chunks
 *    are copied unchanged, so every offset moves by exactly the change in header size (a 0 offset,
 *    a chunk missing from an incomplete file, stays 0).
 * 3. The version field gains the long-names flag (bit 10) when an attribute name or type grows
 *    past 31 bytes; the other flags stay as they were.
 *
 * Only the head (everything before the first chunk) is rebuilt, so a caller can stream the chunks
 * from the original file instead of holding it in memory.
 */
import { encodeUtf8 } from '@vfxkit/core';
import { ExrErrorCode, exrError } from '../errors.js';
import type { ExrAttribute, ExrHeader, ExrPartHeader } from '../model.js';
import { writeAttributeValue } from './attributes.js';

const FLAG_LONG_NAMES = 0x400;
const SHORT_NAME_LIMIT = 31;

/** One attribute as it is stored in a header. */
export interface StoredAttribute {
  name: string;
  type: string;
  /** The whole record: name, NUL, type, NUL, size, value. */
  record: Uint8Array;
}

const decoder = new TextDecoder();

function cString(bytes: Uint8Array, offset: number, what: string): { text: string; next: number } {
  const end = bytes.indexOf(0, offset);
  if (end === -1) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `the header ends inside ${what}`);
  return { text: decoder.decode(bytes.subarray(offset, end)), next: end + 1 };
}

/**
 * Splits one part's raw header bytes (as `ExrPartHeader.raw` holds them, final NUL included) into
 * its stored attributes, in file order.
 */
export function splitStoredAttributes(raw: Uint8Array): StoredAttribute[] {
  const out: StoredAttribute[] = [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let offset = 0;
  while (offset < raw.length && raw[offset] !== 0) {
    const start = offset;
    const name = cString(raw, offset, 'an attribute name');
    const type = cString(raw, name.next, `the type of attribute '${name.text}'`);
    if (type.next + 4 > raw.length) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `the header ends inside attribute '${name.text}'`);
    const size = view.getInt32(type.next, true);
    const end = type.next + 4 + size;
    if (size < 0 || end > raw.length) throw exrError(ExrErrorCode.EXR_BAD_HEADER, `attribute '${name.text}' has an invalid size ${size}`);
    out.push({ name: name.text, type: type.text, record: raw.subarray(start, end) });
    offset = end;
  }
  return out;
}

/** A stored attribute record from a name, a type and its value bytes. */
export function storedAttribute(name: string, type: string, value: Uint8Array): StoredAttribute {
  const nameBytes = encodeUtf8(name);
  const typeBytes = encodeUtf8(type);
  const record = new Uint8Array(nameBytes.length + typeBytes.length + 2 + 4 + value.length);
  record.set(nameBytes, 0);
  record.set(typeBytes, nameBytes.length + 1);
  const sizeAt = nameBytes.length + typeBytes.length + 2;
  new DataView(record.buffer).setInt32(sizeAt, value.length, true);
  record.set(value, sizeAt + 4);
  return { name, type, record };
}

/** The stored record of an attribute, its value encoded as the writer encodes it. */
export function encodeStoredAttribute(attribute: ExrAttribute): StoredAttribute {
  return storedAttribute(attribute.name, attribute.type, writeAttributeValue(attribute));
}

/** Decides a part's new attribute list from its header and its stored attributes (return the
 *  same records to leave it unchanged). */
export type ExrHeaderEdit = (part: ExrPartHeader, stored: StoredAttribute[]) => StoredAttribute[];

export interface ExrHeadRewrite {
  /** False when the edit left every part's attributes as they were (`head` is then the original's). */
  changed: boolean;
  /** Replaces the original's bytes [0, keepFrom): magic, version, headers and offset tables. */
  head: Uint8Array;
  /** Where the chunks start in the original: everything from here on is copied unchanged. */
  keepFrom: number;
}

/** Where the offset tables end: the headers' end plus 8 bytes per chunk of every part. */
export function offsetTablesEnd(header: ExrHeader): number {
  let end = header.offsetTablesOffset;
  for (const part of header.parts) end += part.chunkCount * 8;
  return end;
}

/**
 * The new head of an EXR file whose headers `edit` changes. `bytes` holds at least the original's
 * first `offsetTablesEnd(header)` bytes; `header` is `readExrHeader(bytes)`. Throws EXR_TRUNCATED
 * when the bytes end inside the offset tables and EXR_CORRUPT_CHUNK when a table entry points into
 * the head (a damaged file is left for `vfx exr check` to report, not rewritten).
 */
export function rewriteExrHead(bytes: Uint8Array, header: ExrHeader, edit: ExrHeaderEdit): ExrHeadRewrite {
  const tablesStart = header.offsetTablesOffset;
  const tablesEnd = offsetTablesEnd(header);
  if (bytes.length < tablesEnd) {
    throw exrError(ExrErrorCode.EXR_TRUNCATED, `the file ends inside its offset tables (${bytes.length} bytes, the tables end at ${tablesEnd})`);
  }
  const input = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let versionField = input.getUint32(4, true);

  // 1. The new headers.
  let changed = false;
  const headers: Uint8Array[] = [];
  for (const part of header.parts) {
    const stored = splitStoredAttributes(part.raw);
    const edited = edit(part, stored);
    if (edited.length !== stored.length || edited.some((a, i) => a.record !== stored[i]!.record)) changed = true;
    const block = new Uint8Array(edited.reduce((sum, a) => sum + a.record.length, 0) + 1);
    let at = 0;
    for (const attribute of edited) {
      if (encodeUtf8(attribute.name).length > SHORT_NAME_LIMIT || encodeUtf8(attribute.type).length > SHORT_NAME_LIMIT) {
        versionField |= FLAG_LONG_NAMES;
      }
      block.set(attribute.record, at);
      at += attribute.record.length;
    }
    headers.push(block);
  }
  if (!changed) return { changed: false, head: bytes.subarray(0, tablesEnd), keepFrom: tablesEnd };
  const headersLength = headers.reduce((sum, h) => sum + h.length, 0) + (header.flags.multipart ? 1 : 0);
  const newTablesStart = 8 + headersLength;
  const delta = BigInt(newTablesStart - tablesStart);

  // 2. Magic, version, headers, then the tables with every offset moved by delta.
  const head = new Uint8Array(newTablesStart + (tablesEnd - tablesStart));
  const output = new DataView(head.buffer);
  head.set(bytes.subarray(0, 4), 0);
  output.setUint32(4, versionField >>> 0, true);
  let at = 8;
  for (const block of headers) {
    head.set(block, at);
    at += block.length;
  }
  if (header.flags.multipart) head[at++] = 0;
  for (let offset = tablesStart; offset < tablesEnd; offset += 8) {
    const value = input.getBigUint64(offset, true);
    if (value !== 0n && value < BigInt(tablesEnd)) {
      throw exrError(
        ExrErrorCode.EXR_CORRUPT_CHUNK,
        `offset table entry ${(offset - tablesStart) / 8} points at byte ${value}, inside the headers: the file is damaged and its header is not edited`,
      );
    }
    output.setBigUint64(at, value === 0n ? 0n : value + delta, true);
    at += 8;
  }
  return { changed: true, head, keepFrom: tablesEnd };
}
