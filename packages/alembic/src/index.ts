/**
 * @vfxkit/alembic: Alembic (Ogawa) in pure TypeScript, layered as Alembic itself is:
 * `ogawa/` (groups and bytes) -> `core/` (archive, objects, properties, samples) -> `geom/`
 * (schemas as typed views) -> `scene/` (world matrices and time). No node: imports.
 */
export { AbcErrorCode } from './errors.js';
export * from './ogawa/archive.js';
export * from './ogawa/write.js';
export * from './core/datatype.js';
export * from './core/metadata.js';
export * from './core/time-sampling.js';
export { SAMPLE_KEY_SIZE, type Sample } from './core/samples.js';
export { DEFAULT_LIMITS, type AlembicLimits } from './core/context.js';
export type { ObjectHeader, PropertyHeader, PropertyKind } from './core/headers.js';
export { CompoundProperty, ScalarProperty, ArrayProperty, type AlembicProperty } from './core/property.js';
export { AlembicObject } from './core/object.js';
export * from './core/archive.js';
export { murmur3x64, spookyHash128, hexDigest } from './core/hash.js';
export { verifyHashes, objectHashes, propertyHash, type HashProblem } from './core/verify.js';
export {
  AlembicWriter,
  ObjectWriter,
  CompoundWriter,
  ScalarWriter,
  ArrayWriter,
  encodeSampleValues,
  WRITER_LIBRARY_VERSION,
  type AlembicWriterOptions,
  type SampleInput,
  type MetaDataInput,
} from './core/write.js';
export { rewriteAlembic, copyObject, copyProperties, copyProperty, copyTimeSamplings, type CopyOptions } from './core/copy.js';
export * from './geom/index.js';
export { AlembicScene, sceneOf, type SceneNode, type SceneOptions, type MatrixOptions } from './scene/scene.js';
export { inspectAlembic, type AlembicInspection, type ObjectSummary, type PropertySummary, type InspectOptions } from './inspect.js';
export { AlembicLoader, type AlembicLoaderOptions } from './loader.js';
