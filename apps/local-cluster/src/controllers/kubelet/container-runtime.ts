/**
 * One simulated container, as the container runtime would hold it, and how it moves with time. `advance`
 * applies every transition due by `now` in order and reports the kubelet events they cause, so a kubelet
 * that looks late still tells the whole story, and one that looks early changes nothing.
 *
 *   creating ─(sandbox)→ pulling ─(pull ok)→ running ─(crash)→ crashed ─(back-off)→ running …
 *                           └─(pull fails)→ pullError → pullBackOff ─(back-off)→ pulling …
 *   any ─(pod deleted)→ terminated
 */
import { type KubeletTimings, backOffMs, crashBackOffMs, goDuration } from './behaviour';

export type ContainerPhase =
  'creating' | 'pulling' | 'pullError' | 'pullBackOff' | 'running' | 'crashed' | 'terminated';

export interface Termination {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ContainerRuntime {
  name: string;
  image: string;
  phase: ContainerPhase;
  /** When the current phase ends by itself (pull done, back-off over, crash); undefined = not by time. */
  until?: number;
  restartCount: number;
  pullFailures: number;
  pullMessage?: string;
  startedAt?: number;
  readyAt?: number;
  /** Readiness was due but the pod never becomes ready (the Unhealthy event was sent for this start). */
  unhealthyReported?: boolean;
  containerID?: string;
  /** The current termination (phase crashed/terminated). */
  terminated?: Termination;
  /** The previous run's termination: `lastState.terminated`, what `kubectl logs --previous` reads. */
  lastTerminated?: Termination;
}

export interface ContainerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** What the container needs to know beyond itself. */
export interface ContainerContext {
  timings: KubeletTimings;
  crashLoop: boolean;
  neverReady: boolean;
  restartPolicy: string;
  /** The pull's outcome when it completes: null = the image is there, otherwise the failure message. */
  pullFailure: string | null;
  /** `pod_namespace(uid)`, for kubelet messages. */
  podDescription: string;
  /** A fresh container ID for a new run. */
  newContainerId: (restartCount: number) => string;
}

export function newContainer(name: string, image: string): ContainerRuntime {
  return { name, image, phase: 'creating', restartCount: 0, pullFailures: 0 };
}

export function isReady(container: ContainerRuntime, now: number): boolean {
  return container.phase === 'running' && container.readyAt !== undefined && container.readyAt <= now;
}

/** Whether it has run at all (the kubelet's `started` once running, and Running rather than Pending). */
export function hasStarted(container: ContainerRuntime): boolean {
  return (
    container.phase === 'running' ||
    container.lastTerminated !== undefined ||
    container.terminated !== undefined
  );
}

/** The sandbox is up: the image pull begins. */
export function beginPull(
  container: ContainerRuntime,
  at: number,
  context: ContainerContext,
): ContainerEvent[] {
  if (container.phase !== 'creating') return [];
  container.phase = 'pulling';
  container.until = at + context.timings.startMs;
  return [{ type: 'Normal', reason: 'Pulling', message: `Pulling image "${container.image}"` }];
}

/** Applies every transition due by `now`; returns the events in order. */
export function advance(
  container: ContainerRuntime,
  now: number,
  context: ContainerContext,
): ContainerEvent[] {
  const events: ContainerEvent[] = [];
  for (let step = 0; step < 1000; step++) {
    const due = nextTransition(container, context);
    if (due === undefined || due > now) break;
    events.push(...transition(container, due, context));
  }
  return events;
}

/** When the next timed transition happens, or undefined when none is pending. */
export function nextTransition(container: ContainerRuntime, context: ContainerContext): number | undefined {
  switch (container.phase) {
    case 'pulling':
    case 'pullError':
    case 'pullBackOff':
    case 'crashed':
      return container.until;
    case 'running': {
      const times: number[] = [];
      if (container.startedAt === undefined) return undefined;
      if (context.crashLoop) times.push(container.startedAt + context.timings.crashAfterMs);
      const readyDue = container.startedAt + context.timings.readyMs;
      if (container.readyAt === undefined && !context.neverReady) times.push(readyDue);
      if (context.neverReady && !container.unhealthyReported) times.push(readyDue);
      return times.length === 0 ? undefined : Math.min(...times);
    }
    default:
      return undefined;
  }
}

function transition(container: ContainerRuntime, at: number, context: ContainerContext): ContainerEvent[] {
  switch (container.phase) {
    case 'pulling':
      return finishPull(container, at, context);
    case 'pullError': {
      // ErrImagePull is shown briefly, then the kubelet reports the back-off it is in.
      container.phase = 'pullBackOff';
      container.until = container.until === undefined ? undefined : pullRetryAt(container, at, context);
      return [
        { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${container.image}"` },
        { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' },
      ];
    }
    case 'pullBackOff':
      container.phase = 'pulling';
      container.until = at + context.timings.startMs;
      return [{ type: 'Normal', reason: 'Pulling', message: `Pulling image "${container.image}"` }];
    case 'crashed':
      return start(container, at, context, true);
    case 'running':
      return whileRunning(container, at, context);
    default:
      return [];
  }
}

function pullRetryAt(container: ContainerRuntime, failedAt: number, context: ContainerContext): number {
  const shown = errImagePullShownMs(container, context);
  return failedAt - shown + backOffMs(container.pullFailures, context.timings.backOffScale);
}

/** How long ErrImagePull stays before ImagePullBackOff: a second, or a quarter of the back-off if shorter. */
function errImagePullShownMs(container: ContainerRuntime, context: ContainerContext): number {
  return Math.min(1000, Math.floor(backOffMs(container.pullFailures, context.timings.backOffScale) / 4));
}

function finishPull(container: ContainerRuntime, at: number, context: ContainerContext): ContainerEvent[] {
  if (context.pullFailure !== null) {
    container.pullFailures++;
    container.phase = 'pullError';
    container.pullMessage = context.pullFailure;
    container.until = at + errImagePullShownMs(container, context);
    return [
      {
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "${container.image}": ${context.pullFailure}`,
      },
      { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
    ];
  }
  container.pullMessage = undefined;
  const pulled: ContainerEvent = {
    type: 'Normal',
    reason: 'Pulled',
    message: `Successfully pulled image "${container.image}" in ${goDuration(context.timings.startMs)} (${goDuration(context.timings.startMs)} including waiting)`,
  };
  return [pulled, ...start(container, at, context, false)];
}

function start(
  container: ContainerRuntime,
  at: number,
  context: ContainerContext,
  restart: boolean,
): ContainerEvent[] {
  const events: ContainerEvent[] = [];
  if (restart) {
    container.lastTerminated = container.terminated;
    container.terminated = undefined;
    container.restartCount++;
    events.push({
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${container.image}" already present on machine`,
    });
  }
  container.phase = 'running';
  container.until = undefined;
  container.startedAt = at;
  container.readyAt = undefined;
  container.unhealthyReported = false;
  container.containerID = context.newContainerId(container.restartCount);
  events.push(
    { type: 'Normal', reason: 'Created', message: `Created container: ${container.name}` },
    { type: 'Normal', reason: 'Started', message: `Started container ${container.name}` },
  );
  return events;
}

function whileRunning(container: ContainerRuntime, at: number, context: ContainerContext): ContainerEvent[] {
  const startedAt = container.startedAt ?? at;
  const crashAt = context.crashLoop ? startedAt + context.timings.crashAfterMs : Infinity;
  const readyDue = startedAt + context.timings.readyMs;
  if (readyDue <= at && readyDue <= crashAt) {
    if (context.neverReady) {
      if (!container.unhealthyReported) {
        container.unhealthyReported = true;
        return [
          {
            type: 'Warning',
            reason: 'Unhealthy',
            message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
          },
        ];
      }
    } else if (container.readyAt === undefined) {
      container.readyAt = readyDue;
      return [];
    }
  }
  if (crashAt > at) return [];
  return crash(container, crashAt, context);
}

function crash(container: ContainerRuntime, at: number, context: ContainerContext): ContainerEvent[] {
  container.terminated = {
    exitCode: 1,
    reason: 'Error',
    startedAt: container.startedAt ?? at,
    finishedAt: at,
    containerID: container.containerID ?? '',
  };
  container.readyAt = undefined;
  container.startedAt = undefined;
  if (context.restartPolicy === 'Never') {
    container.phase = 'terminated';
    container.until = undefined;
    return [];
  }
  const delay = crashBackOffMs(container.restartCount + 1, context.timings.backOffScale);
  container.phase = 'crashed';
  container.until = at + delay;
  if (delay === 0) return [];
  return [
    {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container.name} in pod ${context.podDescription}`,
    },
  ];
}

/** The pod is being deleted: the container is stopped (exit 0, as a process that handles SIGTERM does). */
export function kill(container: ContainerRuntime, at: number): ContainerEvent[] {
  if (container.phase === 'terminated') return [];
  const wasRunning = container.phase === 'running';
  if (wasRunning) {
    container.terminated = {
      exitCode: 0,
      reason: 'Completed',
      startedAt: container.startedAt ?? at,
      finishedAt: at,
      containerID: container.containerID ?? '',
    };
  }
  container.phase = 'terminated';
  container.until = undefined;
  container.readyAt = undefined;
  return wasRunning
    ? [{ type: 'Normal', reason: 'Killing', message: `Stopping container ${container.name}` }]
    : [];
}
