/**
 * `status/<service>` as the watcher sees it: the Deployment and pods from its caches. The events in the record
 * are the deployer's (it reads them while following a rollout); the watcher keeps them as they are. Pure.
 */
import { observedStatusOf, serviceViewOf } from '@cite/kube';
import type { ObservedStatus } from '@cite/model';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

export function statusRecordOf(
  namespace: string,
  service: string,
  deployment: V1Deployment | null,
  pods: readonly V1Pod[],
  previous: ObservedStatus | null,
  now: Date,
): ObservedStatus {
  const view = serviceViewOf(namespace, service, deployment, pods, [], { now });
  const status = observedStatusOf(view, now, 'watcher');
  return { ...status, events: previous?.events ?? [] };
}
