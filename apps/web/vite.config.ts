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
    chunkSizeWarningLimit: 400,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
