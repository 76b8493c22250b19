/**
 * The header blocks of AbcCoreOgawa, read as `lib/Alembic/AbcCoreOgawa/ReadUtil.cpp` reads them:
 * time samplings (`ReadTimeSamplesAndMax`), indexed metadata (`ReadIndexedMetaData`), object
 * headers (`ReadObjectHeaders`) and property headers (`ReadPropertyHeaders`). Every read is checked
 * against the block; a block that does not parse is ABC_CORRUPT with the object path as location.
 */
import { decodeUtf8 } from '@vfxkit/core';
import { abcError, AbcErrorCode } from '../errors.js';
import { POD_TYPES, type PodType } from './datatype.js';
import { EMPTY_METADATA, MetaData } from './metadata.js';
import { ACYCLIC_TIME_PER_CYCLE, TimeSampling } from './time-sampling.js';

/** A location, or something whose `path` names it (asked only when an error needs it). */
export type Location = string | { readonly path: string };

function locationText(location: Location): string {
  return typeof location === 'string' ? location : location.path;
}

/** A cursor over one data block that fails with ABC_CORRUPT naming the block. */
class BlockCursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  offset = 0;
  constructor(
    bytes: Uint8Array,
    private readonly what: string,
    private readonly location: Location | undefined,
    private readonly base: number,
  ) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }
  fail(message: string): never {
    const location = this.location === undefined ? undefined : typeof this.location === 'string' ? this.location : this.location.path;
    throw abcError(AbcErrorCode.ABC_CORRUPT, `${this.what}: ${message}`, {
      offset: this.base + this.offset,
      ...(location !== undefined ? { location } : {}),
    });
  }
  need(count: number, what: string): void {
    if (count > this.remaining) this.fail(`${what} needs ${count} bytes at byte ${this.offset} of the ${this.bytes.byteLength}-byte block`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  f64(what: string): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }
  /** A uint32 stored in 1, 2 or 4 bytes by the property header's size hint. */
  hinted(hint: number, what: string): number {
    if (hint === 0) return this.u8(what);
    if (hint === 1) return this.u16(what);
    if (hint === 2) return this.u32(what);
    return this.fail(`size hint ${hint} is not 0, 1 or 2`);
  }
  text(count: number, what: string): string {
    this.need(count, what);
    const start = this.offset;
    this.offset += count;
    // Names and metadata are nearly always ASCII: skip the decoder for short ASCII runs.
    if (count <= 64) {
      let ascii = '';
      for (let i = start; i < start + count; i++) {
        const b = this.bytes[i]!;
        if (b >= 0x80) return decodeUtf8(this.bytes.subarray(start, start + count));
        ascii += String.fromCharCode(b);
      }
      return ascii;
    }
    return decodeUtf8(this.bytes.subarray(start, start + count));
  }
}

/** The archive's time sampling table: for each, max samples (uint32), time per cycle (float64),
 *  stored time count (uint32) and the stored times (float64 each). */
export function readTimeSamplings(bytes: Uint8Array, base: number, maxTimeSamplings: number): TimeSampling[] {
  const cursor = new BlockCursor(bytes, 'time sampling table', undefined, base);
  const out: TimeSampling[] = [];
  while (cursor.remaining > 0) {
    if (out.length >= maxTimeSamplings) {
      throw abcError(AbcErrorCode.ABC_LIMIT, `more than ${maxTimeSamplings} time samplings (limits.maxTimeSamplings)`, { offset: base + cursor.offset });
    }
    const maxSamples = cursor.u32('max sample count');
    const timePerCycle = cursor.f64('time per cycle');
    const count = cursor.u32('stored time count');
    if (count < 1) cursor.fail(`time sampling ${out.length} stores no times (at least 1 is required)`);
    if (count * 8 > cursor.remaining) cursor.fail(`time sampling ${out.length} stores ${count} times, more than the block holds`);
    const times: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) times[i] = cursor.f64('stored time');
    for (let i = 1; i < count; i++) {
      if (!(times[i]! > times[i - 1]!)) cursor.fail(`time sampling ${out.length}: stored time ${i} (${times[i]}) is not after ${times[i - 1]}`);
    }
    const acyclic = timePerCycle === ACYCLIC_TIME_PER_CYCLE;
    if (!acyclic && !(timePerCycle > 0 && Number.isFinite(timePerCycle))) {
      cursor.fail(`time sampling ${out.length} has time per cycle ${timePerCycle}`);
    }
    out.push(new TimeSampling(timePerCycle, times, maxSamples));
  }
  return out;
}

/** Indexed metadata: index 0 is the empty metadata; then one entry per (uint8 size, string). */
export function readIndexedMetaData(bytes: Uint8Array, base: number): MetaData[] {
  const out: MetaData[] = [EMPTY_METADATA];
  if (bytes.byteLength > 65536) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, `the indexed metadata block is ${bytes.byteLength} bytes; at most 65536 (255 strings under 256 bytes) can be valid`, {
      offset: base,
    });
  }
  const cursor = new BlockCursor(bytes, 'indexed metadata', undefined, base);
  while (cursor.remaining > 0) {
    const size = cursor.u8('metadata size');
    out.push(MetaData.parse(cursor.text(size, 'metadata')));
  }
  return out;
}

/** One child object as its parent's header block lists it. */
export interface ObjectHeader {
  name: string;
  metadata: MetaData;
}

/** Object headers: for each child, uint32 name size, name, uint8 metadata index (0xff: uint32
 *  size and the metadata inline); then 32 bytes of hashes (properties, children). */
export function readObjectHeaders(
  bytes: Uint8Array,
  base: number,
  indexed: readonly MetaData[],
  location: Location,
  maxChildren: number,
): ObjectHeader[] {
  if (bytes.byteLength <= 32) return [];
  const cursor = new BlockCursor(bytes.subarray(0, bytes.byteLength - 32), 'object headers', location, base);
  const out: ObjectHeader[] = [];
  while (cursor.remaining > 0) {
    if (out.length >= maxChildren) {
      throw abcError(AbcErrorCode.ABC_LIMIT, `more than ${maxChildren} child objects (limits.maxChildren)`, { location: locationText(location), offset: base + cursor.offset });
    }
    const nameSize = cursor.u32('name size');
    if (nameSize === 0) cursor.fail(`child ${out.length} has an empty name`);
    if (nameSize + 1 > cursor.remaining) cursor.fail(`child ${out.length}'s name (${nameSize} bytes) runs past the block`);
    const name = cursor.text(nameSize, 'name');
    const index = cursor.u8('metadata index');
    let metadata: MetaData = EMPTY_METADATA;
    if (index === 0xff) {
      const size = cursor.u32('metadata size');
      metadata = MetaData.parse(cursor.text(size, 'metadata'));
    } else if (index < indexed.length) {
      metadata = indexed[index]!;
    } else {
      cursor.fail(`child "${name}" names indexed metadata ${index}; the archive has ${indexed.length - 1}`);
    }
    out.push({ name, metadata });
  }
  return out;
}

export type PropertyKind = 'compound' | 'scalar' | 'array';

/** A property as its compound's header block describes it. */
export interface PropertyHeader {
  name: string;
  kind: PropertyKind;
  metadata: MetaData;
  /** For scalar and array properties. */
  pod: PodType | undefined;
  extent: number;
  /** Number of samples (`nextSampleIndex`). */
  sampleCount: number;
  /** First sample that differs from sample 0 (0 when all are equal). */
  firstChangedIndex: number;
  /** Last sample that differs from the one before it (0 when all are equal). */
  lastChangedIndex: number;
  timeSamplingIndex: number;
  /** Every sample has the same number of elements. */
  homogeneous: boolean;
  /** An array property whose every sample has exactly one element (info type 3). */
  scalarLike: boolean;
}

/**
 * Property headers. Info word bits: 0-1 property type (0 compound, 1 scalar, 2 array, 3 scalar-like
 * array), 2-3 size hint (1/2/4-byte sizes), 4-7 POD, 8 has a time sampling index, 9 has first and
 * last changed indices, 10 homogeneous, 11 every sample equal, 12-19 extent, 20-27 metadata index.
 */
export function readPropertyHeaders(
  bytes: Uint8Array,
  base: number,
  indexed: readonly MetaData[],
  timeSamplingCount: number,
  location: Location,
  maxProperties: number,
): PropertyHeader[] {
  const cursor = new BlockCursor(bytes, 'property headers', location, base);
  const out: PropertyHeader[] = [];
  while (cursor.remaining > 0) {
    if (out.length >= maxProperties) {
      throw abcError(AbcErrorCode.ABC_LIMIT, `more than ${maxProperties} properties in one compound (limits.maxProperties)`, {
        location: locationText(location),
        offset: base + cursor.offset,
      });
    }
    const info = cursor.u32('info');
    const type = info & 0x3;
    const hint = (info >>> 2) & 0x3;
    const kind: PropertyKind = type === 0 ? 'compound' : type === 1 ? 'scalar' : 'array';
    const header: PropertyHeader = {
      name: '',
      kind,
      metadata: EMPTY_METADATA,
      pod: undefined,
      extent: 0,
      sampleCount: 0,
      firstChangedIndex: 0,
      lastChangedIndex: 0,
      timeSamplingIndex: 0,
      homogeneous: true,
      scalarLike: (type & 1) === 1,
    };
    if (kind !== 'compound') {
      const podIndex = (info >>> 4) & 0xf;
      if (podIndex >= POD_TYPES.length) cursor.fail(`property ${out.length} has POD type ${podIndex} (valid: 0-13)`);
      header.pod = POD_TYPES[podIndex]!;
      header.extent = (info >>> 12) & 0xff;
      header.homogeneous = (info & 0x400) !== 0;
      header.sampleCount = cursor.hinted(hint, 'sample count');
      if ((info & 0x200) !== 0) {
        header.firstChangedIndex = cursor.hinted(hint, 'first changed index');
        header.lastChangedIndex = cursor.hinted(hint, 'last changed index');
      } else if ((info & 0x800) !== 0) {
        header.firstChangedIndex = 0;
        header.lastChangedIndex = 0;
      } else {
        header.firstChangedIndex = 1;
        header.lastChangedIndex = header.sampleCount - 1;
      }
      if ((info & 0x100) !== 0) header.timeSamplingIndex = cursor.hinted(hint, 'time sampling index');
      // Zero or one sample: nothing can have changed.
      if (header.sampleCount <= 1) {
        header.firstChangedIndex = 0;
        header.lastChangedIndex = 0;
      }
    }
    const nameSize = cursor.hinted(hint, 'name size');
    if (nameSize === 0) cursor.fail(`property ${out.length} has an empty name`);
    header.name = cursor.text(nameSize, 'name');
    const metadataIndex = (info >>> 20) & 0xff;
    if (metadataIndex === 0xff) {
      const size = cursor.hinted(hint, 'metadata size');
      header.metadata = MetaData.parse(cursor.text(size, 'metadata'));
    } else if (metadataIndex < indexed.length) {
      header.metadata = indexed[metadataIndex]!;
    } else {
      cursor.fail(`property "${header.name}" names indexed metadata ${metadataIndex}; the archive has ${indexed.length - 1}`);
    }
    if (kind !== 'compound') {
      const where = `property "${header.name}"`;
      if (header.extent === 0) cursor.fail(`${where} has extent 0`);
      if (header.timeSamplingIndex >= timeSamplingCount) {
        cursor.fail(`${where} uses time sampling ${header.timeSamplingIndex}; the archive has ${timeSamplingCount}`);
      }
      const constant = header.firstChangedIndex === 0 && header.lastChangedIndex === 0;
      if (!constant && header.sampleCount > 0) {
        if (header.firstChangedIndex < 1 || header.firstChangedIndex > header.lastChangedIndex || header.lastChangedIndex >= header.sampleCount) {
          cursor.fail(
            `${where}: changed indices ${header.firstChangedIndex}..${header.lastChangedIndex} do not fit its ${header.sampleCount} samples`,
          );
        }
      }
    }
    out.push(header);
  }
  return out;
}
