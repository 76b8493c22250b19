/**
 * An Alembic archive over Ogawa, opened as `lib/Alembic/AbcCoreOgawa/ArImpl.cpp` opens it. The root
 * group holds six children:
 *   0  data   int32 AbcCoreOgawa file version (0 is the only one)
 *   1  data   int32 Alembic library version that wrote the file (e.g. 10811 for 1.8.11)
 *   2  group  the top object
 *   3  data   archive metadata (`_ai_Application=...;_ai_DateWritten=...`)
 *   4  data   the time sampling table, with each sampling's max sample count
 *   5  data   indexed metadata (short metadata strings objects and properties refer to by index)
 */
import { abcError, AbcErrorCode, withAbcErrors } from '../errors.js';
import { OgawaArchive, type ByteSource } from '../ogawa/archive.js';
import { SampleCache } from './cache.js';
import { SampleAllocator } from './samples.js';
import { DEFAULT_LIMITS, type AlembicLimits, type ReadContext } from './context.js';
import { readIndexedMetaData, readTimeSamplings } from './headers.js';
import { MetaData } from './metadata.js';
import { AlembicObject } from './object.js';
import { TimeSampling } from './time-sampling.js';
import { decodeUtf8 } from '@vfxkit/core';

/** AbcCoreOgawa's file version (`ALEMBIC_OGAWA_FILE_VERSION`): the only one there is. */
export const ABC_OGAWA_FILE_VERSION = 0;
/** The smallest archive there can be: the Ogawa header, a root group of six entries and the two
 *  4-byte version blocks. */
export const MIN_ARCHIVE_BYTES = 16 + 8 + 6 * 8 + 2 * (8 + 4);
/** Archives written before Alembic 1.0 (library version 9999 and below) are refused, as by Alembic. */
export const MIN_LIBRARY_VERSION = 9999;

export interface OpenAlembicOptions {
  limits?: AlembicLimits;
  /** Bytes of decoded samples kept for reuse (shared and repeated samples decode once).
   *  Default 64 MiB; 0 turns the cache off. */
  sampleCacheBytes?: number;
}

/** What `Abc::GetArchiveInfo` reports, from the archive metadata. */
export interface ArchiveInfo {
  /** `_ai_Application`: the application that wrote the archive. */
  application: string;
  /** `_ai_AlembicVersion`: the Alembic library's description ("Alembic 1.8.11 (built ...)"). */
  alembicVersion: string;
  /** The library version number from the root group (10811 for 1.8.11). */
  libraryVersion: number;
  /** `_ai_DateWritten`. */
  dateWritten: string;
  /** `_ai_Description`: the user's description. */
  userDescription: string;
  /** `_ai_DCC_FPS` as a number, or undefined when absent. */
  dccFps: number | undefined;
}

/** The version number 10811 as "1.8.11". */
export function formatLibraryVersion(version: number): string {
  return `${Math.floor(version / 10000)}.${Math.floor(version / 100) % 100}.${version % 100}`;
}

export class AlembicArchive {
  /** The archive bytes when it was opened from memory; undefined over a ByteSource. */
  readonly bytes: Uint8Array | undefined;
  /** Size of the archive in bytes. */
  readonly byteLength: number;
  /** Ogawa container version (1). */
  readonly ogawaVersion: number;
  /** AbcCoreOgawa file version (0). */
  readonly fileVersion: number;
  /** Alembic library version that wrote the archive (10811 for 1.8.11). */
  readonly libraryVersion: number;
  readonly metadata: MetaData;
  readonly timeSamplings: readonly TimeSampling[];
  readonly indexedMetaData: readonly MetaData[];
  /** Things that were off but readable (a newer file version, a missing time sampling table). */
  readonly warnings: string[] = [];
  /** The top object "/". */
  readonly root: AlembicObject;
  /** @internal */
  readonly context: ReadContext;

  constructor(bytes: Uint8Array | ByteSource, options: OpenAlembicOptions = {}) {
    this.bytes = bytes instanceof Uint8Array ? bytes : undefined;
    this.byteLength = bytes.byteLength;
    const limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
    const ogawa = new OgawaArchive(bytes, { maxGroups: limits.maxGroups });
    this.ogawaVersion = ogawa.header.version;
    const root = ogawa.root;

    // 1. The root group's shape.
    const shapeOk =
      root.childCount > 5 && root.isData(0) && root.isData(1) && root.isGroup(2) && root.isData(3) && root.isData(4) && root.isData(5);
    if (!shapeOk && bytes.byteLength < MIN_ARCHIVE_BYTES) {
      throw abcError(
        AbcErrorCode.ABC_TRUNCATED,
        `invalid Alembic archive: ${bytes.byteLength} bytes is less than the smallest Alembic archive (${MIN_ARCHIVE_BYTES} bytes); the file is truncated`,
        { offset: root.position },
      );
    }
    if (!shapeOk) {
      throw abcError(
        AbcErrorCode.ABC_CORRUPT,
        `invalid Alembic archive: the root group has ${root.childCount} children; expected at least 6 (file version, library version, top object, metadata, time samplings, indexed metadata)`,
        { offset: root.position },
      );
    }

    // 2. Versions.
    const fileVersionBlock = root.data(0);
    const fileVersion = fileVersionBlock.size === 4 ? readInt32(fileVersionBlock.bytes()) : -1;
    if (fileVersion < 0) {
      throw abcError(AbcErrorCode.ABC_CORRUPT, `invalid Alembic archive: the file version block has ${fileVersionBlock.size} bytes, expected a 4-byte int`, {
        offset: fileVersionBlock.position,
      });
    }
    if (fileVersion > ABC_OGAWA_FILE_VERSION) {
      this.warnings.push(`AbcCoreOgawa file version ${fileVersion} is newer than the ${ABC_OGAWA_FILE_VERSION} this reader knows; read as version ${ABC_OGAWA_FILE_VERSION}`);
    }
    this.fileVersion = fileVersion;
    const libraryBlock = root.data(1);
    const libraryVersion = libraryBlock.size === 4 ? readInt32(libraryBlock.bytes()) : 0;
    if (libraryVersion < MIN_LIBRARY_VERSION) {
      throw abcError(
        AbcErrorCode.ABC_UNSUPPORTED_VERSION,
        `written by Alembic library version ${libraryVersion}; archives from before Alembic 1.0 (version ${MIN_LIBRARY_VERSION}) are not supported`,
        { offset: libraryBlock.position },
      );
    }
    this.libraryVersion = libraryVersion;

    // 3. Time samplings and indexed metadata (needed by every property header).
    const timeBlock = root.data(4);
    let timeSamplings = withAbcErrors(() => readTimeSamplings(timeBlock.bytes(), timeBlock.payloadPosition, limits.maxTimeSamplings));
    if (timeSamplings.length === 0) {
      this.warnings.push('the archive has no time sampling table; using the default (uniform, 1 per second from 0)');
      timeSamplings = [TimeSampling.identity()];
    }
    this.timeSamplings = timeSamplings;
    const indexedBlock = root.data(5);
    this.indexedMetaData = withAbcErrors(() => readIndexedMetaData(indexedBlock.bytes(), indexedBlock.payloadPosition));

    // 4. Archive metadata.
    const metadataBlock = root.data(3);
    this.metadata = MetaData.parse(decodeUtf8(metadataBlock.bytes()));

    this.context = {
      ogawa,
      indexedMetaData: this.indexedMetaData,
      timeSamplings: this.timeSamplings,
      limits,
      cache: new SampleCache(options.sampleCacheBytes ?? 64 * 1024 * 1024),
      allocator: new SampleAllocator(),
      span: { position: 0, size: 0 },
    };
    // 5. The top object, opened lazily.
    this.root = new AlembicObject(this.context, undefined, 'ABC', this.metadata, () => root.group(2));
  }

  /** Application, versions, date, description and frame rate, as `Abc::GetArchiveInfo`. */
  get info(): ArchiveInfo {
    const fps = this.metadata.get('_ai_DCC_FPS');
    return {
      application: this.metadata.get('_ai_Application'),
      alembicVersion: this.metadata.get('_ai_AlembicVersion'),
      libraryVersion: this.libraryVersion,
      dateWritten: this.metadata.get('_ai_DateWritten'),
      userDescription: this.metadata.get('_ai_Description'),
      dccFps: fps === '' ? undefined : Number.parseFloat(fps),
    };
  }

  /**
   * The archive's time range, as `Abc::GetArchiveStartAndEndTime`: over the time samplings with
   * more than one sample (index 0 excluded) if any, else those with one sample, else the default
   * sampling; undefined when nothing is sampled.
   */
  get timeRange(): { start: number; end: number } | undefined {
    let start = Infinity;
    let end = -Infinity;
    let singleStart = Infinity;
    let singleEnd = -Infinity;
    let defaultStart = Infinity;
    let defaultEnd = -Infinity;
    this.timeSamplings.forEach((ts, i) => {
      const max = ts.maxSamples;
      if (max > 1 && i !== 0) {
        start = Math.min(start, ts.sampleTime(0));
        end = Math.max(end, ts.sampleTime(max - 1));
      } else if (max === 1 && i !== 0) {
        singleStart = Math.min(singleStart, ts.sampleTime(0));
        singleEnd = Math.max(singleEnd, ts.sampleTime(0));
      } else if (max > 0 && i === 0) {
        defaultStart = ts.sampleTime(0);
        defaultEnd = ts.sampleTime(max - 1);
      }
    });
    if (start !== Infinity) return { start, end };
    if (singleStart !== Infinity) return { start: singleStart, end: singleEnd };
    if (defaultStart !== Infinity) return { start: defaultStart, end: defaultEnd };
    return undefined;
  }

  /**
   * The object at `path` ("/a/b"), following instances on the way down as Alembic does, or
   * undefined.
   */
  findObject(path: string): AlembicObject | undefined {
    return resolvePath(this.root, path, 0);
  }

  /** Every object, depth first from the top (instances not followed). */
  objects(): Generator<AlembicObject> {
    return this.root.walk();
  }

  /** Forget decoded samples kept in the cache. */
  clearCache(): void {
    this.context.cache.clear();
  }
}

function resolvePath(root: AlembicObject, path: string, hops: number): AlembicObject | undefined {
  const parts = path.split('/').filter((p) => p.length > 0);
  let current: AlembicObject | undefined = root;
  for (let i = 0; i < parts.length && current !== undefined; i++) {
    current = current.child(parts[i]!);
    // Walking through an instance continues in the object it stands for.
    if (current !== undefined && current.isInstance && i < parts.length - 1) current = resolveInstance(root, current, hops);
  }
  return current;
}

/** The object an instance stands for (chains of instances followed, at most 64 hops). */
export function resolveInstance(root: AlembicObject, instance: AlembicObject, hops = 0): AlembicObject | undefined {
  if (!instance.isInstance) return instance;
  if (hops > 64) {
    throw abcError(AbcErrorCode.ABC_CORRUPT, 'instances refer to each other in a loop', { location: instance.path });
  }
  const source = instance.instanceSource;
  if (source === undefined || source === '') return undefined;
  const target = resolvePath(root, source, hops + 1);
  if (target === undefined) return undefined;
  return target.isInstance ? resolveInstance(root, target, hops + 1) : target;
}

/** Opens an Alembic archive (Ogawa) held in memory. Objects and properties are read on demand. */
export function openAlembic(bytes: Uint8Array | ArrayBuffer | ByteSource, options: OpenAlembicOptions = {}): AlembicArchive {
  // A plain Uint8Array view (a Node Buffer's slice() would not copy); a ByteSource (a file read on
  // demand) is used as it is.
  const input =
    bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  return withAbcErrors(() => new AlembicArchive(input, options));
}

function readInt32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
}
