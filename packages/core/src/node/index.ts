/**
 * @vfxkit/core/node: node-only helpers (file system, worker threads). Never imported by pure packages.
 */
export {};
