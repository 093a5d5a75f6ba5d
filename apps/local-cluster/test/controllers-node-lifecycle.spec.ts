/**
 * A node dying and coming back, end to end through @kubernetes/client-node: kubelets renew their node Leases; a
 * stopped kubelet's Lease stops, its node turns Ready=Unknown after the grace period and is tainted unreachable,
 * its pods are evicted by the taint manager (after their default tolerationSeconds, shortened here) and removed,
 * and the Deployment is whole again on the other nodes; the kubelet started again, the node is Ready and
 * untainted. https://kubernetes.io/docs/concepts/architecture/nodes/#node-controller
 */
import type { CoreV1Event, V1Lease, V1Node, V1Pod } from '@kubernetes/client-node';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { pollUntil } from '@cite/test-support';
import {
  type TestCluster,
  ZERO_DELAYS,
  createNamespace,
  emulatorOnly,
  startTestCluster,
} from './support/cluster';
import { PodTracker, deploymentBody, isReady, rolledOut, waitForRollout } from './support/controllers';

const HEARTBEAT_MS = 250;
const GRACE_PERIOD_MS = 3000;
const UNREACHABLE = 'node.kubernetes.io/unreachable';

const readyOf = (node: V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready');
const taintsOf = (node: V1Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
const renewTimeOf = (lease: V1Lease) => new Date(lease.spec?.renewTime ?? 0).getTime();
const describeEvent = (e: CoreV1Event) => `${e.reason}: ${e.message}`;

emulatorOnly(describe, 'stops one of the emulator’s simulated kubelets')(
  'controllers: node lifecycle',
  () => {
    let cluster: TestCluster;
    let coordination: CoordinationV1Api;

    beforeAll(async () => {
      cluster = await startTestCluster({
        controllers: true,
        delays: ZERO_DELAYS,
        nodeLifecycle: { heartbeatMs: HEARTBEAT_MS, gracePeriodMs: GRACE_PERIOD_MS },
        defaultTolerationSeconds: { notReady: 1, unreachable: 1 },
      });
      coordination = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
    }, 30_000);
    afterAll(() => cluster?.stop(), 30_000);

    const readLease = (name: string) =>
      coordination.readNamespacedLease({ name, namespace: 'kube-node-lease' });
    const readNode = (name: string) => cluster.core.readNode({ name });
    const eventsIn = async (namespace: string) =>
      (await cluster.core.listNamespacedEvent({ namespace })).items;

    it('kubelets hold and renew their node Lease, owned by the Node', async () => {
      const [node] = (await cluster.core.listNode()).items;
      const name = node!.metadata!.name!;
      const first = await readLease(name);
      expect(first.spec).toMatchObject({ holderIdentity: name, leaseDurationSeconds: 40 });
      expect(first.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name, uid: node!.metadata!.uid }),
      ]);
      await pollUntil(
        'the lease to be renewed',
        async () => renewTimeOf(await readLease(name)) > renewTimeOf(first),
      );
    });

    it('a node whose kubelet stopped goes Unknown and tainted, its pods are replaced elsewhere, and it comes back', async () => {
      const namespace = await createNamespace(cluster, 'node-down');
      await cluster.apps.createNamespacedDeployment({ namespace, body: deploymentBody('web', 4) });
      await waitForRollout(cluster, namespace, 'web');
      const tracker = await PodTracker.start(cluster, namespace);
      try {
        const before = (await cluster.core.listNamespacedPod({ namespace })).items;
        const victim = before[0]!.spec!.nodeName!;
        const victimPods = before.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata!.name!);

        await cluster.stopKubelet(victim);

        // After the grace period the node lifecycle controller marks the node Unknown and taints it.
        const down = await pollUntil('the node to turn Unknown and be tainted', async () => {
          const node = await readNode(victim);
          return readyOf(node)?.status === 'Unknown' && taintsOf(node).includes(`${UNREACHABLE}:NoExecute`)
            ? node
            : undefined;
        });
        expect(readyOf(down)).toMatchObject({
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        });
        expect(taintsOf(down)).toEqual(
          expect.arrayContaining([`${UNREACHABLE}:NoSchedule`, `${UNREACHABLE}:NoExecute`]),
        );
        expect(down.spec?.taints?.every((t) => t.timeAdded !== undefined)).toBe(true);
        // The Lease stopped being renewed before the node was marked (at least a grace period before).
        const lastRenewal = renewTimeOf(await readLease(victim));
        expect(lastRenewal).toBeLessThan(new Date(readyOf(down)!.lastTransitionTime!).getTime());

        // Its pods are evicted and removed; the ReplicaSet replaces them on the other, Ready nodes.
        const healed = await pollUntil('the Deployment to be whole again without the node', async () => {
          const deployment = await cluster.apps.readNamespacedDeployment({ name: 'web', namespace });
          const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
          const gone = victimPods.every((name) => !pods.some((p) => p.metadata?.name === name));
          return gone && rolledOut(deployment) && pods.length === 4 && pods.every(isReady) ? pods : undefined;
        });
        expect(healed.map((p) => p.spec?.nodeName)).not.toContain(victim);
        for (const name of victimPods) {
          // As the taint manager and the pod GC left it: DisruptionTarget, then Failed and force-deleted.
          const last = tracker.lastSeen.get(name) as V1Pod;
          expect(last.metadata?.deletionTimestamp).toBeDefined();
          expect(last.status?.phase).toBe('Failed');
          expect(last.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
          });
        }
        const events = await pollUntil('the eviction events', async () => {
          const list = (await eventsIn(namespace)).map(describeEvent);
          return victimPods.every((name) =>
            list.includes(`TaintManagerEviction: Marking for deletion Pod ${namespace}/${name}`),
          )
            ? list
            : undefined;
        });
        expect(events).toContain('NodeNotReady: Node is not ready');
        const nodeEvents = await pollUntil('the NodeNotReady event', async () => {
          const list = (await eventsIn('default'))
            .filter((e) => e.involvedObject.name === victim)
            .map(describeEvent);
          return list.length > 0 ? list : undefined;
        });
        expect(nodeEvents).toContain(`NodeNotReady: Node ${victim} status is now: NodeNotReady`);
        // Still no renewal while the kubelet is stopped.
        expect(renewTimeOf(await readLease(victim))).toBe(lastRenewal);

        await cluster.startKubelet(victim);
        const back = await pollUntil('the node to be Ready and untainted again', async () => {
          const node = await readNode(victim);
          return readyOf(node)?.status === 'True' && !taintsOf(node).some((t) => t.startsWith(UNREACHABLE))
            ? node
            : undefined;
        });
        expect(readyOf(back)).toMatchObject({ reason: 'KubeletReady' });
        expect(renewTimeOf(await readLease(victim))).toBeGreaterThan(lastRenewal);
        await pollUntil('the kubelet’s NodeReady event', async () =>
          (await eventsIn('default')).some(
            (e) => e.involvedObject.name === victim && e.reason === 'NodeReady',
          ),
        );
      } finally {
        tracker.stop();
      }
    }, 30_000);
  },
);
