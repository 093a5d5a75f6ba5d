/**
 * The watcher against a real API server and a real etcd: Ingresses → domains (with conflicts), cite Services →
 * load-balancer records, pods and nodes → the IP map, pods → observed status; converging from scratch after
 * changes made while no watcher ran, after a forced 410, and across a leader killed mid-stream. Every check
 * compares what etcd holds with what the cluster shows, as sets.
 */
import { jest } from '@jest/globals';
import { ObservedStatusStore, type Repository } from '@cite/store';
import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import {
  eventually,
  Harness,
  ingress,
  REAL_CLUSTER,
  startCluster,
  teamNs,
  VIP,
  type Cluster,
} from './support';

jest.setTimeout(180_000);

let cluster: Cluster;
let h: Harness;

beforeAll(async () => {
  cluster = await startCluster();
  h = await Harness.create(cluster);
});

afterAll(async () => {
  await h?.stop();
  await cluster?.stop();
});

async function all<T>(repository: Repository<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of repository.all({ limit: 1000 })) items.push(item.value);
  return items;
}

/**
 * Domain records as comparable lines: host, owner, rival, targets — `@lb` when the targets are exactly what the
 * owner's Ingress publishes in its status (a real cluster's ingress controller, or local-cluster's stand-in).
 */
async function domainLines(): Promise<string[]> {
  const ingresses = await cluster.networking.listIngressForAllNamespaces();
  const published = new Map(
    ingresses.items.map((found) => [
      `${found.metadata?.namespace}/${found.metadata?.name}`,
      (found.status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip ?? entry.hostname).join(','),
    ]),
  );
  return (await all(h.store.domains))
    .map((d) => {
      const targets = d.targets.join(',');
      const shown =
        d.ingress && targets !== '' && published.get(d.ingress) === targets ? '@lb' : targets || '-';
      return `${d.host} ${d.service ?? d.ingress} ${d.conflict?.with ?? '-'} ${shown}`;
    })
    .sort();
}

const sameSet = (expected: string[]) => (actual: string[]) =>
  JSON.stringify([...actual].sort()) === JSON.stringify([...expected].sort());

function podLine(pod: V1Pod): string | null {
  const ip = pod.status?.podIP;
  if (!ip || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return null;
  return `${ip} ${pod.metadata?.namespace}/${pod.metadata?.name} ${pod.spec?.nodeName ?? '-'}`;
}

/** What the IP map should be: every pod of the cluster that holds an address. */
async function clusterIpLines(): Promise<string[]> {
  const pods = await cluster.core.listPodForAllNamespaces();
  return pods.items.flatMap((pod) => podLine(pod) ?? []).sort();
}

async function etcdIpLines(): Promise<string[]> {
  return (await all(h.store.ips)).map((r) => `${r.ip} ${r.namespace}/${r.pod} ${r.node ?? '-'}`).sort();
}

async function ipMapConverged(): Promise<void> {
  let expected: string[] = [];
  await eventually(
    async () => {
      expected = await clusterIpLines();
      return etcdIpLines();
    },
    (actual) => sameSet(expected)(actual),
  );
}

const A = 'wt-a';
const B = 'wt-b';
const TEAM = 'wt';

describe('watcher', () => {
  it('turns Ingress hosts into domain records: the first owner keeps a host, a later claimant is in conflict and gets a Warning event, a spec claim beats an Ingress', async () => {
    await h.namespace(A);
    await h.namespace(B);
    await h.startWatcher();
    await cluster.networking.createNamespacedIngress({
      namespace: A,
      body: ingress('a1', ['shop.example.test', 'api.example.test']),
    });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later creationTimestamp (second resolution)
    await cluster.networking.createNamespacedIngress({
      namespace: B,
      body: ingress('b1', ['shop.example.test']),
    });
    await eventually(
      domainLines,
      sameSet([`api.example.test ${A}/a1 - @lb`, `shop.example.test ${A}/a1 ${B}/b1 @lb`]),
    );
    if (!REAL_CLUSTER) {
      const published = await cluster.networking.readNamespacedIngress({ namespace: A, name: 'a1' });
      expect(published.status?.loadBalancer?.ingress).toEqual([{ ip: VIP }]);
    }
    const events = await eventually(
      () => cluster.core.listNamespacedEvent({ namespace: B }),
      (list) => list.items.some((e) => e.reason === 'HostConflict' && e.involvedObject.name === 'b1'),
    );
    const warning = events.items.find((e) => e.reason === 'HostConflict')!;
    expect(warning.type).toBe('Warning');
    expect(warning.message).toContain('shop.example.test');

    // The owner goes: its records go, and the host passes to the remaining claimant, no longer in conflict.
    await cluster.networking.deleteNamespacedIngress({ namespace: A, name: 'a1' });
    await eventually(domainLines, sameSet([`shop.example.test ${B}/b1 - @lb`]));

    // A cite service whose spec lists a host owns it, Ingress or not; an Ingress outside cite is the rival.
    await h.createService({ name: 'shopfront', team: TEAM, domains: ['claimed.example.test'] });
    await cluster.networking.createNamespacedIngress({
      namespace: B,
      body: ingress('c1', ['claimed.example.test']),
    });
    await eventually(
      domainLines,
      sameSet([`claimed.example.test shopfront ${B}/c1 -`, `shop.example.test ${B}/b1 - @lb`]),
    );
  });

  it("keeps cite Services' ready endpoints, every pod's address, each node's use and the service's pods in etcd", async () => {
    const namespace = await h.namespace(teamNs(TEAM));
    const labels = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'shopfront' };
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'shopfront', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'shopfront' } },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
          },
        },
      },
    });
    await cluster.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'shopfront', labels },
        spec: {
          selector: { 'app.kubernetes.io/name': 'shopfront' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      },
    });
    const readyPods = async () =>
      (
        await cluster.core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/name=shopfront' })
      ).items
        .filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .filter((pod) => !pod.metadata?.deletionTimestamp);
    const lbLines = async () => {
      const record = await h.store.lbEndpoints.get(`${namespace}/shopfront`);
      return record
        ? record.value.endpoints.map((e) => `${e.ip}:${e.port} ${e.node ?? '-'} ${e.pod ?? '-'}`)
        : ['none'];
    };
    const expectedLb = async () =>
      (await readyPods()).map(
        (pod) => `${pod.status?.podIP}:8080 ${pod.spec?.nodeName} ${pod.metadata?.name}`,
      );
    const lbConverged = async (count: number) => {
      let expected: string[] = [];
      await eventually(
        async () => {
          expected = await expectedLb();
          return lbLines();
        },
        (actual) => expected.length === count && sameSet(expected)(actual),
      );
    };
    await lbConverged(2);
    await ipMapConverged();

    // Each node: its pod range's capacity and how many pods hold an address in it.
    const nodes = await cluster.core.listNode();
    const pods = await cluster.core.listPodForAllNamespaces();
    const used = (node: string) =>
      pods.items.filter((pod) => podLine(pod) && pod.spec?.nodeName === node).length;
    const nodeLines = async () =>
      (await all(h.store.nodes)).map((n) => `${n.node} ${n.podCidr} ${n.used}`).sort();
    await eventually(
      nodeLines,
      sameSet(
        nodes.items.map((n) => `${n.metadata?.name} ${n.spec?.podCIDR} ${used(n.metadata?.name ?? '')}`),
      ),
    );

    // The service's observed status lists its pods, written by the watcher.
    const status = await eventually(
      () => statusOf('shopfront'),
      (record) => (record?.pods.length ?? 0) === 2,
    );
    expect(new Set(status!.pods.map((p) => p.name))).toEqual(
      new Set((await readyPods()).map((pod) => pod.metadata?.name)),
    );

    // Scaling follows: more endpoints, then none (the record stays, empty: nothing is ready).
    await cluster.apps.patchNamespacedDeploymentScale(
      { namespace, name: 'shopfront', body: { spec: { replicas: 3 } } },
      mergePatch,
    );
    await lbConverged(3);
    await cluster.apps.patchNamespacedDeploymentScale(
      { namespace, name: 'shopfront', body: { spec: { replicas: 0 } } },
      mergePatch,
    );
    await eventually(lbLines, sameSet([]));
    await ipMapConverged();

    // The Service goes: its record goes.
    await cluster.core.deleteNamespacedService({ namespace, name: 'shopfront' });
    await eventually(lbLines, sameSet(['none']));
  });

  it('keeps leading and converges while another writer keeps changing the records it writes', async () => {
    // The api claims hosts and the deployer writes status in the same keys: the watcher's guarded batches are
    // refused whenever one moved, and it must read again and decide again — never mistake that for lost
    // leadership.
    const watcher = h.watchers[0]!;
    const host = 'claimed.example.test';
    const wanted = `claimed.example.test shopfront ${B}/c1 -`;
    await eventually(domainLines, (lines) => lines.includes(wanted));
    for (let i = 0; i < 40; i++) {
      const current = await h.store.domains.get(host);
      await h.store.domains.put(host, {
        ...current!.value,
        paths: [`/moved-${i}`],
        updatedAt: new Date().toISOString(),
      });
      if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(domainLines, (lines) => lines.includes(wanted));
    const record = await eventually(
      () => h.store.domains.get(host),
      (found) => JSON.stringify(found?.value.paths) === JSON.stringify(['/']),
    );
    expect(record?.value.paths).toEqual(['/']);
    expect(watcher.child.exitCode).toBeNull();
    expect(await h.leader()).toMatch(new RegExp(`/${watcher.child.pid}$`));
    expect(watcher.output()).not.toContain('no longer leads');
  });

  it('converges from scratch after changes made while every watcher was down', async () => {
    // A cite Service with its record, deleted below while no watcher runs.
    const namespace = teamNs(TEAM);
    const labels = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'backroom' };
    await cluster.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'backroom', labels },
        spec: { selector: { 'app.kubernetes.io/name': 'backroom' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await eventually(
      () => h.store.lbEndpoints.get(`${namespace}/backroom`),
      (record) => record !== null,
    );
    await Promise.all(h.watchers.splice(0).map((watcher) => watcher.stop('SIGTERM')));
    await cluster.core.deleteNamespacedService({ namespace, name: 'backroom' });
    await cluster.networking.deleteNamespacedIngress({ namespace: B, name: 'b1' });
    await cluster.networking.createNamespacedIngress({
      namespace: A,
      body: ingress('d1', ['new.example.test']),
    });
    await cluster.apps.patchNamespacedDeploymentScale(
      { namespace: teamNs(TEAM), name: 'shopfront', body: { spec: { replicas: 1 } } },
      mergePatch,
    );
    await h.startWatcher();
    await eventually(
      domainLines,
      sameSet([`claimed.example.test shopfront ${B}/c1 -`, `new.example.test ${A}/d1 - @lb`]),
    );
    await eventually(
      async () => (await all(h.store.lbEndpoints)).map((record) => `${record.namespace}/${record.service}`),
      (ids) => !ids.includes(`${namespace}/backroom`),
    );
    await ipMapConverged();
  });

  it('lists again after a 410 Gone and converges on what it missed', async () => {
    if (REAL_CLUSTER) {
      console.log('left out on a real cluster: forcing a 410 needs local-cluster (SIGUSR2)');
      return;
    }
    const watcher = h.watchers[0]!;
    // The watcher misses these: it is paused (briefly: its lease must outlive the pause) while they happen and
    // the API server ends every watch and expires their history.
    watcher.child.kill('SIGSTOP');
    try {
      await cluster.networking.deleteNamespacedIngress({ namespace: A, name: 'd1' });
      await cluster.networking.createNamespacedIngress({
        namespace: A,
        body: ingress('e1', ['late.example.test']),
      });
      // The ingress stand-in publishes e1's address first: the write below must be the newest of all, so that
      // every informer — the Ingresses' too — is behind it and gets 410.
      await eventually(
        () => cluster.networking.readNamespacedIngress({ namespace: A, name: 'e1' }),
        (found) => (found.status?.loadBalancer?.ingress?.length ?? 0) > 0,
        5_000,
      );
      await cluster.core.createNamespacedConfigMap({
        namespace: A,
        body: { metadata: { name: 'newest-write' } },
      });
      cluster.process!.child.kill('SIGUSR2');
      await cluster.process!.waitForOutput('SIGUSR2, ended');
    } finally {
      watcher.child.kill('SIGCONT');
    }
    await watcher.waitForOutput(/"message":"listed again".*"resource":"ingresses"|listed again.*ingresses/);
    await eventually(
      domainLines,
      sameSet([`claimed.example.test shopfront ${B}/c1 -`, `late.example.test ${A}/e1 - @lb`]),
    );
  });

  it('hands over to a standby within the election TTL when the leader is killed mid-stream, losing and doubling nothing', async () => {
    const first = h.watchers[0]!;
    const standby = await h.startWatcher();
    const leaderBefore = await eventually(
      () => h.leader(),
      (id) => id !== null,
    );
    const leading = leaderBefore!.endsWith(`/${first.child.pid}`) ? first : standby;
    const ns = await h.namespace('wt-k');
    const hosts = Array.from({ length: 30 }, (_, i) => `k${i}.example.test`);
    let killedAt = 0;
    for (const [i, host] of hosts.entries()) {
      if (i === 10) {
        leading.child.kill('SIGKILL');
        killedAt = Date.now();
      }
      await cluster.networking.createNamespacedIngress({ namespace: ns, body: ingress(`k${i}`, [host]) });
    }
    const leaderAfter = await eventually(
      () => h.leader(),
      (id) => id !== null && id !== leaderBefore,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover after the leader's SIGKILL: ${takeoverMs} ms (TTL 2 s)`);
    expect(leaderAfter).not.toBe(leaderBefore);
    await eventually(
      domainLines,
      sameSet([
        `claimed.example.test shopfront ${B}/c1 -`,
        `late.example.test ${A}/e1 - @lb`,
        ...hosts.map((host, i) => `${host} ${ns}/k${i} - @lb`),
      ]),
    );
    await ipMapConverged();
  });
});

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function statusOf(service: string) {
  return (await new ObservedStatusStore(h.store.etcd).get(service))?.value ?? null;
}
