import { TEST_ENV } from './env';
// Jest loads global setup outside its module system (no path aliases), hence the relative import.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEtcd, startRedis, type ManagedProcess } from '../../local-services/src/processes';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startOpenSearch } from '../../local-services/src/opensearch';

declare global {
  var __citeTestProcesses: ManagedProcess[] | undefined;
}

/**
 * Starts a throwaway etcd, Redis and search engine (an embedded OpenSearch) at once, unless the runner already
 * did (npm test starts them once for all projects) or names its own (`CITE_TEST_LOGS_URL`).
 */
export default async function globalSetup(): Promise<void> {
  const started: ManagedProcess[] = [];
  const starting = Promise.all([
    (async () => {
      if (process.env[TEST_ENV.etcd]) return;
      const etcd = await startEtcd();
      process.env[TEST_ENV.etcd] = etcd.endpoint;
      started.push(etcd);
    })(),
    (async () => {
      if (process.env[TEST_ENV.redis]) return;
      const redis = await startRedis({ appendOnly: false });
      process.env[TEST_ENV.redis] = redis.url;
      started.push(redis);
    })(),
    (async () => {
      if (process.env[TEST_ENV.logs]) return;
      const engine = await startOpenSearch();
      process.env[TEST_ENV.logs] = engine.url;
      started.push(engine);
    })(),
  ]);
  try {
    await starting;
  } catch (error) {
    // One could not start: stop the others, or they would outlive the run.
    await Promise.allSettled(started.map((p) => p.stop()));
    throw error;
  }
  globalThis.__citeTestProcesses = [...(globalThis.__citeTestProcesses ?? []), ...started];
}
