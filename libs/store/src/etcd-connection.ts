import { InputError, UnavailableError } from '@cite/errors';
import { NO_METRICS, type StoreMetrics } from '@cite/metrics';
import {
  Etcd3,
  Range,
  type ICompare,
  type IOperation,
  type IOptions,
  type IRequestOp,
  type ITxnResponse,
} from 'etcd3';
import { translateEtcdError } from './etcd-errors';

/** How the store reaches etcd. Config is passed in; the store never reads the environment. */
export interface EtcdStoreOptions {
  /** etcd client URLs, e.g. `http://127.0.0.1:2379`. */
  endpoints: string[];
  /**
   * Every key cite writes lives under this prefix.
   * @defaultValue `'/cite/v1/'`
   */
  prefix?: string;
  /**
   * Deadline for each unary etcd call; an unreachable or stuck etcd fails a call with `UnavailableError` after
   * at most this long. Also bounds opening a watch.
   * @defaultValue 5000
   */
  timeoutMs?: number;
  /**
   * Check that etcd answers before `create` returns.
   * @defaultValue true
   */
  verify?: boolean;
  /** TLS material for `https://` endpoints. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd user/password auth. */
  auth?: { username: string; password: string };
  /** Where each call's latency and outcome, and each lock wait, are recorded. @defaultValue none */
  metrics?: StoreMetrics;
}

export const DEFAULT_PREFIX = '/cite/v1/';
export const DEFAULT_TIMEOUT_MS = 5_000;

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;
type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

const neverAborted = new AbortController().signal;

/**
 * Runs a call exactly once: no retry, no circuit breaker. etcd3's defaults retry three times and then open a
 * breaker for five seconds, which turns "etcd is down" into a long hang and "etcd is back" into a slow
 * recovery. cite's callers decide about retrying (an `UnavailableError` is retryable by contract).
 */
function passThroughPolicy(): FaultPolicy {
  const noEvent = () => ({ dispose: () => undefined });
  const policy = {
    onSuccess: noEvent,
    onFailure: noEvent,
    execute: async <T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T) =>
      fn({ signal: neverAborted }),
  };
  return policy as unknown as FaultPolicy;
}

/** Watch-stream reconnect delays: exponential from 100 ms, jittered, capped at 2 s (etcd3's default cap is 30 s). */
function watchBackoff(attempt = 0): WatchBackoff {
  const base = Math.min(2_000, 100 * 2 ** attempt);
  const backoff = {
    duration: base / 2 + Math.random() * (base / 2),
    next: () => watchBackoff(Math.min(attempt + 1, 10)),
  };
  return backoff as unknown as WatchBackoff;
}

export function normalizePrefix(prefix: string): string {
  if (!prefix.startsWith('/')) throw new InputError(`etcd prefix must start with "/": ${prefix}`);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** Something the connection closes when the store closes (a watch, a held lock, a campaign). */
export interface Closable {
  close(): Promise<void>;
}

/**
 * The etcd client plus what every repository needs from it: the key prefix, the call deadline, error
 * translation and a registry of open resources. Internal to libs/store.
 */
export class EtcdConnection {
  private readonly resources = new Set<Closable>();
  private closed = false;

  private constructor(
    readonly client: Etcd3,
    readonly prefix: string,
    readonly timeoutMs: number,
    readonly metrics: StoreMetrics,
  ) {}

  static open(options: EtcdStoreOptions): EtcdConnection {
    if (options.endpoints.length === 0) throw new InputError('at least one etcd endpoint is required');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new InputError(`timeoutMs must be positive, got ${timeoutMs}`);
    const client = new Etcd3({
      hosts: options.endpoints,
      dialTimeout: timeoutMs,
      credentials: options.tls
        ? { rootCertificate: options.tls.ca, privateKey: options.tls.key, certChain: options.tls.cert }
        : undefined,
      auth: options.auth,
      grpcOptions: {
        // Reconnect quickly once etcd is back (gRPC's default backoff grows to 120 s), and keep this store's
        // connections to itself (gRPC otherwise shares them process-wide, backoff state included).
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': Math.min(1_000, timeoutMs),
        'grpc.use_local_subchannel_pool': 1,
      },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
      faultHandling: {
        host: () => passThroughPolicy(),
        global: passThroughPolicy(),
        watchBackoff: watchBackoff(),
      },
    });
    const prefix = normalizePrefix(options.prefix ?? DEFAULT_PREFIX);
    return new EtcdConnection(client, prefix, timeoutMs, options.metrics ?? NO_METRICS);
  }

  /** The full etcd key for a key relative to the prefix (`services/web` → `/cite/v1/services/web`). */
  key(relative: string): string {
    return this.prefix + relative;
  }

  /** The key relative to the prefix. */
  relative(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }

  /** Range covering every key that starts with `relativePrefix`. */
  prefixRange(relativePrefix: string): Range {
    return Range.prefix(this.key(relativePrefix));
  }

  /**
   * Runs one etcd call, translating failures (`UnavailableError` for transport trouble). Every call goes through
   * here, so this is where its latency is recorded (by the verb of `action`; `txn` for transactions).
   */
  async run<R>(action: string, call: () => Promise<R>, op = action): Promise<R> {
    const started = performance.now();
    try {
      const result = await call();
      this.metrics.etcdRequest(op, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const translated = translateEtcdError(error, action);
      const outcome = translated instanceof UnavailableError ? 'unavailable' : 'error';
      this.metrics.etcdRequest(op, outcome, (performance.now() - started) / 1000);
      throw translated;
    }
  }

  /** A transaction with raw compares (etcd3's builder cannot express range compares). */
  async txn(
    action: string,
    compare: ICompare[],
    success: IOperation[],
    failure: IOperation[],
  ): Promise<ITxnResponse> {
    return this.run(
      action,
      async () => {
        const ops = async (list: IOperation[]): Promise<IRequestOp[]> =>
          Promise.all(list.map((op) => op.op()));
        return this.client.kv.txn({ compare, success: await ops(success), failure: await ops(failure) });
      },
      'txn',
    );
  }

  /** Registers a resource to close with the store; returns the function that unregisters it. */
  track(resource: Closable): () => void {
    this.resources.add(resource);
    return () => this.resources.delete(resource);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.resources].map((resource) => resource.close()));
    this.resources.clear();
    this.client.close();
  }
}
