/**
 * Watches across an emulated API server restart (`closeWatches`), and BOOKMARK events, through
 * @kubernetes/client-node's `Watch` and `makeInformer`: what a client of the watch API (cite's watcher) sees
 * when its streams end, when it comes back too late for the watch cache, and while nothing changes.
 */
import {
  CoreV1Api,
  KubeConfig,
  type KubernetesListObject,
  type V1ConfigMap,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import { LocalCluster, type RunningLocalCluster } from '../src/cluster';
import {
  createNamespace,
  emulatorOnly,
  EventQueue,
  quietLogger,
  type TestCluster,
  type WatchEvent,
} from './support/cluster';
import { waitFor } from './support/controllers';

const CACHE_SIZE = 5;
const BOOKMARK_MS = 100;

/** One watch through client-node's `Watch`, recording its events and how it ended (`done`'s argument). */
class RecordedWatch {
  readonly events: WatchEvent[] = [];
  ended: { error: unknown } | undefined;
  private controller: AbortController | undefined;

  static async open(
    kubeConfig: KubeConfig,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
  ): Promise<RecordedWatch> {
    const watch = new RecordedWatch();
    watch.controller = await new Watch(kubeConfig).watch(
      path,
      query,
      (type, object) => watch.events.push({ type, object }),
      (error: unknown) => (watch.ended = { error }),
    );
    return watch;
  }

  close(): void {
    this.controller?.abort();
  }
}

emulatorOnly(describe, 'closeWatches, a five-event watch cache and 100 ms bookmarks are emulator settings')(
  'watches across an API server restart, and bookmarks',
  () => {
    let local: RunningLocalCluster;
    let cluster: Pick<TestCluster, 'core' | 'kubeConfig' | 'namespaces'>;
    let namespace: string;
    let configMaps: string;

    beforeAll(async () => {
      local = await LocalCluster.start({
        controllers: false,
        controllerLogger: quietLogger,
        watchCacheSize: CACHE_SIZE,
        bookmarkIntervalMs: BOOKMARK_MS,
      });
      cluster = {
        core: local.kubeConfig.makeApiClient(CoreV1Api),
        kubeConfig: local.kubeConfig,
        namespaces: [],
      };
      namespace = await createNamespace(cluster as TestCluster, 'restart');
      configMaps = `/api/v1/namespaces/${namespace}/configmaps`;
    });
    afterAll(() => local?.stop());

    const createConfigMap = (name: string) =>
      cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });

    it('ends every open watch cleanly; a re-watch resumes, or gets 410 Expired once the cache has moved on', async () => {
      const start = await cluster.core.listNamespacedConfigMap({ namespace });
      const first = await RecordedWatch.open(local.kubeConfig, configMaps, {
        resourceVersion: start.metadata?.resourceVersion,
      });
      const second = await EventQueue.open(local.kubeConfig, '/api/v1/secrets', {});
      try {
        const a = await createConfigMap('a');
        await waitFor('the ADDED of a', async () => first.events.length === 1, 5000);
        const seen = a.metadata?.resourceVersion;
        expect(first.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });

        expect(local.closeWatches()).toBe(2);
        // Ended as a stream ends, not as a failure: client-node calls done without an error.
        await waitFor('the first watch ended', async () => first.ended !== undefined, 5000);
        expect(first.ended?.error ?? null).toBeNull();
        await second.ended();
        expect(local.closeWatches()).toBe(0);

        // Fewer writes than the cache holds: watching again from the last version seen resumes, nothing lost.
        await createConfigMap('b');
        const resumed = await EventQueue.open(local.kubeConfig, configMaps, { resourceVersion: seen });
        const b = await resumed.next();
        expect(b).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
        expect(local.closeWatches()).toBe(1);
        await resumed.ended();

        // More writes than the cache holds while nobody watched: the last version seen is too old.
        for (let index = 0; index < CACHE_SIZE + 1; index += 1) await createConfigMap(`c${index}`);
        const late = await EventQueue.open(local.kubeConfig, configMaps, {
          resourceVersion: b.object.metadata?.resourceVersion,
        });
        const event = await late.next();
        expect(event.type).toBe('ERROR');
        expect(event.object).toMatchObject({
          kind: 'Status',
          status: 'Failure',
          code: 410,
          reason: 'Expired',
        });
        await late.ended();
      } finally {
        first.close();
        second.close();
      }
    });

    it('with expireHistory, an informer that watches again at once still gets 410 and re-lists', async () => {
      const core = cluster.core;
      let lists = 0;
      const list = (): Promise<KubernetesListObject<V1ConfigMap>> => {
        lists += 1;
        return core.listNamespacedConfigMap({ namespace });
      };
      const informer = makeInformer(local.kubeConfig, configMaps, list);
      const added: string[] = [];
      const errors: unknown[] = [];
      informer.on('add', (object) => added.push(object.metadata?.name ?? ''));
      informer.on('error', (error) => errors.push(error));
      await informer.start();
      try {
        await createConfigMap('x');
        await waitFor('x in the informer', async () => added.includes('x'), 5000);

        // Without expireHistory the informer is back at once and resumes where it was: no re-list.
        expect(local.closeWatches()).toBe(1);
        await createConfigMap('y');
        await waitFor('y in the informer', async () => added.includes('y'), 5000);
        expect(lists).toBe(1);

        // A write the informer does not watch moves the newest resourceVersion past the last one it saw.
        await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'elsewhere' } } });
        expect(local.closeWatches({ expireHistory: true })).toBe(1);
        await waitFor('a re-list after 410 Expired', async () => lists === 2, 5000);
        await createConfigMap('z');
        await waitFor('z in the informer', async () => added.includes('z'), 5000);
        expect(errors).toEqual([]);
      } finally {
        await informer.stop();
      }
    });

    it('sends BOOKMARK events every bookmarkIntervalMs to watches that allow them, with the newest version', async () => {
      const start = await cluster.core.listNamespacedConfigMap({ namespace });
      const query = { resourceVersion: start.metadata?.resourceVersion };
      const withBookmarks = await EventQueue.open(local.kubeConfig, configMaps, {
        ...query,
        allowWatchBookmarks: true,
      });
      const without = await EventQueue.open(local.kubeConfig, configMaps, query);
      try {
        const arrivals: number[] = [];
        for (let index = 0; index < 3; index += 1) {
          const event = await withBookmarks.next();
          arrivals.push(performance.now());
          expect(event.type).toBe('BOOKMARK');
          expect(event.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
          expect(Number(event.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
            Number(start.metadata?.resourceVersion),
          );
        }
        // Periodic, not a burst: each comes about one interval after the one before (timers never fire early;
        // a few milliseconds of slack for the stream's write coalescing).
        for (let index = 1; index < arrivals.length; index += 1)
          expect(arrivals[index]! - arrivals[index - 1]!).toBeGreaterThanOrEqual(BOOKMARK_MS / 2);

        const created = await createConfigMap('after-bookmarks');
        const version = Number(created.metadata?.resourceVersion);
        const next = await withBookmarks.nextMatching((event) => event.type === 'BOOKMARK');
        expect(Number(next.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(version);
        // The watch that did not ask for bookmarks got none in all that time: its first event is the write.
        const first = await without.next();
        expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'after-bookmarks' } } });
      } finally {
        withBookmarks.close();
        without.close();
      }
    });
  },
);
