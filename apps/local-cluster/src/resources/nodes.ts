import { asArray, asObject, type KubeObject } from '../api-types';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';
import { NODE_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';

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

function address(type: string) {
  return (object: KubeObject): unknown =>
    asArray(asObject(object.status).addresses)
      .map(asObject)
      .find((entry) => entry.type === type)?.address ?? '<none>';
}

function nodeInfo(field: string) {
  return (object: KubeObject): unknown => asObject(asObject(object.status).nodeInfo)[field] ?? '<unknown>';
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
    column('Internal-IP', address('InternalIP'), 'string', 1),
    column('External-IP', address('ExternalIP'), 'string', 1),
    column('OS-Image', nodeInfo('osImage'), 'string', 1),
    column('Kernel-Version', nodeInfo('kernelVersion'), 'string', 1),
    column('Container-Runtime', nodeInfo('containerRuntimeVersion'), 'string', 1),
  ],
  strategy: strategy({
    statusSubresource: true,
    returnDeletedObject: false,
    normalizeZeroValues: zeroValueNormalizer(NODE_ZERO_FIELDS),
    prepareForCreate(object) {
      object.spec ??= {};
    },
  }),
});
