/**
 * A loaders.gl loader object for OpenEXR: plugs into `@loaders.gl/core`'s `load`/`parse` without
 * importing loaders.gl at runtime (the shape follows `LoaderWithParser` from
 * `@loaders.gl/loader-utils`). Options are namespaced under `exr` and are `readExr`'s options.
 *
 * @example
 * import { load } from '@loaders.gl/core';
 * const image = await load(url, ExrLoader, { exr: { channels: ['R', 'G', 'B'] } });
 */
import { isExr } from './header/header.js';
import type { ExrImage, ExrReadOptions } from './model.js';
import { readExr } from './read.js';

export interface ExrLoaderOptions {
  exr?: ExrReadOptions;
  [key: string]: unknown;
}

function parseSync(arrayBuffer: ArrayBuffer | Uint8Array, options?: ExrLoaderOptions): ExrImage {
  return readExr(arrayBuffer instanceof Uint8Array ? arrayBuffer : new Uint8Array(arrayBuffer), options?.exr ?? {});
}

export const ExrLoader = {
  name: 'OpenEXR',
  id: 'exr',
  module: 'exr',
  version: '0.1.0',
  worker: false,
  extensions: ['exr'],
  mimeTypes: ['image/x-exr'],
  category: 'image',
  binary: true,
  /** Magic-number test: the first four bytes of every OpenEXR file. */
  tests: [(arrayBuffer: ArrayBuffer): boolean => isExr(new Uint8Array(arrayBuffer, 0, Math.min(4, arrayBuffer.byteLength)))],
  options: { exr: {} as ExrReadOptions },
  parse: async (arrayBuffer: ArrayBuffer | Uint8Array, options?: ExrLoaderOptions): Promise<ExrImage> => parseSync(arrayBuffer, options),
  parseSync,
} as const;
