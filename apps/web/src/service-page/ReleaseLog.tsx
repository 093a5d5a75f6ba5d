/**
 * A release's deploy log (`GET /services/:name/releases/:n/log`, followed as SSE: every line, then new ones as
 * the deployer writes them, then `done`), in a `.log` box that keeps to the newest line while following.
 */
import type { ReleaseLogLine } from '@cite/model';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventSourceMessage } from 'eventsource-parser';
import { servicePath, useEventStream } from './data';

export function parseLogLine(data: string): ReleaseLogLine | null {
  try {
    const line = JSON.parse(data) as Partial<ReleaseLogLine> | null;
    if (!line || typeof line.seq !== 'number' || typeof line.message !== 'string') return null;
    return {
      seq: line.seq,
      time: typeof line.time === 'string' ? line.time : '',
      level: line.level === 'warn' || line.level === 'error' ? line.level : 'info',
      message: line.message,
      ...(typeof line.source === 'string' ? { source: line.source } : {}),
    };
  } catch {
    return null;
  }
}

/** `12:04:05` of an ISO time, in the browser's zone. */
function clock(time: string): string {
  const at = Date.parse(time);
  return Number.isNaN(at) ? time : new Date(at).toLocaleTimeString([], { hour12: false });
}

export function ReleaseLog({ service, number, id }: { service: string; number: number; id: string }) {
  const [lines, setLines] = useState<ReleaseLogLine[]>([]);
  const [finished, setFinished] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const onEvent = useCallback((message: EventSourceMessage): 'stop' | void => {
    if (message.event === 'done') {
      setFinished(true);
      return 'stop';
    }
    if (message.event !== 'log') return;
    const line = parseLogLine(message.data);
    if (!line) return;
    // A resumed stream starts after the last id it saw; a line seen already is dropped all the same.
    setLines((current) =>
      current.length > 0 && current[current.length - 1]!.seq >= line.seq ? current : [...current, line],
    );
  }, []);

  const stream = useEventStream(
    `${servicePath(service)}/releases/${number}/log`,
    { follow: true },
    true,
    onEvent,
  );

  useEffect(() => {
    const element = box.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  const waiting = !finished && lines.length === 0;
  return (
    <div className="release-log-wrap">
      <div
        id={id}
        ref={box}
        className="log release-log"
        role="log"
        aria-label={`Deploy log of release ${number}`}
        aria-busy={waiting}
        // A box that scrolls must be reachable by keyboard to scroll it (axe: scrollable-region-focusable).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
      >
        {lines.map((line) => (
          <div key={line.seq} className={`log-line level-${line.level}`}>
            <span className="muted">{clock(line.time)}</span>{' '}
            {line.level === 'info' ? null : <strong>{line.level.toUpperCase()} </strong>}
            {line.message}
          </div>
        ))}
        {waiting && !stream.error ? <div className="muted">Loading the deploy log…</div> : null}
        {finished && lines.length === 0 ? <div className="muted">The deploy log is empty.</div> : null}
      </div>
      {stream.error && !finished ? (
        <p className={stream.state === 'ended' ? 'error' : 'hint'} role="status">
          {stream.state === 'ended' ? 'The deploy log could not be read' : 'Reconnecting to the deploy log'}:{' '}
          {stream.error}
        </p>
      ) : !finished && lines.length > 0 ? (
        <p className="hint">Following: new lines appear as the deployer writes them.</p>
      ) : null}
    </div>
  );
}
