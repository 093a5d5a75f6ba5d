/**
 * A service once it is read: the header, the progress of its running releases, and its sections as tabs —
 * Overview (pods, live; the cluster's view; releases), Logs, Scale, Environment, Domains (the last four are the
 * panels of `service-panels`).
 */
import type { ReleaseStatus, Release, Service } from '@cite/model';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import type { EventSourceMessage } from 'eventsource-parser';
import { DomainsPanel, EnvEditor, LogTail, ScalePanel } from '../service-panels';
import {
  fetchPreviews,
  fetchReleases,
  fetchStatus,
  keys,
  refreshService,
  servicePath,
  useEventStream,
  useNow,
} from './data';
import { autoRollbackAfter, releasesToFollow, runningRelease } from './decide';
import { PodsTable } from './PodsTable';
import { applyPodEvent, clockOffset, parsePodEvent, readyCount, type Pod } from './pods';
import { ReleaseProgress } from './ReleaseProgress';
import { ReleasesTimeline } from './ReleasesTimeline';
import { ServiceHeader } from './ServiceHeader';
import { StatusDetails } from './StatusDetails';
import './service-page.css';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'logs', label: 'Logs' },
  { id: 'scale', label: 'Scale' },
  { id: 'environment', label: 'Environment' },
  { id: 'domains', label: 'Domains' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** Pods from the stream once it has sent its snapshot; until then, none (the status endpoint's are shown). */
function useLivePods(name: string, enabled: boolean) {
  const [pods, setPods] = useState<Pod[] | null>(null);
  const onEvent = useCallback((message: EventSourceMessage) => {
    const event = parsePodEvent(message);
    if (!event) return;
    setPods((current) =>
      event.event === 'snapshot'
        ? applyPodEvent([], event)
        : current === null
          ? null
          : applyPodEvent(current, event),
    );
  }, []);
  const stream = useEventStream(`${servicePath(name)}/pods/events`, undefined, enabled, onEvent);
  return { pods, stream };
}

export function ServiceView({ service }: { service: Service }) {
  const name = service.name;
  const client = useQueryClient();
  const now = useNow(30_000);
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabId = TABS.some((t) => t.id === tabParam) ? (tabParam as TabId) : 'overview';

  const status = useQuery({
    queryKey: keys.status(name),
    queryFn: ({ signal }) => fetchStatus(name, signal),
    refetchInterval: 15_000,
  });

  const releases = useInfiniteQuery({
    queryKey: keys.releases(name),
    queryFn: ({ pageParam, signal }) => fetchReleases(name, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });
  const releaseList = useMemo(
    () => releases.data?.pages.flatMap((page) => page.items) ?? [],
    [releases.data],
  );

  const previews = useQuery({
    queryKey: keys.previews(name),
    queryFn: ({ signal }) => fetchPreviews(name, signal),
    enabled: !service.preview,
  });

  const live = useLivePods(name, true);
  const observed = status.data?.observed ?? null;
  const pods = live.pods ?? observed?.pods ?? [];
  const offsetMs = useMemo(
    () => clockOffset(observed?.pods ?? [], status.dataUpdatedAt),
    [observed, status.dataUpdatedAt],
  );

  const running = runningRelease(service, status.data?.desired.running);
  const runningInfo = releaseList.find((release) => release.number === running);
  const newest = releaseList[0] ?? status.data?.desired.release ?? undefined;
  const ready = live.pods ? readyCount(live.pods) : observed?.replicas.ready;

  // Progress bars: releases running when the page opened or started since, until dismissed.
  const [followed, setFollowed] = useState<number[]>([]);
  const [dismissed, setDismissed] = useState<number[]>([]);
  const [listSeen, setListSeen] = useState(releaseList);
  if (listSeen !== releaseList) {
    // A new read of the releases: follow those it shows running (adjusting state while rendering rather than
    // in an effect, so the bars appear in the same render as the list).
    setListSeen(releaseList);
    setFollowed(releasesToFollow(followed, releaseList, { dismissed }));
  }
  const onStarted = useCallback(
    (release: Release) =>
      setFollowed((current) =>
        releasesToFollow(current, releaseList, { started: release.number, dismissed }),
      ),
    [releaseList, dismissed],
  );
  const onDismiss = useCallback((number: number) => {
    setDismissed((current) => [...current, number]);
    setFollowed((current) => current.filter((n) => n !== number));
  }, []);

  // After a failure the deployer may start a rollback a moment later: look at the releases again for a while.
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  const onReleaseStatus = useCallback(
    () => void client.invalidateQueries({ queryKey: keys.releases(name) }),
    [client, name],
  );
  const onReleaseDone = useCallback(
    (_number: number, outcome: ReleaseStatus) => {
      void refreshService(client, name);
      if (outcome === 'failed')
        for (const delay of [1500, 4000])
          timers.current.push(
            setTimeout(() => void client.invalidateQueries({ queryKey: keys.releases(name) }), delay),
          );
    },
    [client, name],
  );
  const onChanged = useCallback(() => void refreshService(client, name), [client, name]);

  return (
    <div className="service-page">
      <ServiceHeader
        service={service}
        running={running}
        runningRelease={runningInfo}
        latest={newest}
        ready={ready}
        desired={service.replicas}
        onStarted={onStarted}
      />

      {followed.length > 0 ? (
        <section
          className="panel progress-panel"
          aria-label="Release progress"
          data-testid="release-progress"
        >
          {followed.map((number) => {
            const known = releaseList.find((release) => release.number === number);
            return (
              <ReleaseProgress
                key={number}
                service={name}
                number={number}
                known={
                  known && {
                    status: known.status,
                    ...(known.message ? { message: known.message } : {}),
                    ...(known.failureReason ? { failureReason: known.failureReason } : {}),
                  }
                }
                rollback={autoRollbackAfter(number, releaseList)}
                onStatus={onReleaseStatus}
                onDone={onReleaseDone}
                onDismiss={onDismiss}
              />
            );
          })}
        </section>
      ) : null}

      <Tabs
        className="service-tabs"
        selectedKey={tab}
        onSelectionChange={(key) => {
          const next = new URLSearchParams(params);
          if (key === 'overview') next.delete('tab');
          else next.set('tab', String(key));
          setParams(next, { replace: true });
        }}
      >
        <TabList aria-label={`Sections of ${name}`} className="service-tablist">
          {TABS.map((t) => (
            <Tab key={t.id} id={t.id}>
              {t.label}
            </Tab>
          ))}
        </TabList>

        <TabPanel id="overview">
          {status.error ? (
            <p role="alert" className="error">
              The status could not be read: {status.error.message}
            </p>
          ) : null}
          <PodsTable
            pods={pods}
            stream={live.stream}
            offsetMs={offsetMs}
            {...(live.pods ? {} : { fetchedAt: status.dataUpdatedAt })}
            reason={status.data?.reason}
          />
          {observed ? <StatusDetails observed={observed} now={now} /> : null}
          <ReleasesTimeline
            service={service}
            releases={releaseList}
            running={running}
            isLoading={releases.isPending}
            error={releases.error}
            hasMore={releases.hasNextPage}
            loadingMore={releases.isFetchingNextPage}
            onLoadMore={() => void releases.fetchNextPage()}
            onRetry={() => void releases.refetch()}
            onStarted={onStarted}
            now={now}
          />
          {previews.data && previews.data.items.length > 0 ? (
            <section className="panel" aria-labelledby="previews-heading">
              <h2 id="previews-heading">Pull request previews</h2>
              <ul className="preview-list">
                {previews.data.items.map((preview) => (
                  <li key={preview.name}>
                    <Link to={`/services/${encodeURIComponent(preview.name)}`}>{preview.name}</Link>
                    {preview.preview ? (
                      <span className="muted">
                        {' '}
                        — pull request #{preview.preview.pullRequest}, branch{' '}
                        <code>{preview.preview.branch}</code>
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </TabPanel>
        <TabPanel id="logs">
          <LogTail service={service} />
        </TabPanel>
        <TabPanel id="scale">
          <ScalePanel service={service} onChanged={onChanged} />
        </TabPanel>
        <TabPanel id="environment">
          <EnvEditor service={service} onChanged={onChanged} />
        </TabPanel>
        <TabPanel id="domains">
          <DomainsPanel service={service} onChanged={onChanged} />
        </TabPanel>
      </Tabs>
    </div>
  );
}
