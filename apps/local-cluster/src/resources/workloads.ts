import { asObject, type JsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import type { ScaleAccess } from '../registry/resource-definition';
import { formatLabelSelector, fromLabelSelectorObject, matchesLabels } from '../selectors/label-selector';
import { validateLabels } from '../validation/object-meta';
import { defaultPodSpec, validatePodSpec } from '../validation/pod-spec';

/** Defaults of a pod template (its spec gets the pod spec defaults, as kube's defaulting walks into it). */
export function defaultTemplate(spec: JsonObject): void {
  const template = asObject(spec.template);
  spec.template = template;
  const templateSpec = asObject(template.spec);
  template.spec = templateSpec;
  defaultPodSpec(templateSpec);
}

function goMap(labels: Record<string, unknown>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return `map[string]string{${entries.map(([key, value]) => `"${key}":"${String(value)}"`).join(', ')}}`;
}

/** Selector, template labels and template spec rules shared by deployments and replicasets (apps/v1). */
export function validateWorkload(object: KubeObject, kind: string): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(object.spec);
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0))
    errors.push(fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  const minReady = spec.minReadySeconds;
  if (minReady !== undefined && (typeof minReady !== 'number' || minReady < 0))
    errors.push(fieldError.invalid('spec.minReadySeconds', minReady, 'must be greater than or equal to 0'));
  const selector = spec.selector;
  const template = asObject(spec.template);
  const labels = asObject(asObject(template.metadata).labels);
  if (selector === undefined || selector === null) errors.push(fieldError.required('spec.selector'));
  else {
    const requirements = fromLabelSelectorObject(selector);
    errors.push(...validateLabels(asObject(selector).matchLabels, 'spec.selector.matchLabels'));
    if (requirements.length === 0)
      errors.push(fieldError.invalid('spec.selector', selector, `empty selector is invalid for ${kind}`));
    else if (!matchesLabels(requirements, labels as Record<string, string>))
      errors.push(
        fieldError.invalid(
          'spec.template.metadata.labels',
          goMap(labels),
          '`selector` does not match template `labels`',
        ),
      );
  }
  errors.push(...validateLabels(asObject(template.metadata).labels, 'spec.template.metadata.labels'));
  errors.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const restartPolicy = asObject(template.spec).restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always')
    errors.push(fieldError.notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  return errors;
}

/** apps/v1 makes the selector immutable. */
export function validateSelectorUnchanged(object: KubeObject, previous: KubeObject): FieldError[] {
  const before = JSON.stringify(asObject(previous.spec).selector ?? null);
  const after = asObject(object.spec).selector ?? null;
  return JSON.stringify(after) === before
    ? []
    : [fieldError.invalid('spec.selector', after, 'field is immutable')];
}

/** Scale access of spec.replicas / status.replicas / spec.selector. */
export const replicasScale: ScaleAccess = {
  specReplicas: (object) => Number(asObject(object.spec).replicas ?? 0),
  statusReplicas: (object) => Number(asObject(object.status).replicas ?? 0),
  selector: (object) => formatLabelSelector(fromLabelSelectorObject(asObject(object.spec).selector)),
  setSpecReplicas: (object, replicas) => {
    object.spec = { ...asObject(object.spec), replicas };
  },
};

export function selectorText(object: KubeObject): string {
  return formatLabelSelector(fromLabelSelectorObject(asObject(object.spec).selector)) || '<none>';
}

export function containerField(object: KubeObject, field: 'name' | 'image'): string {
  const containers =
    (asObject(asObject(asObject(object.spec).template).spec).containers as JsonObject[] | undefined) ?? [];
  return containers.map((container) => String(container[field] ?? '')).join(',');
}
