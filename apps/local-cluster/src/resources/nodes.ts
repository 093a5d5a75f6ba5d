import { asArray, asObject, type KubeObject } from '../api-types';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';

function nodeStatus(object: KubeObject): string {
  const ready = asArray(asObject(object.status).conditions)
    .map(asObject)
    .find((condition) => condition.type === 'Ready');
  const states = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (asObject(object.spec).unschedulable === true) states.push('SchedulingDisabled');
  return states.join(',');
}

function roles(object: KubeObject): string {
  const found = Object.keys(object.metadata.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length));
  return found.length > 0 ? found.sort().join(',') : '<none>';
}

function internalIp(object: KubeObject): unknown {
  return (
    asArray(asObject(object.status).addresses)
      .map(asObject)
      .find((address) => address.type === 'InternalIP')?.address ?? '<none>'
  );
}

/** core/v1 nodes (cluster scope), with status written by the simulated kubelets. */
export const nodes = defineResource({
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  namespaced: false,
  shortNames: ['no'],
  subresources: ['status'],
  selectableFields: ['spec.unschedulable'],
  fieldGetter: (object) => ({ 'spec.unschedulable': String(asObject(object.spec).unschedulable === true) }),
  columns: [
    nameColumn,
    column('Status', nodeStatus),
    column('Roles', roles),
    ageColumn,
    column('Version', (object) => asObject(asObject(object.status).nodeInfo).kubeletVersion ?? ''),
    column('Internal-IP', internalIp, 'string', 1),
  ],
  strategy: strategy({
    statusSubresource: true,
    returnDeletedObject: false,
    prepareForCreate(object) {
      object.spec ??= {};
    },
  }),
});
