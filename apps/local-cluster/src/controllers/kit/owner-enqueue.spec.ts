import { keyEnqueueHandlers, ownerEnqueueHandlers } from './owner-enqueue';
import { Store } from './store';
import { WorkQueue } from './work-queue';
import type { KubeObject, LabelSelector } from './wire';

interface Owner extends KubeObject {
  spec?: { selector?: LabelSelector };
}

const owner = (name: string, app: string): Owner => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { selector: { matchLabels: { app } } },
});
const pod = (labels: Record<string, string>, controller?: string, deleting = false): KubeObject => ({
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'ns',
    labels,
    ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    ...(controller
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: controller,
              uid: `uid-${controller}`,
              controller: true,
            },
          ],
        }
      : {}),
  },
});

/** Every key the queue holds, in order. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('ownerEnqueueHandlers', () => {
  const setUp = (skipDeletingOrphans = false) => {
    const queue = new WorkQueue();
    const owners = new Store<Owner>();
    owners.upsert(owner('web', 'web'));
    owners.upsert(owner('api', 'api'));
    const handlers = ownerEnqueueHandlers<Owner, KubeObject>({
      queue,
      ownerKind: 'ReplicaSet',
      owners,
      selectorOf: (o) => o.spec?.selector,
      skipDeletingOrphans,
    });
    return { queue, handlers };
  };

  it('queues the controller a reference names', async () => {
    const { queue, handlers } = setUp();
    handlers.add?.(pod({ app: 'api' }, 'web'));
    expect(await drain(queue)).toEqual(['ns/web']);
  });

  it('queues the owners whose selector matches an orphan', async () => {
    const { queue, handlers } = setUp();
    handlers.delete?.(pod({ app: 'api' }));
    expect(await drain(queue)).toEqual(['ns/api']);
  });

  it('leaves orphans being deleted alone when asked to', async () => {
    const { queue, handlers } = setUp(true);
    handlers.add?.(pod({ app: 'api' }, undefined, true));
    expect(await drain(queue)).toEqual([]);
  });

  it('queues the previous owner too when the controller reference moved', async () => {
    const { queue, handlers } = setUp();
    handlers.update?.(pod({ app: 'web' }, 'api'), pod({ app: 'web' }, 'web'));
    expect(await drain(queue)).toEqual(['ns/api', 'ns/web']);
  });

  it('ignores controllers of another kind', async () => {
    const { queue, handlers } = setUp();
    const owned = pod({ app: 'web' });
    owned.metadata!.ownerReferences = [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j', controller: true },
    ];
    handlers.add?.(owned);
    expect(await drain(queue)).toEqual([]);
  });
});

describe('keyEnqueueHandlers', () => {
  it("queues the object's own key on every change", async () => {
    const queue = new WorkQueue();
    const handlers = keyEnqueueHandlers<KubeObject>(queue);
    handlers.update?.(owner('web', 'web'), owner('web', 'web'));
    expect(await drain(queue)).toEqual(['ns/web']);
  });
});
