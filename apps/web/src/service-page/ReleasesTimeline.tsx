/**
 * A service's releases, newest first: what each deployed (image, commit linked to GitHub), why and by whom,
 * when, how it ended and why it failed; "Roll back to this" where the api allows it, and the deploy log of each.
 */
import type { Release, Service } from '@cite/model';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useNow } from './data';
import { rollbackChoice } from './decide';
import { RollbackDialog } from './dialogs';
import { commitUrl, duration, imageLabel, relativeTime, shortSha, statusClass, statusText } from './format';
import { ReleaseLog } from './ReleaseLog';

export interface ReleasesTimelineProps {
  service: Service;
  releases: readonly Release[];
  /** The release running now. */
  running: number | undefined;
  isLoading?: boolean;
  error?: unknown;
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  onRetry?: () => void;
  /** A rollback started this release. */
  onStarted: (release: Release) => void;
  /** For relative times (tests pass a fixed one). */
  now?: number;
}

function causeText(release: Release): string {
  if (release.cause === 'rollback')
    return release.rollbackOf === undefined ? 'rollback' : `rollback to release ${release.rollbackOf}`;
  return release.cause;
}

function ReleaseItem({
  release,
  service,
  running,
  now,
  onStarted,
}: {
  release: Release;
  service: Service;
  running: number | undefined;
  now: number;
  onStarted: (release: Release) => void;
}) {
  const [logOpen, setLogOpen] = useState(false);
  const choice = rollbackChoice(release, {
    running,
    serviceCreatedAt: service.createdAt,
    state: service.state,
  });
  const took = duration(release.startedAt ?? release.createdAt, release.finishedAt);
  const commit = release.gitSha ? commitUrl(service.repo, release.gitSha) : undefined;
  const logId = `release-${release.number}-log`;
  const isRunning = release.number === running;
  const showMessage =
    release.message &&
    (release.status === 'failed' || release.status === 'superseded' || release.cause === 'rollback');

  return (
    <li
      className={`release release-${release.status}${isRunning ? ' release-running' : ''}`}
      id={`release-${release.number}`}
      data-testid={`release-${release.number}`}
    >
      <div className="release-marker" aria-hidden="true" />
      <div className="release-body">
        <div className="release-head">
          <h3>Release {release.number}</h3>
          <span className={`release-status ${statusClass(release.status)}`}>
            {statusText(release.status)}
          </span>
          {isRunning ? <span className="badge badge-ok">running</span> : null}
          <span className="muted">{causeText(release)}</span>
        </div>
        <dl className="release-facts">
          <div>
            <dt>Image</dt>
            <dd>
              <code title={release.image}>{imageLabel(release.image)}</code>
            </dd>
          </div>
          {release.gitSha ? (
            <div>
              <dt>Commit</dt>
              <dd>
                {commit ? (
                  <a href={commit} target="_blank" rel="noreferrer" title={release.gitSha}>
                    <code>{shortSha(release.gitSha)}</code>
                  </a>
                ) : (
                  <code title={release.gitSha}>{shortSha(release.gitSha)}</code>
                )}
                {release.gitRef ? <span className="muted"> on {release.gitRef}</span> : null}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>By</dt>
            <dd>{release.actor}</dd>
          </div>
          <div>
            <dt>When</dt>
            <dd>
              <time dateTime={release.createdAt} title={new Date(release.createdAt).toLocaleString()}>
                {relativeTime(release.createdAt, now)}
              </time>
              {took ? <span className="muted">, took {took}</span> : null}
            </dd>
          </div>
        </dl>
        {release.status === 'failed' ? (
          <p className="release-failure">
            <strong className="status-bad">{release.failureReason ?? 'Failed'}</strong>
            {release.message ? <>: {release.message}</> : null}
          </p>
        ) : showMessage ? (
          <p className="hint">{release.message}</p>
        ) : null}
        <div className="release-actions">
          {choice.ok ? <RollbackDialog service={service} release={release} onStarted={onStarted} /> : null}
          <Button
            className="quiet"
            aria-expanded={logOpen}
            aria-controls={logOpen ? logId : undefined}
            onPress={() => setLogOpen((open) => !open)}
          >
            {logOpen ? 'Hide log' : 'Show log'}
          </Button>
        </div>
        {logOpen ? <ReleaseLog service={service.name} number={release.number} id={logId} /> : null}
      </div>
    </li>
  );
}

export function ReleasesTimeline({
  service,
  releases,
  running,
  isLoading,
  error,
  hasMore,
  loadingMore,
  onLoadMore,
  onRetry,
  onStarted,
  now: givenNow,
}: ReleasesTimelineProps) {
  const tick = useNow(30_000);
  const now = givenNow ?? tick;
  return (
    <section className="panel releases" aria-labelledby="releases-heading">
      <h2 id="releases-heading">Releases</h2>
      {error ? (
        <div role="alert" className="error">
          The releases could not be read: {error instanceof Error ? error.message : String(error)}{' '}
          {onRetry ? (
            <Button className="quiet" onPress={onRetry}>
              Try again
            </Button>
          ) : null}
        </div>
      ) : null}
      {isLoading ? (
        <p aria-busy="true" className="muted">
          Loading releases…
        </p>
      ) : releases.length === 0 && !error ? (
        <p className="muted">
          No releases yet. Deploy an image{service.repo ? ` or push to ${service.repo}` : ''} to make the
          first.
        </p>
      ) : (
        <ol className="release-list" aria-label={`Releases of ${service.name}, newest first`}>
          {releases.map((release) => (
            <ReleaseItem
              key={release.number}
              release={release}
              service={service}
              running={running}
              now={now}
              onStarted={onStarted}
            />
          ))}
        </ol>
      )}
      {hasMore ? (
        <Button className="quiet" onPress={onLoadMore} isDisabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Older releases'}
        </Button>
      ) : null}
    </section>
  );
}
