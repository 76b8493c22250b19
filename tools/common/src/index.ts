export * from './context.js';
export * from './options.js';
export * from './progress.js';
export * from './run.js';
