/**
 * Server-sent events: named events with ids (`Last-Event-ID` resumes), a comment every 15 s so proxies keep
 * the connection, and an end when the client goes away or the server shuts down.
 */
import type { StreamEvent } from '@cite/catalog';
import { invalidField } from '@cite/catalog';
import type { Request, Response } from 'express';

export const HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** Aborted when the client left or the server is shutting down. */
  signal: AbortSignal;
  send(event: StreamEvent): void;
  end(): void;
}

/** The client's `Last-Event-ID` (header, or `lastEventId` query for a first connect); 0 when none. */
export function lastEventId(req: Request): number {
  const raw =
    req.get('last-event-id') ??
    (typeof req.query['lastEventId'] === 'string' ? req.query['lastEventId'] : undefined);
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw))
    throw invalidField('headers.last-event-id', 'must be an event id from this stream');
  return Number(raw);
}

export function wantsEventStream(req: Request): boolean {
  return (
    req.accepts(['text/plain', 'text/event-stream']) === 'text/event-stream' || req.query['follow'] === 'true'
  );
}

export function openSse(req: Request, res: Response, shutdown?: AbortSignal): SseStream {
  const controller = new AbortController();
  const abort = () => controller.abort();
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // One stream per connection: when it ends the socket closes too, so a shutdown never waits on idle ones.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': keepalive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.once('close', abort);
  res.once('close', abort);
  if (shutdown?.aborted) abort();
  shutdown?.addEventListener('abort', abort, { once: true });
  controller.signal.addEventListener('abort', () => clearInterval(heartbeat), { once: true });
  return {
    signal: controller.signal,
    send(event) {
      if (controller.signal.aborted) return;
      res.write(`id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    end() {
      clearInterval(heartbeat);
      shutdown?.removeEventListener('abort', abort);
      if (!res.writableEnded) res.end();
    },
  };
}
