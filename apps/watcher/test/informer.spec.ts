/**
 * `startInformer` (libs/kube) against a real API server — local-cluster as a process, or the cluster named by
 * CITE_TEST_KUBECONFIG: the first list, watch events, the `slim` transform, bookmarks asked for, a re-list after
 * a 410 Gone that reports what vanished meanwhile, and recovery from an API server restart. It lives here, not
 * in libs/kube, because libs/kube's specs use fakes and a library may not start apps.
 */
import { jest } from '@jest/globals';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubeHttp, startInformer, type Informer } from '@cite/kube';
import { freePort, runApp, type AppProcess } from '@cite/test-support';
import { CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { REAL_CLUSTER, startCluster, type Cluster } from './support';

jest.setTimeout(120_000);

const LABEL = 'cite-test/informer';

/** What the informers keep of a ConfigMap: its identity and the names of its data keys. */
function slim(configMap: V1ConfigMap): V1ConfigMap {
  const { name, namespace, uid, resourceVersion } = configMap.metadata ?? {};
  return {
    metadata: { name, namespace, uid, resourceVersion },
    data: {
      keys: Object.keys(configMap.data ?? {})
        .sort()
        .join(','),
    },
  };
}

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `done` every 20 ms; fails with what was seen after `ms`. */
async function until(done: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms; seen: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An informer over the ConfigMaps of `namespace` labelled `LABEL=<selector>`, recording what its handlers
 * hear as lines (`add x`, `update x keys=…`, `delete x`, `listed 2 again`) and the errors' retry delays.
 */
function recordedInformer(
  http: KubeHttp,
  namespace: string,
  selector: string,
  options: { maxBackoffMs?: number; pageSize?: number } = {},
) {
  const log: string[] = [];
  const retries: number[] = [];
  const objects: V1ConfigMap[] = [];
  const heard = (verb: string) => (object: V1ConfigMap) => {
    objects.push(object);
    log.push(`${verb} ${object.metadata?.name}${verb === 'update' ? ` keys=${object.data?.['keys']}` : ''}`);
  };
  const informer: Informer<V1ConfigMap> = startInformer<V1ConfigMap>(
    http,
    {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      labelSelector: `${LABEL}=${selector}`,
      slim,
      ...options,
    },
    {
      add: heard('add'),
      update: heard('update'),
      delete: heard('delete'),
      listed: (count, relist) => log.push(`listed ${count}${relist ? ' again' : ''}`),
      error: (_error, retryInMs) => retries.push(retryInMs),
    },
  );
  return { informer, log, retries, objects, seen: () => JSON.stringify({ log, retries }) };
}

/** A KubeHttp for `kubeconfig`, optionally sent to another server (a proxy in front of the same one). */
function kubeHttp(kubeconfig: string, server?: string): KubeHttp {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  if (server)
    config.loadFromOptions({
      clusters: config.clusters.map((cluster) => ({ ...cluster, server })),
      users: config.users,
      contexts: config.contexts,
      currentContext: config.currentContext,
    });
  return new KubeHttp(config);
}

/**
 * A TCP proxy in front of the API server. `hold()` stops delivering what the server sends (it is dropped, as a
 * network would lose it); `cut()` then drops every connection and lets new ones through again.
 */
class HoldingProxy {
  private readonly sockets = new Set<net.Socket>();
  private held = false;

  private constructor(private readonly server: net.Server) {}

  static async start(target: URL): Promise<HoldingProxy> {
    const server = net.createServer();
    const proxy = new HoldingProxy(server);
    server.on('connection', (client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      proxy.sockets.add(client).add(upstream);
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (!proxy.held) client.write(chunk);
      });
      for (const [socket, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        socket.on('error', () => undefined);
        socket.on('close', () => {
          proxy.sockets.delete(socket);
          if (!proxy.held) other.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  hold(): void {
    this.held = true;
  }

  cut(): void {
    this.held = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function configMap(name: string, selector: string | null, data: Record<string, string>): V1ConfigMap {
  return { metadata: { name, ...(selector ? { labels: { [LABEL]: selector } } : {}) }, data };
}

let cluster: Cluster;
let http: KubeHttp;
let namespace: string;
const informers: Informer<V1ConfigMap>[] = [];
const started = <T extends { informer: Informer<V1ConfigMap> }>(recorded: T): T => {
  informers.push(recorded.informer);
  return recorded;
};

beforeAll(async () => {
  cluster = await startCluster();
  http = kubeHttp(cluster.kubeconfig);
  namespace = `informer-${Date.now().toString(36)}`;
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterEach(async () => {
  await Promise.all(informers.splice(0).map((informer) => informer.stop()));
});

afterAll(async () => {
  await cluster?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await http?.kubeConfig.closePool();
  await cluster?.stop();
});

/**
 * SIGUSR2 to local-cluster: it ends every watch and expires their history, so a watcher that had not seen the
 * newest write gets 410 Gone when it watches again. Resolves once local-cluster said it did.
 */
async function forceGone(): Promise<void> {
  const app = cluster.process!;
  const done = app.output().split('SIGUSR2, ended').length;
  app.child.kill('SIGUSR2');
  await until(
    () => app.output().split('SIGUSR2, ended').length > done,
    () => app.output().slice(-2_000),
  );
}

/** Watch requests for `collection` (a path ending in `?`) that undici sends from now until `stop()`. */
function watchRequests(collection: string): { paths: string[]; stop(): void } {
  const paths: string[] = [];
  const onCreate = (message: unknown) => {
    const { path } = (message as { request: { path: string } }).request;
    if (path.startsWith(collection) && path.includes('watch=true')) paths.push(path);
  };
  diagnostics.subscribe('undici:request:create', onCreate);
  return { paths, stop: () => diagnostics.unsubscribe('undici:request:create', onCreate) };
}

describe('startInformer against a real API server', () => {
  it('is synced once the first list was handed to add; it holds what slim kept, and asks for bookmarks', async () => {
    const core = cluster.core;
    for (const name of ['one', 'two', 'three'])
      await core.createNamespacedConfigMap({
        namespace,
        body: configMap(name, 'first', { [name]: 'x', z: 'y' }),
      });
    await core.createNamespacedConfigMap({ namespace, body: configMap('unlabelled', null, { a: 'b' }) });
    const requests: string[] = [];
    const onCreate = (message: unknown) =>
      requests.push((message as { request: { path: string } }).request.path);
    diagnostics.subscribe('undici:request:create', onCreate);
    let recorded: ReturnType<typeof recordedInformer>;
    try {
      recorded = started(recordedInformer(http, namespace, 'first', { pageSize: 2 }));
      await within(recorded.informer.synced, 15_000, 'synced');
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate);
    }
    const { informer, log } = recorded;
    expect(log).toEqual(['listed 3', 'add one', 'add three', 'add two']);

    // What it holds is what slim made of each object, and nothing more.
    const listed = await core.listNamespacedConfigMap({ namespace, labelSelector: `${LABEL}=first` });
    const byName = (a: V1ConfigMap, b: V1ConfigMap) =>
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
    const expected = listed.items.map(slim).sort(byName);
    expect(expected).toHaveLength(3);
    expect([...informer.list()].sort(byName)).toEqual(expected);
    expect(informer.get('two', namespace)).toEqual({
      metadata: expect.objectContaining({ name: 'two', namespace }),
      data: { keys: 'two,z' },
    });
    for (const object of informer.list()) expect(Object.keys(object).sort()).toEqual(['data', 'metadata']);

    // The list was read in pages of two; the watch went out with bookmarks allowed, from the list's
    // resourceVersion.
    const collection = `/api/v1/namespaces/${namespace}/configmaps?`;
    const pages = requests
      .filter((p) => p.startsWith(collection) && !p.includes('watch=true'))
      .map((p) => new URLSearchParams(p.slice(collection.length)));
    expect(pages.map((query) => query.get('limit'))).toEqual(['2', '2']);
    expect(pages[0]!.get('continue')).toBeNull();
    expect(pages[1]!.get('continue')).toBeTruthy();
    const watches = requests.filter((p) => p.startsWith(collection) && p.includes('watch=true'));
    expect(watches).toHaveLength(1);
    const query = new URLSearchParams(watches[0]!.slice(collection.length));
    expect(query.get('allowWatchBookmarks')).toBe('true');
    expect(query.get('labelSelector')).toBe(`${LABEL}=first`);
    expect(Number(query.get('resourceVersion'))).toBeGreaterThan(0);
  });

  it('hands watched adds, updates and deletes to its handlers, slimmed, and keeps list() current', async () => {
    const core = cluster.core;
    const { informer, log, objects, seen } = started(recordedInformer(http, namespace, 'changes'));
    await within(informer.synced, 15_000, 'synced');
    expect(log).toEqual(['listed 0']);

    await core.createNamespacedConfigMap({ namespace, body: configMap('c1', 'changes', { a: '1' }) });
    await core.createNamespacedConfigMap({ namespace, body: configMap('other', null, { a: '1' }) });
    await until(() => log.includes('add c1'), seen);
    await core.replaceNamespacedConfigMap({
      name: 'c1',
      namespace,
      body: configMap('c1', 'changes', { a: '2', b: '2' }),
    });
    await until(() => log.includes('update c1 keys=a,b'), seen);
    expect(informer.get('c1', namespace)?.data).toEqual({ keys: 'a,b' });
    await core.deleteNamespacedConfigMap({ name: 'c1', namespace });
    await until(() => log.includes('delete c1'), seen);

    expect(log).toEqual(['listed 0', 'add c1', 'update c1 keys=a,b', 'delete c1']);
    expect(informer.list()).toEqual([]);
    for (const object of objects) expect(Object.keys(object).sort()).toEqual(['data', 'metadata']);
  });

  it('lists again after a 410 Gone and reports as deleted what vanished while it heard nothing', async () => {
    if (REAL_CLUSTER) {
      console.log('left out on a real cluster: forcing a 410 needs local-cluster (SIGUSR2)');
      return;
    }
    const core = cluster.core;
    await core.createNamespacedConfigMap({ namespace, body: configMap('stays', 'gone', { a: '1' }) });
    await core.createNamespacedConfigMap({ namespace, body: configMap('goes', 'gone', { a: '1' }) });
    const proxy = await HoldingProxy.start(new URL(http.server!));
    const proxied = kubeHttp(cluster.kubeconfig, proxy.url);
    const { informer, log, seen } = started(recordedInformer(proxied, namespace, 'gone'));
    try {
      await within(informer.synced, 15_000, 'synced');
      expect(log).toEqual(['listed 2', 'add goes', 'add stays']);

      // The informer hears nothing while one object goes and another comes, and the API server ends every
      // watch and expires their history (as a restarted one has none).
      proxy.hold();
      await core.deleteNamespacedConfigMap({ name: 'goes', namespace });
      await core.createNamespacedConfigMap({ namespace, body: configMap('comes', 'gone', { a: '1' }) });
      await forceGone();
      proxy.cut();

      // Its watch from the old resourceVersion gets 410 Gone: it lists again, and the list tells it of both.
      await until(() => log.includes('add comes') && log.includes('delete goes'), seen);
      expect(log.slice(3)).toEqual(['listed 2 again', 'delete goes', 'add comes']);
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['comes', 'stays']);
    } finally {
      await informer.stop();
      await proxied.kubeConfig.closePool();
      await proxy.close();
    }
  });

  it('lists again after a SIGUSR2 when it had not seen the newest write (a change it does not watch)', async () => {
    if (REAL_CLUSTER) {
      console.log('left out on a real cluster: forcing a 410 needs local-cluster (SIGUSR2)');
      return;
    }
    const core = cluster.core;
    await core.createNamespacedConfigMap({ namespace, body: configMap('behind-1', 'behind', { a: '1' }) });
    const { informer, log, seen } = started(recordedInformer(http, namespace, 'behind'));
    await within(informer.synced, 15_000, 'synced');
    await core.createNamespacedConfigMap({ namespace, body: configMap('unwatched', null, { a: '1' }) });
    await forceGone();
    await until(() => log.includes('listed 1 again'), seen);
    // Nothing it held changed: the re-list reports no add, update or delete.
    expect(log).toEqual(['listed 1', 'add behind-1', 'listed 1 again']);
    await core.createNamespacedConfigMap({ namespace, body: configMap('behind-2', 'behind', { a: '1' }) });
    await until(() => log.includes('add behind-2'), seen);
  });

  it('neither watches nor calls a handler once stopped, even when stopped while it waits to watch again', async () => {
    if (REAL_CLUSTER) {
      console.log('left out on a real cluster: forcing a 410 needs local-cluster (SIGUSR2)');
      return;
    }
    const core = cluster.core;
    const { informer, log, seen } = started(recordedInformer(http, namespace, 'stopped'));
    await within(informer.synced, 15_000, 'synced');
    await core.createNamespacedConfigMap({ namespace, body: configMap('unwatched-2', null, { a: '1' }) });
    await forceGone();
    // Right after its re-list client-node's ListWatch waits (a reconnect delay) before it watches again.
    await until(() => log.includes('listed 0 again'), seen);
    await informer.stop();
    const after = log.length;
    const watches = watchRequests(`/api/v1/namespaces/${namespace}/configmaps?`);
    try {
      await core.createNamespacedConfigMap({ namespace, body: configMap('late', 'stopped', { a: '1' }) });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(watches.paths).toEqual([]);
      expect(log.slice(after)).toEqual([]);
    } finally {
      watches.stop();
    }
  });
});

describe('startInformer across an API server restart', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: AppProcess | undefined;

  /** local-cluster on a fixed port, its state kept in a snapshot across restarts. */
  async function startServer(): Promise<AppProcess> {
    const app = await runApp('local-cluster', env);
    await app.waitForOutput(/kubeconfig: .+\n/, 30_000);
    return app;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-informer-test-'));
    env = {
      CITE_LOCAL_CLUSTER_PORT: String(await freePort()),
      CITE_LOCAL_CLUSTER_KUBECONFIG: path.join(dir, 'kubeconfig'),
      CITE_LOCAL_CLUSTER_SNAPSHOT: path.join(dir, 'snapshot.json'),
      CITE_LOCAL_CLUSTER_CONTROLLERS: 'false',
    };
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports each failed attempt with its back-off while the server is down, and follows on once it is back', async () => {
    const config = new KubeConfig();
    config.loadFromFile(env['CITE_LOCAL_CLUSTER_KUBECONFIG']!);
    const core = config.makeApiClient(CoreV1Api);
    const ns = 'restart';
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('before', 'restart', { a: '1' }) });
    const local = kubeHttp(env['CITE_LOCAL_CLUSTER_KUBECONFIG']!);
    const { informer, log, retries, seen } = started(
      recordedInformer(local, ns, 'restart', { maxBackoffMs: 1_000 }),
    );
    try {
      await within(informer.synced, 15_000, 'synced');
      expect(log).toEqual(['listed 1', 'add before']);

      await server!.stop('SIGTERM');
      server = undefined;
      // Down for long enough that the back-off reaches its cap (250, 500, 1000, 1000 ms).
      await until(() => retries.length >= 4, seen);
      server = await startServer();
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('after', 'restart', { a: '1' }),
      });
      await until(() => log.includes('add after'), seen);

      expect(retries.slice(0, 4)).toEqual([250, 500, 1_000, 1_000]);
      expect(Math.max(...retries)).toBe(1_000);
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['after', 'before']);
      expect(log).not.toContain('delete before');
    } finally {
      await informer.stop();
      await local.kubeConfig.closePool();
    }
  });
});
