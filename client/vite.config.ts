// The viewer's build: client/ → client/dist, served by `dgr serve`. Relative asset paths, so the page works
// from any mount point; no network is needed at build or run time.
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
  },
});
