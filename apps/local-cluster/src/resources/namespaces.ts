import { dns1123LabelErrors } from '@cite/model';
import { asObject, kubeTime } from '../api-types';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';

/**
 * core/v1 namespaces. Deleting one marks it Terminating (deletionTimestamp, status.phase) and keeps it until
 * the namespace controller has emptied it and cleared spec.finalizers through the `finalize` subresource.
 */
export const namespaces = defineResource({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  subresources: ['status', 'finalize'],
  selectableFields: ['status.phase'],
  fieldGetter: (object) => ({ 'status.phase': asObject(object.status).phase as string | undefined }),
  columns: [nameColumn, column('Status', (object) => asObject(object.status).phase), ageColumn],
  strategy: strategy({
    nameErrors: dns1123LabelErrors,
    statusSubresource: true,
    returnDeletedObject: true,
    prepareForCreate(object) {
      const spec = asObject(object.spec);
      spec.finalizers ??= ['kubernetes'];
      object.spec = spec;
      object.status = { phase: 'Active' };
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
    },
    prepareForUpdate(object, previous) {
      // spec.finalizers change only through the finalize subresource.
      object.spec = previous.spec;
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name ?? '',
      };
    },
    holdsDeletion: (object) => ((asObject(object.spec).finalizers as string[] | undefined) ?? []).length > 0,
    beforeDelete(object, context) {
      const finalizers = (asObject(object.spec).finalizers as string[] | undefined) ?? [];
      if (finalizers.length === 0 && (object.metadata.finalizers ?? []).length === 0) return undefined;
      if (!object.metadata.deletionTimestamp) {
        object.metadata.deletionTimestamp = kubeTime(context.now);
        object.metadata.deletionGracePeriodSeconds = 0;
      }
      object.status = { ...asObject(object.status), phase: 'Terminating' };
      return object;
    },
  }),
});
