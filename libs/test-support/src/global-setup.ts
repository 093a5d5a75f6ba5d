import { TEST_ENV } from './env';
// Jest loads global setup outside its module system (no path aliases), hence the relative import.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEtcd, startRedis, type ManagedProcess } from '../../local-services/src/processes';

declare global {
  var __citeTestProcesses: ManagedProcess[] | undefined;
}

/** Starts a throwaway etcd and Redis unless the runner already did (npm test starts them once for all projects). */
export default async function globalSetup(): Promise<void> {
  const started: ManagedProcess[] = [];
  if (!process.env[TEST_ENV.etcd]) {
    const etcd = await startEtcd();
    process.env[TEST_ENV.etcd] = etcd.endpoint;
    started.push(etcd);
  }
  if (!process.env[TEST_ENV.redis]) {
    const redis = await startRedis({ appendOnly: false });
    process.env[TEST_ENV.redis] = redis.url;
    started.push(redis);
  }
  globalThis.__citeTestProcesses = [...(globalThis.__citeTestProcesses ?? []), ...started];
}
