/**
 * What gc deletes, decided from what the cluster has and what etcd says. Pure: objects and records in,
 * one decision per object out, each with its reason, so `--dry-run` and the report say why.
 *
 * Protected, always kept:
 * - anything not labelled `app.kubernetes.io/managed-by=cite`, or without a service label;
 * - every object of a service with a deploy in flight (its lock is held);
 * - the objects of an active (or deleting) service: its Deployment, Service and Ingress;
 * - a ReplicaSet that runs or wants pods, one among its service's newest `keepReleases` revisions, or one whose
 *   image is that of the current release or of a rollback target within retention.
 * Deleted:
 * - Deployments, Services and Ingresses of a service that etcd has as deleted, or does not have at all;
 * - ReplicaSets scaled to zero beyond those, or left behind by a deleted service.
 */
import { LABELS, MANAGED_BY } from '@cite/kube';
import type { Release, Service } from '@cite/model';
import { isTerminalReleaseStatus, teamNamespace } from '@cite/model';

export type GcKind = 'ReplicaSet' | 'Deployment' | 'Service' | 'Ingress';

/** The parts of a cluster object gc decides on. */
export interface GcObject {
  kind: GcKind;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  /** ReplicaSets: `spec.replicas`, `status.replicas`, the Deployment revision and the first container's image. */
  replicas?: number;
  activeReplicas?: number;
  revision?: number;
  image?: string;
}

/** The parts of a release gc decides on. */
export type ReleaseBrief = Pick<Release, 'number' | 'status' | 'image'>;

/** What etcd says about one service. */
export interface GcServiceState {
  /** The stored record; undefined when etcd has none. */
  service?: Service;
  /** Releases that may be returned to: the current one, the in-flight ones and the newest successes. */
  keptReleases: ReleaseBrief[];
  /** A deploy or deletion holds the service's lock. */
  busy: boolean;
}

export interface GcDecision {
  object: GcObject;
  action: 'delete' | 'keep';
  reason: string;
}

export interface GcPolicy {
  /** ReplicaSets and rollback targets kept per service (the newest revisions / successful releases). */
  keepReleases: number;
}

export function describeObject(object: Pick<GcObject, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind} ${object.namespace}/${object.name}`;
}

/** The releases gc keeps objects for: the current one, any not finished, and the newest successes. Pure. */
export function keptReleases<R extends ReleaseBrief>(
  service: Service | undefined,
  releases: readonly R[],
  keep: number,
): R[] {
  const newestFirst = [...releases].sort((a, b) => b.number - a.number);
  const kept = new Map<number, R>();
  for (const release of newestFirst) {
    if (release.number === service?.currentRelease) kept.set(release.number, release);
    if (!isTerminalReleaseStatus(release.status)) kept.set(release.number, release);
  }
  let successes = 0;
  for (const release of newestFirst) {
    if (successes >= keep) break;
    if (release.status !== 'succeeded') continue;
    successes += 1;
    kept.set(release.number, release);
  }
  return [...kept.values()].sort((a, b) => b.number - a.number);
}

const keep = (object: GcObject, reason: string): GcDecision => ({ object, action: 'keep', reason });
const remove = (object: GcObject, reason: string): GcDecision => ({ object, action: 'delete', reason });

/** Whether the service's record says its objects may go: deleted, or never there (or of another team). */
function serviceGone(object: GcObject, name: string, state: GcServiceState | undefined): string | undefined {
  const service = state?.service;
  if (!service) return `service ${name} does not exist in etcd`;
  if (service.state === 'deleted') return `service ${name} is deleted`;
  if (teamNamespace(service.team) !== object.namespace) {
    return `service ${name} now belongs to team ${service.team}, not namespace ${object.namespace}`;
  }
  return undefined;
}

export function planGc(
  objects: readonly GcObject[],
  services: ReadonlyMap<string, GcServiceState>,
  policy: GcPolicy,
): GcDecision[] {
  const decisions: GcDecision[] = [];
  const replicaSets = new Map<string, GcObject[]>();
  for (const object of objects) {
    if (object.labels[LABELS.managedBy] !== MANAGED_BY) {
      decisions.push(keep(object, 'not managed by cite'));
      continue;
    }
    const name = object.labels[LABELS.name];
    if (!name) {
      decisions.push(keep(object, `no ${LABELS.name} label`));
      continue;
    }
    const state = services.get(name);
    if (state?.busy) {
      decisions.push(keep(object, `service ${name} has a deploy or deletion in flight`));
      continue;
    }
    const gone = serviceGone(object, name, state);
    if (object.kind !== 'ReplicaSet') {
      decisions.push(
        gone ? remove(object, gone) : keep(object, `service ${name} is ${state!.service!.state}`),
      );
      continue;
    }
    if (gone) {
      decisions.push(remove(object, gone));
      continue;
    }
    const key = `${object.namespace}/${name}`;
    replicaSets.set(key, [...(replicaSets.get(key) ?? []), object]);
  }
  for (const [key, sets] of replicaSets) {
    const name = key.slice(key.indexOf('/') + 1);
    decisions.push(...planReplicaSets(sets, services.get(name)!, policy));
  }
  return decisions;
}

function planReplicaSets(sets: GcObject[], state: GcServiceState, policy: GcPolicy): GcDecision[] {
  const images = new Map<string, number>();
  for (const release of state.keptReleases)
    if (!images.has(release.image)) images.set(release.image, release.number);
  const newestFirst = [...sets].sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  return newestFirst.map((set, index) => {
    if ((set.replicas ?? 0) > 0 || (set.activeReplicas ?? 0) > 0) return keep(set, 'runs or wants pods');
    if (set.revision === undefined) return keep(set, 'has no revision (not made by a Deployment)');
    if (index < policy.keepReleases) {
      return keep(set, `revision ${set.revision} is among the newest ${policy.keepReleases}`);
    }
    const release = set.image === undefined ? undefined : images.get(set.image);
    if (release !== undefined) return keep(set, `runs the image of release ${release}, a rollback target`);
    return remove(
      set,
      `scaled to zero; revision ${set.revision} is beyond the newest ${policy.keepReleases} and no kept release runs its image`,
    );
  });
}
