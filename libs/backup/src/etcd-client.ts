/**
 * The etcd calls backup and restore make, over the `etcd3` client, configured as libs/store configures it (one
 * attempt per call, no circuit breaker, a deadline on unary calls) and with failures translated at this edge:
 * transport trouble becomes `UnavailableError('etcd')`. The only file of this library that talks to etcd.
 */
import { InputError, UnavailableError, isCiteError } from '@cite/errors';
// etcd3 belongs to libs/store and here (eslint.config.js, ownedImports): backup streams etcd's maintenance API,
// which the store does not wrap. Confined to this one file.
import { ClientClosedError, Etcd3, castGrpcError, isRecoverableError, type IOptions } from 'etcd3';

/** How to reach an etcd. */
export interface EtcdEndpoint {
  /** etcd client URLs, e.g. `http://127.0.0.1:2379`. */
  endpoints: string[];
  /** Deadline of each unary call (not of the snapshot stream). @defaultValue 5000 */
  timeoutMs?: number;
  /** TLS material for `https://` endpoints. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd user/password auth. */
  auth?: { username: string; password: string };
}

/** One chunk of etcd's snapshot stream. */
export interface SnapshotChunk {
  blob: Buffer;
  /** Bytes of the database still to come after this chunk (0 on the last chunk and on the hash after it). */
  remaining: number;
}

/** A key/value to put. */
export interface Put {
  key: Buffer;
  value: Buffer;
}

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const neverAborted = new AbortController().signal;

/** Runs a call exactly once (etcd3 would retry and then open a breaker); callers decide about retrying. */
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** etcd3 and gRPC failures → cite's errors: transport trouble is `UnavailableError('etcd')`. */
export function translateEtcdError(error: unknown, action: string): Error {
  if (isCiteError(error)) return error;
  if (error instanceof ClientClosedError)
    return new UnavailableError('etcd', `etcd client is closed (${action})`, { cause: error });
  const typed = error instanceof Error && error.constructor === Error ? castGrpcError(error) : error;
  if (typed instanceof Error && isRecoverableError(typed))
    return new UnavailableError('etcd', `etcd unavailable during ${action}: ${describe(typed)}`, {
      cause: error,
    });
  return typed instanceof Error ? typed : new Error(`${action}: ${describe(typed)}`);
}

/** The end of the key range of every key starting with `prefix` (etcd's convention; `\0` for "to the end"). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export class EtcdClient {
  private constructor(private readonly client: Etcd3) {}

  static open(target: EtcdEndpoint): EtcdClient {
    if (target.endpoints.length === 0) throw new InputError('at least one etcd endpoint is required');
    const timeoutMs = target.timeoutMs ?? 5_000;
    if (!(timeoutMs > 0)) throw new InputError(`timeoutMs must be positive, got ${timeoutMs}`);
    const client = new Etcd3({
      hosts: target.endpoints,
      dialTimeout: timeoutMs,
      credentials: target.tls
        ? { rootCertificate: target.tls.ca, privateKey: target.tls.key, certChain: target.tls.cert }
        : undefined,
      auth: target.auth,
      grpcOptions: { 'grpc.use_local_subchannel_pool': 1 },
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
      faultHandling: { host: () => passThroughPolicy(), global: passThroughPolicy() },
    });
    return new EtcdClient(client);
  }

  private async run<R>(action: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      throw translateEtcdError(error, action);
    }
  }

  /**
   * How many keys start with `prefix`, at `revision` (current when omitted), and the revision counted at.
   * Undefined when that revision is compacted.
   */
  async count(prefix: Buffer, revision?: number): Promise<{ count: number; revision: number } | undefined> {
    try {
      const response = await this.run('count keys', () =>
        this.client.kv.range({ key: prefix, range_end: prefixEnd(prefix), count_only: true, revision }),
      );
      return { count: Number(response.count), revision: Number(response.header.revision) };
    } catch (error) {
      if (revision !== undefined && /compacted/i.test(describe(error))) return undefined;
      throw error;
    }
  }

  /**
   * etcd's snapshot of its whole database (the maintenance API's Snapshot stream, what `etcdctl snapshot save`
   * reads): the bbolt database in chunks, then one more chunk with the database's sha256. Aborting `signal`
   * cancels the stream and makes the iteration throw the signal's reason.
   */
  async *snapshot(signal?: AbortSignal): AsyncGenerator<SnapshotChunk> {
    signal?.throwIfAborted();
    const stream = (await this.run('snapshot', () =>
      this.client.maintenance.snapshot(),
    )) as unknown as AsyncIterable<{
      blob: Buffer;
      remaining_bytes: string;
    }> & { cancel(): void };
    const cancel = () => stream.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const response of stream) {
        signal?.throwIfAborted();
        yield { blob: response.blob, remaining: Number(response.remaining_bytes) };
      }
      signal?.throwIfAborted();
    } catch (error) {
      signal?.throwIfAborted();
      throw translateEtcdError(error, 'snapshot');
    } finally {
      signal?.removeEventListener('abort', cancel);
      // A consumer that stops early (an error, a break) must not leave etcd streaming.
      stream.cancel();
    }
  }

  /**
   * Puts `puts` in one transaction, only if no key in `[guardFrom, guardEnd)` exists (a range compare:
   * `create_revision == 0` holds for every key in the range, and for an empty range). Answers whether it was
   * written.
   */
  async putIfRangeEmpty(puts: readonly Put[], guardFrom: Buffer, guardEnd: Buffer): Promise<boolean> {
    const response = await this.run('restore txn', () =>
      this.client.kv.txn({
        compare: [
          { key: guardFrom, range_end: guardEnd, target: 'Create', result: 'Equal', create_revision: 0 },
        ],
        success: puts.map(({ key, value }) => ({ request_put: { key, value } })),
        failure: [],
      }),
    );
    return response.succeeded;
  }

  close(): void {
    this.client.close();
  }
}
