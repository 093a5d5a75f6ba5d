/**
 * Rebuilding a pod's runtime from its reported status, for pods a previous run of the kubelet started (the
 * controllers restarted while the pods kept "running"), so a restart neither re-pulls nor changes pod IPs.
 */
import { parseTime } from '../kit/time';
import type { ContainerStatus, Pod } from '../kit/wire';
import type { ContainerRuntime, Termination } from './container-runtime';
import type { PodRuntime } from './pod-runtime';

function termination(
  state: ContainerStatus['lastState'] | ContainerStatus['state'],
  now: number,
): Termination | undefined {
  const terminated = state?.terminated;
  if (!terminated) return undefined;
  return {
    exitCode: terminated.exitCode,
    reason: terminated.reason ?? 'Error',
    startedAt: parseTime(terminated.startedAt) ?? now,
    finishedAt: parseTime(terminated.finishedAt) ?? now,
    containerID: terminated.containerID ?? '',
  };
}

function adoptContainer(
  name: string,
  image: string,
  status: ContainerStatus | undefined,
  now: number,
): ContainerRuntime {
  const base: ContainerRuntime = {
    name,
    image,
    phase: 'creating',
    restartCount: status?.restartCount ?? 0,
    pullFailures: 0,
    containerID: status?.containerID,
    lastTerminated: termination(status?.lastState, now),
  };
  const state = status?.state;
  if (state?.running) {
    const startedAt = parseTime(state.running.startedAt) ?? now;
    return {
      ...base,
      phase: 'running',
      startedAt,
      readyAt: status?.ready ? startedAt : undefined,
      unhealthyReported: true,
    };
  }
  if (state?.terminated) return { ...base, phase: 'terminated', terminated: termination(state, now) };
  const reason = state?.waiting?.reason;
  if (reason === 'CrashLoopBackOff')
    return { ...base, phase: 'crashed', until: now, terminated: base.lastTerminated };
  if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff')
    return { ...base, phase: 'pullBackOff', until: now, pullFailures: 1 };
  return { ...base, phase: 'pulling', until: now };
}

/** The runtime a pod's status describes, or undefined when the pod never got a sandbox (start it afresh). */
export function adoptPodRuntime(pod: Pod, now: number): PodRuntime | undefined {
  const status = pod.status;
  if (!status?.podIP) return undefined;
  const byName = new Map((status.containerStatuses ?? []).map((s) => [s.name, s]));
  const initByName = new Map((status.initContainerStatuses ?? []).map((s) => [s.name, s]));
  const conditions: PodRuntime['conditions'] = {};
  for (const condition of status.conditions ?? [])
    conditions[condition.type] = {
      status: condition.status,
      at: parseTime(condition.lastTransitionTime) ?? now,
    };
  return {
    uid: pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    admittedAt: parseTime(status.startTime) ?? now,
    ip: status.podIP,
    sandboxAt: parseTime(status.startTime) ?? now,
    initContainers: (pod.spec?.initContainers ?? []).map((c) => {
      const adopted = adoptContainer(c.name, c.image ?? '', initByName.get(c.name), now);
      const completed = {
        exitCode: 0,
        reason: 'Completed',
        startedAt: now,
        finishedAt: now,
        containerID: '',
      };
      return { ...adopted, phase: 'terminated' as const, terminated: adopted.terminated ?? completed };
    }),
    containers: (pod.spec?.containers ?? []).map((c) =>
      adoptContainer(c.name, c.image ?? '', byName.get(c.name), now),
    ),
    conditions,
  };
}
