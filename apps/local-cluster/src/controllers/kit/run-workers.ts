/**
 * The work loop of every controller (Argo Rollouts' shape): take a key, reconcile it from the cache, then
 * forget it (done) or re-queue it with backoff (failed), or after the delay it asked for (a timed step).
 */
import { describeKubeError, isConflict } from '@cite/kube';
import type { ControllerLogger } from './logger';
import type { WorkQueue } from './work-queue';

export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (a delay that is part of the behaviour). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface Workers {
  /** Resolves when every worker has finished its current key. */
  stop(): Promise<void>;
}

export function runWorkers(
  name: string,
  queue: WorkQueue,
  reconcile: Reconcile,
  logger: ControllerLogger,
  count = 1,
): Workers {
  let stopping = false;
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined && !stopping) queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        if (!stopping) {
          const meta = {
            controller: name,
            key,
            error: describeKubeError(error),
            failures: queue.numFailures(key) + 1,
          };
          // Conflicts are the normal price of optimistic concurrency; anything else is worth a line.
          if (isConflict(error)) logger.debug('reconcile conflict, retrying', meta);
          else logger.warn('reconcile failed, retrying', meta);
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  const running = Array.from({ length: count }, () => loop());
  return {
    async stop() {
      stopping = true;
      queue.shutDown();
      await Promise.all(running);
    },
  };
}
