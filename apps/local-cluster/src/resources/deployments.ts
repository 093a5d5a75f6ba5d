import { asObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';
import { DEPLOYMENT_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';
import {
  containerField,
  defaultTemplate,
  replicasScale,
  selectorText,
  validateSelectorUnchanged,
  validateWorkload,
} from './workloads';

const STRATEGY_TYPES = ['Recreate', 'RollingUpdate'];

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || value === '0%';
}

function validateDeployment(deployment: KubeObject): FieldError[] {
  const errors = validateWorkload(deployment, 'deployment');
  const spec = asObject(deployment.spec);
  const rollout = asObject(spec.strategy);
  const type = rollout.type;
  if (!STRATEGY_TYPES.includes(String(type)))
    errors.push(fieldError.notSupported('spec.strategy.type', type, STRATEGY_TYPES));
  if (type === 'Recreate' && rollout.rollingUpdate !== undefined)
    errors.push(
      fieldError.forbidden(
        'spec.strategy.rollingUpdate',
        "may not be specified when strategy `type` is 'Recreate'",
      ),
    );
  if (type === 'RollingUpdate') {
    const rolling = asObject(rollout.rollingUpdate);
    for (const key of ['maxSurge', 'maxUnavailable']) {
      const value = rolling[key];
      if (typeof value === 'string' && !/^\d+%$/.test(value))
        errors.push(
          fieldError.invalid(
            `spec.strategy.rollingUpdate.${key}`,
            value,
            "a valid percent string must be a numeric string followed by an ending '%'",
          ),
        );
      if (typeof value === 'number' && value < 0)
        errors.push(
          fieldError.invalid(
            `spec.strategy.rollingUpdate.${key}`,
            value,
            'must be greater than or equal to 0',
          ),
        );
    }
    if (isZero(rolling.maxSurge) && isZero(rolling.maxUnavailable))
      errors.push(
        fieldError.invalid(
          'spec.strategy.rollingUpdate.maxUnavailable',
          rolling.maxUnavailable,
          'may not be 0 when `maxSurge` is 0',
        ),
      );
  }
  const history = spec.revisionHistoryLimit;
  if (history !== undefined && (typeof history !== 'number' || history < 0))
    errors.push(
      fieldError.invalid('spec.revisionHistoryLimit', history, 'must be greater than or equal to 0'),
    );
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number' && deadline <= Number(spec.minReadySeconds ?? 0))
    errors.push(
      fieldError.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
    );
  return errors;
}

function defaultDeployment(deployment: KubeObject): void {
  const spec = asObject(deployment.spec);
  deployment.spec = spec;
  spec.replicas ??= 1;
  const rollout = asObject(spec.strategy);
  spec.strategy = rollout;
  rollout.type ??= 'RollingUpdate';
  if (rollout.type === 'RollingUpdate') {
    const rolling = asObject(rollout.rollingUpdate);
    rollout.rollingUpdate = rolling;
    rolling.maxUnavailable ??= '25%';
    rolling.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

/** apps/v1 deployments: defaults, selector/template rules, status and scale subresources, generation. */
export const deployments = defineResource({
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  scale: replicasScale,
  columns: [
    nameColumn,
    column(
      'Ready',
      (d) => `${Number(asObject(d.status).readyReplicas ?? 0)}/${Number(asObject(d.spec).replicas ?? 0)}`,
    ),
    column('Up-to-date', (d) => Number(asObject(d.status).updatedReplicas ?? 0), 'integer'),
    column('Available', (d) => Number(asObject(d.status).availableReplicas ?? 0), 'integer'),
    ageColumn,
    column('Containers', (d) => containerField(d, 'name'), 'string', 1),
    column('Images', (d) => containerField(d, 'image'), 'string', 1),
    column('Selector', selectorText, 'string', 1),
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    normalizeZeroValues: zeroValueNormalizer(DEPLOYMENT_ZERO_FIELDS),
    prepareForCreate(deployment) {
      defaultDeployment(deployment);
      deployment.status = {};
    },
    prepareForUpdate: defaultDeployment,
    validate: validateDeployment,
    validateUpdate: (deployment, previous) => [
      ...validateDeployment(deployment),
      ...validateSelectorUnchanged(deployment, previous),
    ],
  }),
});
