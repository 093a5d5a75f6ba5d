/**
 * A service's pods as a stream of named events, for `GET /services/:name/pods/events`: one `snapshot` of the
 * pods at the start, then a `pod` event `{type: added|changed|removed, pod}` for each pod that differs between
 * two consecutive `status/<service>` records (the watcher rewrites the record whenever a pod changes).
 *
 * Event ids are etcd revisions at which the record was written, so `Last-Event-ID` resumes: the stream replays
 * the record's changes from that revision on, diffing each against the one before, and the client gets
 * exactly the events it missed. One write may change several pods; only the last of its events carries the
 * id, so a client cut off in the middle of them resumes from the write before and gets them all again rather
 * than losing the rest (SSE keeps the previous id for events without one). A snapshot carries the revision of
 * the record it shows, and none when there is no record.
 *
 * The diff (`podChanges`, `podEvents`) and the choice of where to resume (`resumePlan`) are pure; `followPods`
 * reads and watches etcd.
 */
import { isDeepStrictEqual } from 'node:util';
import { PodStatusSchema, type ObservedStatus, type PodStatus } from '@cite/model';
import { WatchCompactedError, type ObservedStatusStore, type Versioned } from '@cite/store';
import { z } from 'zod';

export const PodChangeSchema = z.object({
  type: z.enum(['added', 'changed', 'removed']),
  /** The pod as it is now; for `removed`, as it was last seen. */
  pod: PodStatusSchema,
});
export type PodChange = z.infer<typeof PodChangeSchema>;

export const PodSnapshotSchema = z.object({
  service: z.string(),
  pods: z.array(PodStatusSchema),
  /** When the pods were observed; null when nothing was yet. */
  observedAt: z.string().nullable(),
});
export type PodSnapshot = z.infer<typeof PodSnapshotSchema>;

export type PodStreamEvent =
  { event: 'snapshot'; id?: string; data: PodSnapshot } | { event: 'pod'; id?: string; data: PodChange };

const byName = (pods: readonly PodStatus[]) => new Map(pods.map((pod) => [pod.name, pod]));

/**
 * What changed from `previous` to `current`, pod by pod (pods are told apart by name): `added` and `changed`
 * in the order of `current`, then `removed` in the order of `previous`. A pod whose fields are all equal is
 * not reported, whatever the order of its fields.
 */
export function podChanges(previous: readonly PodStatus[], current: readonly PodStatus[]): PodChange[] {
  const before = byName(previous);
  const after = byName(current);
  const changes: PodChange[] = [];
  for (const pod of after.values()) {
    const old = before.get(pod.name);
    if (old === undefined) changes.push({ type: 'added', pod });
    else if (!isDeepStrictEqual(old, pod)) changes.push({ type: 'changed', pod });
  }
  for (const pod of before.values()) if (!after.has(pod.name)) changes.push({ type: 'removed', pod });
  return changes;
}

/** The `pod` events of the record written at `revision`; the last carries the revision as its id. */
export function podEvents(
  previous: readonly PodStatus[],
  current: readonly PodStatus[],
  revision: number,
): PodStreamEvent[] {
  const changes = podChanges(previous, current);
  return changes.map((data, index) =>
    index === changes.length - 1 ? { event: 'pod', id: String(revision), data } : { event: 'pod', data },
  );
}

/** A `snapshot` of the record written at `revision`, or of no record (empty, without an id). */
export function snapshotEvent(service: string, status: Versioned<ObservedStatus> | null): PodStreamEvent {
  if (status === null) return { event: 'snapshot', data: { service, pods: [], observedAt: null } };
  return {
    event: 'snapshot',
    id: String(status.modRevision),
    data: { service, pods: status.value.pods, observedAt: status.value.observedAt },
  };
}

/**
 * Where a stream starts, from the client's `Last-Event-ID` (`after`, 0 for none) and the record as read now
 * (`modRevision`, null when there is none) at etcd revision `revision`:
 * - `snapshot`: a new client, or an id from no stream of this record (ahead of etcd): send the pods now, then
 *   watch from `from`.
 * - `continue`: the record has not changed since the client's id: nothing to send, watch from `from`.
 * - `replay`: it changed since: watch from `from` = the client's id; the write there is what the client has
 *   (the first event, not sent), and each later one is diffed against the one before.
 */
export function resumePlan(
  after: number,
  now: { modRevision: number | null; revision: number },
): { kind: 'snapshot' | 'continue' | 'replay'; from: number } {
  if (after <= 0 || after > now.revision) return { kind: 'snapshot', from: now.revision + 1 };
  if (now.modRevision !== null && now.modRevision <= after)
    return { kind: 'continue', from: now.revision + 1 };
  return { kind: 'replay', from: after };
}

export interface PodFollowOptions {
  /** `Last-Event-ID`: the last event id the client saw (0: none). */
  after?: number;
  /** Ends the stream (the client left, the server shuts down). */
  signal: AbortSignal;
}

interface Now {
  record: Versioned<ObservedStatus> | null;
  /** The etcd revision the record was read at. */
  revision: number;
}

/** `status/<service>` and the revision it was read at (a one-item list: a plain get has no revision). */
async function readNow(observed: ObservedStatusStore, service: string): Promise<Now> {
  const page = await observed.records.list({ prefix: service, limit: 1 });
  const corrupt = page.corrupt.find((entry) => entry.id === service);
  if (corrupt) throw corrupt.error;
  const item = page.items.find((entry) => entry.id === service);
  return {
    record: item ? { value: item.value, modRevision: item.modRevision } : null,
    revision: page.revision,
  };
}

/**
 * The pod events of `service` (see the module comment), until `signal` aborts. Reads the record before it
 * returns, so a store that cannot be read fails the call rather than the stream; the watch opens when the
 * events are first read. When etcd has compacted the revision a client resumes from, the stream starts over
 * with a snapshot.
 */
export async function followPods(
  observed: ObservedStatusStore,
  service: string,
  options: PodFollowOptions,
): Promise<AsyncGenerator<PodStreamEvent>> {
  const now = await readNow(observed, service);
  return (async function* () {
    try {
      yield* fromPlan(observed, service, now, resumePlan(options.after ?? 0, planInput(now)), options.signal);
    } catch (error) {
      if (!(error instanceof WatchCompactedError) || options.signal.aborted) throw error;
      const again = await readNow(observed, service);
      yield* fromPlan(
        observed,
        service,
        again,
        { kind: 'snapshot', from: again.revision + 1 },
        options.signal,
      );
    }
  })();
}

const planInput = (now: Now) => ({ modRevision: now.record?.modRevision ?? null, revision: now.revision });

function closeOnAbort(signal: AbortSignal, watch: { close(): Promise<void> }): () => void {
  // Not awaited: closing ends the reader's `for await`, whose `finally` awaits the same (idempotent) close.
  const close = () => void watch.close();
  if (signal.aborted) close();
  signal.addEventListener('abort', close, { once: true });
  return () => signal.removeEventListener('abort', close);
}

async function* fromPlan(
  observed: ObservedStatusStore,
  service: string,
  now: Now,
  plan: ReturnType<typeof resumePlan>,
  signal: AbortSignal,
): AsyncGenerator<PodStreamEvent> {
  if (plan.kind === 'snapshot') yield snapshotEvent(service, now.record);
  // null until the replayed write the client has arrives.
  let pods: readonly PodStatus[] | null = plan.kind === 'replay' ? null : (now.record?.value.pods ?? []);
  if (signal.aborted) return;
  const watch = await observed.watch(service, plan.from);
  const detach = closeOnAbort(signal, watch);
  try {
    for await (const event of watch) {
      if (event.id !== service) continue;
      // A put that does not parse is skipped: the next good one is diffed against the last good one.
      if (event.type === 'put' && event.value === undefined) continue;
      const value = event.type === 'put' ? (event.value ?? null) : null;
      const next = value?.pods ?? [];
      if (pods === null) {
        pods = next;
        // The client's id was no write of this record: it cannot know what it has; start it over.
        if (event.modRevision !== plan.from) {
          yield snapshotEvent(service, value && { value, modRevision: event.modRevision });
        }
        continue;
      }
      yield* podEvents(pods, next, event.modRevision);
      pods = next;
    }
  } finally {
    detach();
    await watch.close();
  }
}
