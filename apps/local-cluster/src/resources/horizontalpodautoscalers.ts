import { asArray, asObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

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
    prepareForCreate(hpa) {
      const spec = asObject(hpa.spec);
      hpa.spec = spec;
      spec.minReplicas ??= 1;
      if (asArray(spec.metrics).length === 0)
        spec.metrics = [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ];
      hpa.status = { currentReplicas: 0, desiredReplicas: 0 };
    },
    validate: validateHpa,
  }),
});
