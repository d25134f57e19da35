import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webDir = fileURLToPath(new URL('.', import.meta.url));

// Built into <project>/dist/web, which the server serves (src/http/web.ts).
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `vite --config web/vite.config.ts` during UI work: the API is the running server.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
