import type { KubeObject } from '../api-types';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  hpaFromV1,
  hpaToV1,
  METRICS_ANNOTATION,
} from './hpa-conversion';

const cpu = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});

function stored(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'team', resourceVersion: '7' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      ...spec,
    },
    status: { desiredReplicas: 0, ...status },
  };
}

const annotation = (object: KubeObject, key: string): unknown =>
  JSON.parse(object.metadata.annotations?.[key] ?? 'null');

describe('hpaToV1 and hpaFromV1', () => {
  it('map a CPU utilization metric to targetCPUUtilizationPercentage, without annotations', () => {
    const v1 = hpaToV1(stored({ metrics: [cpu(60)] }));
    expect(v1).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'team', resourceVersion: '7' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 60,
      },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
    expect(hpaFromV1(v1)).toEqual({
      ...stored({ metrics: [cpu(60)] }),
      status: { currentReplicas: 0, desiredReplicas: 0 },
    });
  });

  it('keep the other metrics in the metrics annotation, in v1 shape, and put them back before the CPU one', () => {
    const others = [
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } },
      },
      {
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } },
      },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' },
          target: { type: 'Value', value: '10' },
          metric: { name: 'requests' },
        },
      },
      {
        type: 'External',
        external: {
          metric: { name: 'queue', selector: { matchLabels: { queue: 'jobs' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
    ];
    const v1 = hpaToV1(stored({ metrics: [cpu(70), ...others] }));
    expect(v1.spec).toMatchObject({ targetCPUUtilizationPercentage: 70 });
    expect(annotation(v1, METRICS_ANNOTATION)).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '1k' } },
      {
        type: 'Object',
        object: {
          target: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' },
          metricName: 'requests',
          targetValue: '10',
        },
      },
      {
        type: 'External',
        external: {
          metricName: 'queue',
          metricSelector: { matchLabels: { queue: 'jobs' } },
          targetAverageValue: '30',
        },
      },
    ]);
    const back = hpaFromV1(v1);
    expect(asSpec(back).metrics).toEqual([...others, cpu(70)]);
    expect(back.metadata.annotations).toBeUndefined();
  });

  it('carry status: the CPU percentage, the raw current metrics and the conditions', () => {
    const currentMetrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 45 } },
      },
    ];
    const conditions = [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' }];
    const v2 = stored(
      { metrics: [cpu(50)] },
      { currentReplicas: 3, desiredReplicas: 3, currentMetrics, conditions },
    );
    const v1 = hpaToV1(v2);
    expect(v1.status).toEqual({
      currentReplicas: 3,
      desiredReplicas: 3,
      currentCPUUtilizationPercentage: 45,
    });
    expect(annotation(v1, CURRENT_METRICS_ANNOTATION)).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', currentAverageUtilization: 45, currentAverageValue: '120m' },
      },
    ]);
    expect(annotation(v1, CONDITIONS_ANNOTATION)).toEqual(conditions);
    expect(hpaFromV1(v1).status).toEqual(v2.status);
  });

  it('write the behavior with Go field names, and read it back whatever the case', () => {
    const behavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
      },
      scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
    };
    const v1 = hpaToV1(stored({ metrics: [cpu(50)], behavior }));
    expect(annotation(v1, BEHAVIOR_ANNOTATION)).toEqual({
      ScaleUp: {
        StabilizationWindowSeconds: 0,
        SelectPolicy: 'Max',
        Policies: [{ Type: 'Pods', Value: 4, PeriodSeconds: 15 }],
      },
      ScaleDown: {
        StabilizationWindowSeconds: null,
        SelectPolicy: 'Min',
        Policies: [{ Type: 'Percent', Value: 10, PeriodSeconds: 60 }],
      },
    });
    expect(asSpec(hpaFromV1(v1)).behavior).toEqual(behavior);
    const lowerCase = hpaFromV1({
      ...v1,
      metadata: {
        ...v1.metadata,
        annotations: { [BEHAVIOR_ANNOTATION]: '{"scaleup":{"selectpolicy":"Disabled"}}' },
      },
    });
    expect(asSpec(lowerCase).behavior).toEqual({ scaleUp: { selectPolicy: 'Disabled' } });
  });

  it('default a v1 object: minReplicas 1 and an explicit 80% CPU target; unreadable annotations are dropped', () => {
    const v2 = hpaFromV1({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', annotations: { [METRICS_ANNOTATION]: 'not json', team: 'a' } },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
    });
    expect(v2).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', annotations: { team: 'a' } },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [cpu(80)],
      },
    });
  });

  it('replace round-trip annotations a client sent with those of the stored object', () => {
    const v1 = hpaToV1({
      ...stored({ metrics: [cpu(50)] }),
      metadata: { name: 'web', annotations: { [METRICS_ANNOTATION]: '[]', keep: 'yes' } },
    });
    expect(v1.metadata.annotations).toEqual({ keep: 'yes' });
  });

  it('leave an autoscaling/v2 body sent to the v1 path as it is', () => {
    const v2 = stored({ metrics: [cpu(50)] });
    expect(hpaFromV1(v2)).toBe(v2);
  });
});

function asSpec(object: KubeObject): Record<string, unknown> {
  return object.spec as Record<string, unknown>;
}
