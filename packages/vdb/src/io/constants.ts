/**
 * The numbers of the OpenVDB file format, named as OpenVDB names them (`openvdb/version.h`,
 * `io/Compression.h`). Every place the layout depends on the file version tests one of the
 * `FileVersion` gates below by name, never a bare number.
 */

/** The magic number: the first 8 bytes of every .vdb file (an int64, "VDB " then four zero bytes). */
export const VDB_MAGIC = 0x56444220;

/** File format versions at which the layout changed (OpenVDB's `OPENVDB_FILE_VERSION_*`). */
export const FileVersion = {
  /** The root node stores its table as a map (older layouts predate OpenVDB 1.0). */
  ROOTNODE_MAP: 213,
  /** Internal node values may be zip-compressed. */
  INTERNALNODE_COMPRESSION: 214,
  SIMPLIFIED_GRID_TYPENAME: 215,
  /** Grid descriptors carry an instance parent name. */
  GRID_INSTANCING: 216,
  BOOL_LEAF_OPTIMIZATION: 217,
  /** The header holds the UUID as 36 ASCII characters. */
  BOOST_UUID: 218,
  NO_GRIDMAP: 219,
  NEW_TRANSFORM: 219,
  /** The header holds a one-byte "is compressed" flag (until NODE_MASK_COMPRESSION). */
  SELECTIVE_COMPRESSION: 220,
  /** A frustum map stores its index bounding box as doubles (before: as int32 coordinates). */
  FLOAT_FRUSTUM_BBOX: 221,
  /** Compression is per grid (a uint32 before each grid), every value buffer opens with a one-byte
   *  mask-compression code, internal nodes store all their values, leaf buffers lose their origin. */
  NODE_MASK_COMPRESSION: 222,
  /** Blosc compression; zip stops being the default. */
  BLOSC_COMPRESSION: 223,
  POINT_INDEX_GRID: 223,
  /** Grids whose leaves need several passes (point data grids) store a uint16 pass count. */
  MULTIPASS_IO: 224,
  /** Half-float grids (`Tree_half_5_4_3`), written from OpenVDB 13. */
  HALF_GRID: 225,
} as const;

/** The oldest version this reader understands (OpenVDB itself refuses anything before 221). */
export const OLDEST_FILE_VERSION = FileVersion.SELECTIVE_COMPRESSION;
/** The newest version this reader knows; newer files are read on, with a warning. */
export const NEWEST_FILE_VERSION = FileVersion.HALF_GRID;

/** Per-grid compression flags (`io::COMPRESS_*`). */
export const Compression = {
  NONE: 0,
  ZIP: 0x1,
  ACTIVE_MASK: 0x2,
  BLOSC: 0x4,
} as const;

/** The names OpenVDB's `compressionToString` gives, joined with " + ". */
export function compressionToString(flags: number): string {
  if (flags === Compression.NONE) return 'none';
  const parts: string[] = [];
  if (flags & Compression.ZIP) parts.push('zip');
  if (flags & Compression.BLOSC) parts.push('blosc');
  if (flags & Compression.ACTIVE_MASK) parts.push('active values');
  return parts.join(' + ');
}

/**
 * The one-byte code before every value buffer (from NODE_MASK_COMPRESSION on) saying which
 * inactive values were left out and how to restore them (`io::MaskCompress`).
 */
export const MaskCompression = {
  /** No inactive values, or all inactive values are +background. */
  NO_MASK_OR_INACTIVE_VALS: 0,
  /** All inactive values are -background. */
  NO_MASK_AND_MINUS_BG: 1,
  /** All inactive values are one stored non-background value. */
  NO_MASK_AND_ONE_INACTIVE_VAL: 2,
  /** A selection mask picks -background (off) or +background (on). */
  MASK_AND_NO_INACTIVE_VALS: 3,
  /** A selection mask picks one stored value (off) or background (on). */
  MASK_AND_ONE_INACTIVE_VAL: 4,
  /** A selection mask picks between two stored values. */
  MASK_AND_TWO_INACTIVE_VALS: 5,
  /** More than two distinct inactive values: every value is stored. */
  NO_MASK_AND_ALL_VALS: 6,
} as const;

/** The suffix a grid type gets when its floats are stored as halves. */
export const HALF_FLOAT_TYPENAME_SUFFIX = '_HalfFloat';
/** The separator between a grid name and its uniqueness suffix (ASCII record separator). */
export const UNIQUE_NAME_SEPARATOR = '\x1e';

/** Grid classes (the `class` metadata). */
export type VdbGridClass = 'level set' | 'fog volume' | 'staggered' | 'unknown';
export const GRID_CLASSES: readonly VdbGridClass[] = ['unknown', 'level set', 'fog volume', 'staggered'];

/** Names of the standard grid metadata (`GridBase::META_*`). */
export const GridMeta = {
  CLASS: 'class',
  CREATOR: 'creator',
  NAME: 'name',
  SAVE_HALF_FLOAT: 'is_saved_as_half_float',
  IS_LOCAL_SPACE: 'is_local_space',
  VECTOR_TYPE: 'vector_type',
  FILE_BBOX_MIN: 'file_bbox_min',
  FILE_BBOX_MAX: 'file_bbox_max',
  FILE_COMPRESSION: 'file_compression',
  FILE_MEM_BYTES: 'file_mem_bytes',
  FILE_VOXEL_COUNT: 'file_voxel_count',
  FILE_DELAYED_LOAD: 'file_delayed_load',
} as const;
