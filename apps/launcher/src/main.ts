/**
 * `npm start`: the whole local platform on loopback (see launch.ts). Its settings come from `@cite/config`, read
 * once here — `CITE_API_PORT`, `CITE_ADMIN_TOKEN`, `CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS` (30 locally),
 * `CITE_LOCAL_DIR`, `CITE_LAUNCHER_ANY_PORTS`, … (README, "Configuration"); a bad value stops it with one line naming
 * the key and exit code 78. Under `npm start` (npm sets `npm_lifecycle_event`) it stops when npm goes away.
 * The apps' bundles are this bundle's siblings (`dist/apps/<app>/main.mjs`).
 */
import path from 'node:path';
import { loadConfigOrExit } from '@cite/config';
import { launch } from './launch';
import { launcherSettings } from './settings';

const config = loadConfigOrExit(process.env, 'launcher');

await launch(
  launcherSettings(config, {
    env: process.env,
    root: path.resolve(import.meta.dirname, '../../..'),
    appsDir: path.resolve(import.meta.dirname, '..'),
  }),
);
