/** A service's pods, live: phase, readiness, restarts, node, IP, age (ticking) and why a container waits. */
import { useMemo } from 'react';
import type { StreamState } from './data';
import { useNow } from './data';
import { formatAge, podAgeSeconds, sortPods, waitingSeverity, type Pod } from './pods';
import { TableWrap } from '../components/TableWrap';

const phaseClass = (pod: Pod) =>
  pod.phase === 'Running' && pod.ready
    ? 'status-ok'
    : pod.phase === 'Failed' || pod.phase === 'Unknown'
      ? 'status-bad'
      : 'status-warn';

function LiveBadge({ state, error }: { state: StreamState; error: string | undefined }) {
  if (state === 'live') return <span className="live-badge live">live</span>;
  if (state === 'connecting') return <span className="live-badge muted">connecting…</span>;
  return (
    <span className="live-badge status-warn" title={error}>
      {state === 'ended' ? 'not live' : 'reconnecting…'}
      {error ? `: ${error}` : ''}
    </span>
  );
}

export function PodsTable({
  pods,
  stream,
  offsetMs,
  fetchedAt,
  reason,
}: {
  pods: readonly Pod[];
  stream: { state: StreamState; error: string | undefined };
  /** How far the client's clock runs ahead of the api's. */
  offsetMs: number;
  /** When the status with `ageSeconds` was read (for pods without a creation time). */
  fetchedAt?: number;
  /** Why nothing was observed yet (the status endpoint's `reason`). */
  reason?: string | undefined;
}) {
  const now = useNow(1000);
  const sorted = useMemo(() => sortPods(pods), [pods]);
  return (
    <section className="panel" aria-labelledby="pods-heading">
      <div className="section-head">
        <h2 id="pods-heading">Pods</h2>
        <LiveBadge state={stream.state} error={stream.error} />
      </div>
      <TableWrap label="Pods table">
        <table data-testid="pods-table" aria-labelledby="pods-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Phase</th>
              <th scope="col">Ready</th>
              <th scope="col">Restarts</th>
              <th scope="col">Release</th>
              <th scope="col">Node</th>
              <th scope="col">IP</th>
              <th scope="col">Age</th>
              <th scope="col">Waiting</th>
            </tr>
          </thead>
          <tbody>
            {sorted.length === 0 ? (
              <tr>
                <td colSpan={9} className="muted">
                  {reason ? `No pods: ${reason}.` : 'No pods are running.'}
                </td>
              </tr>
            ) : null}
            {sorted.map((pod) => {
              const severity = waitingSeverity(pod.waitingReason);
              const age = podAgeSeconds(pod, now, {
                offsetMs,
                ...(fetchedAt === undefined ? {} : { fetchedAt }),
              });
              return (
                <tr key={pod.name} data-pod={pod.name}>
                  <td>
                    <code>{pod.name}</code>
                  </td>
                  <td className={phaseClass(pod)}>{pod.phase}</td>
                  <td className={pod.ready ? 'status-ok' : 'status-warn'}>{pod.ready ? 'yes' : 'no'}</td>
                  <td className={pod.restarts > 0 ? 'status-warn' : undefined}>{pod.restarts}</td>
                  <td>{pod.release ?? '—'}</td>
                  <td>{pod.node ?? '—'}</td>
                  <td>
                    <code>{pod.ip ?? '—'}</code>
                  </td>
                  <td>
                    <time
                      dateTime={pod.createdAt}
                      title={pod.createdAt ? new Date(pod.createdAt).toLocaleString() : undefined}
                    >
                      {formatAge(age)}
                    </time>
                  </td>
                  <td>
                    {pod.waitingReason ? (
                      <span className={`waiting waiting-${severity}`} title={pod.message}>
                        {pod.waitingReason}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                    {pod.waitingReason && pod.message ? (
                      <div className="hint pod-message">{pod.message}</div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
