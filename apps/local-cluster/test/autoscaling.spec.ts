/**
 * autoscaling/v1 beside autoscaling/v2, as every cluster serves them: discovery (v2 preferred), kubectl's
 * `autoscale` (which writes v1) and `get hpa` (which reads v2), and conversion both ways of the one stored
 * object: v1's targetCPUUtilizationPercentage is v2's CPU utilization metric, and what v1 cannot express
 * travels in the `autoscaling.alpha.kubernetes.io/*` annotations.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v1/
 */
import { AutoscalingV2Api, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  createNamespace,
  emulatorOnly,
  rawRequest,
  startTestCluster,
  type RawResponse,
  type TestCluster,
} from './support/cluster';
import { type Kubectl, kubectlFor } from './support/kubectl';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cpu = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } },
};
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('autoscaling/v1 and autoscaling/v2 horizontalpodautoscalers', () => {
  let cluster: TestCluster;
  let namespace: string;
  let kubectl: Kubectl;
  let v2: AutoscalingV2Api;

  beforeAll(async () => {
    cluster = await startTestCluster();
    namespace = await createNamespace(cluster, 'hpa');
    kubectl = await kubectlFor(cluster, namespace);
    v2 = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
  });
  afterAll(() => cluster.stop());

  const path = (version: string, name = '') =>
    `/apis/autoscaling/${version}/namespaces/${namespace}/horizontalpodautoscalers${name ? `/${name}` : ''}`;
  const send = async (method: string, url: string, body?: unknown): Promise<RawResponse> =>
    rawRequest(cluster, url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const read = async (version: string, name: string): Promise<Json> => {
    const response = await send('GET', path(version, name));
    expect(response.status).toBe(200);
    return response.json<Json>();
  };
  const annotation = (object: Json, key: string): unknown => {
    const value = object.metadata?.annotations?.[key] as string | undefined;
    return value === undefined ? undefined : JSON.parse(value);
  };

  it('serves autoscaling v2 and v1 in discovery, v2 preferred', async () => {
    const groups = (await send('GET', '/apis')).json<{ groups: Json[] }>().groups;
    const autoscaling = groups.find((group) => group.name === 'autoscaling');
    expect(autoscaling?.preferredVersion).toEqual({ groupVersion: 'autoscaling/v2', version: 'v2' });
    expect(autoscaling?.versions).toEqual(
      expect.arrayContaining([
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ]),
    );
    expect((await send('GET', '/apis/autoscaling')).json()).toMatchObject({
      kind: 'APIGroup',
      preferredVersion: { version: 'v2' },
    });
    const v1 = (await send('GET', '/apis/autoscaling/v1')).json<{ resources: Json[] }>().resources;
    expect(v1.find((resource) => resource.name === 'horizontalpodautoscalers')).toMatchObject({
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      shortNames: ['hpa'],
      categories: ['all'],
    });
    expect(v1.map((resource) => resource.name)).toContain('horizontalpodautoscalers/status');
  });

  it('stores a v1 object as v2: targetCPUUtilizationPercentage is the CPU utilization metric', async () => {
    const created = await send('POST', path('v1'), {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'from-v1' },
      spec: { scaleTargetRef: target, maxReplicas: 4, targetCPUUtilizationPercentage: 65 },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 65 },
    });
    const stored = await v2.readNamespacedHorizontalPodAutoscaler({ name: 'from-v1', namespace });
    expect(stored.spec?.minReplicas).toBe(1);
    expect(stored.spec?.metrics).toEqual([cpu(65)]);
    const list = (await send('GET', path('v1'))).json<Json>();
    expect(list).toMatchObject({ kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v1' });
    expect(
      list.items.map((item: Json) => [item.apiVersion, item.spec.targetCPUUtilizationPercentage]),
    ).toEqual([['autoscaling/v1', 65]]);
  });

  it('serves a v2 object as v1, the other metrics and the behavior in annotations, and keeps them on a v1 write', async () => {
    const body: V2HorizontalPodAutoscaler = {
      metadata: { name: 'from-v2', annotations: { team: 'shop' } },
      spec: {
        scaleTargetRef: target,
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [cpu(70), memory],
        behavior: { scaleDown: { stabilizationWindowSeconds: 120 } },
      },
    };
    const created = await v2.createNamespacedHorizontalPodAutoscaler({ namespace, body });
    // kube fills the rest of a given behavior with its defaults.
    expect(created.spec?.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 120,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
    const v1 = await read('v1', 'from-v2');
    expect(v1).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { scaleTargetRef: target, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
    });
    expect(v1.spec.metrics).toBeUndefined();
    expect(v1.metadata.annotations.team).toBe('shop');
    expect(annotation(v1, 'autoscaling.alpha.kubernetes.io/metrics')).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    ]);
    expect(annotation(v1, 'autoscaling.alpha.kubernetes.io/behavior')).toMatchObject({
      ScaleDown: { StabilizationWindowSeconds: 120, SelectPolicy: 'Max' },
    });

    // A v1 client's read-modify-write loses nothing v2 had; the CPU metric comes back after the others.
    const updated = await send('PUT', path('v1', 'from-v2'), {
      ...v1,
      spec: { ...v1.spec, maxReplicas: 8, targetCPUUtilizationPercentage: 75 },
    });
    expect(updated.status).toBe(200);
    const after = await v2.readNamespacedHorizontalPodAutoscaler({ name: 'from-v2', namespace });
    expect(after.spec?.maxReplicas).toBe(8);
    expect(after.spec?.metrics).toEqual([memory, cpu(75)]);
    expect(after.spec?.behavior).toEqual(created.spec?.behavior);
    expect(after.metadata?.annotations).toEqual({ team: 'shop' });
  });

  it('patches through v1 (merge patch of targetCPUUtilizationPercentage)', async () => {
    const patched = await rawRequest(cluster, path('v1', 'from-v1'), {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { targetCPUUtilizationPercentage: 40 } }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json<Json>().spec.targetCPUUtilizationPercentage).toBe(40);
    const stored = await v2.readNamespacedHorizontalPodAutoscaler({ name: 'from-v1', namespace });
    expect(stored.spec?.metrics).toEqual([cpu(40)]);
  });

  it('kubectl autoscale writes v1; kubectl get hpa shows it with kube columns, in v2, and v1 through --raw', async () => {
    await kubectl('create', 'deployment', 'web', '--image=nginx:1.25');
    expect(
      await kubectl('autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=60'),
    ).toContain('horizontalpodautoscaler.autoscaling/web autoscaled');
    const table = (await kubectl('get', 'hpa', 'web')).split('\n');
    expect(table[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(table[1]).toMatch(/^web\s+Deployment\/web\s+cpu: <unknown>\/60%\s+2\s+5\s+\d+\s+\d+s$/);
    const preferred = parse(await kubectl('get', 'hpa', 'web', '-o', 'yaml')) as Json;
    expect(preferred).toMatchObject({ apiVersion: 'autoscaling/v2', spec: { metrics: [cpu(60)] } });
    const old = JSON.parse(
      await kubectl(
        'get',
        '--raw',
        `/apis/autoscaling/v1/namespaces/${namespace}/horizontalpodautoscalers/web`,
      ),
    ) as Json;
    expect(old).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
    });
  });
});

emulatorOnly(describe, "a real cluster's HPA controller writes the status itself")(
  'autoscaling/v1 status conversion',
  () => {
    let cluster: TestCluster;
    let namespace: string;

    beforeAll(async () => {
      cluster = await startTestCluster();
      namespace = await createNamespace(cluster, 'hpa-status');
    });
    afterAll(() => cluster.stop());

    it('shows v2 status as v1 (currentCPUUtilizationPercentage, annotations) and writes v1 status as v2', async () => {
      const base = `/apis/autoscaling/%v/namespaces/${namespace}/horizontalpodautoscalers`;
      const url = (version: string, suffix = '') => `${base.replace('%v', version)}${suffix}`;
      const write = (method: string, path: string, body: unknown) =>
        rawRequest(cluster, path, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await write('POST', url('v2'), {
        metadata: { name: 'web' },
        spec: { scaleTargetRef: target, maxReplicas: 3, metrics: [cpu(50)] },
      });
      const conditions = [
        {
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: '2025-01-01T00:00:00Z',
          reason: 'ReadyForNewScale',
        },
      ];
      const currentMetrics = [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 35 } },
        },
      ];
      const status = await write('PUT', url('v2', '/web/status'), {
        ...created.json<Json>(),
        status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics, conditions },
      });
      expect(status.status).toBe(200);
      const v1 = (await rawRequest(cluster, url('v1', '/web'))).json<Json>();
      expect(v1.status).toEqual({
        currentReplicas: 2,
        desiredReplicas: 2,
        currentCPUUtilizationPercentage: 35,
      });
      expect(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/conditions'])).toEqual(
        conditions,
      );
      expect(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/current-metrics'])).toEqual([
        {
          type: 'Resource',
          resource: { name: 'cpu', currentAverageUtilization: 35, currentAverageValue: '250m' },
        },
      ]);
      // Without the round-trip annotations: the percentage is all the status this client sends.
      const metadata = { ...v1.metadata, annotations: undefined };
      const written = await write('PUT', url('v1', '/web/status'), {
        ...v1,
        metadata,
        status: { currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 90 },
      });
      expect(written.status).toBe(200);
      const stored = (await rawRequest(cluster, url('v2', '/web'))).json<Json>();
      expect(stored.status).toEqual({
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90 } } },
        ],
      });
      expect(stored.metadata.annotations).toBeUndefined();
    });
  },
);
