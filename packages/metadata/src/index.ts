/**
 * @vfxkit/metadata (node): image metadata in one view for every format. EXIF (GPS as signed decimal
 * degrees), IPTC, XMP, ICC and everything else ExifTool reads, through one shared ExifTool
 * (exiftool-vendored); OpenEXR header attributes through @vfxkit/exr. Atomic edits (set, delete,
 * copy), where-clauses and great-circle searches, and a SQLite catalog with an R*Tree of positions.
 */
export { MetaErrorCode, metaError, type MetaErrorCode as MetaErrorCodeValue } from './errors.js';
export { ExifToolSession, type ExifToolOutput, type ExifToolReadOptions, type ExifToolSessionOptions, type RawTags } from './exiftool.js';
export {
  detectMetadataFormat,
  formatExifDateTime,
  readGroupedMetadata,
  readMetadata,
  type FileMetadata,
  type GroupedMetadata,
  type GroupedTag,
  type MetadataFormat,
  type ReadMetadataOptions,
} from './read.js';
export {
  editMetadata,
  exiftoolDeleteArguments,
  exiftoolSetArguments,
  isTagName,
  parseAssignment,
  type EditOptions,
  type EditResult,
  type MetadataEdit,
  type TagAssignment,
} from './edit.js';
export { replaceFile, temporaryPathFor, type ProduceOutcome, type ReplaceOptions, type ReplaceResult } from './replace.js';
export { listMetadataFiles, METADATA_EXTENSIONS, type ListMetadataFilesOptions, type MetadataFile } from './files.js';
export {
  EARTH_RADIUS_KM,
  boxesAround,
  distanceKm,
  insideBox,
  parseBoundingBox,
  parseLatLon,
  parseRadius,
  positionOf,
  splitBox,
  type BoundingBox,
  type LatLon,
} from './geo.js';
export { lookupTag, matchesAll, matchesWhere, parseDatePeriod, parseNumber, parseWhere, type DatePeriod, type WhereClause, type WhereOperator } from './query.js';
export {
  CATALOG_SCHEMA_VERSION,
  Catalog,
  defaultCatalogPath,
  type CatalogEntry,
  type CatalogMatch,
  type CatalogQuery,
  type CatalogStats,
  type KnownFile,
  type OpenCatalogOptions,
} from './catalog.js';
export { indexCatalog, type IndexOptions, type IndexSummary } from './indexer.js';
export { exrVocabulary, vocabularyForTag, type VocabularyEntry } from './vocabulary.js';
export {
  STRUCTURAL_EXR_ATTRIBUTES,
  WRITABLE_EXR_TYPES,
  encodeExrValue,
  exrAttributeJson,
  formatExrAttribute,
  inferExrType,
  parseExrValue,
  shortFloat,
  type WritableExrType,
} from './exr/values.js';
export { editExrFile, readExrHead, type ExrHead } from './exr/file.js';
// The header-only rewrite is @vfxkit/exr's; re-exported under the names this package has always used.
export {
  offsetTablesEnd,
  rewriteExrHead,
  splitStoredAttributes,
  storedAttribute,
  type ExrHeadRewrite as HeadRewrite,
  type ExrHeaderEdit as HeaderEdit,
  type StoredAttribute,
} from '@vfxkit/exr';
