/**
 * `npm start`: the whole local platform on loopback (see launch.ts). This file alone reads the environment:
 * - `CITE_API_PORT` (8080), `CITE_ADMIN_TOKEN`, `CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS` (30 locally);
 * - `CITE_LOCAL_DIR`: where data, logs and PID files go (`.local/` at the repository root);
 * - `CITE_LAUNCHER_ANY_PORTS=1`: etcd, Redis, the registry and the cluster on any free ports rather than their
 *   well-known ones (tests that run the launcher next to a real `npm start`);
 * - `npm_lifecycle_event` (set by npm): under `npm start`, stop when npm goes away.
 * The apps' bundles are this bundle's siblings (`dist/apps/<app>/main.mjs`).
 */
import path from 'node:path';
import { launch } from './launch';

const root = path.resolve(import.meta.dirname, '../../..');
const env = process.env;

await launch({
  parentEnv: env,
  localDir: path.resolve(env['CITE_LOCAL_DIR'] || path.join(root, '.local')),
  appsDir: path.resolve(import.meta.dirname, '..'),
  apiPort: Number(env['CITE_API_PORT'] ?? 8080),
  wellKnownPorts: env['CITE_LAUNCHER_ANY_PORTS'] !== '1',
  adminToken: env['CITE_ADMIN_TOKEN'] || undefined,
  // A broken image fails after 30 s locally rather than the production default of 120 s. (The apps inherit the
  // launcher's environment, so CITE_REGISTRY_URL=… npm start sets it on the deployer.)
  appEnv: { CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: env['CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS'] ?? '30' },
  watchParent: env['npm_lifecycle_event'] !== undefined,
});
