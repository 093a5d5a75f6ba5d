/**
 * The top of the Service page: the name and team, the release running, pods ready of desired, the domains and
 * the repository; the Deploy action; and, for a pull request's preview, what it previews and Promote (its running
 * image deployed to the parent).
 */
import type { Release, Service } from '@cite/model';
import { Link } from 'react-router';
import { DeployDialog, PromoteDialog } from './dialogs';
import { imageLabel, pullRequestUrl, statusClass, statusText } from './format';

export interface ServiceHeaderProps {
  service: Service;
  /** The release running now, and what is known of it. */
  running: number | undefined;
  runningRelease?: Pick<Release, 'number' | 'image' | 'status' | 'gitSha'> | undefined;
  /** The newest release when it is not the running one (queued, rolling out, or failed). */
  latest?: { number: number; status: Release['status'] } | undefined;
  ready: number | undefined;
  desired: number;
  onStarted: (release: Release) => void;
}

export function ServiceHeader({
  service,
  running,
  runningRelease,
  latest,
  ready,
  desired,
  onStarted,
}: ServiceHeaderProps) {
  const readyClass =
    ready === undefined
      ? 'muted'
      : ready >= desired
        ? 'status-ok'
        : ready === 0 && desired > 0
          ? 'status-bad'
          : 'status-warn';
  const preview = service.preview;
  const prUrl = preview ? pullRequestUrl(service.repo, preview.pullRequest) : undefined;
  return (
    <header className="service-header panel">
      <div className="service-title">
        <div>
          <h1>{service.name}</h1>
          <p className="muted service-subtitle">
            team <strong>{service.team}</strong> · image <code>{service.image}</code>
            {service.repo ? (
              <>
                {' '}
                · repository{' '}
                <a href={`https://github.com/${service.repo}`} target="_blank" rel="noreferrer">
                  {service.repo}
                </a>
              </>
            ) : null}
          </p>
        </div>
        <div className="service-actions">
          {preview && runningRelease && service.state === 'active' ? (
            <PromoteDialog service={{ ...service, preview }} release={runningRelease} />
          ) : null}
          <DeployDialog service={service} onStarted={onStarted} isDisabled={service.state !== 'active'} />
        </div>
      </div>
      {preview ? (
        <p className="notice preview-notice">
          Preview of <Link to={`/services/${encodeURIComponent(preview.parent)}`}>{preview.parent}</Link> for
          pull request{' '}
          {prUrl ? (
            <a href={prUrl} target="_blank" rel="noreferrer">
              #{preview.pullRequest}
            </a>
          ) : (
            `#${preview.pullRequest}`
          )}{' '}
          (branch <code>{preview.branch}</code>). cite removes it when the pull request closes.
        </p>
      ) : null}
      {service.state !== 'active' ? (
        <p className="notice" role="status">
          This service is {service.state}: it cannot be deployed or changed.
        </p>
      ) : null}
      <dl className="service-facts">
        <div>
          <dt>Running release</dt>
          <dd>
            {running === undefined ? (
              <span className="muted">none yet</span>
            ) : (
              <>
                <a href={`#release-${running}`}>Release {running}</a>
                {runningRelease ? (
                  <>
                    {' '}
                    <code title={runningRelease.image}>{imageLabel(runningRelease.image)}</code>
                  </>
                ) : null}
              </>
            )}
            {latest && latest.number !== running ? (
              <div className="hint">
                newest: <a href={`#release-${latest.number}`}>release {latest.number}</a>{' '}
                <span className={statusClass(latest.status)}>{statusText(latest.status)}</span>
              </div>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Pods ready</dt>
          <dd>
            <span className={readyClass} data-testid="pods-ready">
              {ready ?? '?'} of {desired}
            </span>
          </dd>
        </div>
        <div>
          <dt>Domains</dt>
          <dd>
            {service.domains.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="domain-list">
                {service.domains.map((domain) => (
                  <li key={domain}>
                    <a href={`https://${domain}`} target="_blank" rel="noreferrer">
                      {domain}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </header>
  );
}
