/**
 * A list-then-watch informer over client-node's `Watch`: lists through a typed API call, watches from the
 * list's resourceVersion (with bookmarks), re-lists when the server says the version is too old (410 Gone,
 * either as an HTTP status or as an ERROR event carrying a Status), and reconnects after failures with a
 * capped exponential backoff. Handlers receive the object and, for updates, the previous one.
 */
import { describeKubeError, isGone } from '@cite/kube';
import type { Watch } from '@kubernetes/client-node';
import type { ControllerLogger } from './logger';
import { Store } from './store';
import { type KubeObject, keyOf, toWire } from './wire';

export interface ListResult {
  items?: unknown[];
  metadata?: { resourceVersion?: string };
}

export interface InformerSpec {
  /** For logs, e.g. `pods`. */
  name: string;
  /** The collection path, e.g. `/api/v1/pods`. */
  path: string;
  list: () => Promise<ListResult>;
}

export interface InformerHandlers<T> {
  add?: (object: T) => void;
  update?: (object: T, old: T) => void;
  delete?: (object: T) => void;
}

export interface InformerOptions {
  logger: ControllerLogger;
  /** Injected so tests need not sleep; resolves early when the informer stops. */
  delay?: (ms: number) => Promise<void>;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Server-side watch timeout; the informer simply watches again. */
  watchTimeoutSeconds?: number;
}

type WatchEnd = 'closed' | 'expired';

export class Informer<T extends KubeObject> {
  readonly store = new Store<T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private resourceVersion = '';
  private stopped = false;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private markSynced!: () => void;
  private running: Promise<void> | undefined;
  readonly synced: Promise<void> = new Promise((resolve) => (this.markSynced = resolve));

  constructor(
    private readonly spec: InformerSpec,
    private readonly watch: Watch,
    private readonly options: InformerOptions,
  ) {}

  /** Adds handlers; like client-go's AddEventHandler, objects already cached are replayed to them as adds. */
  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    for (const object of this.store.cached()) this.safely(() => handlers.add?.(object));
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        const started = Date.now();
        const { end, events } = await this.watchOnce();
        if (end === 'expired') this.resourceVersion = '';
        // A stream that ends at once without news is a failure in disguise: back off rather than spin.
        failures = events > 0 || Date.now() - started > 1000 ? 0 : failures + 1;
      } catch (error) {
        if (this.stopped) break;
        if (isGone(error)) this.resourceVersion = '';
        failures++;
        this.options.logger.debug('informer failure', {
          informer: this.spec.name,
          error: describeKubeError(error),
        });
      }
      if (failures > 0 && !this.stopped) await this.sleep(this.backoff(failures));
    }
  }

  private backoff(failures: number): number {
    const base = this.options.backoffBaseMs ?? 100;
    const max = this.options.backoffMaxMs ?? 10_000;
    return Math.min(max, base * 2 ** Math.min(failures - 1, 20));
  }

  private async sleep(ms: number): Promise<void> {
    if (this.options.delay) return this.options.delay(ms);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async relist(): Promise<void> {
    const result = await this.spec.list();
    if (this.stopped) return;
    const items = (result.items ?? []).map((item) => toWire(item) as unknown as T);
    const fresh = new Map(items.map((item) => [keyOf(item), item]));
    for (const old of this.store.cached()) {
      if (!fresh.has(keyOf(old))) this.apply('DELETED', old);
    }
    for (const item of items) this.apply('MODIFIED', item);
    this.resourceVersion = result.metadata?.resourceVersion ?? '';
    this.markSynced();
  }

  private watchOnce(): Promise<{ end: WatchEnd; events: number }> {
    return new Promise((resolve, reject) => {
      let expired = false;
      let failure: Error | undefined;
      let events = 0;
      let controller: AbortController | undefined;
      const timeout = this.options.watchTimeoutSeconds ?? 240 + Math.floor(Math.random() * 120);
      const query = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: timeout,
      };
      const onEvent = (type: string, object: unknown): void => {
        if (this.stopped || failure) return;
        const status = object as
          { code?: number; message?: string; metadata?: { resourceVersion?: string } } | undefined;
        if (type === 'ERROR') {
          if (status?.code === 410) expired = true;
          else {
            // Any other error event ends this watch; the loop backs off and watches again.
            failure = Object.assign(
              new Error(`watch ${this.spec.name}: ${status?.message ?? 'error event'}`),
              { code: status?.code },
            );
            controller?.abort();
          }
          return;
        }
        events++;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.apply(type, object as T);
        const version = status?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
      };
      const onDone = (error: unknown): void => {
        this.abort = undefined;
        if (this.stopped) resolve({ end: 'closed', events });
        else if (failure) reject(failure);
        else if (error && isGone(error)) resolve({ end: 'expired', events });
        else if (error && (error as { name?: string }).name !== 'TimeoutError') reject(error);
        else resolve({ end: expired ? 'expired' : 'closed', events });
      };
      this.watch.watch(this.spec.path, query, onEvent, onDone).then(
        (started) => {
          controller = started;
          if (this.stopped || failure) started.abort();
          else this.abort = started;
        },
        (error: unknown) => reject(error),
      );
    });
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void {
    if (type === 'DELETED') {
      this.store.remove(object);
      for (const handler of this.handlers) this.safely(() => handler.delete?.(object));
      return;
    }
    const old = this.store.upsert(object);
    if (!old) {
      for (const handler of this.handlers) this.safely(() => handler.add?.(object));
    } else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
      for (const handler of this.handlers) this.safely(() => handler.update?.(object, old));
    }
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.options.logger.error('informer handler failed', {
        informer: this.spec.name,
        error: describeKubeError(error),
      });
    }
  }
}
