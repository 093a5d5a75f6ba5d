/**
 * What every namespace of a cluster has since Kubernetes 1.21, made by kube-controller-manager moments after
 * the namespace: the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher) and the `default` ServiceAccount
 * (serviceaccount-controller). The decision, pure: a namespace and what it holds in, writes out.
 */
import { asObject, jsonEqual, type KubeObject } from '../api-types';
import { DEFAULT_SERVICE_ACCOUNT } from '../resources/serviceaccounts';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** The description kube's publisher writes, word for word. */
export const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export type DefaultsAction =
  | { type: 'create'; resource: 'configmaps' | 'serviceaccounts'; object: KubeObject }
  | { type: 'update'; resource: 'configmaps'; object: KubeObject };

/** The namespace's current objects of the two kinds (undefined when missing). */
export interface NamespaceContent {
  configMap?: KubeObject;
  serviceAccount?: KubeObject;
}

/**
 * The writes that give `namespace` its defaults. None for a namespace that is gone or not Active (both
 * controllers leave terminating namespaces alone, so the namespace controller can empty them). A
 * kube-root-ca.crt whose data or description was changed is put back, as the publisher does on every
 * update; other annotations, labels and binaryData stay.
 */
export function namespaceDefaults(
  namespace: KubeObject | undefined,
  content: NamespaceContent,
  caCert: string,
): DefaultsAction[] {
  if (!namespace || namespace.metadata.deletionTimestamp) return [];
  if (asObject(namespace.status).phase !== 'Active') return [];
  const name = namespace.metadata.name ?? '';
  const actions: DefaultsAction[] = [];
  const data = { 'ca.crt': caCert };
  const configMap = content.configMap;
  if (!configMap)
    actions.push({
      type: 'create',
      resource: 'configmaps',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROOT_CA_CONFIG_MAP,
          namespace: name,
          annotations: { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
        },
        data,
      },
    });
  else if (!jsonEqual(configMap.data, data) || !configMap.metadata.annotations?.[DESCRIPTION_ANNOTATION])
    actions.push({
      type: 'update',
      resource: 'configmaps',
      object: {
        ...configMap,
        metadata: {
          ...configMap.metadata,
          annotations: { ...configMap.metadata.annotations, [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION },
        },
        data,
      },
    });
  if (!content.serviceAccount)
    actions.push({
      type: 'create',
      resource: 'serviceaccounts',
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: name },
      },
    });
  return actions;
}
