/** Recording what a DELETE did, for read-your-writes: the object may be gone, or still there with finalizers. */
import type { Store } from './store';
import { type KubeObject, toWire } from './wire';

/**
 * A DELETE answers with the object while it still exists (graceful deletion, finalizers pending) and with a
 * Status once it is gone. The typed clients deserialize some answers as a Status whatever came back, which
 * loses the object's metadata: when the answer cannot be read either way, nothing is recorded and the watch
 * tells.
 */
export function recordDeleteOutcome<T extends KubeObject>(
  store: Store<T>,
  target: T,
  response: unknown,
): void {
  const answer = toWire(response) as KubeObject | undefined;
  if (answer?.kind === 'Status') {
    store.recordDeleted(target);
    return;
  }
  if (!answer?.metadata?.uid || answer.metadata.uid !== target.metadata?.uid) return;
  if (answer.metadata.deletionTimestamp) store.recordWrite(answer as T);
  else store.recordDeleted(target);
}
