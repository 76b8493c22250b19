/**
 * A loaders.gl loader object for Alembic (Ogawa): plugs into `@loaders.gl/core`'s `load`/`parse`
 * without this package importing loaders.gl at runtime (the shape follows `LoaderWithParser` from
 * `@loaders.gl/loader-utils`). The result is the lazily read archive; options go under `alembic`.
 *
 * @example
 * import { load } from '@loaders.gl/core';
 * import { AlembicLoader } from '@vfxkit/alembic';
 * const archive = await load(url, AlembicLoader, { alembic: { sampleCacheBytes: 0 } });
 */
import type { LoaderWithParser } from '@loaders.gl/loader-utils';
import { openAlembic, type AlembicArchive, type OpenAlembicOptions } from './core/archive.js';
import { isOgawa } from './ogawa/archive.js';

export interface AlembicLoaderOptions {
  alembic?: OpenAlembicOptions;
  [key: string]: unknown;
}

function parseSync(data: ArrayBuffer | Uint8Array, options?: AlembicLoaderOptions): AlembicArchive {
  return openAlembic(data instanceof Uint8Array ? data : new Uint8Array(data), options?.alembic ?? {});
}

export const AlembicLoader = {
  dataType: null as unknown as AlembicArchive,
  batchType: null as never,
  name: 'Alembic',
  id: 'alembic',
  module: 'alembic',
  version: '0.1.0',
  worker: false,
  extensions: ['abc'],
  mimeTypes: ['application/octet-stream'],
  category: 'geometry',
  binary: true,
  /** Magic-number test: "Ogawa" at the start of every Alembic 1.5+ archive. */
  tests: [(arrayBuffer: ArrayBuffer): boolean => isOgawa(new Uint8Array(arrayBuffer, 0, Math.min(5, arrayBuffer.byteLength)))],
  options: { alembic: {} as OpenAlembicOptions & Record<string, unknown> },
  parse: async (arrayBuffer: ArrayBuffer, options?: AlembicLoaderOptions): Promise<AlembicArchive> => parseSync(arrayBuffer, options),
  parseSync: (arrayBuffer: ArrayBuffer, options?: AlembicLoaderOptions): AlembicArchive => parseSync(arrayBuffer, options),
} as const satisfies LoaderWithParser<AlembicArchive, never, AlembicLoaderOptions>;
