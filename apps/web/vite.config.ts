// The web UI's build: `npm run build` writes dist/apps/web, which the api serves at `/` (apps/api/src/routes/web.ts).
// `vite` from apps/web serves it for development with /api proxied to the api of `npm start`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../../dist/apps/web',
    emptyOutDir: true,
    sourcemap: true,
    // Each page is its own chunk (React.lazy in App.tsx); the framework is shared.
    // The aim is the gzipped initial download (< 200 kB): React, the router, TanStack Query and react-aria
    // are about 490 kB minified, 155 kB gzipped.
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
