/** The read context every object and property of one archive shares (one explicit object, no
 *  hidden state): the Ogawa archive, the tables read from its root, the limits and the cache. */
import type { DataSpan, OgawaArchive } from '../ogawa/archive.js';
import type { SampleCache } from './cache.js';
import type { MetaData } from './metadata.js';
import type { SampleAllocator } from './samples.js';
import type { TimeSampling } from './time-sampling.js';

/** Documented limits; every one is checked before the corresponding allocation or walk. */
export interface AlembicLimits {
  /** Most Ogawa groups one archive may open. Default 50,000,000. */
  maxGroups?: number;
  /** Deepest object nesting. Default 10,000. */
  maxDepth?: number;
  /** Most children of one object. Default 10,000,000. */
  maxChildren?: number;
  /** Most properties in one compound property. Default 1,000,000. */
  maxProperties?: number;
  /** Most entries in the time sampling table. Default 1,000,000. */
  maxTimeSamplings?: number;
  /** Most values an expanded (de-indexed) geometry parameter may have. Default 500,000,000. */
  maxExpandedValues?: number;
}

export const DEFAULT_LIMITS: Required<AlembicLimits> = {
  maxGroups: 50_000_000,
  maxDepth: 10_000,
  maxChildren: 10_000_000,
  maxProperties: 1_000_000,
  maxTimeSamplings: 1_000_000,
  maxExpandedValues: 500_000_000,
};

export interface ReadContext {
  readonly ogawa: OgawaArchive;
  readonly indexedMetaData: readonly MetaData[];
  readonly timeSamplings: readonly TimeSampling[];
  readonly limits: Required<AlembicLimits>;
  readonly cache: SampleCache;
  readonly allocator: SampleAllocator;
  /** Scratch for data block lookups. */
  readonly span: DataSpan;
}
