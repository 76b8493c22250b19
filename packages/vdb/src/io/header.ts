/**
 * The file header (`io::Archive::readHeader`, `io::File::open`), read as OpenVDB reads it:
 *
 * 1. int64 magic number 0x56444220;
 * 2. uint32 file format version: below OLDEST_FILE_VERSION (220) is refused
 *    (VDB_UNSUPPORTED_VERSION), above NEWEST_FILE_VERSION is read on with a warning;
 * 3. uint32 library major and minor version of the writer;
 * 4. one byte: whether the grid descriptors hold offsets (files: yes; `io::Stream` output: no);
 * 5. from SELECTIVE_COMPRESSION to NODE_MASK_COMPRESSION only: one byte "is compressed" (zip);
 *    later files store compression per grid;
 * 6. the UUID as 36 ASCII characters (random per write: compare grids, not bytes);
 * 7. the file metadata (a metadata map);
 * 8. int32 grid count, then the grid descriptors (descriptor.ts).
 *
 * Only the bytes up to the grid count are needed.
 */
import { ByteReader, decodeLatin1 } from '@vfxkit/core';
import { VdbErrorCode, vdbError, withVdbErrors } from '../errors.js';
import { Compression, FileVersion, NEWEST_FILE_VERSION, OLDEST_FILE_VERSION, VDB_MAGIC } from './constants.js';
import { readMetadata } from './metadata.js';
import type { VdbMetadata } from './metadata.js';

export interface VdbHeader {
  /** File format version (220-225 known). */
  fileVersion: number;
  /** The writing library's version. */
  libraryVersion: { major: number; minor: number };
  /** False for streams written by `io::Stream` (grids must be read in order). */
  hasGridOffsets: boolean;
  /** File-level compression flags: what files before version 222 use for every grid. */
  compression: number;
  /** The UUID written with the file (random per write). */
  uuid: string;
  /** File metadata (creator and anything the writer added). */
  metadata: VdbMetadata;
  gridCount: number;
  /** Byte offset of the first grid descriptor. */
  descriptorsOffset: number;
  /** Things worth knowing that did not stop the read (a newer file version). */
  warnings: string[];
}

const MAGIC_BYTES = [0x20, 0x42, 0x44, 0x56, 0, 0, 0, 0];

/** True when `bytes` starts with OpenVDB's magic number. */
export function isVdb(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC_BYTES[i]) return false;
  return true;
}

/** "VDB version" as OpenVDB prints it: `library major.minor/file version`. */
export function versionString(header: Pick<VdbHeader, 'libraryVersion' | 'fileVersion'>): string {
  return `${header.libraryVersion.major}.${header.libraryVersion.minor}/${header.fileVersion}`;
}

/**
 * Reads the header, the file metadata and the grid count from the first bytes of a file (a prefix
 * is enough; VDB_TRUNCATED says when it is too short).
 */
export function readVdbHeader(bytes: Uint8Array): VdbHeader {
  return withVdbErrors(() => {
    const reader = new ByteReader(bytes);
    // 1. Magic number.
    const prefix = Math.min(8, bytes.length);
    for (let i = 0; i < prefix; i++) {
      if (bytes[i] !== MAGIC_BYTES[i]) {
        const found = Array.from(bytes.subarray(0, prefix), (b) => b.toString(16).padStart(2, '0')).join(' ');
        throw vdbError(
          VdbErrorCode.VDB_BAD_MAGIC,
          `not an OpenVDB file: expected the magic number 20 42 44 56 00 00 00 00 ("VDB "), found ${found}`,
          { offset: 0 },
        );
      }
    }
    const magic = reader.i64('magic number');
    if (magic !== BigInt(VDB_MAGIC)) throw vdbError(VdbErrorCode.VDB_BAD_MAGIC, 'not an OpenVDB file', { offset: 0 });

    // 2. File format version.
    const warnings: string[] = [];
    const fileVersion = reader.u32('file format version');
    if (fileVersion < OLDEST_FILE_VERSION) {
      throw vdbError(
        VdbErrorCode.VDB_UNSUPPORTED_VERSION,
        `VDB file format version ${fileVersion} is older than ${OLDEST_FILE_VERSION}, the oldest this reader (and OpenVDB since 6.0, which refuses anything before 221) supports; re-save the file with a current OpenVDB`,
        { offset: 8 },
      );
    }
    if (fileVersion > NEWEST_FILE_VERSION) {
      warnings.push(`file format version ${fileVersion} is newer than ${NEWEST_FILE_VERSION}, the newest this reader knows; reading it as ${NEWEST_FILE_VERSION}`);
    }

    // 3. Library version.
    const major = reader.u32('library major version');
    const minor = reader.u32('library minor version');

    // 4. Whether descriptors hold grid offsets.
    const hasGridOffsets = reader.u8('grid offsets flag') !== 0;

    // 5. File-level compression (only stored between SELECTIVE_COMPRESSION and NODE_MASK_COMPRESSION).
    let compression: number = fileVersion < FileVersion.BLOSC_COMPRESSION ? Compression.ZIP | Compression.ACTIVE_MASK : Compression.BLOSC | Compression.ACTIVE_MASK;
    if (fileVersion >= FileVersion.SELECTIVE_COMPRESSION && fileVersion < FileVersion.NODE_MASK_COMPRESSION) {
      compression = reader.u8('compression flag') !== 0 ? Compression.ZIP : Compression.NONE;
    }

    // 6. UUID.
    const uuid = decodeLatin1(reader.subarray(36, 'file UUID'));

    // 7. File metadata.
    const metadata = readMetadata(reader, 'file metadata');

    // 8. Grid count.
    const countAt = reader.offset;
    const gridCount = reader.i32('grid count');
    if (gridCount < 0) throw vdbError(VdbErrorCode.VDB_CORRUPT, `the file declares ${gridCount} grids`, { offset: countAt });

    return {
      fileVersion,
      libraryVersion: { major, minor },
      hasGridOffsets,
      compression,
      uuid,
      metadata,
      gridCount,
      descriptorsOffset: reader.offset,
      warnings,
    };
  });
}
