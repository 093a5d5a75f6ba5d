/**
 * The progress of one release, from the events of `GET /services/:name/releases/:n/events` (see
 * `libs/catalog/src/release-events.ts`): `status` (the release record, whenever its status changes and once at
 * the start), `progress` (a new message or failure reason; or, with `replicas`, the observed rollout moving) and
 * `done` (the release ended). The page adds one event of its own, `rollback`, when the releases list shows the
 * automatic rollback the deployer started after this release failed. Pure: events in, state out.
 *
 * The stream may repeat itself (a reconnect resends `done`), events of its two sources (the release record and
 * the observed status, each with ids that are etcd revisions) interleave, and a client may start from a status
 * it read elsewhere. So: a release never moves back (pending → in_progress → an end), an event older than one
 * already applied from the same source is dropped, the first end is final, and the bar never shrinks while the
 * release runs.
 */
import type { ReleaseStatus } from '@cite/model';

export interface Rollout {
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

/** What the three stream events carry about the release (a `status` event carries the whole release). */
export interface ReleaseEventData {
  number: number;
  status: ReleaseStatus;
  message?: string | null;
  failureReason?: string;
  replicas?: Rollout;
}

export type ProgressEvent =
  | { kind: 'status' | 'progress' | 'done'; id?: number; data: ReleaseEventData }
  /** The deployer started release `number`, rolling back to release `to`, because this one failed. */
  | { kind: 'rollback'; number: number; to?: number };

export type ProgressPhase = 'pending' | 'applying' | 'rolling_out' | 'succeeded' | 'failed' | 'superseded';

export interface ProgressState {
  number: number;
  status: ReleaseStatus;
  message?: string;
  failureReason?: string;
  rollout?: Rollout;
  /** 0–100, never less than before while the release runs. */
  percent: number;
  rollback?: { number: number; to?: number };
  /** The newest id applied from the release record (`status`, `done`, `progress` without replicas). */
  recordId: number;
  /** The newest id applied from the observed rollout (`progress` with replicas). */
  rolloutId: number;
}

export interface ProgressView {
  phase: ProgressPhase;
  percent: number;
  /** One line that says where the release is, or how it ended. */
  label: string;
  /** The deployer's message, when it adds to the label. */
  detail?: string;
  done: boolean;
  failed: boolean;
  failureReason?: string;
  rollback?: { number: number; to?: number };
}

const STATUSES: readonly ReleaseStatus[] = ['pending', 'in_progress', 'succeeded', 'failed', 'superseded'];
const TERMINAL: readonly ReleaseStatus[] = ['succeeded', 'failed', 'superseded'];

export const isTerminal = (status: ReleaseStatus): boolean => TERMINAL.includes(status);

const rank = (status: ReleaseStatus): number => (status === 'pending' ? 0 : status === 'in_progress' ? 1 : 2);

const QUEUED_PERCENT = 2;
const STARTED_PERCENT = 10;
const ROLLOUT_SHARE = 85;

/** How far a rollout is, 0–1: half for pods on the new version, half for those of them that are ready. */
export function rolloutFraction(rollout: Rollout): number {
  const desired = rollout.desired;
  if (desired <= 0) return 1;
  const updated = Math.min(Math.max(rollout.updated, 0), desired);
  const ready = Math.min(Math.max(rollout.ready, 0), updated);
  return (updated + ready) / (2 * desired);
}

function runningPercent(status: ReleaseStatus, rollout: Rollout | undefined): number {
  if (status === 'pending') return QUEUED_PERCENT;
  if (!rollout) return STARTED_PERCENT;
  return Math.min(95, STARTED_PERCENT + Math.round(ROLLOUT_SHARE * rolloutFraction(rollout)));
}

/** A release about to be followed, from what is known of it (a list or a 202 answer), or nothing. */
export function initialProgress(
  number: number,
  known?: { status: ReleaseStatus; message?: string; failureReason?: string },
): ProgressState {
  const status = known?.status ?? 'pending';
  return {
    number,
    status,
    ...(known?.message ? { message: known.message } : {}),
    ...(known?.failureReason ? { failureReason: known.failureReason } : {}),
    percent: status === 'succeeded' ? 100 : isTerminal(status) ? 0 : runningPercent(status, undefined),
    recordId: 0,
    rolloutId: 0,
  };
}

const isStale = (id: number | undefined, last: number) => id !== undefined && id < last;

/** The state after one event. */
export function applyEvent(state: ProgressState, event: ProgressEvent): ProgressState {
  if (event.kind === 'rollback') {
    if (event.number <= state.number) return state;
    return {
      ...state,
      rollback: { number: event.number, ...(event.to === undefined ? {} : { to: event.to }) },
    };
  }
  const { data } = event;
  if (data.number !== state.number || !STATUSES.includes(data.status)) return state;

  // The first end is final; a repeat of it (a resumed stream) may only fill in what was missing.
  if (isTerminal(state.status)) {
    if (data.status !== state.status || event.kind === 'progress') return state;
    const message = state.message ?? (data.message || undefined);
    const failureReason = state.failureReason ?? data.failureReason;
    if (message === state.message && failureReason === state.failureReason) return state;
    return {
      ...state,
      ...(message ? { message } : {}),
      ...(failureReason ? { failureReason } : {}),
    };
  }
  if (rank(data.status) < rank(state.status)) return state;

  const fromRollout = event.kind === 'progress' && data.replicas !== undefined;
  if (fromRollout ? isStale(event.id, state.rolloutId) : isStale(event.id, state.recordId)) return state;

  const status = data.status;
  const rollout = fromRollout ? data.replicas : state.rollout;
  // A rollout event repeats the release's message as it was when the rollout moved: the record's own
  // events say what the message is now.
  const message = fromRollout
    ? (state.message ?? (data.message || undefined))
    : data.message === undefined
      ? state.message
      : data.message || undefined;
  const failureReason = fromRollout ? state.failureReason : (data.failureReason ?? state.failureReason);
  const percent =
    status === 'succeeded'
      ? 100
      : isTerminal(status)
        ? state.percent
        : Math.max(state.percent, runningPercent(status, rollout));
  const next: ProgressState = {
    number: state.number,
    status,
    percent,
    recordId: !fromRollout && event.id !== undefined ? Math.max(state.recordId, event.id) : state.recordId,
    rolloutId: fromRollout && event.id !== undefined ? Math.max(state.rolloutId, event.id) : state.rolloutId,
  };
  if (message) next.message = message;
  if (failureReason) next.failureReason = failureReason;
  if (rollout) next.rollout = rollout;
  if (state.rollback) next.rollback = state.rollback;
  return next;
}

/** The state after `events`, in the order they arrived. */
export function reduceProgress(state: ProgressState, events: readonly ProgressEvent[]): ProgressState {
  return events.reduce(applyEvent, state);
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** What the bar shows for `state`. */
export function progressView(state: ProgressState): ProgressView {
  const n = state.number;
  const rollback = state.rollback;
  const base = { percent: state.percent, ...(rollback ? { rollback } : {}) };
  switch (state.status) {
    case 'pending':
      return {
        ...base,
        phase: 'pending',
        label: `Release ${n} queued`,
        ...(state.message ? { detail: state.message } : {}),
        done: false,
        failed: false,
      };
    case 'in_progress': {
      const rollout = state.rollout;
      if (!rollout)
        return {
          ...base,
          phase: 'applying',
          label: `Release ${n}: ${state.message ?? 'starting'}`,
          done: false,
          failed: false,
        };
      return {
        ...base,
        phase: 'rolling_out',
        label: `Release ${n}: ${rollout.updated} of ${plural(rollout.desired, 'pod')} updated, ${rollout.ready} ready`,
        ...(state.message ? { detail: state.message } : {}),
        done: false,
        failed: false,
      };
    }
    case 'succeeded':
      return {
        ...base,
        phase: 'succeeded',
        label: `Release ${n} succeeded`,
        ...(state.message ? { detail: state.message } : {}),
        done: true,
        failed: false,
      };
    case 'superseded':
      return {
        ...base,
        phase: 'superseded',
        label: `Release ${n} superseded`,
        ...(state.message ? { detail: state.message } : {}),
        done: true,
        failed: false,
      };
    case 'failed': {
      const why = state.failureReason ?? state.message ?? 'no reason given';
      const rolledBack = rollback
        ? ` — automatic rollback${rollback.to === undefined ? '' : ` to release ${rollback.to}`} started as release ${rollback.number}`
        : '';
      return {
        ...base,
        phase: 'failed',
        label: `Release ${n} failed: ${why}${rolledBack}`,
        ...(state.message && state.message !== why ? { detail: state.message } : {}),
        done: true,
        failed: true,
        ...(state.failureReason ? { failureReason: state.failureReason } : {}),
      };
    }
  }
}

/** Convenience: the view of release `number` after `events`. */
export function progressOf(
  number: number,
  events: readonly ProgressEvent[],
  known?: Parameters<typeof initialProgress>[1],
): ProgressView {
  return progressView(reduceProgress(initialProgress(number, known), events));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rolloutOf(value: unknown): Rollout | undefined {
  if (!isRecord(value)) return undefined;
  const { desired, updated, ready, available } = value;
  if (![desired, updated, ready, available].every((n) => typeof n === 'number' && Number.isFinite(n)))
    return undefined;
  return {
    desired: desired as number,
    updated: updated as number,
    ready: ready as number,
    available: available as number,
  };
}

/**
 * One server-sent event of the stream as a `ProgressEvent`; null for anything else (a heartbeat has no event, a
 * `log` event belongs to the deploy log, data that is not a release's is dropped).
 */
export function parseReleaseEvent(message: {
  event?: string;
  id?: string;
  data: string;
}): ProgressEvent | null {
  const kind = message.event;
  if (kind !== 'status' && kind !== 'progress' && kind !== 'done') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (!isRecord(raw)) return null;
  const { number, status, message: text, failureReason, replicas } = raw;
  if (typeof number !== 'number' || typeof status !== 'string') return null;
  if (!STATUSES.includes(status as ReleaseStatus)) return null;
  const rollout = rolloutOf(replicas);
  const data: ReleaseEventData = { number, status: status as ReleaseStatus };
  if (typeof text === 'string' || text === null) data.message = text;
  if (typeof failureReason === 'string') data.failureReason = failureReason;
  if (rollout) data.replicas = rollout;
  const id = message.id !== undefined && /^\d+$/.test(message.id) ? Number(message.id) : undefined;
  return id === undefined ? { kind, data } : { kind, id, data };
}
