/** The labels and annotations cite puts on the objects it manages (DESIGN.md, Domain rules: Service). */

/** The project's own label prefix. */
export const LABEL_PREFIX = 'cite.dev/';

export const LABELS = {
  /** The service name; the Deployment's selector and the Service's selector use only this. */
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  team: `${LABEL_PREFIX}team`,
  /** The release an object was last applied by (Deployment, Service, Ingress; not the pod template). */
  release: `${LABEL_PREFIX}release`,
} as const;

export const MANAGED_BY = 'cite';

export const ANNOTATIONS = {
  /** What `kubectl rollout history` shows per revision; the deployment controller copies it to the ReplicaSet. */
  changeCause: 'kubernetes.io/change-cause',
  /** The revision the deployment controller assigns per ReplicaSet. */
  revision: 'deployment.kubernetes.io/revision',
} as const;

/** The field manager cite's server-side applies use. */
export const FIELD_MANAGER = 'cite';

/** The label selector for a service's pods (and Deployment/Service selector). */
export function selectorFor(service: string): Record<string, string> {
  return { [LABELS.name]: service };
}

export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
