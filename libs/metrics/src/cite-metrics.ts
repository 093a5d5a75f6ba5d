import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, type MetricDefinition } from './definitions';
import {
  enumLabel,
  etcdOpLabel,
  httpMethodLabel,
  kubeCodeLabel,
  kubeRequestLabels,
  redisCommandLabel,
  statusLabel,
} from './labels';
import type { CallOutcome, LockWaitOutcome, Metrics, QueueDepths, ReleaseVerdict } from './recorders';

export interface CreateMetricsOptions {
  /**
   * Register prom-client's process metrics (`process_*`, `nodejs_*`): CPU, memory, event-loop lag, GC, handles.
   * @defaultValue true
   */
  processMetrics?: boolean;
  /**
   * How long reading the queue depths may take at scrape time; past it the gauge is left empty for that scrape.
   * @defaultValue 2000
   */
  collectTimeoutMs?: number;
}

type Labels<D extends MetricDefinition> = D['labels'][number];

function histogram<D extends MetricDefinition>(registry: Registry, definition: D): Histogram<Labels<D>> {
  return new Histogram({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labels as Labels<D>[],
    buckets: [...(definition.buckets ?? [])],
    registers: [registry],
  });
}

function counter<D extends MetricDefinition>(registry: Registry, definition: D): Counter<Labels<D>> {
  return new Counter({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labels as Labels<D>[],
    registers: [registry],
  });
}

/**
 * One process's metrics on a registry of its own (never prom-client's global one, so tests can build several):
 * the recorders the libs call, the queue-depth gauge read at scrape time, and the exposition text.
 */
export class CiteMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly http = histogram(this.registry, METRICS.httpRequestDuration);
  private readonly queueWaits = histogram(this.registry, METRICS.queueWait);
  private readonly releases = counter(this.registry, METRICS.releases);
  private readonly releaseDurations = histogram(this.registry, METRICS.releaseDuration);
  private readonly rolloutVerdicts = histogram(this.registry, METRICS.rolloutVerdict);
  private readonly etcd = histogram(this.registry, METRICS.etcdRequestDuration);
  private readonly redis = histogram(this.registry, METRICS.redisCommandDuration);
  private readonly kube = histogram(this.registry, METRICS.kubeRequestDuration);
  private readonly locks = histogram(this.registry, METRICS.lockWait);
  private readonly watcherEvents = counter(this.registry, METRICS.watcherEvents);
  private readonly watcherWrites = counter(this.registry, METRICS.watcherWrites);
  private readonly watcherLag = histogram(this.registry, METRICS.watcherLag);
  private readonly watcherLeader = new Gauge({
    name: METRICS.watcherLeader.name,
    help: METRICS.watcherLeader.help,
    registers: [this.registry],
  });
  private depthSource: (() => Promise<QueueDepths>) | undefined;

  constructor(options: CreateMetricsOptions = {}) {
    const timeoutMs = options.collectTimeoutMs ?? 2_000;
    const readDepths = () => this.readDepths(timeoutMs);
    new Gauge({
      name: METRICS.queueJobs.name,
      help: METRICS.queueJobs.help,
      labelNames: [...METRICS.queueJobs.labels],
      registers: [this.registry],
      async collect() {
        this.reset();
        const depths = await readDepths();
        for (const [queue, states] of Object.entries(depths ?? {}))
          for (const [state, count] of Object.entries(states))
            this.set({ queue: enumLabel(queue), state: enumLabel(state) }, count);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Reads the depth of the job queues at each scrape (the process that owns the queues sets this). */
  collectQueueDepths(read: () => Promise<QueueDepths>): void {
    this.depthSource = read;
  }

  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method: httpMethodLabel(method), route, status: statusLabel(status) }, seconds);
  }

  etcdRequest(action: string, outcome: CallOutcome, seconds: number): void {
    this.etcd.observe({ op: etcdOpLabel(action), outcome }, seconds);
  }

  lockWait(outcome: LockWaitOutcome, seconds: number): void {
    this.locks.observe({ outcome }, seconds);
  }

  redisCommand(command: string, outcome: 'ok' | 'error', seconds: number): void {
    this.redis.observe({ command: redisCommandLabel(command), outcome }, seconds);
  }

  queueWait(queue: string, seconds: number): void {
    this.queueWaits.observe({ queue: enumLabel(queue) }, Math.max(0, seconds));
  }

  kubeRequest(method: string, path: string, code: number | undefined, seconds: number, watch = false): void {
    this.kube.observe({ ...kubeRequestLabels(method, path, watch), code: kubeCodeLabel(code) }, seconds);
  }

  releaseFinished(verdict: ReleaseVerdict): void {
    const labels = { cause: enumLabel(verdict.cause), outcome: enumLabel(verdict.outcome) };
    this.releases.inc(labels);
    this.releaseDurations.observe(labels, Math.max(0, verdict.seconds));
    if (verdict.rolloutSeconds !== undefined && verdict.outcome !== 'superseded')
      this.rolloutVerdicts.observe({ verdict: labels.outcome }, Math.max(0, verdict.rolloutSeconds));
  }

  watcherEvent(resource: string): void {
    this.watcherEvents.inc({ resource: enumLabel(resource) });
  }

  watcherWrite(record: string, op: 'put' | 'delete', lagSeconds?: number): void {
    this.watcherWrites.inc({ record: enumLabel(record), op });
    if (lagSeconds !== undefined) this.watcherLag.observe(Math.max(0, lagSeconds));
  }

  watcherLeading(leading: boolean): void {
    this.watcherLeader.set(leading ? 1 : 0);
  }

  /** The depths, or undefined when there is no source or it fails or is slow (the scrape still answers). */
  private async readDepths(timeoutMs: number): Promise<QueueDepths | undefined> {
    if (!this.depthSource) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.depthSource(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), timeoutMs);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A process's metrics (see `CiteMetrics`). */
export function createMetrics(options: CreateMetricsOptions = {}): CiteMetrics {
  return new CiteMetrics(options);
}
