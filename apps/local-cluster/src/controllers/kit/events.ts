/**
 * Events the way client-go's recorder writes them: core/v1 Events named `<object>.<hex time>`, and a repeat of
 * the same event (same object, type, reason, message and source) patched into the first one with a higher
 * `count` and a new `lastTimestamp`, which kubectl describe shows as "(x3 over 2m)". Recording is best effort
 * and asynchronous, as in Kubernetes: a failure is logged, never thrown into a reconcile.
 */
import { describeKubeError, isNotFound } from '@cite/kube';
import { PATHS, type RawApi } from './raw-api';
import type { ControllerLogger } from './logger';
import { type Clock, rfc3339 } from './time';
import type { KubeEvent, KubeObject } from './wire';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventSpec {
  /** The object the event is about; needs kind, apiVersion and metadata (name, namespace, uid). */
  regarding: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: EventSource;
  /** e.g. `spec.containers{web}` for kubelet container events. */
  fieldPath?: string;
}

export interface EventSink {
  record(event: EventSpec): void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

const MAX_REMEMBERED = 10_000;
const MAX_IN_FLIGHT = 8;

export class EventRecorder implements EventSink {
  private readonly seen = new Map<string, Seen>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private inFlight = 0;
  private sequence = 0;
  private stopped = false;

  constructor(
    /** Plain JSON: events are the most frequent write, and nothing reads the answer. */
    private readonly raw: RawApi,
    private readonly clock: Clock,
    private readonly logger: ControllerLogger,
  ) {}

  record(event: EventSpec): void {
    if (this.stopped) return;
    const key = aggregationKey(event);
    // Writes for one key are chained so a repeat patches the event its predecessor created.
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.limited(() => this.write(key, event)));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Stops recording; resolves when the writes already started are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.chains.values()]);
  }

  private async limited(task: () => Promise<void>): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      await task();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async write(key: string, event: EventSpec): Promise<void> {
    if (this.stopped) return;
    const now = rfc3339(this.clock());
    const seen = this.seen.get(key);
    try {
      if (seen) {
        const body = { count: seen.count + 1, lastTimestamp: now };
        try {
          await this.raw.mergePatch(PATHS.events(seen.namespace, seen.name), body);
          seen.count++;
          return;
        } catch (error) {
          if (!isNotFound(error)) throw error;
          this.seen.delete(key);
        }
      }
      const created = this.newEvent(event, now);
      const namespace = created.metadata?.namespace ?? 'default';
      await this.raw.create(PATHS.events(namespace), created);
      this.remember(key, { name: created.metadata?.name ?? '', namespace, count: 1, firstTimestamp: now });
    } catch (error) {
      if (!this.stopped)
        this.logger.debug('event not recorded', { reason: event.reason, error: describeKubeError(error) });
    }
  }

  private newEvent(event: EventSpec, now: string): KubeEvent {
    const meta = event.regarding.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const stamp = (BigInt(this.clock()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${meta.name ?? 'object'}.${stamp}`, namespace },
      involvedObject: {
        apiVersion: event.regarding.apiVersion,
        kind: event.regarding.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        fieldPath: event.fieldPath,
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: event.source.component, host: event.source.host },
      reportingComponent: event.source.component,
      reportingInstance: event.source.host ?? event.source.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
  }

  private remember(key: string, seen: Seen): void {
    this.seen.set(key, seen);
    if (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

function aggregationKey(event: EventSpec): string {
  const meta = event.regarding.metadata ?? {};
  return [
    meta.namespace,
    meta.uid ?? meta.name,
    event.fieldPath,
    event.type,
    event.reason,
    event.message,
    event.source.component,
    event.source.host,
  ].join('\u0000');
}

/** An EventSink that keeps events in memory (unit tests of the executors). */
export class MemoryEventSink implements EventSink {
  readonly events: EventSpec[] = [];
  record(event: EventSpec): void {
    this.events.push(event);
  }
}
