/**
 * Per-pod failure behaviours, chosen by annotations under `local-cluster.cite.dev/` (set them on a pod
 * template and every pod of the Deployment behaves so), the node annotation that stops a node's kubelet, and
 * the kubelet's back-off arithmetic.
 */
import type { Node, Pod } from '../kit/wire';

export const ANNOTATION_PREFIX = 'local-cluster.cite.dev/';
export const IMAGE_PULL_ANNOTATION = `${ANNOTATION_PREFIX}image-pull`;
export const CRASH_ANNOTATION = `${ANNOTATION_PREFIX}crash`;
export const READY_ANNOTATION = `${ANNOTATION_PREFIX}ready`;

/**
 * On a Node: `stopped` makes its simulated kubelet stop, as if the machine died. It no longer renews the node's
 * Lease, posts node status, or starts, updates or removes the node's pods; removing the annotation starts it
 * again. The node lifecycle controller then sees what it would see of a dead node.
 */
export const KUBELET_ANNOTATION = `${ANNOTATION_PREFIX}kubelet`;
export const KUBELET_STOPPED = 'stopped';

export function isKubeletStopped(node: Node | undefined): boolean {
  return node?.metadata?.annotations?.[KUBELET_ANNOTATION] === KUBELET_STOPPED;
}

/** The merge patch of a Node that stops (`running: false`) or starts its kubelet. */
export function kubeletSwitchPatch(running: boolean): {
  metadata: { annotations: Record<string, string | null> };
} {
  return { metadata: { annotations: { [KUBELET_ANNOTATION]: running ? null : KUBELET_STOPPED } } };
}

export interface PodBehaviour {
  /** `image-pull: fail`: every pull fails (ErrImagePull ↔ ImagePullBackOff). */
  imagePullFails: boolean;
  /** `crash: loop`: containers exit 1 a while after starting and are restarted with back-off. */
  crashLoop: boolean;
  /** `ready: never`: containers run but never pass readiness. */
  neverReady: boolean;
}

export function behaviourOf(pod: Pod): PodBehaviour {
  const annotations = pod.metadata?.annotations ?? {};
  return {
    imagePullFails: annotations[IMAGE_PULL_ANNOTATION] === 'fail',
    crashLoop: annotations[CRASH_ANNOTATION] === 'loop',
    neverReady: annotations[READY_ANNOTATION] === 'never',
  };
}

export interface KubeletTimings {
  /** Pending → ContainerCreating (sandbox up, pod IP assigned, pull starts). */
  containerCreatingMs: number;
  /** ContainerCreating → Running (pull, create, start). */
  startMs: number;
  /** Running → Ready. */
  readyMs: number;
  /** The kubelet's back-off starts at 10s and doubles to 5m; both are multiplied by this. @defaultValue 1 */
  backOffScale: number;
  /** How long a crash-looping container runs before it exits 1. @defaultValue 1000 */
  crashAfterMs: number;
}

const BACK_OFF_BASE_MS = 10_000;
const BACK_OFF_MAX_MS = 300_000;

/** The n-th back-off (n ≥ 1): 10s, 20s, 40s, … capped at 5m, scaled. */
export function backOffMs(n: number, scale: number): number {
  const delay = Math.min(BACK_OFF_MAX_MS, BACK_OFF_BASE_MS * 2 ** Math.max(0, Math.min(n - 1, 30)));
  return Math.round(delay * scale);
}

/**
 * The wait before restarting a container that has just exited for the `crashes`-th time: the kubelet restarts
 * at once after the first exit and backs off from the second (10s, 20s, …).
 */
export function crashBackOffMs(crashes: number, scale: number): number {
  return crashes <= 1 ? 0 : backOffMs(crashes - 1, scale);
}

/** The Go duration kubelet messages print (`10s`, `1m20s`, `5m0s`). */
export function goDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  if (ms > 0 && ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
