/**
 * The service-account controller's decision: every live namespace has a ServiceAccount named `default`
 * (kube's serviceaccounts-controller). Namespaces being deleted are left alone, so their emptying finishes.
 */
import type { Namespace, ServiceAccount } from '../kit/wire';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

export type ServiceAccountAction = { type: 'create'; serviceAccount: ServiceAccount };

export function reconcileServiceAccount(
  namespace: Namespace | undefined,
  existing: ServiceAccount | undefined,
): ServiceAccountAction[] {
  if (!namespace || namespace.metadata?.deletionTimestamp || namespace.status?.phase === 'Terminating')
    return [];
  if (existing) return [];
  return [
    {
      type: 'create',
      serviceAccount: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: namespace.metadata?.name },
      },
    },
  ];
}
