/**
 * A release's live progress bar, fed by `GET /services/:name/releases/:n/events` through the pure model in
 * `progress.ts`. It ends in success, or says why the release failed and, when the deployer rolled back by
 * itself, which release does that.
 */
import type { ReleaseStatus } from '@cite/model';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Button, ProgressBar } from 'react-aria-components';
import type { EventSourceMessage } from 'eventsource-parser';
import { servicePath, useEventStream } from './data';
import {
  applyEvent,
  initialProgress,
  isTerminal,
  parseReleaseEvent,
  progressView,
  type ProgressEvent,
  type ProgressState,
} from './progress';

export interface ReleaseProgressProps {
  service: string;
  number: number;
  /** What is known of the release already (the releases list), shown until the stream speaks. */
  known?: { status: ReleaseStatus; message?: string; failureReason?: string };
  /** The automatic rollback the deployer started after this release failed, once the releases list shows it. */
  rollback?: { number: number; to?: number };
  /** The release's status changed (refresh the lists). */
  onStatus?: (number: number, status: ReleaseStatus) => void;
  /** The release ended. */
  onDone?: (number: number, status: ReleaseStatus) => void;
  onDismiss?: (number: number) => void;
}

const reducer = (state: ProgressState, event: ProgressEvent) => applyEvent(state, event);

export function ReleaseProgress({
  service,
  number,
  known,
  rollback,
  onStatus,
  onDone,
  onDismiss,
}: ReleaseProgressProps) {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialProgress(number, known));
  const view = progressView(state);

  const rollbackNumber = rollback?.number;
  const rollbackTo = rollback?.to;
  useEffect(() => {
    if (rollbackNumber !== undefined)
      dispatch({
        kind: 'rollback',
        number: rollbackNumber,
        ...(rollbackTo === undefined ? {} : { to: rollbackTo }),
      });
  }, [rollbackNumber, rollbackTo]);

  // The releases list saw the end first (the stream is down or behind): take it.
  const knownStatus = known?.status;
  const knownMessage = known?.message;
  const knownReason = known?.failureReason;
  useEffect(() => {
    if (knownStatus === undefined || !isTerminal(knownStatus)) return;
    dispatch({
      kind: 'status',
      data: {
        number,
        status: knownStatus,
        ...(knownMessage === undefined ? {} : { message: knownMessage }),
        ...(knownReason === undefined ? {} : { failureReason: knownReason }),
      },
    });
  }, [number, knownStatus, knownMessage, knownReason]);

  // Tell the page about status changes once each, after the render that applied them.
  const told = useRef<{ status: ReleaseStatus; done: boolean }>({
    status: state.status,
    done: isTerminal(state.status),
  });
  useEffect(() => {
    if (state.status === told.current.status) return;
    told.current.status = state.status;
    onStatus?.(number, state.status);
    if (isTerminal(state.status) && !told.current.done) {
      told.current.done = true;
      onDone?.(number, state.status);
    }
  }, [state.status, number, onStatus, onDone]);

  const onEvent = useCallback((message: EventSourceMessage): 'stop' | void => {
    const event = parseReleaseEvent(message);
    if (!event) return;
    dispatch(event);
    // The server ends the stream after `done`; a reconnect would only repeat it.
    if (event.kind === 'done') return 'stop';
  }, []);

  // A release known to have ended has nothing more to say: its stream is not opened.
  const [startedDone] = useState(() => isTerminal(known?.status ?? 'pending'));
  const stream = useEventStream(
    `${servicePath(service)}/releases/${number}/events`,
    undefined,
    !startedDone,
    onEvent,
  );

  const tone = view.failed ? 'bad' : view.phase === 'succeeded' ? 'ok' : view.done ? 'muted' : 'running';
  return (
    <div className={`release-progress tone-${tone}`}>
      <ProgressBar
        aria-label={`Release ${number} progress`}
        value={view.percent}
        valueLabel={view.label}
        className="release-progress-bar"
      >
        {({ percentage }) => (
          <>
            <div className="release-progress-text">
              <span className="release-progress-label">{view.label}</span>
              {!view.done ? <span className="muted">{Math.round(percentage ?? 0)} %</span> : null}
            </div>
            <div className={`bar${view.failed ? ' bad' : ''}`}>
              <span style={{ width: `${percentage ?? 0}%` }} />
            </div>
          </>
        )}
      </ProgressBar>
      {view.detail ? <p className="hint release-progress-detail">{view.detail}</p> : null}
      {stream.error && !view.done ? (
        <p className="hint" role="status">
          {stream.state === 'ended' ? 'Live progress stopped' : 'Reconnecting'}: {stream.error}
        </p>
      ) : null}
      {view.done && onDismiss ? (
        <Button
          className="quiet release-progress-dismiss"
          aria-label={`Dismiss the progress of release ${number}`}
          onPress={() => onDismiss(number)}
        >
          Dismiss
        </Button>
      ) : null}
    </div>
  );
}
