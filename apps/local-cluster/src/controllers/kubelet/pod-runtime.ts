/**
 * One simulated pod on a kubelet: sandbox (pod IP) after `containerCreatingMs`, init containers, then the
 * containers' own lives (container-runtime.ts); and, once the pod is being deleted, every container stopped
 * and the pod removed. `stepPod` is pure: runtime and time in, new runtime, events and the next wake-up out.
 */
import { createHash } from 'node:crypto';
import type { Pod } from '../kit/wire';
import { type KubeletTimings, type PodBehaviour } from './behaviour';
import {
  type ContainerContext,
  type ContainerEvent,
  type ContainerRuntime,
  advance,
  beginPull,
  isReady,
  kill,
  newContainer,
  nextTransition,
} from './container-runtime';
import { notFoundMessage } from './image-reference';

export interface PodRuntime {
  uid: string;
  nodeName: string;
  /** When this kubelet first saw the pod bound to it (status.startTime). */
  admittedAt: number;
  /** The pod IP, once the sandbox is up. */
  ip?: string;
  sandboxAt?: number;
  sandboxFailureReported?: boolean;
  initContainers: ContainerRuntime[];
  containers: ContainerRuntime[];
  killedAt?: number;
  /** Condition type → status and when it last changed (lastTransitionTime). */
  conditions: Record<string, { status: string; at: number }>;
}

export interface PodEvent extends ContainerEvent {
  fieldPath?: string;
}

export interface PodStepInput {
  pod: Pod;
  runtime: PodRuntime | undefined;
  now: number;
  timings: KubeletTimings;
  behaviour: PodBehaviour;
  /** The lowest unused address in the node's pod CIDR, or null when the range is full. */
  freeIp: string | null;
  /** Why pulling `image` fails (containerd's message), or null when it succeeds. */
  pullFailureOf: (image: string) => string | null;
}

export interface PodStepResult {
  runtime: PodRuntime;
  events: PodEvent[];
  /** When something is next due (ms since epoch), if anything is. */
  wakeAt?: number;
  /** The pod is being deleted and its containers have stopped: remove it (grace period 0). */
  deletePod: boolean;
}

export function newPodRuntime(pod: Pod, now: number): PodRuntime {
  return {
    uid: pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    admittedAt: now,
    initContainers: (pod.spec?.initContainers ?? []).map((c) => newContainer(c.name, c.image ?? '')),
    containers: (pod.spec?.containers ?? []).map((c) => newContainer(c.name, c.image ?? '')),
    conditions: {},
  };
}

export function containerIdFor(uid: string, name: string, restartCount: number): string {
  return `containerd://${createHash('sha256').update(`${uid}/${name}/${restartCount}`).digest('hex')}`;
}

function clone(runtime: PodRuntime): PodRuntime {
  return structuredClone(runtime);
}

export function stepPod(input: PodStepInput): PodStepResult {
  const { pod, now, timings, behaviour } = input;
  const runtime = input.runtime ? clone(input.runtime) : newPodRuntime(pod, now);
  const events: PodEvent[] = [];
  const fieldPath = (name: string, init: boolean): string =>
    `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
  const tagged = (list: ContainerEvent[], name: string, init = false): PodEvent[] =>
    list.map((event) => ({ ...event, fieldPath: fieldPath(name, init) }));

  if (pod.metadata?.deletionTimestamp) {
    if (runtime.killedAt === undefined) {
      runtime.killedAt = now;
      for (const container of runtime.containers)
        events.push(...tagged(kill(container, now), container.name));
      for (const container of runtime.initContainers) kill(container, now);
    }
    updateConditions(runtime, now);
    return { runtime, events, deletePod: true };
  }

  const contextFor = (container: ContainerRuntime, init: boolean): ContainerContext => ({
    timings: init ? { ...timings, startMs: 0 } : timings,
    crashLoop: !init && behaviour.crashLoop,
    neverReady: behaviour.neverReady,
    restartPolicy: pod.spec?.restartPolicy ?? 'Always',
    pullFailure:
      behaviour.imagePullFails && !init
        ? notFoundMessage(container.image)
        : input.pullFailureOf(container.image),
    podDescription: `${pod.metadata?.name}_${pod.metadata?.namespace}(${runtime.uid})`,
    newContainerId: (restarts) => containerIdFor(runtime.uid, container.name, restarts),
  });

  if (runtime.ip === undefined) {
    const sandboxDue = runtime.admittedAt + timings.containerCreatingMs;
    if (now < sandboxDue) return finish(runtime, events, now, sandboxDue);
    if (input.freeIp === null) {
      if (!runtime.sandboxFailureReported) {
        runtime.sandboxFailureReported = true;
        events.push({
          type: 'Warning',
          reason: 'FailedCreatePodSandBox',
          message: `Failed to create pod sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set on node ${runtime.nodeName}`,
        });
      }
      return finish(runtime, events, now, now + 1000);
    }
    runtime.ip = input.freeIp;
    runtime.sandboxAt = sandboxDue;
    // Init containers run to completion first, each at once: their images are pulled, they start and exit 0.
    for (const container of runtime.initContainers) {
      const context = contextFor(container, true);
      events.push(...tagged(beginPull(container, sandboxDue, context), container.name, true));
      events.push(...tagged(advance(container, sandboxDue, context), container.name, true));
      if (container.phase === 'running') {
        container.terminated = {
          exitCode: 0,
          reason: 'Completed',
          startedAt: sandboxDue,
          finishedAt: sandboxDue,
          containerID: container.containerID ?? '',
        };
        container.phase = 'terminated';
        container.startedAt = undefined;
      }
    }
    for (const container of runtime.containers)
      events.push(...tagged(beginPull(container, sandboxDue, contextFor(container, false)), container.name));
  }

  let wakeAt: number | undefined;
  for (const container of runtime.containers) {
    const context = contextFor(container, false);
    events.push(...tagged(advance(container, now, context), container.name));
    const next = nextTransition(container, context);
    if (next !== undefined) wakeAt = wakeAt === undefined ? next : Math.min(wakeAt, next);
  }
  return finish(runtime, events, now, wakeAt);
}

function finish(
  runtime: PodRuntime,
  events: PodEvent[],
  now: number,
  wakeAt: number | undefined,
): PodStepResult {
  updateConditions(runtime, now);
  return { runtime, events, deletePod: false, ...(wakeAt === undefined ? {} : { wakeAt }) };
}

export function initDone(runtime: PodRuntime): boolean {
  return runtime.initContainers.every((container) => container.terminated?.exitCode === 0);
}

export function allReady(runtime: PodRuntime, now: number): boolean {
  return runtime.killedAt === undefined && runtime.containers.every((container) => isReady(container, now));
}

/** The pod conditions' statuses implied by the runtime. */
export function conditionStatuses(runtime: PodRuntime, now: number): Record<string, string> {
  const ready = allReady(runtime, now) ? 'True' : 'False';
  return {
    PodReadyToStartContainers: runtime.ip !== undefined && runtime.killedAt === undefined ? 'True' : 'False',
    Initialized: initDone(runtime) ? 'True' : 'False',
    Ready: ready,
    ContainersReady: ready,
    PodScheduled: 'True',
  };
}

function updateConditions(runtime: PodRuntime, now: number): void {
  for (const [type, status] of Object.entries(conditionStatuses(runtime, now))) {
    const current = runtime.conditions[type];
    if (!current || current.status !== status) runtime.conditions[type] = { status, at: now };
  }
}
