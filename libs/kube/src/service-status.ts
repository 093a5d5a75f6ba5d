/** Desired vs observed for one service, as `GET /services/:name/status` shows it. */
import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from './cluster';
import { ANNOTATIONS, LABELS, labelSelector, selectorFor } from './labels';
import { recentEvents, summarizePod, type EventSummary, type PodSummary } from './pod-summary';
import { rolloutState, type RolloutCounts, type RolloutPhase } from './rollout';

export interface ObservedService {
  namespace: string;
  name: string;
  /** False when the cluster has no Deployment for the service (never deployed, or deleted). */
  exists: boolean;
  /** The release the Deployment was last applied by (`cite.dev/release`). */
  release?: number;
  image?: string;
  /** The Deployment's revision (`deployment.kubernetes.io/revision`). */
  revision?: number;
  replicas: RolloutCounts;
  rollout: { phase: RolloutPhase; message: string; reason?: string };
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  pods: PodSummary[];
  events: EventSummary[];
}

export interface ObserveOptions {
  /** @defaultValue 20 */
  eventLimit?: number;
  /**
   * Read the events too. A team namespace holds every service's events, so this is the costly part: a rollout
   * in progress is observed without them. @defaultValue true
   */
  events?: boolean;
  /** The Deployment as just seen (a watch event), instead of reading it again. */
  deployment?: V1Deployment;
  now?: Date;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) ? value : undefined;
}

/** Reads the service's Deployment, pods and recent events (about them) from the cluster. */
export async function observeService(
  cluster: Cluster,
  namespace: string,
  name: string,
  options: ObserveOptions = {},
): Promise<ObservedService> {
  const now = options.now ?? new Date();
  const [deployment, pods] = await Promise.all([
    options.deployment ?? cluster.getDeployment(namespace, name),
    cluster.listPods(namespace, labelSelector(selectorFor(name))),
  ]);
  const podNames = pods.map((pod) => pod.metadata?.name ?? '');
  const events =
    options.events === false
      ? []
      : await cluster.listEvents(namespace, [name, ...podNames, ...replicaSetNames(pods)]);
  return serviceViewOf(namespace, name, deployment, pods, events, {
    now,
    eventLimit: options.eventLimit ?? 20,
  });
}

/**
 * The view of a service from its objects as already read (a watch's cache or fresh reads). Pure.
 * `events` are the events about the service's objects; the newest `eventLimit` are kept.
 */
export function serviceViewOf(
  namespace: string,
  name: string,
  deployment: V1Deployment | null,
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[],
  options: { now: Date; eventLimit?: number },
): ObservedService {
  const now = options.now;
  const state = deployment ? rolloutState(deployment) : undefined;
  const release = numberOrUndefined(deployment?.metadata?.labels?.[LABELS.release]);
  const revision = numberOrUndefined(deployment?.metadata?.annotations?.[ANNOTATIONS.revision]);
  const image = deployment?.spec?.template.spec?.containers[0]?.image;
  return {
    namespace,
    name,
    exists: deployment !== null,
    ...(release !== undefined ? { release } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(revision !== undefined ? { revision } : {}),
    replicas: state?.counts ?? { desired: 0, updated: 0, ready: 0, available: 0, total: 0 },
    rollout: state
      ? { phase: state.phase, message: state.message, ...(state.reason ? { reason: state.reason } : {}) }
      : { phase: 'progressing', message: 'not deployed' },
    conditions: conditionsOf(deployment),
    pods: pods.map((pod) => summarizePod(pod, now)).sort((a, b) => a.name.localeCompare(b.name)),
    events: recentEvents(events, options.eventLimit ?? 20),
  };
}

function replicaSetNames(
  pods: { metadata?: { ownerReferences?: { kind: string; name: string }[] } }[],
): string[] {
  const names = new Set<string>();
  for (const pod of pods) {
    for (const owner of pod.metadata?.ownerReferences ?? [])
      if (owner.kind === 'ReplicaSet') names.add(owner.name);
  }
  return [...names];
}

function conditionsOf(deployment: V1Deployment | null): ObservedService['conditions'] {
  return (deployment?.status?.conditions ?? []).map((condition) => ({
    type: condition.type,
    status: condition.status,
    ...(condition.reason ? { reason: condition.reason } : {}),
    ...(condition.message ? { message: condition.message } : {}),
  }));
}
