import { asArray, asObject, isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';
import { DEFAULT_CPU_UTILIZATION, HPA_V2, hpaFromV1, hpaToV1 } from './hpa-conversion';
import { HPA_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';

function validateHpa(hpa: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(hpa.spec);
  const target = asObject(spec.scaleTargetRef);
  if (!target.kind) errors.push(fieldError.required('spec.scaleTargetRef.kind'));
  if (!target.name) errors.push(fieldError.required('spec.scaleTargetRef.name'));
  const max = spec.maxReplicas;
  const min = spec.minReplicas ?? 1;
  if (typeof max !== 'number' || max < 1)
    errors.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than or equal to 1'));
  if (typeof min !== 'number' || min < 1)
    errors.push(fieldError.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  else if (typeof max === 'number' && min > max)
    errors.push(
      fieldError.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'),
    );
  return errors;
}

function targets(hpa: KubeObject): string {
  const metrics = asArray(asObject(hpa.spec).metrics).map(asObject);
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((metric) => {
      const target = asObject(asObject(metric.resource).target);
      return `${metric.type === 'Resource' ? String(asObject(metric.resource).name) : String(metric.type)}: <unknown>/${String(target.averageUtilization ?? target.averageValue ?? target.value ?? '')}${target.averageUtilization !== undefined ? '%' : ''}`;
    })
    .join(', ');
}

const SCALE_UP_DEFAULTS = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
// No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization decides it.
const SCALE_DOWN_DEFAULTS = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** A behavior's scaling rules with the fields it leaves out taken from kube's defaults. */
function scalingRules(rules: unknown, defaults: JsonObject): JsonObject {
  const given = asObject(rules);
  const result: JsonObject = structuredClone(defaults);
  for (const key of ['stabilizationWindowSeconds', 'selectPolicy', 'policies'])
    if (given[key] !== undefined && given[key] !== null) result[key] = given[key];
  return result;
}

/** kube's autoscaling/v2 defaults, applied to every body written: minReplicas, the CPU metric, behavior. */
function defaultSpec(hpa: KubeObject): void {
  const spec = asObject(hpa.spec);
  hpa.spec = spec;
  spec.minReplicas ??= 1;
  if (asArray(spec.metrics).length === 0)
    spec.metrics = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION },
        },
      },
    ];
  if (isJsonObject(spec.behavior))
    spec.behavior = {
      scaleUp: scalingRules(spec.behavior.scaleUp, SCALE_UP_DEFAULTS),
      scaleDown: scalingRules(spec.behavior.scaleDown, SCALE_DOWN_DEFAULTS),
    };
}

/** autoscaling/v2 horizontalpodautoscalers: stored and served (no autoscaling loop), defaults as kube's. */
export const horizontalPodAutoscalers = defineResource({
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: ['status'],
  columns: [
    nameColumn,
    column(
      'Reference',
      (hpa) =>
        `${String(asObject(asObject(hpa.spec).scaleTargetRef).kind)}/${String(asObject(asObject(hpa.spec).scaleTargetRef).name)}`,
    ),
    column('Targets', targets),
    column('MinPods', (hpa) => asObject(hpa.spec).minReplicas ?? 1, 'integer'),
    column('MaxPods', (hpa) => asObject(hpa.spec).maxReplicas, 'integer'),
    column('Replicas', (hpa) => asObject(hpa.status).currentReplicas ?? 0, 'integer'),
    ageColumn,
  ],
  strategy: strategy({
    statusSubresource: true,
    normalizeZeroValues: zeroValueNormalizer(HPA_ZERO_FIELDS),
    prepareForCreate(hpa) {
      defaultSpec(hpa);
      hpa.status = { currentReplicas: 0, desiredReplicas: 0 };
    },
    prepareForUpdate: defaultSpec,
    validate: validateHpa,
  }),
});

/**
 * autoscaling/v1 horizontalpodautoscalers, served beside v2 as by every cluster (`kubectl autoscale` writes
 * them): the same objects, stored as autoscaling/v2 and converted both ways (hpa-conversion.ts), so the
 * strategy sees v2 objects only.
 */
export const horizontalPodAutoscalersV1 = defineResource({
  ...horizontalPodAutoscalers,
  version: 'v1',
  columns: horizontalPodAutoscalers.columns?.map((v2Column) => ({
    ...v2Column,
    cell: (hpa: KubeObject, now: Date) => v2Column.cell(hpaFromV1(hpa), now),
  })),
  conversion: { storageApiVersion: HPA_V2, fromStorage: hpaToV1, toStorage: hpaFromV1 },
});
