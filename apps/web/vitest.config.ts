// Component tests of the pieces that decide things (forms, the progress model): Vitest + Testing Library on jsdom.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test-setup.ts'],
    restoreMocks: true,
    // Globals stubbed by a test (fetch) are put back after it.
    unstubGlobals: true,
    // One jsdom per worker instead of one per file (61 s → 18 s on two cores); the setup file cleans the DOM and
    // session storage after every test.
    isolate: false,
  },
});
