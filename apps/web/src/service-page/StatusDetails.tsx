/** What the cluster says about a service besides its pods: the Deployment's conditions and recent events. */
import type { ServiceStatusView } from '@cite/catalog';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { relativeTime } from './format';
import { TableWrap } from '../components/TableWrap';

type Observed = NonNullable<ServiceStatusView['observed']>;

const SHOWN_EVENTS = 8;

export function StatusDetails({ observed, now }: { observed: Observed; now: number }) {
  const [allEvents, setAllEvents] = useState(false);
  const conditions = observed.conditions ?? [];
  // Newest first.
  const events = [...observed.events].reverse();
  const shown = allEvents ? events : events.slice(0, SHOWN_EVENTS);
  return (
    <section className="panel" aria-labelledby="cluster-heading">
      <div className="section-head">
        <h2 id="cluster-heading">Cluster</h2>
        <span className="muted">
          observed{' '}
          <time dateTime={observed.observedAt} title={new Date(observed.observedAt).toLocaleString()}>
            {relativeTime(observed.observedAt, now)}
          </time>
          {observed.observedBy ? ` by the ${observed.observedBy}` : ''}, namespace{' '}
          <code>{observed.namespace}</code>
        </span>
      </div>
      <p>
        Replicas: {observed.replicas.ready} ready, {observed.replicas.updated} updated,{' '}
        {observed.replicas.available} available of {observed.replicas.desired} desired
        {observed.release !== undefined ? ` (release ${observed.release})` : ''}.
      </p>
      {conditions.length > 0 ? (
        <ul className="conditions" aria-label="Deployment conditions">
          {conditions.map((condition) => (
            <li key={condition.type}>
              <span className={condition.status === 'True' ? 'status-ok' : 'status-bad'}>
                {condition.type}: {condition.status}
              </span>
              {condition.reason ? <span className="muted"> ({condition.reason})</span> : null}
              {condition.message ? <div className="hint">{condition.message}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>Recent events</h3>
      {events.length === 0 ? (
        <p className="muted">No recent events.</p>
      ) : (
        <>
          <TableWrap label="Recent cluster events table">
            <table aria-label="Recent cluster events, newest first">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Type</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Object</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((event, index) => (
                  <tr key={`${event.time}-${event.reason}-${index}`}>
                    <td>
                      <time dateTime={event.time} title={new Date(event.time).toLocaleString()}>
                        {relativeTime(event.time, now)}
                      </time>
                      {event.count && event.count > 1 ? <span className="muted"> ×{event.count}</span> : null}
                    </td>
                    <td className={event.type === 'Warning' ? 'status-warn' : undefined}>{event.type}</td>
                    <td>{event.reason}</td>
                    <td>{event.object ? <code>{event.object}</code> : '—'}</td>
                    <td className="event-message">{event.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {events.length > SHOWN_EVENTS ? (
            <Button className="quiet show-more" onPress={() => setAllEvents((all) => !all)}>
              {allEvents ? 'Fewer events' : `All ${events.length} events`}
            </Button>
          ) : null}
        </>
      )}
    </section>
  );
}
