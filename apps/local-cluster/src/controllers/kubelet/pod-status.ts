/**
 * The pod status a kubelet reports for a runtime: phase (the kubelet's getPhase), conditions, IPs, start time,
 * QoS class and one status per container (state, lastState, ready, started, restartCount, image, imageID,
 * containerID). Pure; `ownedStatusPatch` then turns it into the merge patch to send, if any.
 */
import { createMergePatch } from '../kit/merge-patch';
import { rfc3339 } from '../kit/time';
import type { Container, ContainerStatus, Pod, PodCondition } from '../kit/wire';
import { crashBackOffMs, goDuration } from './behaviour';
import { type ContainerRuntime, hasStarted, isReady } from './container-runtime';
import { imageIdFor } from './image-reference';
import { type PodRuntime, conditionStatuses } from './pod-runtime';

type PodStatus = NonNullable<Pod['status']>;

/** The status fields a kubelet owns; the rest (nominatedNodeName, …) is left alone. */
export const KUBELET_STATUS_FIELDS = [
  'phase',
  'conditions',
  'hostIP',
  'hostIPs',
  'podIP',
  'podIPs',
  'startTime',
  'qosClass',
  'containerStatuses',
  'initContainerStatuses',
] as const;

const KUBELET_CONDITIONS = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

export function podPhase(runtime: PodRuntime, restartPolicy: string): string {
  if (runtime.killedAt !== undefined) {
    const failed = runtime.containers.some((c) => c.terminated !== undefined && c.terminated.exitCode !== 0);
    return failed ? 'Failed' : 'Succeeded';
  }
  if (runtime.ip === undefined || runtime.initContainers.some((c) => c.phase !== 'terminated'))
    return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const container of runtime.containers) {
    if (container.phase === 'running') running++;
    else if (container.phase === 'terminated') {
      stopped++;
      if (container.terminated?.exitCode === 0) succeeded++;
    } else if (container.lastTerminated !== undefined || container.phase === 'crashed') stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

export function qosClassOf(pod: Pod): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const has = (c: Container, kind: 'requests' | 'limits'): boolean =>
    Object.keys((c.resources?.[kind] as Record<string, string> | undefined) ?? {}).length > 0;
  if (containers.every((c) => !has(c, 'requests') && !has(c, 'limits'))) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const limits = (c.resources?.limits ?? {}) as Record<string, string>;
    const requests = (c.resources?.requests ?? {}) as Record<string, string>;
    return ['cpu', 'memory'].every(
      (r) => limits[r] !== undefined && (requests[r] ?? limits[r]) === limits[r],
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function terminatedState(t: NonNullable<ContainerRuntime['terminated']>) {
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.reason,
      startedAt: rfc3339(t.startedAt),
      finishedAt: rfc3339(t.finishedAt),
      containerID: t.containerID,
    },
  };
}

function containerState(container: ContainerRuntime, podDescription: string): ContainerStatus['state'] {
  switch (container.phase) {
    case 'creating':
    case 'pulling':
      return container.pullFailures > 0
        ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } }
        : { waiting: { reason: 'ContainerCreating' } };
    case 'pullError':
      return { waiting: { reason: 'ErrImagePull', message: container.pullMessage } };
    case 'pullBackOff':
      return {
        waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` },
      };
    case 'running':
      return { running: { startedAt: rfc3339(container.startedAt ?? 0) } };
    case 'crashed': {
      const delay = goDuration(crashBackOffMs(container.restartCount + 1, 1));
      return {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay} restarting failed container=${container.name} pod=${podDescription}`,
        },
      };
    }
    case 'terminated':
      return container.terminated
        ? terminatedState(container.terminated)
        : { waiting: { reason: 'ContainerCreating' } };
  }
}

/** lastState.terminated: while waiting to restart, the exit that just happened; while running, the one before. */
function lastTermination(container: ContainerRuntime): ContainerRuntime['terminated'] {
  return container.phase === 'crashed' ? container.terminated : container.lastTerminated;
}

function containerStatus(container: ContainerRuntime, now: number, podDescription: string): ContainerStatus {
  const running = container.phase === 'running';
  const last = lastTermination(container);
  return {
    name: container.name,
    image: container.image,
    imageID: hasStarted(container) ? imageIdFor(container.image) : '',
    ...(container.containerID && hasStarted(container) ? { containerID: container.containerID } : {}),
    ready: isReady(container, now),
    started: running,
    restartCount: container.restartCount,
    state: containerState(container, podDescription),
    lastState: last ? terminatedState(last) : {},
  };
}

function conditionsFor(pod: Pod, runtime: PodRuntime, now: number): PodCondition[] {
  const statuses = conditionStatuses(runtime, now);
  const notReady = runtime.containers.filter((c) => !isReady(c, now)).map((c) => c.name);
  const notInitialized = runtime.initContainers.filter((c) => c.phase !== 'terminated').map((c) => c.name);
  const killed = runtime.killedAt !== undefined;
  const ours: PodCondition[] = KUBELET_CONDITIONS.map((type) => {
    const status = statuses[type] ?? 'False';
    const condition: PodCondition = {
      type,
      status,
      lastTransitionTime: rfc3339(runtime.conditions[type]?.at ?? now),
    };
    if (status === 'False' && (type === 'Ready' || type === 'ContainersReady')) {
      condition.reason = killed ? 'PodCompleted' : 'ContainersNotReady';
      if (!killed) condition.message = `containers with unready status: [${notReady.join(' ')}]`;
    }
    if (status === 'False' && type === 'Initialized') {
      condition.reason = 'ContainersNotInitialized';
      condition.message = `containers with incomplete status: [${notInitialized.join(' ')}]`;
    }
    return condition;
  });
  // Conditions other components own (readiness gates, DisruptionTarget, …) are kept.
  const others = (pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.includes(c.type));
  return [...ours, ...others];
}

export function renderPodStatus(pod: Pod, runtime: PodRuntime, hostIP: string, now: number): PodStatus {
  const podDescription = `${pod.metadata?.name}_${pod.metadata?.namespace}(${runtime.uid})`;
  const showContainers = runtime.ip !== undefined || runtime.killedAt !== undefined;
  const status: PodStatus = {
    phase: podPhase(runtime, pod.spec?.restartPolicy ?? 'Always'),
    conditions: conditionsFor(pod, runtime, now),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    startTime: rfc3339(runtime.admittedAt),
    qosClass: pod.status?.qosClass ?? qosClassOf(pod),
  };
  if (runtime.ip) {
    status.podIP = runtime.ip;
    status.podIPs = [{ ip: runtime.ip }];
  }
  if (showContainers) {
    status.containerStatuses = runtime.containers.map((c) => containerStatus(c, now, podDescription));
    if (runtime.initContainers.length > 0)
      status.initContainerStatuses = runtime.initContainers.map((c) =>
        containerStatus(c, now, podDescription),
      );
  }
  return status;
}

/** The merge patch (`{ status: … }`) that brings the kubelet-owned fields of `pod.status` to `desired`. */
export function ownedStatusPatch(pod: Pod, desired: PodStatus): Record<string, unknown> | undefined {
  const observed = (pod.status ?? {}) as Record<string, unknown>;
  const wanted = desired as Record<string, unknown>;
  const from = Object.fromEntries(KUBELET_STATUS_FIELDS.map((field) => [field, observed[field]]));
  const to = Object.fromEntries(KUBELET_STATUS_FIELDS.map((field) => [field, wanted[field]]));
  const patch = createMergePatch(from, to);
  return patch ? { status: patch } : undefined;
}
