import type { KubeObject } from '../api-types';
import {
  DESCRIPTION_ANNOTATION,
  namespaceDefaults,
  ROOT_CA_CONFIG_MAP,
  ROOT_CA_DESCRIPTION,
} from './namespace-defaults';

const CA = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
const active: KubeObject = { metadata: { name: 'team' }, status: { phase: 'Active' } };
const rootCa = (data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: ROOT_CA_CONFIG_MAP, namespace: 'team', resourceVersion: '5', annotations },
  data,
});
const account: KubeObject = { metadata: { name: 'default', namespace: 'team' } };

describe('namespaceDefaults', () => {
  it('creates the root CA ConfigMap and the default ServiceAccount of a new namespace', () => {
    expect(namespaceDefaults(active, {}, CA)).toEqual(
      [
        {
          type: 'create',
          resource: 'configmaps',
          object: rootCa({ 'ca.crt': CA }, { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION }),
        },
        {
          type: 'create',
          resource: 'serviceaccounts',
          object: {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'default', namespace: 'team' },
          },
        },
      ].map((action) => ({ ...action, object: withoutVersion(action.object) })),
    );
  });

  it('does nothing when both are there as they should be', () => {
    const configMap = rootCa({ 'ca.crt': CA }, { [DESCRIPTION_ANNOTATION]: 'anything' });
    expect(namespaceDefaults(active, { configMap, serviceAccount: account }, CA)).toEqual([]);
  });

  it('puts back changed data or a removed description, keeping the rest of the ConfigMap', () => {
    const changed = rootCa({ 'ca.crt': 'old', extra: 'x' }, { owner: 'me', [DESCRIPTION_ANNOTATION]: 'd' });
    expect(namespaceDefaults(active, { configMap: changed, serviceAccount: account }, CA)).toEqual([
      {
        type: 'update',
        resource: 'configmaps',
        object: rootCa({ 'ca.crt': CA }, { owner: 'me', [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION }),
      },
    ]);
    const undescribed = rootCa({ 'ca.crt': CA });
    expect(namespaceDefaults(active, { configMap: undescribed, serviceAccount: account }, CA)).toEqual([
      {
        type: 'update',
        resource: 'configmaps',
        object: rootCa({ 'ca.crt': CA }, { [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION }),
      },
    ]);
  });

  it('leaves namespaces that are gone or terminating alone, so they can be emptied', () => {
    expect(namespaceDefaults(undefined, {}, CA)).toEqual([]);
    const terminating = {
      metadata: { name: 'team', deletionTimestamp: '2025-01-01T00:00:00Z' },
      status: { phase: 'Terminating' },
    };
    expect(namespaceDefaults(terminating, {}, CA)).toEqual([]);
  });
});

function withoutVersion(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata };
  delete metadata.resourceVersion;
  return { ...object, metadata };
}
