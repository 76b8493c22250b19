/**
 * Bounds-checked little-endian byte reading and a growable byte writer: the one way format packages
 * read and write binary data. Every read checks the end of the buffer first and throws a
 * `VfxError` `TRUNCATED` naming the offset and what was being read.
 */
import { ErrorCode, VfxError } from './errors.js';

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const latin1Decoder = new TextDecoder('latin1');
const textEncoder = new TextEncoder();

/** Bytes as UTF-8 text (invalid sequences become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}
/** Bytes as Latin-1 text, one character per byte (C strings in binary formats). */
export function decodeLatin1(bytes: Uint8Array): string {
  return latin1Decoder.decode(bytes);
}
/** Text as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Current read position, relative to the start of `bytes`. */
  offset: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  /** Throws TRUNCATED unless `count` bytes are present at the current position. */
  need(count: number, what = 'data'): void {
    if (count < 0 || !Number.isFinite(count) || this.offset + count > this.bytes.byteLength) {
      throw new VfxError(
        ErrorCode.TRUNCATED,
        `file ends while reading ${what}: needed ${count} bytes at offset ${this.offset}, ${Math.max(0, this.remaining)} left`,
        { offset: this.offset },
      );
    }
  }

  seek(offset: number, what = 'data'): void {
    if (offset < 0 || offset > this.bytes.byteLength || !Number.isInteger(offset)) {
      throw new VfxError(ErrorCode.TRUNCATED, `offset ${offset} of ${what} is outside the file (${this.bytes.byteLength} bytes)`, {
        offset,
      });
    }
    this.offset = offset;
  }

  skip(count: number, what = 'data'): void {
    this.need(count, what);
    this.offset += count;
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }
  i8(what = 'int8'): number {
    this.need(1, what);
    return this.view.getInt8(this.offset++);
  }
  u16(what = 'uint16'): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  i16(what = 'int16'): number {
    this.need(2, what);
    const value = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(what = 'uint32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  i32(what = 'int32'): number {
    this.need(4, what);
    const value = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return value;
  }
  /** A 64-bit unsigned integer as a number; throws CORRUPT above 2^53 (no file offset can be). */
  u64(what = 'uint64'): number {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VfxError(ErrorCode.CORRUPT, `${what} ${value} is larger than any file could hold`, { offset: this.offset });
    }
    this.offset += 8;
    return Number(value);
  }
  i64(what = 'int64'): bigint {
    this.need(8, what);
    const value = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return value;
  }
  f32(what = 'float32'): number {
    this.need(4, what);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }
  f64(what = 'float64'): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  /** A view (not a copy) of the next `count` bytes. */
  subarray(count: number, what = 'data'): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** A NUL-terminated string of at most `maxLength` bytes (the NUL is consumed). */
  cstring(maxLength = 1 << 16, what = 'string'): string {
    const start = this.offset;
    const end = Math.min(this.bytes.byteLength, start + maxLength + 1);
    for (let i = start; i < end; i++) {
      if (this.bytes[i] === 0) {
        this.offset = i + 1;
        return latin1Decoder.decode(this.bytes.subarray(start, i));
      }
    }
    if (end === this.bytes.byteLength) {
      throw new VfxError(ErrorCode.TRUNCATED, `file ends inside ${what} starting at offset ${start}`, { offset: start });
    }
    throw new VfxError(ErrorCode.CORRUPT, `${what} at offset ${start} is longer than ${maxLength} bytes`, { offset: start });
  }

  /** `count` bytes decoded as UTF-8. */
  utf8(count: number, what = 'string'): string {
    return textDecoder.decode(this.subarray(count, what));
  }
}

/** A growable little-endian byte writer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(count: number): void {
    const needed = this.length + count;
    if (needed <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }
  u16(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }
  i16(value: number): this {
    this.reserve(2);
    this.view.setInt16(this.length, value, true);
    this.length += 2;
    return this;
  }
  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
    return this;
  }
  i32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
    return this;
  }
  u64(value: number | bigint): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
    return this;
  }
  i64(value: number | bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.length, BigInt(value), true);
    this.length += 8;
    return this;
  }
  f32(value: number): this {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }
  f64(value: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }
  bytes(data: Uint8Array): this {
    this.reserve(data.byteLength);
    this.buffer.set(data, this.length);
    this.length += data.byteLength;
    return this;
  }
  /** Latin-1 bytes of `text` followed by a NUL. */
  cstring(text: string): this {
    this.reserve(text.length + 1);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i) & 0xff;
    this.buffer[this.length++] = 0;
    return this;
  }
  /** UTF-8 bytes of `text`, no terminator. */
  utf8(text: string): this {
    return this.bytes(textEncoder.encode(text));
  }
  /** Overwrite a uint32/uint64 written earlier (offset tables). */
  patchU32(at: number, value: number): void {
    this.view.setUint32(at, value, true);
  }
  patchU64(at: number, value: number | bigint): void {
    this.view.setBigUint64(at, BigInt(value), true);
  }
  /** The bytes written, as a view of the internal buffer (copy it if you keep writing). */
  view8(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
  /** The bytes written, as a right-sized copy. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
