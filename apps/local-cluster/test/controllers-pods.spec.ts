/**
 * Scheduler and kubelets end to end through @kubernetes/client-node: placement and pod IPs from the node's pod
 * CIDR, FailedScheduling, the kubelet's lifecycle and events, graceful termination, crash loops, never-ready
 * pods and image checks against a Docker Registry v2 endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_POOL, validatePool, whoOwns } from '@cite/ip-pool';
import { type TestCluster, createNamespace, emulatorOnly, startTestCluster } from './support/cluster';
import { PodTracker, waitFor } from './support/controllers';

const podBody = (
  name: string,
  extra: { annotations?: Record<string, string>; cpu?: string; image?: string } = {},
): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    containers: [
      {
        name: 'app',
        image: extra.image ?? 'nginx:1.27',
        ...(extra.cpu ? { resources: { requests: { cpu: extra.cpu } } } : {}),
      },
    ],
  },
});

describe('controllers: scheduler and kubelets', () => {
  let cluster: TestCluster;
  let registry: Server;
  let registryHost: string;

  beforeAll(async () => {
    // A Docker Registry v2 stand-in that has exactly one image: team/app:v1.
    registry = createServer((request, response) => {
      const found =
        request.url === '/v2/team/app/manifests/v1' && String(request.headers.accept).includes('manifest');
      response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      response.end(found ? '{}' : '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryHost = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
    cluster = await startTestCluster({
      controllers: true,
      delays: { containerCreatingMs: 10, startMs: 10, readyMs: 10, logIntervalMs: 1000 },
      backOffScale: 0.005,
      crashAfterMs: 30,
      registryUrl: `http://${registryHost}`,
    });
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
    await new Promise((resolve) => registry?.close(resolve));
  }, 30_000);

  const read = (namespace: string, name: string) => cluster.core.readNamespacedPod({ name, namespace });
  const eventsOf = async (namespace: string, name: string) =>
    (await cluster.core.listNamespacedEvent({ namespace })).items
      .filter((e) => e.involvedObject.name === name)
      .map((e) => `${e.reason}: ${e.message}`);

  it('schedules, gives the pod an IP from its node pod CIDR, and runs it to Ready with the usual events', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.core.createNamespacedPod({ namespace, body: podBody('web') });
    const pod = await waitFor('Ready', async () => {
      const p = await read(namespace, 'web');
      return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    if (cluster.emulated) {
      // The emulator's nodes and pod ranges come from libs/ip-pool's default pool.
      const owner = whoOwns(validatePool(DEFAULT_POOL), pod.status!.podIP!);
      expect(owner).toMatchObject({ kind: 'pod-range', node: pod.spec?.nodeName, role: 'pod' });
      expect(pod.status?.hostIP).toBe(pod.spec?.nodeName?.replace('node-', '').replaceAll('-', '.'));
    }
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.startTime).toBeDefined();
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'nginx:1.27',
      imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:/),
      containerID: expect.stringMatching(/^containerd:\/\//),
    });
    const events = await waitFor('the kubelet events', async () => {
      const list = await eventsOf(namespace, 'web');
      return list.length >= 5 ? list : undefined;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        `Scheduled: Successfully assigned ${namespace}/web to ${pod.spec?.nodeName}`,
        'Pulling: Pulling image "nginx:1.27"',
        'Created: Created container: app',
        'Started: Started container app',
      ]),
    );
  }, 30_000);

  it('terminates gracefully: Killing, containers stopped, then the pod is removed', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.core.createNamespacedPod({ namespace, body: podBody('web') });
    await waitFor('running', async () => (await read(namespace, 'web')).status?.phase === 'Running');
    const tracker = await PodTracker.start(cluster, namespace);
    try {
      await cluster.core.deleteNamespacedPod({ name: 'web', namespace });
      await waitFor('the pod to be removed', async () => tracker.pods.size === 0);
      expect(tracker.events.at(-1)).toEqual({ type: 'DELETED', name: 'web' });
      expect(await eventsOf(namespace, 'web')).toContain('Killing: Stopping container app');
    } finally {
      tracker.stop();
    }
  }, 30_000);

  it('keeps an unschedulable pod Pending with PodScheduled=False and a FailedScheduling event', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.core.createNamespacedPod({ namespace, body: podBody('huge', { cpu: '64' }) });
    const pod = await waitFor('Unschedulable', async () => {
      const p = await read(namespace, 'huge');
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')
        ? p
        : undefined;
    });
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.status?.phase).toBe('Pending');
    // A real scheduler counts its own nodes and appends what preemption found.
    const message = cluster.emulated
      ? '0/10 nodes are available: 10 Insufficient cpu.'
      : expect.stringMatching(/^0\/(\d+) nodes are available: .*\1 Insufficient cpu\./);
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      message,
    });
    const events = (await cluster.core.listNamespacedEvent({ namespace })).items;
    expect(events.find((e) => e.reason === 'FailedScheduling')).toMatchObject({
      type: 'Warning',
      message,
      source: { component: 'default-scheduler' },
    });
  }, 30_000);

  emulatorOnly(it, 'uses the crash annotation')(
    'crash-loops with the crash annotation: restartCount grows, CrashLoopBackOff, lastState.terminated',
    async () => {
      const namespace = await createNamespace(cluster);
      await cluster.core.createNamespacedPod({
        namespace,
        body: podBody('crasher', { annotations: { 'local-cluster.cite.dev/crash': 'loop' } }),
      });
      const seen = new Set<string>();
      const pod = await waitFor('three restarts', async () => {
        const p = await read(namespace, 'crasher');
        const reason = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
        if (reason) seen.add(reason);
        return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3 ? p : undefined;
      });
      const status = pod.status!.containerStatuses![0]!;
      expect(status.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      expect(pod.status?.phase).toBe('Running');
      expect(seen.has('CrashLoopBackOff')).toBe(true);
      const events = await eventsOf(namespace, 'crasher');
      expect(events).toContain(
        'BackOff: Back-off restarting failed container app in pod crasher_' +
          namespace +
          `(${pod.metadata?.uid})`,
      );
    },
    30_000,
  );

  emulatorOnly(it, 'uses the ready annotation')(
    'keeps a ready: never pod Running but not Ready',
    async () => {
      const namespace = await createNamespace(cluster);
      await cluster.core.createNamespacedPod({
        namespace,
        body: podBody('shy', { annotations: { 'local-cluster.cite.dev/ready': 'never' } }),
      });
      await waitFor('Unhealthy', async () =>
        (await eventsOf(namespace, 'shy')).some((e) => e.startsWith('Unhealthy: Readiness probe failed')),
      );
      const pod = await read(namespace, 'shy');
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ContainersNotReady',
      });
    },
    30_000,
  );

  emulatorOnly(it, 'needs the emulated kubelets to use a test registry')(
    'checks images against the configured registry: present runs, missing fails like a kubelet',
    async () => {
      const namespace = await createNamespace(cluster);
      await cluster.core.createNamespacedPod({
        namespace,
        body: podBody('present', { image: `${registryHost}/team/app:v1` }),
      });
      await cluster.core.createNamespacedPod({
        namespace,
        body: podBody('missing', { image: `${registryHost}/team/app:v2` }),
      });
      await waitFor(
        'present to run',
        async () => (await read(namespace, 'present')).status?.phase === 'Running',
      );
      const missing = await waitFor('ErrImagePull or ImagePullBackOff', async () => {
        const p = await read(namespace, 'missing');
        return p.status?.containerStatuses?.[0]?.state?.waiting?.reason?.match(
          /ErrImagePull|ImagePullBackOff/,
        )
          ? p
          : undefined;
      });
      expect(missing.status?.phase).toBe('Pending');
      const events = await waitFor('the pull failure event', async () => {
        const list = await eventsOf(namespace, 'missing');
        return list.some((e) => e.includes('not found')) ? list : undefined;
      });
      expect(events).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^Failed: Failed to pull image "${registryHost}/team/app:v2": rpc error: code = NotFound .*: not found$`,
          ),
        ),
      );
    },
    30_000,
  );
});
