/**
 * A loaders.gl loader object for OpenVDB: plugs into `@loaders.gl/core`'s `load`/`parse` without
 * importing loaders.gl at runtime (the shape follows `LoaderWithParser` from
 * `@loaders.gl/loader-utils`). Options are namespaced under `vdb` and are `readVdb`'s options.
 *
 * @example
 * import { load } from '@loaders.gl/core';
 * const file = await load(url, VdbLoader, { vdb: { grids: ['density'] } });
 * const dense = file.grids[0].toDense({ maxVoxels: 128 ** 3 });
 */
import { readVdb, readVdbSync } from './file.js';
import type { VdbFile, VdbReadOptions } from './file.js';
import { isVdb } from './io/header.js';

export interface VdbLoaderOptions {
  vdb?: VdbReadOptions;
  [key: string]: unknown;
}

function bytesOf(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

export const VdbLoader = {
  name: 'OpenVDB',
  id: 'vdb',
  module: 'vdb',
  version: '0.1.0',
  worker: false,
  extensions: ['vdb'],
  mimeTypes: ['application/x-vdb'],
  category: 'volume',
  binary: true,
  /** Magic-number test: the first eight bytes of every OpenVDB file. */
  tests: [(arrayBuffer: ArrayBuffer): boolean => isVdb(new Uint8Array(arrayBuffer, 0, Math.min(8, arrayBuffer.byteLength)))],
  options: { vdb: {} as VdbReadOptions },
  parse: async (data: ArrayBuffer | Uint8Array, options?: VdbLoaderOptions): Promise<VdbFile> => readVdb(bytesOf(data), options?.vdb ?? {}),
  /** Synchronous parse: fails with VDB_NEEDS_ASYNC for Blosc data compressed with zstd. */
  parseSync: (data: ArrayBuffer | Uint8Array, options?: VdbLoaderOptions): VdbFile => readVdbSync(bytesOf(data), options?.vdb ?? {}),
} as const;
