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
export function createTestStore(label: string, options: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  return EtcdStore.create({
    endpoints: [testEtcdEndpoint()],
    prefix: uniquePrefix(label),
    timeoutMs: 3_000,
    ...options,
  });
}
