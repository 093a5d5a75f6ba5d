import { asObject } from '../api-types';
import { fieldError } from '../errors';
import { ageColumn, column, nameColumn } from './columns';
import { defineResource, strategy } from './define';

/** coordination.k8s.io/v1 leases: the node leases of kube-node-lease, which kubectl describe node shows. */
export const leases = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  namespaced: true,
  columns: [nameColumn, column('Holder', (lease) => asObject(lease.spec).holderIdentity ?? ''), ageColumn],
  strategy: strategy({
    validate(lease) {
      const duration = asObject(lease.spec).leaseDurationSeconds;
      return duration !== undefined && (typeof duration !== 'number' || duration <= 0)
        ? [fieldError.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0')]
        : [];
    },
  }),
});
