/**
 * Follows a Deployment's rollout to a verdict: watches the Deployment, reports progress as it changes, and on
 * failure asks the pods why. The deciding is `rolloutState`/`failedVerdict` (pure); this is the loop.
 */
import { TimeoutError } from '@cite/errors';
import type { V1Deployment } from '@kubernetes/client-node';
import type { Cluster } from './cluster';
import { labelSelector, selectorFor } from './labels';
import {
  failedVerdict,
  newReplicaSetOf,
  progressDeadlineCondition,
  replicaSetNamedBy,
  rolloutState,
  type AppliedRollout,
  type RolloutState,
} from './rollout';

export interface TrackRolloutOptions {
  namespace: string;
  name: string;
  /**
   * Give up after this long (a safety net: Kubernetes' own progress deadline normally decides first). The verdict
   * is then `failed` with the pods' reason, or `RolloutTimedOut`.
   */
  timeoutMs: number;
  /** Stops tracking; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The apply this rollout follows: conditions left by an earlier rollout are then not taken for its verdict
   * (see `rolloutState`). Without it, any `ProgressDeadlineExceeded` the controller reports counts.
   */
  applied?: AppliedRollout;
  /** Called with each new progress state (not repeated while nothing changes) and the Deployment it is from. */
  onProgress?: (state: RolloutState, deployment: V1Deployment) => void | Promise<void>;
}

export const ROLLOUT_TIMED_OUT = 'RolloutTimedOut';

/** Resolves with a `succeeded` or `failed` state. Cluster errors (unreachable, …) reject. */
export async function trackRollout(cluster: Cluster, options: TrackRolloutOptions): Promise<RolloutState> {
  const { namespace, name } = options;
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal?.reason ?? new Error('tracking stopped'));
  options.signal?.addEventListener('abort', abort);
  if (options.signal?.aborted) abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new TimeoutError(`rollout of ${namespace}/${name} not done in ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const failedFromPods = async (state: RolloutState) =>
    failedVerdict(state, await cluster.listPods(namespace, labelSelector(selectorFor(name))));
  // The new ReplicaSet of a generation, listed only when a deadline condition names a ReplicaSet.
  let known: { generation: number; name: string } | undefined;
  const newReplicaSet = async (deployment: V1Deployment): Promise<string | undefined> => {
    const deadline = progressDeadlineCondition(deployment);
    if (!options.applied || !deadline || replicaSetNamedBy(deadline) === undefined) return undefined;
    const generation = deployment.metadata?.generation ?? 0;
    if ((deployment.status?.observedGeneration ?? 0) < generation) return undefined;
    if (known?.generation !== generation) {
      const replicaSets = await cluster.listReplicaSets(namespace, labelSelector(selectorFor(name)));
      const found = newReplicaSetOf(deployment, replicaSets);
      known = found === undefined ? undefined : { generation, name: found };
    }
    return known?.name;
  };
  let last: RolloutState | undefined;
  try {
    for await (const deployment of cluster.watchDeployment(namespace, name, controller.signal)) {
      if (!deployment) {
        last = {
          phase: 'progressing',
          counts: { desired: 0, updated: 0, ready: 0, available: 0, total: 0 },
          message: `deployment ${namespace}/${name} does not exist`,
        };
        continue;
      }
      const state = rolloutState(deployment, options.applied, await newReplicaSet(deployment));
      if (state.phase === 'succeeded') return state;
      if (state.phase === 'failed') return await failedFromPods(state);
      if (state.message !== last?.message) await options.onProgress?.(state, deployment);
      last = state;
    }
    if (timedOut && last) {
      return await failedFromPods({
        ...last,
        phase: 'failed',
        reason: ROLLOUT_TIMED_OUT,
        message: `${last.message}; gave up after ${options.timeoutMs} ms`,
      });
    }
    throw controller.signal.reason ?? new Error('deployment watch ended');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    controller.abort();
  }
}
