import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const API = process.env.TRAITBASE_URL ?? 'http://127.0.0.1:3000';

// The ops UI: built into dist/web (after `nest build`, which empties dist/), served by the server
// at /. `npm run dev:web` serves it with hot reload and sends /graphql to a running server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Mantine marks its modules "use client" (for React Server Components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/graphql': { target: API, ws: true } } },
});
