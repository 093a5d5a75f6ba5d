import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import {
  createNamespace,
  emulatorOnly,
  failure,
  startTestCluster,
  type TestCluster,
} from './support/cluster';

const INTERVAL = 100;

// kubectl-controllers.spec.ts reads a real kubelet's logs; these tests write pod status by hand.
emulatorOnly(describe, "the log lines are the emulator's own, derived from a pod status the test writes")(
  'pod logs (derived from the stored pod)',
  () => {
    let cluster: TestCluster;
    let core: CoreV1Api;
    let namespace: string;

    /** Creates a pod and, as a kubelet would, marks its container running since `startedAt`. */
    async function runningPod(
      name: string,
      startedAt: Date,
      extra: Partial<NonNullable<V1Pod['status']>> = {},
    ): Promise<void> {
      await core.createNamespacedPod({
        namespace,
        body: { metadata: { name }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
      });
      const pod = await core.readNamespacedPod({ name, namespace });
      await core.replaceNamespacedPodStatus({
        name,
        namespace,
        body: {
          ...pod,
          status: {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'app',
                image: 'app:1',
                imageID: '',
                ready: true,
                restartCount: 0,
                started: true,
                state: { running: { startedAt } },
              },
            ],
            ...extra,
          },
        },
      });
    }

    const logUrl = (name: string, query: string) =>
      `${cluster.url}/api/v1/namespaces/${namespace}/pods/${name}/log?${query}`;

    beforeAll(async () => {
      cluster = await startTestCluster({ delays: { logIntervalMs: INTERVAL } });
      core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      namespace = await createNamespace(cluster, 'logs');
    });
    afterAll(() => cluster.stop());

    it('writes a start line naming the image, then a heartbeat per interval', async () => {
      await runningPod('steady', new Date(Date.now() - 10 * INTERVAL - 50));
      const log = await core.readNamespacedPodLog({ name: 'steady', namespace });
      const lines = log.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(11);
      expect(lines[0]).toMatch(/^\S+Z INFO steady\/app starting container app image=app:1$/);
      expect(lines[3]).toMatch(/ INFO steady\/app heartbeat n=3$/);
    });

    it('honours tailLines and timestamps', async () => {
      const log = await core.readNamespacedPodLog({
        name: 'steady',
        namespace,
        tailLines: 2,
        timestamps: true,
      });
      const lines = log.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S+Z INFO steady\/app heartbeat n=\d+$/,
      );
    });

    it('honours sinceTime and limitBytes', async () => {
      const all = (await core.readNamespacedPodLog({ name: 'steady', namespace })).trimEnd().split('\n');
      const since = all[5]?.split(' ')[0] as string;
      const recent = (await (await fetch(logUrl('steady', `sinceTime=${encodeURIComponent(since)}`))).text())
        .trimEnd()
        .split('\n');
      expect(recent[0]).toBe(all[5]);
      const limited = await (await fetch(logUrl('steady', 'limitBytes=10'))).text();
      expect(Buffer.byteLength(limited)).toBe(10);
    });

    it('answers 400 like kube for previous without a terminated run, a waiting container, and an ambiguous container', async () => {
      const previous = await failure(
        core.readNamespacedPodLog({ name: 'steady', namespace, previous: true }),
      );
      expect(previous.code).toBe(400);
      expect(previous.status.message).toBe('previous terminated container "app" in pod "steady" not found');
      await core.createNamespacedPod({
        namespace,
        body: { metadata: { name: 'waiting' }, spec: { containers: [{ name: 'app', image: 'x' }] } },
      });
      expect((await failure(core.readNamespacedPodLog({ name: 'waiting', namespace }))).status.message).toBe(
        'container "app" in pod "waiting" is waiting to start: ContainerCreating',
      );
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'two' },
          spec: {
            containers: [
              { name: 'a', image: 'x' },
              { name: 'b', image: 'y' },
            ],
          },
        },
      });
      const ambiguous = await failure(core.readNamespacedPodLog({ name: 'two', namespace }));
      expect(ambiguous.code).toBe(400);
      expect(ambiguous.status.message).toBe(
        'a container name must be specified for pod two, choose one of: [a b]',
      );
    });

    it('reads the previous run from lastState.terminated', async () => {
      const finished = new Date(Date.now() - 1000);
      await runningPod('restarted', new Date(), {
        containerStatuses: [
          {
            name: 'app',
            image: 'app:1',
            imageID: '',
            ready: true,
            restartCount: 1,
            state: { running: { startedAt: new Date() } },
            lastState: {
              terminated: {
                exitCode: 1,
                startedAt: new Date(finished.getTime() - 3 * INTERVAL),
                finishedAt: finished,
              },
            },
          },
        ],
      });
      const log = await core.readNamespacedPodLog({ name: 'restarted', namespace, previous: true });
      expect(log.trimEnd().split('\n')).toHaveLength(4);
    });

    it('follows: writes each new line when it is due, and ends when the container stops', async () => {
      await runningPod('followed', new Date());
      const response = await fetch(logUrl('followed', 'follow=true'));
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('heartbeat n=2')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('log stream ended early');
        text += decoder.decode(value);
      }
      const pod = await core.readNamespacedPod({ name: 'followed', namespace });
      await core.replaceNamespacedPodStatus({
        name: 'followed',
        namespace,
        body: { ...pod, status: { phase: 'Succeeded' } },
      });
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
      expect(text).toContain('starting container app');
    });
  },
);
