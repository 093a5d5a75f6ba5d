import { KubeHttpError } from '@cite/kube';
import { deleteGuarded, patchMetadataGuarded, patchOwnerReferences } from './guarded-writes';
import { Store } from './store';
import type { KubeObject } from './wire';

const pod: KubeObject = {
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'ns', uid: 'u1', resourceVersion: '5' },
};
const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs1', controller: true };

const fresh = (): Store<KubeObject> => {
  const store = new Store<KubeObject>();
  store.upsert(pod);
  return store;
};
const failing = (code: number) => () => Promise.reject(new KubeHttpError(code, { kind: 'Status', code }));

describe('deleteGuarded', () => {
  it('deletes with a uid precondition and the given options, and records the outcome', async () => {
    const store = fresh();
    const sent: unknown[] = [];
    const deleted = await deleteGuarded(
      store,
      pod,
      async (options) => {
        sent.push(options);
        return { kind: 'Status', status: 'Success' };
      },
      { gracePeriodSeconds: 0 },
    );
    expect(deleted).toBe(true);
    expect(sent).toEqual([{ gracePeriodSeconds: 0, preconditions: { uid: 'u1' } }]);
    expect(store.get('ns', 'web-1')).toBeUndefined();
  });

  it.each([404, 409])('takes HTTP %i (gone, or replaced) as nothing to do', async (code) => {
    await expect(deleteGuarded(fresh(), pod, failing(code))).resolves.toBe(false);
  });

  it('throws anything else', async () => {
    await expect(deleteGuarded(fresh(), pod, failing(500))).rejects.toMatchObject({ code: 500 });
  });
});

describe('patchMetadataGuarded', () => {
  it('guards by uid and resourceVersion, and records the answer', async () => {
    const store = fresh();
    const bodies: unknown[] = [];
    const answer = { ...pod, metadata: { ...pod.metadata, resourceVersion: '6', ownerReferences: [ref] } };
    const patched = await patchOwnerReferences(store, pod, [ref], async (body) => {
      bodies.push(body);
      return answer;
    });
    expect(patched).toBe(true);
    expect(bodies).toEqual([{ metadata: { uid: 'u1', resourceVersion: '5', ownerReferences: [ref] } }]);
    expect(store.get('ns', 'web-1')?.metadata?.ownerReferences).toEqual([ref]);
  });

  it('can guard by uid alone', async () => {
    const bodies: unknown[] = [];
    await patchMetadataGuarded(
      fresh(),
      pod,
      { finalizers: [] },
      async (body) => {
        bodies.push(body);
        return pod;
      },
      { resourceVersion: false },
    );
    expect(bodies).toEqual([{ metadata: { uid: 'u1', finalizers: [] } }]);
  });

  it('takes a 404 as the object gone, and throws a 409 (stale resourceVersion)', async () => {
    await expect(patchOwnerReferences(fresh(), pod, [], failing(404))).resolves.toBe(false);
    await expect(patchOwnerReferences(fresh(), pod, [], failing(409))).rejects.toMatchObject({ code: 409 });
  });
});
