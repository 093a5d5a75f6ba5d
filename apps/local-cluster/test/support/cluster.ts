import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { LocalCluster, type LocalClusterOptions, type RunningLocalCluster } from '../../src/cluster';

/** A cluster for a test file: no controllers (they would change what the test observes) unless asked. */
export function startTestCluster(options: LocalClusterOptions = {}): Promise<RunningLocalCluster> {
  return LocalCluster.start({ controllers: false, ...options });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function createNamespace(kubeConfig: KubeConfig, prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** The Status a failed call answered with (ApiException bodies are strings or parsed objects). */
export async function failure(call: Promise<unknown>): Promise<{ code: number; status: StatusBody }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body =
      typeof error.body === 'string' ? (JSON.parse(error.body) as StatusBody) : (error.body as StatusBody);
    return { code: error.code, status: body };
  }
  throw new Error('expected the call to fail');
}

export interface WatchEvent {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [key: string]: unknown;
  };
}

/** A watch whose events are awaited one at a time (bounded by a timeout), never by sleeping. */
export class EventQueue {
  private readonly events: WatchEvent[] = [];
  private waiter: (() => void) | undefined;
  done = false;
  private controller: AbortController | undefined;

  static async open(
    kubeConfig: KubeConfig,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
  ): Promise<EventQueue> {
    const queue = new EventQueue();
    queue.controller = await new Watch(kubeConfig).watch(
      path,
      query,
      (type, object) => queue.push({ type, object }),
      () => {
        queue.done = true;
        queue.waiter?.();
      },
    );
    return queue;
  }

  private push(event: WatchEvent): void {
    this.events.push(event);
    this.waiter?.();
  }

  async next(timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      if (this.done) throw new Error('watch ended');
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('no watch event in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.events.shift() as WatchEvent;
  }

  /** Waits until the server ends the stream. */
  async ended(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.done) {
      if (Date.now() > deadline) throw new Error('watch did not end');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.controller?.abort();
  }
}
