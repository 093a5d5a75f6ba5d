/** One service in the list: memoized, so a refetch re-renders only the rows whose answer changed. */
import { memo } from 'react';
import { Link } from 'react-router';
import { podsWording, releaseWording, runningWording, type ServiceListItem, type Tone } from './model';

const toneClass: Record<Tone, string> = {
  ok: 'status-ok',
  warn: 'status-warn',
  bad: 'status-bad',
  muted: 'muted',
};

const MAX_DOMAINS_SHOWN = 2;

interface Props {
  item: ServiceListItem;
  /** The clock the ages count from (ticks once a minute). */
  now: number;
  /** Narrows the list to a label (`key=value`); stable across renders. */
  onLabel: (selector: string) => void;
}

export const ServiceRow = memo(function ServiceRow({ item, now, onLabel }: Props) {
  const release = item.status?.release ?? null;
  const wording = releaseWording(release, now);
  const pods = podsWording(item.status);
  const labels = Object.entries(item.labels ?? {});
  const domains = item.domains ?? [];
  return (
    <tr data-testid="service-row">
      <td data-label="Service">
        <span>
          <Link className="svc-name" to={`/services/${encodeURIComponent(item.name)}`}>
            {item.name}
          </Link>
          {item.preview ? (
            <span
              className="svc-badge"
              title={`Preview of ${item.preview.parent} for pull request #${item.preview.pullRequest} (${item.preview.branch})`}
            >
              preview #{item.preview.pullRequest}
            </span>
          ) : null}
          {item.state !== 'active' ? (
            <span className={`svc-badge ${item.state === 'deleting' ? 'status-warn' : 'muted'}`}>
              {item.state}
            </span>
          ) : null}
        </span>
      </td>
      <td data-label="Team">
        <span>{item.team}</span>
      </td>
      <td data-label="Running">
        <span className={runningWording(item) === 'none' ? 'muted' : undefined}>{runningWording(item)}</span>
      </td>
      <td data-label="Latest release">
        {item.status ? (
          <span className="svc-release">
            {release ? <span className="svc-release-number">#{release.number}</span> : null}
            <span className={toneClass[wording.tone]}>{wording.text}</span>
            {wording.age ? (
              <time className="muted svc-age" dateTime={wording.at} title={wording.at}>
                {wording.age}
              </time>
            ) : null}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label="Pods">
        <span className={toneClass[pods.tone]}>{pods.text}</span>
      </td>
      <td data-label="Domains">
        {domains.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="svc-list">
            {domains.slice(0, MAX_DOMAINS_SHOWN).map((host) => (
              <li key={host} className="mono">
                {host}
              </li>
            ))}
            {domains.length > MAX_DOMAINS_SHOWN ? (
              <li className="muted" title={domains.slice(MAX_DOMAINS_SHOWN).join(', ')}>
                +{domains.length - MAX_DOMAINS_SHOWN} more
              </li>
            ) : null}
          </ul>
        )}
      </td>
      <td data-label="Labels">
        {labels.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="svc-list svc-labels">
            {labels.map(([key, value]) => {
              const selector = `${key}=${value}`;
              const shown = value === '' ? key : selector;
              return (
                <li key={key}>
                  <button
                    type="button"
                    className="svc-chip"
                    onClick={() => onLabel(selector)}
                    aria-label={`Show only services labelled ${shown}`}
                    title="Show only services with this label"
                  >
                    {shown}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </td>
    </tr>
  );
});
