import { recordDeleteOutcome } from './delete-outcome';
import { Store } from './store';
import type { KubeObject } from './wire';

const target: KubeObject = {
  kind: 'ReplicaSet',
  metadata: { name: 'rs', namespace: 'ns', uid: 'u1', resourceVersion: '5' },
};

describe('recordDeleteOutcome', () => {
  const fresh = (): Store<KubeObject> => {
    const store = new Store<KubeObject>();
    store.upsert(target);
    return store;
  };

  it('hides an object the server says is gone', () => {
    const store = fresh();
    recordDeleteOutcome(store, target, { kind: 'Status', status: 'Success' });
    expect(store.get('ns', 'rs')).toBeUndefined();
  });

  it('keeps an object still being deleted, with its deletionTimestamp', () => {
    const store = fresh();
    const answer = {
      ...target,
      metadata: {
        ...target.metadata,
        resourceVersion: '6',
        deletionTimestamp: '2025-01-01T00:00:00Z',
        finalizers: ['foregroundDeletion'],
      },
    };
    recordDeleteOutcome(store, target, answer);
    expect(store.get('ns', 'rs')?.metadata?.deletionTimestamp).toBeDefined();
  });

  it('records nothing for an answer it cannot read (a typed client that parsed an object as a Status)', () => {
    const store = fresh();
    recordDeleteOutcome(store, target, { kind: 'ReplicaSet', metadata: { resourceVersion: '6' } });
    expect(store.get('ns', 'rs')).toBe(target);
  });
});
