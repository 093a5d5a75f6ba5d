import { asObject, type KubeObject } from '../api-types';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

/** `cpu: 0/2, memory: 0/4Gi` over the hard limits whose names match `prefix` (the REQUEST and LIMIT columns). */
function usage(quota: KubeObject, limits: boolean): string {
  const hard = asObject(asObject(quota.spec).hard);
  const used = asObject(asObject(quota.status).used);
  return Object.keys(hard)
    .filter((name) => name.startsWith('limits.') === limits)
    .sort()
    .map((name) => `${name}: ${String(used[name] ?? 0)}/${String(hard[name])}`)
    .join(', ');
}

/**
 * The quota controller's first step, done at write time: `status.hard` mirrors `spec.hard` (kubectl describe
 * reads it). Usage is not tracked (`status.used` stays as written) and nothing is enforced.
 */
function mirrorHard(quota: KubeObject): void {
  quota.status = { ...asObject(quota.status), hard: asObject(asObject(quota.spec).hard) };
}

/** core/v1 resourcequotas: stored and served, so kubectl describe namespace|quota lists them. */
export const resourceQuotas = defineResource({
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: ['status'],
  columns: [
    nameColumn,
    ageColumn,
    column('Request', (quota) => usage(quota, false)),
    column('Limit', (quota) => usage(quota, true)),
  ],
  strategy: strategy({
    statusSubresource: true,
    prepareForCreate(quota) {
      delete quota.status;
      mirrorHard(quota);
    },
    prepareForUpdate: mirrorHard,
  }),
});

/** core/v1 limitranges: stored and served (no defaults are applied to pods). */
export const limitRanges = defineResource({
  group: '',
  version: 'v1',
  resource: 'limitranges',
  kind: 'LimitRange',
  namespaced: true,
  shortNames: ['limits'],
  columns: [nameColumn, column('Created At', (range) => range.metadata.creationTimestamp, 'string')],
  strategy: strategy({}),
});
