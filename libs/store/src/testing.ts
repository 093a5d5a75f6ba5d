/**
 * Test helpers for code that uses the store (`@cite/store/testing`). Never imported by production code.
 */
import { testEtcdEndpoint, uniquePrefix } from '@cite/test-support';
import type { EtcdStoreOptions } from './etcd-connection';
import { EtcdStore } from './etcd-store';

/**
 * A store on the test etcd under a fresh prefix, so suites sharing one etcd never see each other's keys.
 * Close it in `afterAll`.
 */
export async function createTestStore(
  label: string,
  options: Partial<EtcdStoreOptions> = {},
): Promise<EtcdStore> {
  const store = await EtcdStore.create({
    endpoints: [testEtcdEndpoint()],
    prefix: uniquePrefix(label),
    timeoutMs: 3_000,
    ...options,
    verify: false,
  });
  if (options.verify === false) return store;
  // A new gRPC channel's first call can miss its 3 s deadline on a loaded 2-core CI machine (seen once:
  // "Waiting for LB pick"); give the first contact a few tries before calling etcd down.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.ping();
      return store;
    } catch (error) {
      if (attempt >= 4) {
        await store.close();
        throw error;
      }
    }
  }
}
