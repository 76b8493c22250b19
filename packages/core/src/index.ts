/**
 * @vfxkit/core: what every vfxkit package shares. Pure TypeScript (no `node:` imports): it runs in
 * Node and in the browser. Node-only helpers live in `@vfxkit/core/node`.
 */
export * from './errors.js';
export * from './bytes.js';
export * from './half.js';
export * from './progress.js';
export * from './filetypes.js';
export * from './frameset.js';
export * from './sequence.js';
export * from './detect.js';
export * from './checksum.js';
