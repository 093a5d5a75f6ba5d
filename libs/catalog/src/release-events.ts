/**
 * The named events of a release's progress stream, derived from successive states of the release record
 * (which the deployer updates) and of the service's observed status. Pure. Event ids are etcd revisions, so
 * a client reconnecting with `Last-Event-ID` resumes after the last change it saw.
 *
 * - `status`: the release's status changed (and once at the start): the whole release.
 * - `progress`: same status, new message or failure reason; or the observed rollout moved (n/m updated).
 * - `done`: the release reached `succeeded`, `failed` or `superseded`; the stream ends after it.
 */
import { isTerminalReleaseStatus, type ObservedStatus, type Release } from '@cite/model';

export type ReleaseEventName = 'status' | 'progress' | 'done';

export interface StreamEvent {
  event: ReleaseEventName | 'log';
  /** An etcd revision, or a log line's seq. */
  id: string;
  data: unknown;
}

function statusData(release: Release) {
  return release;
}

function doneData(release: Release) {
  return {
    service: release.service,
    number: release.number,
    status: release.status,
    ...(release.message === undefined ? {} : { message: release.message }),
    ...(release.failureReason === undefined ? {} : { failureReason: release.failureReason }),
    ...(release.finishedAt === undefined ? {} : { finishedAt: release.finishedAt }),
  };
}

/** Events for a change of the release record from `previous` (null: the stream's first look) to `current`. */
export function releaseEvents(previous: Release | null, current: Release, revision: number): StreamEvent[] {
  const id = String(revision);
  const events: StreamEvent[] = [];
  if (previous === null || previous.status !== current.status) {
    events.push({ event: 'status', id, data: statusData(current) });
  } else if (previous.message !== current.message || previous.failureReason !== current.failureReason) {
    events.push({
      event: 'progress',
      id,
      data: {
        service: current.service,
        number: current.number,
        status: current.status,
        message: current.message ?? null,
        ...(current.failureReason === undefined ? {} : { failureReason: current.failureReason }),
      },
    });
  }
  if (
    isTerminalReleaseStatus(current.status) &&
    (previous === null || !isTerminalReleaseStatus(previous.status))
  ) {
    events.push({ event: 'done', id, data: doneData(current) });
  }
  return events;
}

/** The rollout figures of an observed status, when it is about this release. */
export function rolloutOf(release: Release, observed: ObservedStatus | null) {
  if (observed === null || observed.release !== release.number) return null;
  return {
    desired: observed.replicas.desired,
    updated: observed.replicas.updated,
    ready: observed.replicas.ready,
    available: observed.replicas.available,
  };
}

/** A `progress` event when the observed rollout of a still-running release moved. */
export function rolloutEvents(
  release: Release,
  previous: ObservedStatus | null,
  current: ObservedStatus | null,
  revision: number,
): StreamEvent[] {
  if (isTerminalReleaseStatus(release.status)) return [];
  const before = rolloutOf(release, previous);
  const after = rolloutOf(release, current);
  if (after === null || JSON.stringify(before) === JSON.stringify(after)) return [];
  return [
    {
      event: 'progress',
      id: String(revision),
      data: {
        service: release.service,
        number: release.number,
        status: release.status,
        message: release.message ?? null,
        replicas: after,
      },
    },
  ];
}
