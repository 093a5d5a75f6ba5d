/**
 * Zero values as a real kube-apiserver serves them: fields Go's `omitempty` drops when zero are absent (on GET,
 * in watch events, in write answers), whoever wrote the zero, and untagged ones (`status.replicas` of a
 * ReplicaSet) stay. Read as raw JSON, since the typed client cannot tell a missing key from a zero.
 * https://github.com/kubernetes/api/blob/master/apps/v1/types.go
 */
import type {
  V1Deployment,
  V1DeploymentList,
  V1ReplicaSet,
  V1Scale,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import {
  type TestCluster,
  EventQueue,
  ZERO_DELAYS,
  createNamespace,
  rawRequest,
  startTestCluster,
} from './support/cluster';
import { deploymentBody, waitFor } from './support/controllers';

/** The keys a JSON object was sent with (a typed client would show a missing count and a zero alike). */
const keys = (value: object | undefined): string[] => Object.keys(value ?? {});

const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const JSON_BODY = { 'Content-Type': 'application/json' };

describe('zero values omitted as Go omits them', () => {
  let cluster: TestCluster;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: true, delays: ZERO_DELAYS, backOffScale: 0.01 });
    namespace = await createNamespace(cluster, 'zero');
  }, 30_000);
  afterAll(() => cluster?.stop(), 30_000);

  const deployments = () => `/apis/apps/v1/namespaces/${namespace}/deployments`;
  const replicaSets = () => `/apis/apps/v1/namespaces/${namespace}/replicasets`;

  async function send<T = V1Deployment>(
    path: string,
    method: string,
    body?: unknown,
    headers = JSON_BODY,
  ): Promise<T> {
    const response = await rawRequest(cluster, path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.json<T>();
  }

  it('a Deployment that becomes fully available has no unavailableReplicas, on GET and in the watch event', async () => {
    const watch = await EventQueue.open(cluster.kubeConfig, deployments(), {});
    try {
      const body = deploymentBody('avail', 2);
      body.spec = { ...body.spec!, minReadySeconds: 0, paused: false };
      await send(deployments(), 'POST', body);
      const available = await watch.nextMatching((event) => {
        const status = (event.object as V1Deployment).status ?? {};
        return (
          event.object.metadata?.name === 'avail' &&
          status.availableReplicas === 2 &&
          status.updatedReplicas === 2 &&
          status.replicas === 2
        );
      }, 20_000);
      expect(keys((available.object as V1Deployment).status)).not.toContain('unavailableReplicas');
      const stored = await send(`${deployments()}/avail`, 'GET');
      expect(stored.status).toMatchObject({ replicas: 2, availableReplicas: 2 });
      expect(keys(stored.status)).not.toContain('unavailableReplicas');
      // minReadySeconds and paused are plain int32 and bool with omitempty; replicas is a pointer.
      expect(keys(stored.spec)).not.toContain('minReadySeconds');
      expect(keys(stored.spec)).not.toContain('paused');
    } finally {
      watch.close();
    }
  }, 30_000);

  it('explicit zeros a client writes come back without the key (status PUT and patch, spec PUT)', async () => {
    await send(deployments(), 'POST', deploymentBody('explicit', 0));
    const patched = await send(
      `${deployments()}/explicit/status`,
      'PATCH',
      { status: { unavailableReplicas: 0, readyReplicas: 0 } },
      MERGE,
    );
    expect(keys(patched.status)).not.toContain('unavailableReplicas');
    expect(keys(patched.status)).not.toContain('readyReplicas');

    const current = await send(`${deployments()}/explicit`, 'GET');
    delete current.metadata?.resourceVersion; // unconditional: the controller may write the status meanwhile
    current.status = { ...current.status, unavailableReplicas: 0 };
    const put = await send(`${deployments()}/explicit/status`, 'PUT', current);
    expect(keys(put.status)).not.toContain('unavailableReplicas');

    // A spec zero that Go omits is no spec change: the generation stays.
    const before = await send(`${deployments()}/explicit`, 'GET');
    delete before.metadata?.resourceVersion;
    const replaced = await send(`${deployments()}/explicit`, 'PUT', {
      ...before,
      spec: { ...before.spec!, minReadySeconds: 0 },
    });
    expect(keys(replaced.spec)).not.toContain('minReadySeconds');
    expect(replaced.metadata?.generation).toBe(before.metadata?.generation);
    const listed = await send<V1DeploymentList>(
      `${deployments()}?fieldSelector=metadata.name=explicit`,
      'GET',
    );
    expect(keys(listed.items[0]?.status)).not.toContain('unavailableReplicas');
  }, 30_000);

  it('a ReplicaSet scaled to 0 keeps status.replicas: 0 and drops its other zero counts', async () => {
    const { spec } = deploymentBody('scaled', 1);
    await send(replicaSets(), 'POST', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'scaled' },
      spec: { replicas: 1, selector: spec!.selector, template: spec!.template },
    });
    await waitFor('the ReplicaSet to be ready', async () => {
      const rs = await send<V1ReplicaSet>(`${replicaSets()}/scaled`, 'GET');
      return rs.status?.readyReplicas === 1;
    });
    await send(`${replicaSets()}/scaled`, 'PATCH', { spec: { replicas: 0 } }, MERGE);
    const scaled = await waitFor('the ReplicaSet to report 0 replicas', async () => {
      const rs = await send<V1ReplicaSet>(`${replicaSets()}/scaled`, 'GET');
      return rs.status?.observedGeneration === 2 && rs.status?.replicas === 0 ? rs : undefined;
    });
    expect(scaled.status).toHaveProperty('replicas', 0);
    for (const key of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas'])
      expect(keys(scaled.status)).not.toContain(key);
    expect(scaled.spec).toHaveProperty('replicas', 0); // a pointer: an explicit 0 is kept

    // autoscaling/v1 Scale: spec.replicas is omitempty, status.replicas is not.
    const scale = await send<V1Scale>(`${replicaSets()}/scaled/scale`, 'GET');
    expect(keys(scale.spec)).not.toContain('replicas');
    expect(scale.status).toMatchObject({ replicas: 0 });
  }, 30_000);

  it('a Service port with nodePort 0 has none on a ClusterIP Service and gets one on a NodePort Service', async () => {
    const services = `/api/v1/namespaces/${namespace}/services`;
    const service = (name: string, type: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type, selector: { app: name }, ports: [{ port: 80, nodePort: 0 }] },
    });
    const clusterIp = await send<V1Service>(services, 'POST', service('plain', 'ClusterIP'));
    expect(keys(clusterIp.spec?.ports?.[0])).not.toContain('nodePort');
    const nodePort = await send<V1Service>(services, 'POST', service('exposed', 'NodePort'));
    expect(nodePort.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('a new HorizontalPodAutoscaler has desiredReplicas: 0 and no currentReplicas', async () => {
    const path = `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers`;
    const hpa = await send<V2HorizontalPodAutoscaler>(path, 'POST', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'auto' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' },
        minReplicas: 1,
        maxReplicas: 3,
      },
    });
    expect(hpa.status).toMatchObject({ desiredReplicas: 0 });
    expect(keys(hpa.status)).not.toContain('currentReplicas');
  });
});
