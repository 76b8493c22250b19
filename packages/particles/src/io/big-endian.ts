/**
 * Big-endian reading and writing. Houdini's classic BGEO, Maya's PDC and the binary PLY variant
 * store numbers most significant byte first; core's `ByteReader` is little-endian, so this reader
 * keeps its bounds checks and error codes and flips the byte order.
 */
import { ByteReader, ErrorCode, VfxError, encodeUtf8 } from '@vfxkit/core';

export class BigEndianReader extends ByteReader {
  override u16(what = 'uint16'): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, false);
    this.offset += 2;
    return value;
  }
  override i16(what = 'int16'): number {
    this.need(2, what);
    const value = this.view.getInt16(this.offset, false);
    this.offset += 2;
    return value;
  }
  override u32(what = 'uint32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return value;
  }
  override i32(what = 'int32'): number {
    this.need(4, what);
    const value = this.view.getInt32(this.offset, false);
    this.offset += 4;
    return value;
  }
  override u64(what = 'uint64'): number {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, false);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VfxError(ErrorCode.CORRUPT, `${what} ${value} is larger than any file could hold`, { offset: this.offset });
    }
    this.offset += 8;
    return Number(value);
  }
  override i64(what = 'int64'): bigint {
    this.need(8, what);
    const value = this.view.getBigInt64(this.offset, false);
    this.offset += 8;
    return value;
  }
  override f32(what = 'float32'): number {
    this.need(4, what);
    const value = this.view.getFloat32(this.offset, false);
    this.offset += 4;
    return value;
  }
  override f64(what = 'float64'): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, false);
    this.offset += 8;
    return value;
  }
}

/**
 * A growable output buffer written through a DataView in either byte order. Binary writers size
 * it once (`capacity`) from what they are about to write, so the big particle block never moves;
 * `toBytes()` returns a view of the written bytes, not a copy.
 */
export class BinaryWriter {
  bytes: Uint8Array;
  view: DataView;
  offset = 0;
  constructor(
    readonly littleEndian: boolean,
    capacity = 1024,
  ) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.bytes.buffer);
  }
  /** Makes room for `count` more bytes (the buffer may move: re-read `bytes`/`view` after). */
  reserve(count: number): void {
    const needed = this.offset + count;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.offset));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.offset++] = value;
  }
  i8(value: number): void {
    this.reserve(1);
    this.view.setInt8(this.offset++, value);
  }
  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.offset, value, this.littleEndian);
    this.offset += 2;
  }
  i16(value: number): void {
    this.reserve(2);
    this.view.setInt16(this.offset, value, this.littleEndian);
    this.offset += 2;
  }
  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.offset, value, this.littleEndian);
    this.offset += 4;
  }
  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.offset, value, this.littleEndian);
    this.offset += 4;
  }
  u64(value: number | bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.offset, BigInt(value), this.littleEndian);
    this.offset += 8;
  }
  i64(value: number | bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.offset, BigInt(value), this.littleEndian);
    this.offset += 8;
  }
  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.offset, value, this.littleEndian);
    this.offset += 4;
  }
  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.offset, value, this.littleEndian);
    this.offset += 8;
  }
  raw(data: Uint8Array): void {
    this.reserve(data.byteLength);
    this.bytes.set(data, this.offset);
    this.offset += data.byteLength;
  }
  /** Latin-1 bytes of `text`, no terminator. */
  latin1(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.offset++] = text.charCodeAt(i) & 0xff;
  }
  /** UTF-8 bytes of `text`, no terminator. */
  utf8(text: string): void {
    this.raw(encodeUtf8(text));
  }
  zeros(count: number): void {
    this.reserve(count);
    this.bytes.fill(0, this.offset, this.offset + count);
    this.offset += count;
  }
  /** The bytes written so far (a view). */
  toBytes(): Uint8Array {
    return this.bytes.subarray(0, this.offset);
  }
}

/** Whether this machine stores numbers little-endian (every platform Node and browsers run on). */
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
