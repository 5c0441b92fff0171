// The viewer's build: client/ → client/dist, served by `dgr serve`. Relative asset paths, so the page works
// from any mount point; no network is needed at build or run time.
import { join } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Phaser alone is ~1.4 MB minified: one chunk is what this page is.
    chunkSizeWarningLimit: 4000,
    // Two pages: the live viewer and the runs page (`dgr serve --runs`).
    rollupOptions: { input: { index: join(import.meta.dirname, 'index.html'), runs: join(import.meta.dirname, 'runs.html') } },
  },
});
