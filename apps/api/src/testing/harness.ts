/**
 * Test harness for the API (imported by specs only): the real app on the test etcd (a fresh key prefix) and
 * the real BullMQ queue on the test Redis (a fresh queue prefix), the bootstrap admin, helpers to make
 * tokens and services, and stand-ins for what the deployer writes (release status, current release).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { createLogger } from '@cite/logging';
import type { Release, ReleaseStatus, Service, WebhookDelivery } from '@cite/model';
import { createJobQueue, createWorker, type BullJobQueue } from '@cite/queue';
import { MetadataStore } from '@cite/store';
import { createTestStore } from '@cite/store/testing';
import { testRedisUrl } from '@cite/test-support';
import type { Express } from 'express';
import request from 'supertest';
import { createApp, deliveryRunnerOf, type ApiDeps } from '../app';

export const ADMIN_TOKEN = 'test-admin-token-that-is-long-enough-0123456789';

export interface Harness {
  app: Express;
  store: MetadataStore;
  queue: BullJobQueue;
  /** Lines the app logged. */
  logs: Record<string, unknown>[];
  /** `Authorization` header of the bootstrap admin. */
  admin: string;
  /** A new API token via the API; returns its `Authorization` header. */
  token(options: { teams?: string[]; role?: 'admin' | 'member'; name?: string }): Promise<string>;
  /** Creates a service via the API as admin and returns it. */
  service(name: string, overrides?: Record<string, unknown>): Promise<Service>;
  /** Deploys via the API as admin and returns the release. */
  deploy(name: string, image?: string): Promise<Release>;
  /** What the deployer does: walks a release to `status`, and records the running release on success. */
  finish(name: string, number: number, status?: ReleaseStatus, extra?: Partial<Release>): Promise<Release>;
  /** The recorded outcome of a GitHub delivery, once its worker has run (polls; fails after 10 s). */
  delivery(id: string): Promise<WebhookDelivery>;
  /** Listens on a loopback port for clients that need a real socket (SSE). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(label: string, overrides: Partial<ApiDeps> = {}): Promise<Harness> {
  const store = new MetadataStore(await createTestStore(`api-${label}`));
  const prefix = `cite-test-${label}-${randomBytes(4).toString('hex')}`;
  const queue = (overrides.queue as BullJobQueue | undefined) ?? createJobQueue(testRedisUrl(), { prefix });
  const stream = new PassThrough();
  const logs: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
  );
  const streams = new AbortController();
  const app = createApp({
    logger: createLogger({ app: 'api', stream, level: 'debug' }),
    store,
    queue,
    adminToken: ADMIN_TOKEN,
    streams: streams.signal,
    ...overrides,
  });
  // GitHub deliveries are acted on by a worker of the `deliveries` queue, as in the api process.
  const deliveries = deliveryRunnerOf({
    logger: createLogger({ app: 'api', stream, level: 'debug' }),
    store,
    queue,
    ...overrides,
  });
  const deliveryWorker = overrides.queue
    ? undefined
    : createWorker('deliveries', async (run) => void (await deliveries.run(run.data)), {
        redisUrl: testRedisUrl(),
        prefix,
        concurrency: 8,
      });
  const admin = `Bearer ${ADMIN_TOKEN}`;
  let server: Server | undefined;

  const harness: Harness = {
    app,
    store,
    queue,
    logs,
    admin,
    async token({ teams = [], role = 'member', name = 'test token' }) {
      const res = await request(app)
        .post('/api/v1/tokens')
        .set('authorization', admin)
        .send({ name, role, teams });
      if (res.status !== 201) throw new Error(`token not created: ${res.status} ${JSON.stringify(res.body)}`);
      return `Bearer ${(res.body as { secret: string }).secret}`;
    },
    async service(name, extra = {}) {
      const res = await request(app)
        .post('/api/v1/services')
        .set('authorization', admin)
        .send({ name, team: 'payments', image: 'registry.local:5000/payments/app', port: 8080, ...extra });
      if (res.status !== 201)
        throw new Error(`service not created: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Service;
    },
    async deploy(name, image = '1.0.0') {
      const res = await request(app)
        .post(`/api/v1/services/${name}/deploys`)
        .set('authorization', admin)
        .send({ image });
      if (res.status !== 202) throw new Error(`deploy refused: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { release: Release }).release;
    },
    async finish(name, number, status = 'succeeded', extra = {}) {
      const now = new Date().toISOString();
      await store.releases.modify(name, number, (release) => ({
        ...release,
        status: 'in_progress',
        startedAt: now,
      }));
      const done = await store.releases.modify(name, number, (release) => ({
        ...release,
        status,
        finishedAt: now,
        ...extra,
      }));
      if (status === 'succeeded') {
        await store.services.modify(name, (service) => ({ ...service, currentRelease: number }));
      }
      return done.value;
    },
    async listen() {
      server ??= await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async delivery(id) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = await store.deliveries.get(id);
        if (found) return found.value;
        if (Date.now() > deadline) throw new Error(`delivery ${id} not handled within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      streams.abort();
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      await deliveryWorker?.close({ graceMs: 2_000 });
      await queue.close();
      await store.close();
    },
  };
  return harness;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: unknown;
}

/**
 * Opens an SSE stream and returns an iterator of parsed events plus `close()`. Reads with fetch, as a
 * browser's EventSource would, over a real socket.
 */
export async function openEvents(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string | null; events: AsyncGenerator<SseEvent>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  async function* events(): AsyncGenerator<SseEvent> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: undefined };
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
          }
          if (data === undefined) continue;
          event.data = JSON.parse(data) as unknown;
          yield event;
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: events(),
    close: () => controller.abort(),
  };
}

/** Reads events until `until` says stop (inclusive) or `timeoutMs` passes. */
export async function collect(
  events: AsyncGenerator<SseEvent>,
  until: (event: SseEvent) => boolean,
  timeoutMs = 5_000,
): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  for (;;) {
    const next = await Promise.race([events.next(), timer]);
    if (next === 'timeout')
      throw new Error(`stream did not finish in ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
    if (next.done) return seen;
    seen.push(next.value);
    if (until(next.value)) return seen;
  }
}
