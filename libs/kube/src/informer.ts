/**
 * `@kubernetes/client-node`'s informer (`ListWatch`: list, then watch from the list's resourceVersion; on 410
 * Gone, list again and report what vanished as deletions) with what a long-running watcher needs besides:
 * - bookmarks (`allowWatchBookmarks`), so a quiet resource's watch resumes from a recent resourceVersion;
 * - lists as plain JSON through `KubeHttp` (no `ObjectSerializer` walk of thousands of objects), so listed and
 *   watched objects have the same shape (timestamps as RFC 3339 strings);
 * - a `slim` step applied to every object before it is cached (client-go's transform), so the cache holds only
 *   the fields the watcher reads;
 * - a restart with capped back-off after any other failure (client-node's ListWatch stops on one).
 */
import { ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeHttp } from './kube-http';

export interface InformerHandlers<T> {
  add?(object: T): void;
  update?(object: T): void;
  delete?(object: T): void;
  /** A list was read (`relist`: not the first one — after a 410 Gone or a failure). */
  listed?(count: number, relist: boolean): void;
  /** A failure the informer recovers from by itself (it lists or watches again after `retryInMs`). */
  error?(error: unknown, retryInMs: number): void;
}

export interface InformerOptions<T> {
  /** Collection path, e.g. `/apis/networking.k8s.io/v1/ingresses` (every namespace). */
  path: string;
  labelSelector?: string;
  /** Keeps what the caller needs of an object; applied before caching. @defaultValue the object as it is */
  slim?: (object: T) => T;
  /** Objects per list page. @defaultValue 500 */
  pageSize?: number;
  /** Cap of the back-off between restarts after failures. @defaultValue 10000 */
  maxBackoffMs?: number;
}

/** A client-node `Watch` that asks for bookmarks and slims every object before the informer sees it. */
class SlimWatch<T> extends Watch {
  constructor(
    http: KubeHttp,
    private readonly slim: (object: T) => T,
  ) {
    super(http.kubeConfig);
  }

  private stopped = false;
  private readonly open = new Set<AbortController>();

  /**
   * Ends the watch under way and refuses later ones: client-node's ListWatch can still start a watch after its
   * stop() (it does not look again after its reconnect delay, nor while a watch's response is pending).
   */
  stop(): void {
    this.stopped = true;
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.stopped) return new AbortController();
    let ended = false;
    // Set once the call returns; `done` may run before that (a refused request) and then finds nothing to forget.
    const handle: { controller?: AbortController } = {};
    const controller = await super.watch(
      path,
      { ...queryParams, allowWatchBookmarks: true },
      (phase, object, raw) => {
        if (this.stopped) return;
        callback(
          phase,
          phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.slim(object as T) : object,
          raw,
        );
      },
      (err) => {
        ended = true;
        if (handle.controller) this.open.delete(handle.controller);
        done(err);
      },
    );
    handle.controller = controller;
    if (this.stopped) controller.abort();
    else if (!ended) this.open.add(controller);
    return controller;
  }
}

export interface Informer<T> {
  /** Every cached object. */
  list(): T[];
  get(name: string, namespace?: string): T | undefined;
  /** Resolves once the first list is cached (and its objects were handed to `add`). */
  synced: Promise<void>;
  stop(): Promise<void>;
}

interface ListAnswer<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Starts an informer over `options.path`; `handlers` see every change, the first list's objects as adds. */
export function startInformer<T extends KubernetesObject>(
  http: KubeHttp,
  options: InformerOptions<T>,
  handlers: InformerHandlers<T>,
): Informer<T> {
  const slim = options.slim ?? ((object: T) => object);
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let listed!: () => void;
  const synced = new Promise<void>((resolve) => (listed = resolve));
  let lists = 0;
  let stopped = false;
  const list = async () => {
    // Page by page (as client-go's pager does): a list of 30,000 pods read at once is one string of tens of MB
    // and its parse, all alive at the same moment.
    const items: T[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const answer = await http.json<ListAnswer<T>>(options.path, {
        query: {
          limit: String(options.pageSize ?? 500),
          ...(token ? { continue: token } : {}),
          ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        },
      });
      for (const item of answer.items ?? []) items.push(slim(item));
      resourceVersion = answer.metadata?.resourceVersion ?? resourceVersion;
      token = answer.metadata?.continue || undefined;
    } while (token);
    if (!stopped) handlers.listed?.(items.length, lists++ > 0);
    return { items, metadata: { resourceVersion } };
  };
  const watch = new SlimWatch<T>(http, slim);
  const informer = new ListWatch<T>(
    options.path,
    watch,
    list as unknown as ConstructorParameters<typeof ListWatch<T>>[2],
    false,
    options.labelSelector,
  );
  // Not after stop(): a list under way when it was called still ends in adds and deletes.
  const live = (handler: ((object: T) => void) | undefined) => (object: T) => {
    if (!stopped) handler?.(object);
  };
  informer.on('add', live(handlers.add));
  informer.on('update', live(handlers.update));
  informer.on('delete', live(handlers.delete));
  informer.on('connect', () => undefined);
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    failures++;
    const retryInMs = Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures - 1, 10));
    handlers.error?.(error, retryInMs);
    timer = setTimeout(() => {
      if (!stopped) begin();
    }, retryInMs);
  });
  // The first successful list: `start` resolves once the watch request is under way, after the list is cached.
  // A failed attempt reports its error before `start` resolves: only an attempt without one ends the back-off.
  const begin = () => {
    const before = failures;
    void informer.start().then(
      () => {
        if (failures === before && informer.latestResourceVersion()) {
          failures = 0;
          listed();
        }
      },
      () => undefined,
    );
  };
  begin();
  return {
    list: () => informer.list() as T[],
    get: (name, namespace) => informer.get(name, namespace),
    synced,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      watch.stop();
      await informer.stop();
    },
  };
}
