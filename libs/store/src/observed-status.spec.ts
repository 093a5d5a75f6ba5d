/** `status/<service>` records, against the real etcd. */
import type { EtcdStore } from './etcd-store';
import { ObservedStatusStore } from './observed-status';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('observed-status');
});
afterAll(() => store.close());

describe('ObservedStatusStore', () => {
  it('stores status/<service>, last write wins, and removes it', async () => {
    const statuses = new ObservedStatusStore(store);
    const status = {
      service: 'web',
      namespace: 'cite-web',
      replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
      pods: [],
      events: [],
      observedAt: '2024-05-01T12:00:00Z',
    };
    await statuses.put(status);
    await statuses.put({ ...status, release: 2 });
    expect((await statuses.get('web'))?.value.release).toBe(2);
    await statuses.remove('web');
    await statuses.remove('web');
    expect(await statuses.get('web')).toBeNull();
  });
});
