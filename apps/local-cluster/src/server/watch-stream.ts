/**
 * A watch as an HTTP stream: one JSON event per line (`{"type":…,"object":…}`), chunked. Fan-out is the hot
 * path when many clients watch one resource, so
 * - an object's JSON is encoded once, when stored, and every watcher sends those bytes as they are;
 * - a watcher's events are queued and written together (watch-flush.ts), so the writes handled in one turn of
 *   the event loop, or one coalescing window under load, cost each watcher one write, not one per event;
 * - watchers that queued the same events share the joined bytes of the batch (`joinShared`).
 * Table watches (kubectl get -w) get each object converted to a one-row Table instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../api-types';
import type { ClusterState } from '../cluster-state';
import type { WatchOptions } from '../registry/options';
import type { ResourceDefinition } from '../registry/resource-definition';
import { servedObject } from '../registry/serialize';
import { startWatch, type WatchSettings } from '../registry/watch';
import { toTable, type IncludeObject } from './tables';
import { cancelFlush, scheduleFlush, type Flushable } from './watch-flush';

export interface WatchExchange {
  request: IncomingMessage;
  response: ServerResponse;
  table: boolean;
  include: IncludeObject;
}

/** Bytes a watch stream may have waiting for its client before it is closed. */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

const PREFIXES = new Map<string, Buffer>();
const SUFFIX = Buffer.from('}\n');

/**
 * The last queue joined and its bytes. Watchers of one resource (without selectors) queue the very same
 * buffers in the same order during a window, and they are flushed one after the other, so each batch is joined
 * once and the same bytes are written to every one of them: one copy per flush, not one per watcher.
 */
let lastJoined: { parts: Buffer[]; data: Buffer } | undefined;

function joinShared(parts: Buffer[]): Buffer {
  const last = lastJoined;
  if (last && last.parts.length === parts.length && last.parts.every((part, i) => part === parts[i]))
    return last.data;
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  lastJoined = { parts, data };
  return data;
}

/** `{"type":"<type>","object":` as bytes, made once per type. */
function prefix(type: string): Buffer {
  let bytes = PREFIXES.get(type);
  if (!bytes) PREFIXES.set(type, (bytes = Buffer.from(`{"type":"${type}","object":`)));
  return bytes;
}

export function serveWatch(
  state: ClusterState,
  definition: ResourceDefinition,
  namespace: string | undefined,
  options: WatchOptions,
  exchange: WatchExchange,
  settings: WatchSettings,
): void {
  const { request, response } = exchange;
  let queued: Buffer[] = [];
  let ended = false;
  // Headers go out lazily: startWatch may still throw (a bad resourceVersion is a 400 Status, not a stream).
  const head = () => {
    if (response.headersSent) return;
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
  };
  const stream: Flushable = {
    flush() {
      head();
      if (queued.length === 0 || response.destroyed) return;
      const data = joinShared(queued);
      queued = [];
      response.write(data);
      // A watcher that reads far slower than events come is cut off, as kube-apiserver closes watchers whose
      // buffer stays full; its client lists and watches again.
      if (response.writableLength > MAX_UNREAD_BYTES) response.destroy();
    },
  };
  // An event is queued as three shared buffers (prefix, the object's stored bytes, suffix); the flush copies
  // the queue into one buffer, the only copy each watcher makes.
  const send = (type: string, object: Buffer) => {
    queued.push(prefix(type), object, SUFFIX);
    scheduleFlush(stream);
  };
  const watch = startWatch(
    state.registry,
    definition,
    namespace,
    options,
    {
      event(type, object, bytes) {
        if (exchange.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
          const row = toTable(
            definition,
            [servedObject(definition, object as KubeObject)],
            {},
            exchange.include,
            state.registry.clock(),
          );
          send(type, Buffer.from(JSON.stringify(row)));
        } else send(type, bytes);
      },
      end() {
        if (ended) return;
        ended = true;
        cancelFlush(stream);
        stream.flush();
        response.end();
      },
    },
    settings,
  );
  // Send the headers now so clients see the stream open before the first event.
  head();
  response.flushHeaders();
  const stop = () => {
    watch.stop();
    cancelFlush(stream);
  };
  request.on('close', stop);
  response.on('close', stop);
}
