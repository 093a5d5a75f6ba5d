// Shared Jest settings for every project. The workspace is native ESM, so Jest runs with
// --experimental-vm-modules (scripts/jest.sh) and swc strips types without changing module syntax.
import path from 'node:path';

const root = import.meta.dirname;

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@cite/([a-z-]+)/testing$': path.join(root, 'libs/$1/src/testing.ts'),
    '^@cite/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: path.join(root, 'libs/test-support/src/global-setup.ts'),
  globalTeardown: path.join(root, 'libs/test-support/src/global-teardown.ts'),
  testTimeout: 30_000,
};
