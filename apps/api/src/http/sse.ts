/**
 * Server-sent events: named events with ids (`Last-Event-ID` resumes), a comment every 15 s so proxies keep
 * the connection, and an end when the client goes away or the server shuts down.
 */
import type { StreamEvent } from '@cite/catalog';
import { invalidField } from '@cite/errors';
import type { Request, Response } from 'express';

export const HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** Aborted when the client left or the server is shutting down. */
  signal: AbortSignal;
  send(event: StreamEvent): void;
  end(): void;
}

const EVENT_ID = /^\d{1,15}$/;

/**
 * The client's `Last-Event-ID` (header, or `lastEventId` query for a first connect); 0 when none. A bad value
 * is a 400 at the one that carried it (`headers.last-event-id` or `query.lastEventId`).
 */
export function lastEventId(req: Request): number {
  const header = req.get('last-event-id');
  if (header !== undefined) {
    if (header === '') return 0;
    if (!EVENT_ID.test(header))
      throw invalidField('headers.last-event-id', 'must be an event id from this stream');
    return Number(header);
  }
  const query = req.query['lastEventId'];
  if (query === undefined || query === '') return 0;
  if (typeof query !== 'string') throw invalidField('query.lastEventId', 'must be given once');
  if (!EVENT_ID.test(query)) throw invalidField('query.lastEventId', 'must be an event id from this stream');
  return Number(query);
}

/** `?follow=true|false`; undefined when absent, a 400 at `query.follow` for anything else. */
export function followQuery(req: Request): boolean | undefined {
  const value = req.query['follow'];
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidField(
    'query.follow',
    typeof value === 'string' ? 'must be true or false' : 'must be given once',
  );
}

/** The log as SSE: with `?follow=true` or `Accept: text/event-stream`. */
export function wantsEventStream(req: Request): boolean {
  return (
    followQuery(req) === true || req.accepts(['text/plain', 'text/event-stream']) === 'text/event-stream'
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
