// Root Jest config: every app and lib with a jest.config.js is one project.
import fs from 'node:fs';
import path from 'node:path';

const root = import.meta.dirname;
const projects = ['apps', 'libs'].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((name) => fs.existsSync(path.join(root, dir, name, 'jest.config.js')))
    .map((name) => `<rootDir>/${dir}/${name}`),
);

/** @type {import('jest').Config} */
export default {
  projects,
  // testTimeout is a global option: with several projects, Jest ignores the preset's per-project value and
  // would fall back to its 5 s default.
  testTimeout: 30_000,
  globalSetup: path.join(root, 'libs/test-support/src/global-setup.ts'),
  globalTeardown: path.join(root, 'libs/test-support/src/global-teardown.ts'),
};
