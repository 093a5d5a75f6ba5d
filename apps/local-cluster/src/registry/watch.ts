import type { KubeObject } from '../api-types';
import { badRequest, expired } from '../errors';
import type { StoredEvent } from '../storage/watch-cache';
import { selectionFilter } from './list';
import type { WatchOptions } from './options';
import type { Registry } from './registry';
import { objectJson } from './serialize';
import { apiVersionOf, storageKey, type ResourceDefinition } from './resource-definition';

/** Where a watch writes its events: each with its object and the object's JSON bytes, then `end` once. */
export interface WatchSink {
  event(type: string, object: unknown, objectJson: Buffer): void;
  end(): void;
}

export interface WatchSettings {
  /** Period of BOOKMARK events for watches that allow them. */
  bookmarkIntervalMs: number;
  /** How long a watch without timeoutSeconds stays open. */
  defaultTimeoutMs: number;
  /** Where the open watches are kept, so that they can be ended together (`OpenWatches.closeAll`). */
  openWatches?: OpenWatches;
}

export interface RunningWatch {
  stop(): void;
}

export interface CloseWatchesOptions {
  /**
   * Also forget the watch history up to the newest write, as the fresh watch cache of a restarted
   * kube-apiserver has none: a client that watches again from an older resourceVersion (the newest write to
   * any resource counts, as resourceVersions are global) gets 410 Expired and re-lists, however soon it comes
   * back. A client that has seen the newest write resumes. @defaultValue false (history kept)
   */
  expireHistory?: boolean;
}

/**
 * The watches one API server has open. `closeAll` ends every stream as a restart of the server does (the
 * response ends cleanly, the client watches again from its last resourceVersion); with `expireHistory`, older
 * resourceVersions are expired too, as after a restart.
 */
export class OpenWatches {
  private readonly finishers = new Set<() => void>();
  private expiredBefore = 0;

  /** resourceVersions below this are too old for every resource (0: none expired this way). */
  get oldestResourceVersion(): number {
    return this.expiredBefore;
  }

  add(finish: () => void): void {
    this.finishers.add(finish);
  }

  delete(finish: () => void): void {
    this.finishers.delete(finish);
  }

  /**
   * Ends every open watch and answers how many there were. `currentResourceVersion` (the store's newest) is
   * where history restarts when `options.expireHistory` is set.
   */
  closeAll(currentResourceVersion: number, options: CloseWatchesOptions = {}): number {
    if (options.expireHistory) this.expiredBefore = Math.max(this.expiredBefore, currentResourceVersion);
    const open = [...this.finishers];
    this.finishers.clear();
    for (const finish of open) finish();
    return open.length;
  }
}

/**
 * WATCH with kube-apiserver semantics. No resourceVersion (or "0"): synthetic ADDED events for the current
 * state, then changes. A resourceVersion inside the watch cache window: the changes after it, then live ones.
 * Older, or older than the resource itself (a custom resource's history starts when its CRD is served), or
 * than the history `OpenWatches.closeAll` expired: one ERROR event carrying a 410 Expired Status, then the
 * stream ends. An open watch is kept in `settings.openWatches` until it ends. With selectors, an object that
 * stops matching arrives as DELETED and one that starts matching as ADDED.
 */
export function startWatch(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  options: WatchOptions,
  sink: WatchSink,
  settings: WatchSettings,
): RunningWatch {
  const filter = selectionFilter(definition, options);
  const inScope = (object: KubeObject) =>
    !definition.namespaced || !namespace || object.metadata.namespace === namespace;
  const matches = (object: KubeObject | undefined) =>
    object !== undefined && inScope(object) && filter(object);
  const bucket = registry.store.bucket(storageKey(definition));
  const requested = options.resourceVersion;
  if (requested && requested !== '0' && !/^\d+$/.test(requested))
    throw badRequest(`invalid resource version: ${requested}`);

  let stopped = false;
  const timers: { timeout?: NodeJS.Timeout; bookmark?: NodeJS.Timeout } = {};
  const stop = () => {
    if (stopped) return;
    stopped = true;
    settings.openWatches?.delete(finish);
    bucket.listeners.delete(listener);
    clearTimeout(timers.timeout);
    clearTimeout(timers.bookmark);
  };
  const finish = () => {
    if (stopped) return;
    stop();
    sink.end();
  };
  const deliver = (event: StoredEvent) => {
    const now = matches(event.object);
    const before = matches(event.previous);
    let type: string | undefined;
    if (event.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (event.type === 'DELETED') type = before ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (type) sink.event(type, event.object, objectJson(definition, event.object, event.bytes));
  };
  const listener = (event: StoredEvent) => {
    if (!stopped) deliver(event);
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const object = {
      kind: definition.kind,
      apiVersion: apiVersionOf(definition),
      metadata: {
        resourceVersion: String(registry.store.resourceVersion),
        ...(annotations ? { annotations } : {}),
      },
    };
    sink.event('BOOKMARK', object, Buffer.from(JSON.stringify(object)));
  };

  const initialState = !requested || requested === '0' || options.sendInitialEvents === true;
  if (initialState) {
    for (const key of bucket.keys()) {
      const stored = bucket.objects.get(key);
      if (stored && matches(stored.object))
        sink.event('ADDED', stored.object, objectJson(definition, stored.object, stored.bytes));
    }
    if (options.sendInitialEvents && options.allowWatchBookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const from = Number(requested);
    // A custom resource's history starts when its CRD was served, not with the store; closeAll may have
    // expired the history of every resource.
    const oldest = Math.max(
      bucket.cache.oldestResourceVersion,
      definition.watchHistoryFrom ?? 0,
      settings.openWatches?.oldestResourceVersion ?? 0,
    );
    const events = from < oldest ? undefined : bucket.cache.since(from);
    if (!events) {
      const status = expired(`too old resource version: ${from} (${oldest})`).status;
      sink.event('ERROR', status, Buffer.from(JSON.stringify(status)));
      sink.end();
      return { stop };
    }
    for (const event of events) deliver(event);
  }
  bucket.listeners.add(listener);
  settings.openWatches?.add(finish);

  const timeoutMs =
    options.timeoutSeconds !== undefined ? options.timeoutSeconds * 1000 : settings.defaultTimeoutMs;
  timers.timeout = setTimeout(finish, timeoutMs);
  if (options.allowWatchBookmarks) {
    const tick = () => {
      if (stopped) return;
      bookmark();
      timers.bookmark = setTimeout(tick, settings.bookmarkIntervalMs);
    };
    timers.bookmark = setTimeout(tick, settings.bookmarkIntervalMs);
  }
  return { stop };
}
