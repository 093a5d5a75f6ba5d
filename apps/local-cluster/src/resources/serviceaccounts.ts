import { asArray, asObject, type KubeObject } from '../api-types';
import { forbidden } from '../errors';
import type { AdmissionPlugin } from '../registry/registry';
import { storageKey } from '../registry/resource-definition';
import type { ObjectStore } from '../storage/object-store';
import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export const serviceAccounts = defineResource({
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  namespaced: true,
  shortNames: ['sa'],
  columns: [
    nameColumn,
    column('Secrets', (object) => ((object.secrets as unknown[] | undefined) ?? []).length, 'integer'),
    ageColumn,
  ],
  strategy: strategy({}),
});

/**
 * kube-apiserver's ServiceAccount admission plugin, for pod creates: the pod's service account
 * (`default` when none is named) must exist, else 403 `error looking up service account <ns>/<name>:
 * serviceaccount "<name>" not found` (ReplicaSets then report FailedCreate and retry); a pod without
 * imagePullSecrets gets the account's. Mirror pods are left alone. Token volumes are not mounted (no pod
 * runs anything that would read them).
 */
export function serviceAccountAdmission(store: ObjectStore): AdmissionPlugin {
  const key = storageKey(serviceAccounts);
  return (definition, pod) => {
    if (definition.group !== '' || definition.resource !== 'pods') return;
    if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
    const spec = asObject(pod.spec);
    const name = serviceAccountName(pod);
    const namespace = pod.metadata.namespace ?? '';
    const account = store.get(key, namespace, name)?.object;
    if (!account)
      throw forbidden(
        definition,
        // Names are generated after admission, so kube names the pod by its generateName here.
        pod.metadata.name || pod.metadata.generateName || '',
        `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
      );
    const pullSecrets = asArray(account.imagePullSecrets);
    if (asArray(spec.imagePullSecrets).length === 0 && pullSecrets.length > 0)
      pod.spec = { ...spec, imagePullSecrets: structuredClone(pullSecrets) };
  };
}

/** The account a pod runs as: spec.serviceAccountName, else the deprecated spec.serviceAccount, else default. */
function serviceAccountName(pod: KubeObject): string {
  const spec = asObject(pod.spec);
  const named = spec.serviceAccountName || spec.serviceAccount;
  return typeof named === 'string' && named !== '' ? named : DEFAULT_SERVICE_ACCOUNT;
}
