/**
 * cite's one door to the search engine (docs/adr/0006-log-store-client.md): writes log documents in bulk and
 * searches them, against Elasticsearch 8/9 or OpenSearch 2 alike, through `@opensearch-project/opensearch` — the
 * one Node client that talks to both (`@elastic/elasticsearch` refuses OpenSearch by its product check). Only
 * calls both engines answer the same way are made: bulk, search with `search_after`, index templates, cat and
 * delete of indices.
 */
import { InputError, UnavailableError } from '@cite/errors';
import { Client } from '@opensearch-project/opensearch';
import type { LogDocument } from './documents';
import { encodeLogCursor, LOG_MAPPINGS, searchBody, type LogQuery } from './queries';

export interface LogStoreOptions {
  /** `CITE_LOGS_URL`: the engine's REST base URL. */
  url: string;
  username?: string;
  password?: string;
  /** @defaultValue 10000 */
  requestTimeoutMs?: number;
}

export interface LogHit {
  id: string;
  index: string;
  '@timestamp': string;
  message: string;
  level?: string;
  service?: string;
  pod?: string;
  node?: string;
  container?: string;
  release?: number;
}

export interface LogPage {
  items: LogHit[];
  nextCursor?: string;
}

export interface WriteResult {
  written: number;
  /** Documents the engine refused (a mapping conflict, say): they will not succeed by retrying. */
  rejected: { id: string; reason: string }[];
}

interface BulkItem {
  index?: { _id?: string; status?: number; error?: { type?: string; reason?: string } };
}

interface SearchHit {
  _id: string;
  _index: string;
  _source: Record<string, unknown>;
  sort?: unknown[];
}

const TEMPLATES = ['logs', 'deploys', 'system'] as const;

export class LogStore {
  private constructor(
    private readonly client: Client,
    readonly url: string,
  ) {}

  static connect(options: LogStoreOptions): LogStore {
    const client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      maxRetries: 0,
      ...(options.username ? { auth: { username: options.username, password: options.password ?? '' } } : {}),
    });
    return new LogStore(client, options.url.replace(/\/+$/, ''));
  }

  /** Index templates for `cite-logs-*`, `cite-deploys-*`, `cite-system-*` (idempotent; once per process). */
  async ensureTemplates(): Promise<void> {
    await this.call('put index templates', () =>
      Promise.all(
        TEMPLATES.map((kind) =>
          this.client.indices.putIndexTemplate({
            name: `cite-${kind}`,
            body: {
              index_patterns: [`cite-${kind}-*`],
              template: {
                settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
                mappings: LOG_MAPPINGS as never,
              },
              priority: 100,
            },
          }),
        ),
      ),
    );
  }

  /**
   * Writes `docs` in one bulk request (`index` with each document's id: a line sent twice stays one document).
   * Throws `UnavailableError` when the engine does not answer or answers 429/5xx for some (retry them all).
   */
  async write(docs: readonly LogDocument[]): Promise<WriteResult> {
    if (docs.length === 0) return { written: 0, rejected: [] };
    const body = docs.flatMap((doc) => [{ index: { _index: doc.index, _id: doc.id } }, doc.body]);
    // Only what the outcome needs comes back: each item's status, and the id and reason of the refused ones.
    const response = await this.call('bulk', () =>
      this.client.bulk({ body, filter_path: 'errors,items.*.status,items.*._id,items.*.error.reason' }),
    );
    const items = (response.body as { items?: BulkItem[] }).items ?? [];
    const rejected: WriteResult['rejected'] = [];
    let retryable = 0;
    for (const item of items) {
      const status = item.index?.status ?? 0;
      if (status >= 200 && status < 300) continue;
      if (status === 429 || status >= 500) retryable++;
      else
        rejected.push({ id: item.index?._id ?? '', reason: item.index?.error?.reason ?? `status ${status}` });
    }
    if (retryable > 0)
      throw new UnavailableError(
        'search engine',
        `the search engine refused ${retryable} of ${docs.length} log lines for now`,
      );
    return { written: docs.length - rejected.length, rejected };
  }

  /** Newest first, a page of `query` over the indices `patterns`; missing indices count as empty. */
  async search(patterns: readonly string[], query: LogQuery): Promise<LogPage> {
    const body = searchBody(query);
    // A search while the day's first index is being created can meet "all shards failed" (503) for a moment.
    const response = await this.call('search', () =>
      this.client.search({
        index: patterns.join(','),
        ignore_unavailable: true,
        allow_no_indices: true,
        body,
      }),
    );
    const hits = ((response.body as { hits?: { hits?: SearchHit[] } }).hits?.hits ?? []) as SearchHit[];
    const items = hits.map(hitOf);
    const last = hits.at(-1);
    return {
      items,
      ...(hits.length === body['size'] && last?.sort ? { nextCursor: encodeLogCursor(last.sort) } : {}),
    };
  }

  /** Makes what was written searchable now (tests and benchmarks; the engine does it every second anyway). */
  async refresh(pattern: string): Promise<void> {
    await this.call('refresh', () =>
      this.client.indices.refresh({ index: pattern, ignore_unavailable: true, allow_no_indices: true }),
    );
  }

  /** Index names matching `pattern`. */
  async indices(pattern: string): Promise<string[]> {
    const response = await this.call('cat indices', () =>
      this.client.cat.indices({ index: pattern, format: 'json', expand_wildcards: 'open' }),
    );
    return ((response.body as { index: string }[] | undefined) ?? []).map((entry) => entry.index).sort();
  }

  async deleteIndex(name: string): Promise<void> {
    if (name.includes('*') || name.includes(','))
      throw new InputError('one index at a time', { details: [{ path: 'index', message: 'no wildcards' }] });
    await this.call('delete index', () => this.client.indices.delete({ index: name }));
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.client.cluster.health({}));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run().catch(async (error: unknown) => {
        // A shard not yet started (a new daily index) answers 503 for a moment: once more, shortly after.
        if ((error as { meta?: { statusCode?: number } }).meta?.statusCode !== 503) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return run();
      });
    } catch (error) {
      const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429)
        throw new InputError(`the search engine refused the ${what}: ${engineReason(error)}`, {
          details: [{ path: 'q', message: engineReason(error) }],
        });
      throw new UnavailableError(
        'search engine',
        `the search engine did not answer the ${what}: ${engineReason(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}

function engineReason(error: unknown): string {
  const body = (
    error as { meta?: { body?: { error?: { reason?: string; root_cause?: { reason?: string }[] } } } }
  ).meta?.body;
  return (
    body?.error?.root_cause?.[0]?.reason ??
    body?.error?.reason ??
    (error instanceof Error ? error.message : String(error))
  ).slice(0, 500);
}

function hitOf(hit: SearchHit): LogHit {
  const source = hit._source as {
    '@timestamp'?: string;
    message?: string;
    log?: { level?: string };
    service?: { name?: string };
    kubernetes?: { pod?: { name?: string }; node?: { name?: string }; container?: { name?: string } };
    cite?: { release?: number };
  };
  return {
    id: hit._id,
    index: hit._index,
    '@timestamp': source['@timestamp'] ?? '',
    message: source.message ?? '',
    ...(source.log?.level ? { level: source.log.level } : {}),
    ...(source.service?.name ? { service: source.service.name } : {}),
    ...(source.kubernetes?.pod?.name ? { pod: source.kubernetes.pod.name } : {}),
    ...(source.kubernetes?.node?.name ? { node: source.kubernetes.node.name } : {}),
    ...(source.kubernetes?.container?.name ? { container: source.kubernetes.container.name } : {}),
    ...(source.cite?.release !== undefined ? { release: source.cite.release } : {}),
  };
}
