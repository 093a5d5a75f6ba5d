import { asObject, type KubeObject } from '../api-types';
import { fieldError } from '../errors';
import { defineResource, strategy } from './define';
import { column, since } from './columns';

function involved(object: KubeObject): Record<string, string | undefined> {
  const ref = asObject(object.involvedObject);
  const text = (value: unknown) => (value === undefined ? undefined : String(value));
  return {
    'involvedObject.kind': text(ref.kind),
    'involvedObject.namespace': text(ref.namespace),
    'involvedObject.name': text(ref.name),
    'involvedObject.uid': text(ref.uid),
    'involvedObject.apiVersion': text(ref.apiVersion),
    'involvedObject.resourceVersion': text(ref.resourceVersion),
    'involvedObject.fieldPath': text(ref.fieldPath),
    reason: text(object.reason),
    reportingComponent: text(object.reportingComponent),
    source: text(asObject(object.source).component),
    type: text(object.type),
  };
}

/** The SOURCE column: `component, host` (or the reporting controller of events.k8s.io-style events). */
function source(object: KubeObject): string {
  const from = asObject(object.source);
  const component = String(from.component ?? object.reportingComponent ?? '');
  return from.host ? `${component}, ${String(from.host)}` : component;
}

/** core/v1 events, selectable by involvedObject.* as `kubectl describe` asks for them. */
export const events = defineResource({
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
  shortNames: ['ev'],
  selectableFields: Object.keys(involved({ metadata: {} })),
  fieldGetter: involved,
  columns: [
    column('Last Seen', (object, now) =>
      since(object.lastTimestamp ?? object.eventTime ?? object.metadata.creationTimestamp, now),
    ),
    column('Type', (object) => object.type),
    column('Reason', (object) => object.reason),
    column('Object', (object) => {
      const ref = asObject(object.involvedObject);
      return `${String(ref.kind ?? '').toLowerCase()}/${String(ref.name ?? '')}`;
    }),
    column('Subobject', (object) => asObject(object.involvedObject).fieldPath ?? '', 'string', 1),
    column('Source', source, 'string', 1),
    column('Message', (object) => object.message),
    column('First Seen', (object, now) => since(object.firstTimestamp ?? object.eventTime, now), 'string', 1),
    column('Count', (object) => object.count ?? 1, 'integer', 1),
    column('Name', (object) => object.metadata.name, 'string', 1),
  ],
  strategy: strategy({
    prepareForCreate(object) {
      object.type ??= 'Normal';
      object.count ??= 1;
    },
    validate(object) {
      const errors = [];
      const ref = asObject(object.involvedObject);
      if (!ref.name && !ref.kind) errors.push(fieldError.required('involvedObject'));
      if (ref.namespace && object.metadata.namespace && ref.namespace !== object.metadata.namespace)
        errors.push(
          fieldError.invalid('involvedObject.namespace', ref.namespace, 'does not match event.namespace'),
        );
      return errors;
    },
  }),
});
