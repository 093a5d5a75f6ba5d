/**
 * Deployments end to end through @kubernetes/client-node: availability, rolling update bounds asserted from
 * pod watch events, rollback by template revert (kubectl rollout undo's patch), Recreate, and the progress
 * deadline. https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { LocalCluster } from '../src/cluster';
import {
  type TestCluster,
  ZERO_DELAYS,
  createNamespace,
  emulatorOnly,
  quietLogger,
  startTestCluster,
} from './support/cluster';
import { PodTracker, deploymentBody, waitFor, waitForRollout } from './support/controllers';

const REVISION = 'deployment.kubernetes.io/revision';
const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('controllers: deployments', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    // Small delays so a rollout passes through pods that exist but are not ready yet.
    cluster = await startTestCluster({
      controllers: true,
      delays: { ...ZERO_DELAYS, startMs: 20, readyMs: 40 },
      backOffScale: 0.01,
    });
  }, 30_000);
  afterAll(() => cluster?.stop(), 30_000);

  emulatorOnly(it, 'exercises LocalCluster.start with zero simulated delays')(
    'a 10-replica Deployment becomes Available through LocalCluster.start with zero delays',
    async () => {
      const local = await LocalCluster.start({ delays: ZERO_DELAYS, controllerLogger: quietLogger });
      try {
        const apps = local.kubeConfig.makeApiClient(AppsV1Api);
        const started = Date.now();
        await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentBody('ten', 10) });
        const available = await waitFor('Available=True', async () => {
          const d = await apps.readNamespacedDeployment({ name: 'ten', namespace: 'default' });
          const condition = d.status?.conditions?.find((c) => c.type === 'Available');
          return condition?.status === 'True' && d.status?.availableReplicas === 10 ? d : undefined;
        });
        process.stdout.write(`10-replica Deployment Available after ${Date.now() - started} ms\n`);
        expect(available.status).toMatchObject({
          replicas: 10,
          updatedReplicas: 10,
          readyReplicas: 10,
          availableReplicas: 10,
        });
        expect(available.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        });
        expect(available.metadata?.annotations?.[REVISION]).toBe('1');
      } finally {
        await local.stop();
      }
    },
    30_000,
  );

  it('rolls 10 replicas with maxSurge 3 / maxUnavailable 2 without leaving the bounds (asserted from watch events)', async () => {
    const namespace = await createNamespace(cluster);
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody('web', 10, { strategy, image: 'nginx:1.26' }),
    });
    await waitForRollout(cluster, namespace, 'web');
    const tracker = await PodTracker.start(cluster, namespace);
    try {
      await waitFor(
        'the old pods to settle',
        async () => tracker.active().length === 10 && tracker.pods.size === 10,
      );
      tracker.resetExtremes();
      const body = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' }];
      await cluster.apps.patchNamespacedDeployment({ name: 'web', namespace, body }, JSON_PATCH);
      const done = await waitForRollout(cluster, namespace, 'web');
      await waitFor(
        'the last old pod to go',
        async () => tracker.pods.size === 10 && tracker.ready().length === 10,
      );
      process.stdout.write(
        `rolling update 10 replicas (maxSurge 3, maxUnavailable 2): max ${tracker.maxActive} pods not terminating ` +
          `(${tracker.maxTotal} with terminating), min ${tracker.minReady} ready, ${tracker.events.length} pod events\n`,
      );
      expect(tracker.maxActive).toBeLessThanOrEqual(13);
      expect(tracker.minReady).toBeGreaterThanOrEqual(8);
      // It did surge: the bound was used, not avoided by a one-at-a-time rollout.
      expect(tracker.maxActive).toBeGreaterThan(10);
      expect([...tracker.pods.values()].every((pod) => pod.spec?.containers[0]?.image === 'nginx:1.27')).toBe(
        true,
      );
      expect(done.metadata?.annotations?.[REVISION]).toBe('2');
    } finally {
      tracker.stop();
    }
  }, 30_000);

  it('gives a rollback (template reverted, as kubectl rollout undo patches it) a new revision', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody('web', 2, { image: 'nginx:1.26', annotations: undefined }),
    });
    await waitForRollout(cluster, namespace, 'web');
    const setImage = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' }];
    await cluster.apps.patchNamespacedDeployment({ name: 'web', namespace, body: setImage }, JSON_PATCH);
    await waitForRollout(cluster, namespace, 'web');

    // kubectl rollout undo: take revision 1's ReplicaSet template, drop pod-template-hash, replace the template.
    const sets = (await cluster.apps.listNamespacedReplicaSet({ namespace })).items;
    const first = sets.find((rs) => rs.metadata?.annotations?.[REVISION] === '1');
    expect(first).toBeDefined();
    const template = structuredClone(first!.spec!.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await cluster.apps.patchNamespacedDeployment(
      { name: 'web', namespace, body: [{ op: 'replace', path: '/spec/template', value: template }] },
      JSON_PATCH,
    );
    const rolledBack = await waitForRollout(cluster, namespace, 'web');
    expect(rolledBack.metadata?.annotations?.[REVISION]).toBe('3');
    const after = await cluster.apps.readNamespacedReplicaSet({ name: first!.metadata!.name!, namespace });
    expect(after.metadata?.annotations).toMatchObject({
      [REVISION]: '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(after.spec?.replicas).toBe(2);
    expect((await cluster.apps.listNamespacedReplicaSet({ namespace })).items).toHaveLength(2);
  }, 30_000);

  it('copies kubernetes.io/change-cause to the new ReplicaSet, for rollout history', async () => {
    const namespace = await createNamespace(cluster);
    const body = deploymentBody('web', 1);
    body.metadata!.annotations = { 'kubernetes.io/change-cause': 'first release' };
    await cluster.apps.createNamespacedDeployment({ namespace, body });
    await waitForRollout(cluster, namespace, 'web');
    const [rs] = (await cluster.apps.listNamespacedReplicaSet({ namespace })).items;
    expect(rs?.metadata?.annotations?.['kubernetes.io/change-cause']).toBe('first release');
  }, 30_000);

  it('Recreate: no new pod before every old pod is gone', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody('web', 3, { strategy: { type: 'Recreate' }, image: 'nginx:1.26' }),
    });
    await waitForRollout(cluster, namespace, 'web');
    const tracker = await PodTracker.start(cluster, namespace);
    try {
      const oldPods = new Set(tracker.pods.keys());
      const body = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' }];
      await cluster.apps.patchNamespacedDeployment({ name: 'web', namespace, body }, JSON_PATCH);
      await waitForRollout(cluster, namespace, 'web');
      await waitFor('three new pods', async () => tracker.ready().length === 3 && tracker.pods.size === 3);
      const lastOldGone = tracker.events.findLastIndex((e) => e.type === 'DELETED' && oldPods.has(e.name));
      const firstNew = tracker.events.findIndex((e) => e.type === 'ADDED' && !oldPods.has(e.name));
      expect(lastOldGone).toBeGreaterThanOrEqual(0);
      expect(firstNew).toBeGreaterThan(lastOldGone);
    } finally {
      tracker.stop();
    }
  }, 30_000);

  emulatorOnly(it, 'uses the image-pull annotation')(
    'marks ProgressDeadlineExceeded when pods cannot pull their image',
    async () => {
      const namespace = await createNamespace(cluster);
      const body = deploymentBody('broken', 2, {
        annotations: { 'local-cluster.cite.dev/image-pull': 'fail' },
        progressDeadlineSeconds: 1,
      });
      await cluster.apps.createNamespacedDeployment({ namespace, body });
      const stuck = await waitFor(
        'ProgressDeadlineExceeded',
        async () => {
          const d = await cluster.apps.readNamespacedDeployment({ name: 'broken', namespace });
          const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
          return progressing?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
        },
        10_000,
      );
      expect(stuck.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
        status: 'False',
        message: expect.stringMatching(/^ReplicaSet "broken-[a-z0-9]+" has timed out progressing\.$/),
      });
      expect(stuck.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
      });
      const reasons = await waitFor('both pull reasons', async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 40 && seen.size < 2; i++) {
          const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
          for (const pod of pods) {
            const reason = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
            if (reason) seen.add(reason);
          }
          if (seen.size < 2) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return seen.has('ImagePullBackOff') && seen.has('ErrImagePull') ? seen : undefined;
      });
      expect([...reasons].sort()).toEqual(['ErrImagePull', 'ImagePullBackOff']);
      const events = (await cluster.core.listNamespacedEvent({ namespace })).items.map(
        (e) => `${e.reason}: ${e.message}`,
      );
      expect(events).toEqual(
        expect.arrayContaining(['Failed: Error: ErrImagePull', 'Failed: Error: ImagePullBackOff']),
      );
      expect(events.some((e) => e.startsWith('BackOff: Back-off pulling image'))).toBe(true);
    },
    30_000,
  );

  it('does not roll out while paused, and resumes', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody('web', 2, { image: 'nginx:1.26' }),
    });
    await waitForRollout(cluster, namespace, 'web');
    await cluster.apps.patchNamespacedDeployment(
      { name: 'web', namespace, body: { spec: { paused: true } } },
      MERGE_PATCH,
    );
    await cluster.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace,
        body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const paused = await waitFor('the paused template change to be observed', async () => {
      const d = await cluster.apps.readNamespacedDeployment({ name: 'web', namespace });
      return d.status?.observedGeneration === d.metadata?.generation ? d : undefined;
    });
    expect(paused.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    expect((await cluster.apps.listNamespacedReplicaSet({ namespace })).items).toHaveLength(1);
    await cluster.apps.patchNamespacedDeployment(
      { name: 'web', namespace, body: { spec: { paused: false } } },
      MERGE_PATCH,
    );
    const resumed = await waitForRollout(cluster, namespace, 'web');
    expect(resumed.metadata?.annotations?.[REVISION]).toBe('2');
  }, 30_000);

  it('scales through the scale subresource', async () => {
    const namespace = await createNamespace(cluster);
    await cluster.apps.createNamespacedDeployment({ namespace, body: deploymentBody('web', 1) });
    await waitForRollout(cluster, namespace, 'web');
    await cluster.apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace, body: { spec: { replicas: 4 } } },
      MERGE_PATCH,
    );
    const scaled = await waitForRollout(cluster, namespace, 'web');
    expect(scaled.status?.availableReplicas).toBe(4);
    const events = (await cluster.core.listNamespacedEvent({ namespace })).items.map(
      (e) => `${e.reason}: ${e.message}`,
    );
    expect(events.some((e) => /^ScalingReplicaSet: Scaled up replica set web-\w+ from 1 to 4$/.test(e))).toBe(
      true,
    );
  }, 30_000);
});
