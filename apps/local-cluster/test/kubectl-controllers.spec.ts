/**
 * kubectl commands that wait on what the controllers do: rollout status/history/undo, describe with Events,
 * logs (--tail, -f, --previous of a crash-looping container).
 */
import {
  createNamespace,
  emulatorOnly,
  startTestCluster,
  type TestCluster,
  ZERO_DELAYS,
} from './support/cluster';
import { waitFor } from './support/controllers';
import { type Kubectl, kubectlFor } from './support/kubectl';

/** `kubectl describe`'s Events table header. */
const EVENTS_TABLE = /\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----/;

describe('kubectl with controllers', () => {
  let cluster: TestCluster;
  let namespace: string;
  let kubectl: Kubectl;

  beforeAll(async () => {
    cluster = await startTestCluster({
      controllers: true,
      delays: { ...ZERO_DELAYS, logIntervalMs: 200 },
      backOffScale: 0.001,
      crashAfterMs: 100,
    });
    namespace = await createNamespace(cluster, 'kubectl-ctl');
    kubectl = await kubectlFor(cluster, namespace, 30_000);
  });
  afterAll(() => cluster.stop());

  it('waits for a rollout, keeps history and undoes to the previous revision', async () => {
    await kubectl('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.26');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE/);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
    expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('deployment.apps/web rolled back');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    expect(
      await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'),
    ).toBe('nginx:1.25');
  });

  it('describes a deployment and its pod with their Events', async () => {
    await kubectl('create', 'deployment', 'shown', '--image=nginx:1.27', '--replicas=2');
    await kubectl('rollout', 'status', 'deployment/shown', '--timeout=20s');
    const deployment = await kubectl('describe', 'deployment', 'shown');
    expect(deployment).toMatch(
      /Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/,
    );
    expect(deployment).toMatch(/NewReplicaSet:\s+shown-\w+ \(2\/2 replicas created\)/);
    expect(deployment).toMatch(EVENTS_TABLE);
    expect(deployment).toMatch(
      /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set shown-\w+ from 0 to 2/,
    );
    const pod = (await kubectl('get', 'pods', '-l', 'app=shown', '-o', 'name')).split('\n')[0]!;
    const described = await waitFor('the kubelet events in describe', async () => {
      const text = await kubectl('describe', pod);
      return /Normal\s+Started\s/.test(text) ? text : undefined;
    });
    expect(described).toMatch(/Status:\s+Running/);
    expect(described).toMatch(/Controlled By:\s+ReplicaSet\/shown-\w+/);
    expect(described).toMatch(EVENTS_TABLE);
    expect(described).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned /);
    expect(described).toMatch(/Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image "nginx:1.27"/);
    expect(described).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
  });

  it('reads the last lines with --tail and follows new ones with -f', async () => {
    await kubectl(
      'run',
      'logger',
      '--image=busybox:1.36',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'echo starting; while true; do echo tick; sleep 1; done',
    );
    await kubectl('wait', '--for=condition=Ready', 'pod/logger', '--timeout=20s');
    await waitFor(
      'two log lines',
      async () => (await kubectl('logs', 'logger')).trim().split('\n').length >= 2,
    );
    const tail = await kubectl('logs', 'logger', '--tail=1');
    expect(tail.trim().split('\n')).toHaveLength(1);
    const followed = kubectl.stream('logs', '-f', 'logger');
    try {
      const first = await followed.line(/\S/);
      // The emulator's kubelet runs no command: its containers log a start line, then a heartbeat per interval.
      if (cluster.emulated) expect(first).toContain('starting container logger image=busybox:1.36');
      const seen = followed.lines.length;
      await followed.line(/\S/, 10_000, seen);
    } finally {
      await followed.stop();
    }
  });

  emulatorOnly(it, 'uses the crash: loop annotation and a scaled-down back-off')(
    'reads the previous run of a crash-looping container with --previous',
    async () => {
      await cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'crasher', annotations: { 'local-cluster.cite.dev/crash': 'loop' } },
          spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      await waitFor('a restart', async () => {
        const pod = await cluster.core.readNamespacedPod({ name: 'crasher', namespace });
        const status = pod.status?.containerStatuses?.[0];
        return (status?.restartCount ?? 0) >= 1 && status?.lastState?.terminated !== undefined;
      });
      const previous = await kubectl('logs', 'crasher', '--previous');
      expect(previous.split('\n')[0]).toContain('starting container app image=busybox:1.36');
      const described = await kubectl('describe', 'pod', 'crasher');
      expect(described).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
      expect(described).toMatch(/Restart Count:\s+[1-9]/);
      expect(described).toMatch(/Warning\s+BackOff\s+.*Back-off restarting failed container app/);
    },
  );
});
