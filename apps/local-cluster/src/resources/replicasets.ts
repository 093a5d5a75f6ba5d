import { asObject, type KubeObject } from '../api-types';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';
import { REPLICASET_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';
import {
  containerField,
  defaultTemplate,
  replicasScale,
  selectorText,
  validateSelectorUnchanged,
  validateWorkload,
} from './workloads';

function defaultReplicaSet(replicaSet: KubeObject): void {
  const spec = asObject(replicaSet.spec);
  replicaSet.spec = spec;
  spec.replicas ??= 1;
  defaultTemplate(spec);
}

/** apps/v1 replicasets: selector/template rules, status and scale subresources, generation. */
export const replicaSets = defineResource({
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  scale: replicasScale,
  columns: [
    nameColumn,
    column('Desired', (rs) => Number(asObject(rs.spec).replicas ?? 0), 'integer'),
    column('Current', (rs) => Number(asObject(rs.status).replicas ?? 0), 'integer'),
    column('Ready', (rs) => Number(asObject(rs.status).readyReplicas ?? 0), 'integer'),
    ageColumn,
    column('Containers', (rs) => containerField(rs, 'name'), 'string', 1),
    column('Images', (rs) => containerField(rs, 'image'), 'string', 1),
    column('Selector', selectorText, 'string', 1),
  ],
  strategy: strategy({
    statusSubresource: true,
    tracksGeneration: true,
    normalizeZeroValues: zeroValueNormalizer(REPLICASET_ZERO_FIELDS),
    prepareForCreate(replicaSet) {
      defaultReplicaSet(replicaSet);
      replicaSet.status = { replicas: 0 };
    },
    prepareForUpdate: defaultReplicaSet,
    validate: (replicaSet) => validateWorkload(replicaSet, 'replicaset'),
    validateUpdate: (replicaSet, previous) => [
      ...validateWorkload(replicaSet, 'replicaset'),
      ...validateSelectorUnchanged(replicaSet, previous),
    ],
  }),
});
