/**
 * Vite build of the `vfx view` app: `base: './'` so the server can mount it under any prefix
 * (`/<token>/`), the workspace packages bundled from their TypeScript sources (the `source`
 * export condition), decoding in module workers.
 */
import { defineConfig, defaultClientConditions } from 'vite';

export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
  },
});
