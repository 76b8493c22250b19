/**
 * Ogawa: the container under every Alembic 1.5+ archive. Read this against
 * `lib/Alembic/Ogawa/IArchive.cpp`, `IStreams.cpp`, `IGroup.cpp` and `IData.cpp` of alembic/alembic.
 *
 * Layout (all integers little-endian):
 *   bytes 0..4   "Ogawa"
 *   byte  5      0xff once the writer finished ("frozen"), 0 while it was still writing
 *   bytes 6..7   format version, big-endian in effect (byte 6 high, byte 7 low); only 1 exists
 *   bytes 8..15  uint64 position of the root group
 *
 * A group at position p: uint64 child count n, then n uint64 child entries. An entry with the top
 * bit set is data, at the position in the low 63 bits; otherwise it is a group. Entry 0 is the empty
 * group, entry 0x8000000000000000 the empty data block. A data block at position p: uint64 size s,
 * then s bytes.
 *
 * This layer knows groups and bytes only. It checks every position and size against the bytes
 * present before reading, refuses a group that contains itself (a cycle), and stops a walk that
 * opens more groups than the file has room for (Alembic never shares groups; a hostile file that
 * does could otherwise make a walk explode), so any walk is bounded by the size of the file.
 */
import { abcError, AbcErrorCode } from '../errors.js';

/** "Ogawa" */
export const OGAWA_MAGIC = new Uint8Array([0x4f, 0x67, 0x61, 0x77, 0x61]);
/** The HDF5 signature: "\x89HDF\r\n\x1a\n". HDF5 Alembic archives start with it (the superblock may
 *  also sit at 512, 1024, ... when a user block precedes it). */
export const HDF5_MAGIC = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The only Ogawa format version there is. */
export const OGAWA_VERSION = 1;
/** Size of the file header. */
export const OGAWA_HEADER_SIZE = 16;

const TWO_32 = 4294967296;

export interface OgawaHeader {
  /** True when the writer finished the archive. */
  frozen: boolean;
  /** The format version (1). */
  version: number;
  /** Position of the root group. */
  rootPosition: number;
}

export interface OgawaLimits {
  /** Most groups one archive may open (guards walks over hostile files). Default 50,000,000. */
  maxGroups?: number;
}

/**
 * Where an archive's bytes come from when they are not all in memory: a file read on demand (the
 * node adapter in tools/abc), so listing a 10 GB cache reads only its groups and headers.
 */
export interface ByteSource {
  /** Size of the archive in bytes. */
  readonly byteLength: number;
  /**
   * Bytes `[start, end)`, already checked to lie within `byteLength`. The array must stay valid
   * as long as the caller holds it (a view into a page that is never overwritten, or a copy).
   */
  read(start: number, end: number): Uint8Array;
}

function startsWith(bytes: Uint8Array, magic: Uint8Array, at = 0): boolean {
  if (bytes.byteLength < at + magic.byteLength) return false;
  for (let i = 0; i < magic.byteLength; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/** True when the bytes start with Ogawa's magic. */
export function isOgawa(bytes: Uint8Array): boolean {
  return startsWith(bytes, OGAWA_MAGIC);
}

/** True when the bytes are an HDF5 file (the signature at 0, 512, 1024, ... up to what is present). */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let at = 0; at + HDF5_MAGIC.byteLength <= bytes.byteLength && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
    if (startsWith(bytes, HDF5_MAGIC, at)) return true;
  }
  return false;
}

/**
 * Reads and checks the 16-byte header: magic, HDF5 refusal, version, frozen flag, root position.
 * Throws ABC_HDF5, ABC_NOT_OGAWA, ABC_TRUNCATED, ABC_UNSUPPORTED_VERSION or ABC_INCOMPLETE.
 */
export function readOgawaHeader(bytes: Uint8Array): OgawaHeader {
  // 1. What kind of file is this?
  if (isHdf5(bytes)) {
    throw abcError(
      AbcErrorCode.ABC_HDF5,
      'this is an HDF5 Alembic archive (the format Alembic wrote before 1.5); only Ogawa archives are read. ' +
        "Convert it with Alembic's abcconvert (`abcconvert -toOgawa in.abc out.abc`)",
      { offset: 0 },
    );
  }
  if (!isOgawa(bytes)) {
    const prefix = bytes.byteLength < OGAWA_MAGIC.byteLength && startsWith(OGAWA_MAGIC, bytes);
    if (prefix) {
      throw abcError(AbcErrorCode.ABC_TRUNCATED, `the file ends after ${bytes.byteLength} bytes, inside the Ogawa header`, { offset: 0 });
    }
    const head = Array.from(bytes.subarray(0, 8), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
    throw abcError(AbcErrorCode.ABC_NOT_OGAWA, `not an Alembic archive: expected the Ogawa magic "Ogawa", found "${head}"`, { offset: 0 });
  }
  // 2. The rest of the fixed header.
  if (bytes.byteLength < OGAWA_HEADER_SIZE) {
    throw abcError(AbcErrorCode.ABC_TRUNCATED, `the file ends after ${bytes.byteLength} bytes, inside the 16-byte Ogawa header`, { offset: 0 });
  }
  const version = (bytes[6]! << 8) | bytes[7]!;
  if (version !== OGAWA_VERSION) {
    throw abcError(
      AbcErrorCode.ABC_UNSUPPORTED_VERSION,
      `Ogawa format version ${version} (bytes 6-7: 0x${bytes[6]!.toString(16).padStart(2, '0')} 0x${bytes[7]!.toString(16).padStart(2, '0')}); only version 1 exists`,
      { offset: 6 },
    );
  }
  const frozen = bytes[5] === 0xff;
  if (!frozen) {
    throw abcError(
      AbcErrorCode.ABC_INCOMPLETE,
      `the archive was not closed cleanly while being written (frozen byte is 0x${bytes[5]!.toString(16).padStart(2, '0')}, expected 0xff); the writer crashed or is still writing`,
      { offset: 5 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(8, true);
  const high = view.getUint32(12, true);
  const rootPosition = high * TWO_32 + low;
  return { frozen, version, rootPosition };
}

/** Where a data block is, without an object per block (for hot loops: fill one and reuse it). */
export interface DataSpan {
  /** Position of the block (its size field); 0 for the empty block. */
  position: number;
  /** Size of the payload. */
  size: number;
}

/** A data block: `size` bytes at `position + 8`. */
export class OgawaData {
  /** Position of the block (its 8-byte size field); 0 for the empty block. */
  readonly position: number;
  /** Size of the payload in bytes. */
  readonly size: number;
  private readonly archive: OgawaArchive;

  constructor(archive: OgawaArchive, position: number, size: number) {
    this.archive = archive;
    this.position = position;
    this.size = size;
  }

  /** The payload: a view into the archive bytes (no copy), or read from its ByteSource. */
  bytes(): Uint8Array {
    if (this.size === 0) return new Uint8Array(0);
    const start = this.position + 8;
    return this.archive.read(start, start + this.size);
  }

  /** Absolute position of the payload's first byte. */
  get payloadPosition(): number {
    return this.position + 8;
  }
}

/**
 * A group, read lazily: the child table is read on demand, child groups are opened once and kept.
 */
export class OgawaGroup {
  readonly archive: OgawaArchive;
  /** Position of the group; 0 for the empty group. */
  readonly position: number;
  /** Number of children. */
  readonly childCount: number;
  /** The group this one was opened from (undefined for the root). */
  readonly parent: OgawaGroup | undefined;
  private children: (OgawaGroup | undefined)[] | undefined;

  constructor(archive: OgawaArchive, position: number, childCount: number, parent?: OgawaGroup) {
    this.archive = archive;
    this.position = position;
    this.childCount = childCount;
    this.parent = parent;
  }

  private entry(index: number): { high: number; low: number } {
    if (!Number.isInteger(index) || index < 0 || index >= this.childCount) {
      throw abcError(AbcErrorCode.ABC_BAD_ARGUMENT, `child ${index} of the group at ${this.position} does not exist (it has ${this.childCount})`);
    }
    return this.archive.readEntry(this.position + 8 + index * 8);
  }

  /** True when child `index` is a data block (including the empty one). */
  isData(index: number): boolean {
    return (this.entry(index).high & 0x80000000) !== 0;
  }
  /** True when child `index` is a group (including the empty one). */
  isGroup(index: number): boolean {
    return !this.isData(index);
  }
  /** True when child `index` is the empty group (entry 0). */
  isEmptyGroup(index: number): boolean {
    const { high, low } = this.entry(index);
    return high === 0 && low === 0;
  }
  /** True when child `index` is the empty data block (entry 0x8000000000000000). */
  isEmptyData(index: number): boolean {
    const { high, low } = this.entry(index);
    return high === 0x80000000 && low === 0;
  }

  /** The position child `index` points at (data bit cleared). */
  childPosition(index: number): number {
    const { high, low } = this.entry(index);
    return (high & 0x7fffffff) * TWO_32 + low;
  }

  /** Child `index` as a group. Throws ABC_CORRUPT when it is data, out of range, or a cycle. */
  group(index: number): OgawaGroup {
    const cached = this.children?.[index];
    if (cached !== undefined) return cached;
    const { high, low } = this.entry(index);
    if ((high & 0x80000000) !== 0) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `child ${index} of the group at ${this.position} is a data block where a group was expected`, {
        offset: this.position + 8 + index * 8,
      });
    }
    const position = high * TWO_32 + low;
    const child = this.archive.openGroup(position, this.position + 8 + index * 8, this);
    this.children ??= new Array<OgawaGroup | undefined>(this.childCount);
    this.children[index] = child;
    return child;
  }

  /** Child `index` as a data block, written into `span` (no allocation). Same checks as `data`. */
  dataSpan(index: number, span: DataSpan): DataSpan {
    if (!(index >= 0 && index < this.childCount) || !Number.isInteger(index)) this.entry(index);
    return this.archive.dataSpanIn(this.position, index, span);
  }

  /**
   * Child `index` as a leaf group, one whose children are all data (a scalar or array property's
   * samples): its position and child count go into `span.position` and `span.size`, without
   * opening a group object. A leaf is never descended into, so it cannot make a walk loop.
   */
  leafSpan(index: number, span: DataSpan): DataSpan {
    const { high, low } = this.entry(index);
    const from = this.position + 8 + index * 8;
    if ((high & 0x80000000) !== 0) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `child ${index} of the group at ${this.position} is a data block where a group was expected`, { offset: from });
    }
    const position = high * TWO_32 + low;
    span.position = position;
    span.size = position === 0 ? 0 : this.archive.groupCount(position, from);
    return span;
  }

  /** Child `index` as a data block. Throws ABC_CORRUPT when it is a group or out of range. */
  data(index: number): OgawaData {
    if (!(index >= 0 && index < this.childCount) || !Number.isInteger(index)) this.entry(index);
    const { low, high } = this.archive.readEntry(this.position + 8 + index * 8);
    if ((high & 0x80000000) === 0) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `child ${index} of the group at ${this.position} is a group where a data block was expected`, {
        offset: this.position + 8 + index * 8,
      });
    }
    const position = (high & 0x7fffffff) * TWO_32 + low;
    return this.archive.openData(position, this.position + 8 + index * 8);
  }
}

/** An Ogawa archive over bytes in memory or a ByteSource read on demand. */
export class OgawaArchive {
  /** The archive bytes when they are in memory; undefined over a ByteSource. */
  readonly bytes: Uint8Array | undefined;
  /** Size of the archive in bytes. */
  readonly byteLength: number;
  private readonly source: ByteSource | undefined;
  private readonly view: DataView | undefined;
  private readonly entry = { low: 0, high: 0 };
  readonly header: OgawaHeader;
  readonly root: OgawaGroup;
  /** Groups opened so far. */
  private opened = 0;
  private readonly maxGroups: number;
  /** Distinct groups the file can hold: each takes at least 16 bytes (count and one entry). */
  private readonly roomForGroups: number;

  constructor(input: Uint8Array | ByteSource, limits: OgawaLimits = {}) {
    if (input instanceof Uint8Array) {
      this.bytes = input;
      this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    } else {
      this.source = input;
    }
    const bytes = { byteLength: input.byteLength };
    this.byteLength = input.byteLength;
    this.maxGroups = limits.maxGroups ?? 50_000_000;
    this.roomForGroups = Math.floor(bytes.byteLength / 16);
    // The HDF5 signature may sit up to 1 MiB in (after a user block): read that far only when the
    // Ogawa magic is not at the start.
    const head = this.bytes ?? this.read(0, Math.min(this.byteLength, OGAWA_HEADER_SIZE));
    this.header = readOgawaHeader(this.bytes !== undefined || isOgawa(head) ? head : this.read(0, Math.min(this.byteLength, (1 << 20) + 8)));
    const rootPosition = this.header.rootPosition;
    // The root group is written last: a root beyond the end means the file was cut short.
    if (rootPosition < OGAWA_HEADER_SIZE || rootPosition + 8 > bytes.byteLength) {
      if (rootPosition >= OGAWA_HEADER_SIZE) {
        throw abcError(
          AbcErrorCode.ABC_TRUNCATED,
          `the archive is truncated: its root group is at byte ${rootPosition} but the file has ${bytes.byteLength} bytes`,
          { offset: 8 },
        );
      }
      throw abcError(AbcErrorCode.ABC_CORRUPT, `the root group position ${rootPosition} points inside the 16-byte header`, { offset: 8 });
    }
    const count = this.readCount(rootPosition);
    if (rootPosition + 8 + count * 8 > bytes.byteLength) {
      throw abcError(
        AbcErrorCode.ABC_TRUNCATED,
        `the archive is truncated: its root group at byte ${rootPosition} lists ${count} children, which needs ${8 + count * 8} bytes; ${bytes.byteLength - rootPosition} are present`,
        { offset: rootPosition },
      );
    }
    this.opened = 1;
    this.root = new OgawaGroup(this, rootPosition, count);
  }

  /** Bytes `[start, end)` (checked by the caller to lie in the archive). */
  read(start: number, end: number): Uint8Array {
    return this.bytes !== undefined ? this.bytes.subarray(start, end) : this.source!.read(start, end);
  }

  /** The two 32-bit halves of the uint64 at `at` (checked by the caller). The object is reused:
   *  read both fields before the next call. */
  readEntry(at: number): { low: number; high: number } {
    const entry = this.entry;
    if (this.view !== undefined) {
      entry.low = this.view.getUint32(at, true);
      entry.high = this.view.getUint32(at + 4, true);
    } else {
      const b = this.source!.read(at, at + 8);
      entry.low = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      entry.high = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
    }
    return entry;
  }

  private readCount(position: number): number {
    const { low, high } = this.readEntry(position);
    if (high > 0x1fffff) return Number.MAX_SAFE_INTEGER;
    return high * TWO_32 + low;
  }

  /**
   * Opens the group at `position`, referenced from the entry at `from` in `parent`. A group that is
   * its own ancestor is a cycle; opening more groups than the file has room for means some group
   * is reached twice (a shared subtree, which Alembic never writes and which would make a walk
   * explode): both are ABC_CORRUPT, so a walk is bounded by the size of the file.
   */
  openGroup(position: number, from: number, parent?: OgawaGroup): OgawaGroup {
    if (position === 0) return new OgawaGroup(this, 0, 0, parent);
    const size = this.byteLength;
    if (position < OGAWA_HEADER_SIZE || position + 8 > size) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `a group entry points at byte ${position}, outside the archive's groups (the file has ${size} bytes)`,
        { offset: from },
      );
    }
    for (let up = parent; up !== undefined; up = up.parent) {
      if (up.position === position) {
        throw abcError(AbcErrorCode.ABC_CORRUPT, `the group at byte ${position} is reached a second time: it contains itself (a cycle in the Ogawa tree)`, {
          offset: from,
        });
      }
    }
    if (this.opened >= this.roomForGroups) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `more groups reached than the ${size}-byte file can hold: some group is reached a second time (a shared group Alembic never writes)`,
        { offset: from },
      );
    }
    if (this.opened >= this.maxGroups) {
      throw abcError(AbcErrorCode.ABC_LIMIT, `more than ${this.maxGroups} groups opened (limits.maxGroups)`, { offset: from });
    }
    const count = this.readCount(position);
    if (count > (size - position - 8) / 8) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `the group at byte ${position} declares ${count} children, more than the ${Math.floor((size - position - 8) / 8)} entries the file has room for`,
        { offset: position },
      );
    }
    this.opened++;
    return new OgawaGroup(this, position, count, parent);
  }

  /** The child count of the group at `position` (not 0), checked against the file. */
  groupCount(position: number, from: number): number {
    const size = this.byteLength;
    if (position < OGAWA_HEADER_SIZE || position + 8 > size) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `a group entry points at byte ${position}, outside the archive's groups (the file has ${size} bytes)`, {
        offset: from,
      });
    }
    const count = this.readCount(position);
    if (count > (size - position - 8) / 8) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `the group at byte ${position} declares ${count} children, more than the ${Math.floor((size - position - 8) / 8)} entries the file has room for`,
        { offset: position },
      );
    }
    return count;
  }

  /** Entry `index` (already checked to exist) of the group at `groupPosition` as a data block,
   *  into `span`. */
  dataSpanIn(groupPosition: number, index: number, span: DataSpan): DataSpan {
    const at = groupPosition + 8 + index * 8;
    const { low, high } = this.readEntry(at);
    if ((high & 0x80000000) === 0) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `child ${index} of the group at ${groupPosition} is a group where a data block was expected`, { offset: at });
    }
    const position = (high & 0x7fffffff) * TWO_32 + low;
    span.position = position;
    span.size = position === 0 ? 0 : this.dataSize(position, at);
    return span;
  }

  /** Opens the data block at `position`, referenced from the entry at `from`. */
  openData(position: number, from: number): OgawaData {
    if (position === 0) return new OgawaData(this, 0, 0);
    return new OgawaData(this, position, this.dataSize(position, from));
  }

  /** The checked payload size of the data block at `position` (not 0), referenced from `from`. */
  dataSize(position: number, from: number): number {
    const size = this.byteLength;
    if (position < OGAWA_HEADER_SIZE || position + 8 > size) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `a data entry points at byte ${position}, outside the archive (the file has ${size} bytes)`,
        { offset: from },
      );
    }
    const length = this.readCount(position);
    if (length > size - position - 8) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `the data block at byte ${position} declares ${length === Number.MAX_SAFE_INTEGER ? 'more than 2^53' : length} bytes; only ${size - position - 8} follow it in the file`,
        { offset: position },
      );
    }
    return length;
  }
}
