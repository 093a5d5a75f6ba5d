/**
 * Where a Deployment's rollout stands, from its status and its pods. Pure; the tracker feeds it what it watches.
 * The rules follow `kubectl rollout status` (deploymentutil), which is what a Kubernetes user expects.
 */
import type {
  V1Deployment,
  V1DeploymentCondition,
  V1Pod,
  V1PodTemplateSpec,
  V1ReplicaSet,
} from '@kubernetes/client-node';

export type RolloutPhase = 'progressing' | 'succeeded' | 'failed';

export interface RolloutCounts {
  desired: number;
  /** Pods of the new template. */
  updated: number;
  ready: number;
  available: number;
  /** Pods of every template (old ones still terminating included). */
  total: number;
}

export interface RolloutState {
  phase: RolloutPhase;
  counts: RolloutCounts;
  /** `2 of 3 updated replicas are available`, `rolled out`, … */
  message: string;
  /** Set when failed: `ImagePullBackOff`, `CrashLoopBackOff`, `Unschedulable`, `ProgressDeadlineExceeded`, … */
  reason?: string;
}

export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

export function rolloutCounts(deployment: V1Deployment): RolloutCounts {
  const status = deployment.status ?? {};
  return {
    desired: deployment.spec?.replicas ?? 1,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    total: status.replicas ?? 0,
  };
}

/**
 * The apply a rollout verdict is about. A Deployment's status can still carry an earlier rollout's conditions:
 * until the controller observes the new generation, and — when the new template reuses an existing ReplicaSet
 * (a rollback) and no pod count moves — even after, since the controller keeps `ProgressDeadlineExceeded` once
 * set (deploymentutil.DeploymentTimedOut) and only resets Progressing when it creates a ReplicaSet.
 */
export interface AppliedRollout {
  /** `metadata.generation` of the Deployment as the apply stored it. */
  generation: number;
  /** When the apply started (the real clock: it is compared with the cluster's condition times). */
  startedAt: Date;
}

/** The Deployment's `Progressing=False / ProgressDeadlineExceeded` condition, if it has one. */
export function progressDeadlineCondition(deployment: V1Deployment): V1DeploymentCondition | undefined {
  const progressing = deployment.status?.conditions?.find((condition) => condition.type === 'Progressing');
  return progressing?.status === 'False' && progressing.reason === PROGRESS_DEADLINE_EXCEEDED
    ? progressing
    : undefined;
}

/** The ReplicaSet a condition's message names (`ReplicaSet "web-7d9f8" has timed out progressing.`). */
export function replicaSetNamedBy(condition: V1DeploymentCondition): string | undefined {
  return /^ReplicaSet "([^"]+)"/.exec(condition.message ?? '')?.[1];
}

const POD_TEMPLATE_HASH = 'pod-template-hash';

/** JSON with sorted keys, without empty values, of a template without its `pod-template-hash` label. */
function templateKey(template: V1PodTemplateSpec | undefined): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, canonical(inner)] as const)
      .filter(([, inner]) => inner !== null && inner !== undefined && !isEmpty(inner));
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  const labels = { ...template?.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH];
  return JSON.stringify(canonical({ ...template, metadata: { ...template?.metadata, labels } }));
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && !(value instanceof Date) && Object.keys(value as object).length === 0;
}

/**
 * The name of the Deployment's new ReplicaSet: the oldest one whose pod template equals the Deployment's up to
 * the `pod-template-hash` label, as the deployment controller finds it (deploymentutil.FindNewReplicaSet).
 * Undefined when none does yet.
 */
export function newReplicaSetOf(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): string | undefined {
  const wanted = templateKey(deployment.spec?.template);
  const created = (rs: V1ReplicaSet) => new Date(rs.metadata?.creationTimestamp ?? 0).getTime();
  return [...replicaSets]
    .sort((a, b) => created(a) - created(b))
    .find((rs) => templateKey(rs.spec?.template) === wanted)?.metadata?.name;
}

/**
 * Whether a `ProgressDeadlineExceeded` condition is about the applied rollout. When it names a ReplicaSet and the
 * new one is known, it is ours exactly when it names the new one. Otherwise it is ours when it was written after
 * the apply started: condition times have second precision (truncated), so a time in the apply's own second is
 * not taken as later. A condition without times cannot be dated and counts.
 */
export function deadlineIsCurrent(
  condition: V1DeploymentCondition,
  applied: AppliedRollout,
  newReplicaSet?: string,
): boolean {
  const named = replicaSetNamedBy(condition);
  if (named !== undefined && newReplicaSet !== undefined) return named === newReplicaSet;
  const times = [condition.lastUpdateTime, condition.lastTransitionTime]
    .filter((time) => time !== undefined && time !== null)
    .map((time) => new Date(time as Date | string).getTime())
    .filter((time) => !Number.isNaN(time));
  if (times.length === 0) return true;
  return Math.max(...times) > applied.startedAt.getTime();
}

/**
 * The rollout's phase from the Deployment: succeeded when the controller has seen the latest spec
 * (`observedGeneration ≥ generation`) and every desired replica is updated and available with no old ones left;
 * failed when the controller reports `Progressing=False` with `ProgressDeadlineExceeded`; progressing otherwise.
 *
 * With `applied`, only the applied rollout's own state counts: nothing is read before the controller has
 * observed the generation the apply produced, and a deadline condition counts only when `deadlineIsCurrent`
 * (it names `newReplicaSet`, or is newer than the apply); an earlier rollout's is ignored.
 */
export function rolloutState(
  deployment: V1Deployment,
  applied?: AppliedRollout,
  newReplicaSet?: string,
): RolloutState {
  const counts = rolloutCounts(deployment);
  const generation = Math.max(deployment.metadata?.generation ?? 0, applied?.generation ?? 0);
  const observed = deployment.status?.observedGeneration ?? 0;
  if (observed < generation) {
    return { phase: 'progressing', counts, message: 'waiting for the deployment spec update to be observed' };
  }
  const deadline = progressDeadlineCondition(deployment);
  if (deadline && (!applied || deadlineIsCurrent(deadline, applied, newReplicaSet))) {
    return {
      phase: 'failed',
      counts,
      reason: PROGRESS_DEADLINE_EXCEEDED,
      message: deadline.message ?? `deployment ${deployment.metadata?.name} exceeded its progress deadline`,
    };
  }
  if (counts.updated < counts.desired) {
    return {
      phase: 'progressing',
      counts,
      message: `${counts.updated} of ${counts.desired} replicas updated`,
    };
  }
  // Scaling down (to 0 included) is done only when the surplus is gone, so /status never shows it as finished
  // while pods above the desired count still run (kubectl's rollout status would already call this done).
  if (counts.updated > counts.desired || counts.available > counts.desired) {
    return {
      phase: 'progressing',
      counts,
      message: `scaling down: ${Math.max(counts.updated, counts.available)} of ${counts.desired} replicas remain`,
    };
  }
  if (counts.total > counts.updated) {
    return {
      phase: 'progressing',
      counts,
      message: `${counts.total - counts.updated} old replicas are pending termination`,
    };
  }
  if (counts.available < counts.updated) {
    return {
      phase: 'progressing',
      counts,
      message: `${counts.available} of ${counts.updated} updated replicas are available`,
    };
  }
  return {
    phase: 'succeeded',
    counts,
    message: `rolled out: ${counts.available} of ${counts.desired} replicas available`,
  };
}

/** Why pods of a rollout are not becoming ready, most telling first. */
export interface PodFailure {
  reason: string;
  message: string;
  pod: string;
}

/** Waiting reasons grouped under the name users know; earlier entries win when pods disagree. */
const REASON_RANK: [string, (raw: string) => boolean][] = [
  ['ImagePullBackOff', (raw) => raw === 'ImagePullBackOff' || raw === 'ErrImagePull'],
  ['InvalidImageName', (raw) => raw === 'InvalidImageName'],
  ['CrashLoopBackOff', (raw) => raw === 'CrashLoopBackOff'],
  ['Unschedulable', (raw) => raw === 'Unschedulable'],
  ['CreateContainerConfigError', (raw) => raw === 'CreateContainerConfigError'],
  ['CreateContainerError', (raw) => raw === 'CreateContainerError'],
  ['RunContainerError', (raw) => raw === 'RunContainerError'],
  ['ReadinessProbeFailed', (raw) => raw === 'ReadinessProbeFailed'],
];

function rank(reason: string): number {
  const index = REASON_RANK.findIndex(([, matches]) => matches(reason));
  return index < 0 ? REASON_RANK.length : index;
}

function normalised(reason: string): string {
  return REASON_RANK.find(([, matches]) => matches(reason))?.[0] ?? reason;
}

/** The problem of one pod, or null when it is fine (ready, or still starting normally). */
export function podProblem(pod: V1Pod): PodFailure | null {
  const name = pod.metadata?.name ?? '?';
  if (pod.metadata?.deletionTimestamp) return null;
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return { pod: name, reason: 'Unschedulable', message: scheduled.message ?? 'pod cannot be scheduled' };
  }
  for (const status of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
      return { pod: name, reason: waiting.reason, message: waiting.message ?? waiting.reason };
    }
  }
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  const running =
    pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).every((s) => s.state?.running);
  if (running && ready?.status === 'False') {
    return {
      pod: name,
      reason: 'ReadinessProbeFailed',
      message: ready.message ?? 'containers are not ready',
    };
  }
  return null;
}

/**
 * The failure to report for a rollout from its pods: the most telling problem (image pull before crash loop
 * before scheduling before readiness), with the reason normalised (ErrImagePull and ImagePullBackOff alternate
 * on the same pod; both are reported as ImagePullBackOff). Null when no pod shows a problem.
 */
export function failureFromPods(pods: readonly V1Pod[]): PodFailure | null {
  let worst: PodFailure | null = null;
  for (const pod of pods) {
    const problem = podProblem(pod);
    if (problem && (!worst || rank(problem.reason) < rank(worst.reason))) worst = problem;
  }
  if (!worst) return null;
  const reason = normalised(worst.reason);
  return { ...worst, reason, message: `pod ${worst.pod}: ${worst.reason}: ${worst.message}` };
}

/**
 * The verdict of a failed rollout: the pods' reason when they show one, else the Deployment's own
 * (`ProgressDeadlineExceeded`), with the Deployment's message kept.
 */
export function failedVerdict(state: RolloutState, pods: readonly V1Pod[]): RolloutState {
  const fromPods = failureFromPods(pods);
  if (!fromPods) return { ...state, phase: 'failed', reason: state.reason ?? PROGRESS_DEADLINE_EXCEEDED };
  return {
    ...state,
    phase: 'failed',
    reason: fromPods.reason,
    message: `${fromPods.message} (${state.message})`,
  };
}
