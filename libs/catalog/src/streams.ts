/**
 * Following a release as a stream of named events, for the api's SSE endpoints: its progress (`status`,
 * `progress`, `done`) and its deploy log (`log`, `done`). Each starts from what is stored, then follows etcd
 * watches from the revision it read, so nothing written in between is missed; `signal` ends it.
 */
import { isTerminalReleaseStatus, type ObservedStatus, type Release, type ReleaseLogLine } from '@cite/model';
import {
  ids,
  type ObservedStatusStore,
  type ReleaseLog,
  type ReleaseStore,
  type RepositoryWatch,
  type Versioned,
  type WatchEvent,
} from '@cite/store';
import { releaseEvents, rolloutEvents, rolloutOf, type StreamEvent } from './release-events';

type Tagged<A, B> = { source: 'a'; event: WatchEvent<A> } | { source: 'b'; event: WatchEvent<B> };

/**
 * Events of two watches in revision order as far as they have arrived (when both have one waiting, the older
 * goes first); ends when either ends. Closes both when done.
 */
async function* merge<A, B>(a: RepositoryWatch<A>, b: RepositoryWatch<B>): AsyncGenerator<Tagged<A, B>> {
  type Next = { value?: IteratorResult<WatchEvent<A> | WatchEvent<B>> };
  const iterators = [a[Symbol.asyncIterator](), b[Symbol.asyncIterator]()] as const;
  const slots: Next[] = [{}, {}];
  const pending: Promise<void>[] = [];
  const pull = (side: 0 | 1) => {
    const slot: Next = {};
    slots[side] = slot;
    pending[side] = (iterators[side].next() as Promise<IteratorResult<WatchEvent<A> | WatchEvent<B>>>).then(
      (result) => {
        slot.value = result;
      },
    );
  };
  pull(0);
  pull(1);
  try {
    for (;;) {
      await Promise.race(pending);
      const [left, right] = [slots[0]!.value, slots[1]!.value];
      if (left?.done || right?.done) return;
      const side: 0 | 1 =
        left && right ? (left.value.modRevision <= right.value.modRevision ? 0 : 1) : left ? 0 : 1;
      const result = slots[side]!.value!;
      if (result.done) return;
      yield side === 0
        ? { source: 'a', event: result.value as WatchEvent<A> }
        : { source: 'b', event: result.value as WatchEvent<B> };
      pull(side);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

function closeOnAbort(signal: AbortSignal, ...watches: { close(): Promise<void> }[]): () => void {
  // Not awaited: closing ends the reader's `for await`, whose `finally` awaits the same (idempotent) close.
  const close = () => watches.forEach((watch) => void watch.close());
  if (signal.aborted) close();
  signal.addEventListener('abort', close, { once: true });
  return () => signal.removeEventListener('abort', close);
}

export interface FollowOptions {
  /** `Last-Event-ID`: the last event id the client saw. */
  after?: number;
  signal: AbortSignal;
}

/**
 * Progress of release `number`: a `status` event with the release now (unless the client already saw this
 * revision), `progress` as the deployer updates its message or the observed rollout moves, and `done` when it
 * ends — at once when it already has.
 */
export async function* followRelease(
  stores: { releases: ReleaseStore; observed: ObservedStatusStore },
  service: string,
  number: number,
  options: FollowOptions,
): AsyncGenerator<StreamEvent> {
  let release: Versioned<Release> = await stores.releases.require(service, number);
  let observed = await stores.observed.get(service);
  const after = options.after ?? 0;
  const initial = releaseEvents(null, release.value, release.modRevision);
  if (release.modRevision > after || isTerminalReleaseStatus(release.value.status)) {
    yield* initial.filter((event) => release.modRevision > after || event.event === 'done');
  }
  if (isTerminalReleaseStatus(release.value.status) || options.signal.aborted) return;
  if (observed && observed.modRevision > after && rolloutOf(release.value, observed.value)) {
    yield* rolloutEvents(release.value, null, observed.value, observed.modRevision);
  }

  const releaseWatch = await stores.releases.records.watch({
    prefix: ids.release(service, number),
    fromRevision: release.modRevision + 1,
  });
  const statusWatch = await stores.observed.watch(
    service,
    (observed?.modRevision ?? release.modRevision) + 1,
  );
  const detach = closeOnAbort(options.signal, releaseWatch, statusWatch);
  try {
    for await (const tagged of merge(releaseWatch, statusWatch)) {
      if (tagged.source === 'a') {
        const { event } = tagged;
        if (event.type === 'delete') return;
        if (!event.value) continue;
        const next = { value: event.value, modRevision: event.modRevision };
        if (isTerminalReleaseStatus(next.value.status)) {
          // The status watch may lag behind: report the last rollout figures written before the verdict.
          const latest = await stores.observed.get(service);
          if (
            latest &&
            latest.modRevision < next.modRevision &&
            latest.modRevision > (observed?.modRevision ?? 0)
          ) {
            yield* rolloutEvents(release.value, observed?.value ?? null, latest.value, latest.modRevision);
          }
        }
        yield* releaseEvents(release.value, next.value, next.modRevision);
        release = next;
        if (isTerminalReleaseStatus(release.value.status)) return;
      } else {
        const { event } = tagged;
        if (event.id !== service) continue;
        const next: Versioned<ObservedStatus> | null = event.value
          ? { value: event.value, modRevision: event.modRevision }
          : null;
        yield* rolloutEvents(release.value, observed?.value ?? null, next?.value ?? null, event.modRevision);
        observed = next;
      }
    }
  } finally {
    detach();
    await Promise.all([releaseWatch.close(), statusWatch.close()]);
  }
}

function logEvent(line: ReleaseLogLine): StreamEvent {
  return { event: 'log', id: String(line.seq), data: line };
}

function doneEvent(release: Release, lastSeq: number): StreamEvent {
  return {
    event: 'done',
    id: String(lastSeq),
    data: { service: release.service, number: release.number, status: release.status },
  };
}

/**
 * The deploy log of release `number`: every line after `after` (a seq) as a `log` event, then new lines as
 * the deployer appends them, and `done` once the release has ended and its last lines were sent.
 */
export async function* followReleaseLog(
  stores: { releases: ReleaseStore; logs: ReleaseLog },
  service: string,
  number: number,
  options: FollowOptions,
): AsyncGenerator<StreamEvent> {
  let last = options.after ?? 0;
  const release = await stores.releases.require(service, number);
  async function* drain(): AsyncGenerator<StreamEvent, number> {
    for (;;) {
      const page = await stores.logs.list(service, number, { after: last });
      for (const line of page.lines) {
        last = line.seq;
        yield logEvent(line);
      }
      if (!page.more) return page.revision;
    }
  }
  const revision = yield* drain();
  if (isTerminalReleaseStatus(release.value.status)) {
    yield doneEvent(release.value, last);
    return;
  }
  if (options.signal.aborted) return;
  const logWatch = await stores.logs.watch(service, number, revision + 1);
  const releaseWatch = await stores.releases.records.watch({
    prefix: ids.release(service, number),
    fromRevision: release.modRevision + 1,
  });
  const detach = closeOnAbort(options.signal, logWatch, releaseWatch);
  try {
    for await (const tagged of merge(logWatch, releaseWatch)) {
      if (tagged.source === 'a') {
        const line = tagged.event.value;
        if (line && line.seq > last) {
          // A line may overtake another written just before it; fill any gap from the store.
          if (line.seq > last + 1) yield* drain();
          if (line.seq > last) {
            last = line.seq;
            yield logEvent(line);
          }
        }
      } else {
        const changed = tagged.event.value;
        if (tagged.event.type === 'delete') return;
        if (changed && isTerminalReleaseStatus(changed.status)) {
          yield* drain();
          yield doneEvent(changed, last);
          return;
        }
      }
    }
  } finally {
    detach();
    await Promise.all([logWatch.close(), releaseWatch.close()]);
  }
}

/** The whole deploy log as text lines: `<time> <LEVEL> <message>`. */
export async function readReleaseLog(logs: ReleaseLog, service: string, number: number): Promise<string> {
  const out: string[] = [];
  let after = 0;
  for (;;) {
    const page = await logs.list(service, number, { after });
    for (const line of page.lines) {
      out.push(`${line.time} ${line.level.toUpperCase()} ${line.message}\n`);
      after = line.seq;
    }
    if (!page.more) return out.join('');
  }
}
