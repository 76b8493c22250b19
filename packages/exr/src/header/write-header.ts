/**
 * Writing headers: magic number, version field and each part's attributes (name, type, size,
 * value), a NUL after each header and, in multi-part files, one more NUL after the last header.
 * See "OpenEXR File Layout", components one to three.
 */
import { ByteWriter, encodeUtf8 } from '@vfxkit/core';
import type { ExrAttribute } from '../model.js';
import { writeAttributeValue } from './attributes.js';
import { EXR_MAGIC } from './header.js';

export function writeHeaders(writer: ByteWriter, versionField: number, parts: readonly (readonly ExrAttribute[])[], multipart: boolean): void {
  writer.i32(EXR_MAGIC);
  writer.u32(versionField >>> 0);
  for (const attributes of parts) {
    for (const attribute of attributes) {
      const value = writeAttributeValue(attribute);
      writer.bytes(encodeUtf8(attribute.name)).u8(0);
      writer.bytes(encodeUtf8(attribute.type)).u8(0);
      writer.i32(value.byteLength);
      writer.bytes(value);
    }
    writer.u8(0);
  }
  if (multipart) writer.u8(0);
}
