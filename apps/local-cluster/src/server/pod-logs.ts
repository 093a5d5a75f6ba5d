import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../errors';
import {
  containerRun,
  formatLine,
  linesWritten,
  logLine,
  selectLines,
  type ContainerRun,
} from '../logs/pod-log-lines';
import { objectKey } from '../storage/object-store';
import type { Registry } from '../registry/registry';
import { pods } from '../resources/pods';

export interface PodLogSettings {
  /** Period of the heartbeat line of a running container. */
  logIntervalMs: number;
}

function integer(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw badRequest(`${key}: Invalid value: "${value}": must be greater than or equal to 0`);
  return number;
}

function flag(query: URLSearchParams, key: string): boolean {
  const value = query.get(key);
  return value === 'true' || value === '1';
}

function sameRun(a: ContainerRun, b: ContainerRun): boolean {
  return a.container === b.container && a.startedAt.getTime() === b.startedAt.getTime() && !b.finishedAt;
}

/**
 * GET pods/<name>/log. Lines are derived from the stored pod alone (the container's start time and image), so
 * no state is shared with the kubelets: a start line, then a heartbeat every `logIntervalMs`. `follow` keeps
 * the response open and writes each line when its time comes, until the container stops or the client leaves.
 */
export function servePodLog(
  registry: Registry,
  namespace: string,
  name: string,
  query: URLSearchParams,
  request: IncomingMessage,
  response: ServerResponse,
  settings: PodLogSettings,
): void {
  const pod = registry.get(pods, namespace, name);
  const previous = flag(query, 'previous');
  const follow = flag(query, 'follow') && !previous;
  const run = containerRun(pod, { container: query.get('container') ?? undefined, previous });
  const timestamps = flag(query, 'timestamps');
  const tailLines = integer(query, 'tailLines');
  const limitBytes = integer(query, 'limitBytes');
  const sinceSeconds = integer(query, 'sinceSeconds');
  const sinceTimeText = query.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceSeconds !== undefined) sinceTime = new Date(registry.clock().getTime() - sinceSeconds * 1000);
  if (sinceTimeText) {
    sinceTime = new Date(sinceTimeText);
    if (Number.isNaN(sinceTime.getTime())) throw badRequest(`sinceTime: Invalid value: "${sinceTimeText}"`);
  }
  const interval = settings.logIntervalMs;
  let count = linesWritten(run, interval, registry.clock());
  const lines = selectLines(name, run, count, interval, { tailLines, sinceTime, timestamps });

  response.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  let written = 0;
  let done = false;
  const write = (text: string): void => {
    if (done) return;
    let chunk = text;
    if (limitBytes !== undefined && written + Buffer.byteLength(chunk) > limitBytes) {
      chunk = Buffer.from(chunk)
        .subarray(0, limitBytes - written)
        .toString('utf8');
      written = limitBytes;
      response.write(chunk);
      finish();
      return;
    }
    written += Buffer.byteLength(chunk);
    response.write(chunk);
  };
  let timer: NodeJS.Timeout | undefined;
  const bucket = registry.store.bucket('/pods');
  const key = objectKey(namespace, name);
  const current = (): ContainerRun | undefined => {
    const latest = registry.find(pods, namespace, name);
    if (!latest || latest.metadata.deletionTimestamp) return undefined;
    try {
      return containerRun(latest, { container: run.container });
    } catch {
      return undefined;
    }
  };
  const listener = (event: { object: { metadata: { namespace?: string; name?: string } }; type: string }) => {
    if (objectKey(event.object.metadata.namespace, event.object.metadata.name ?? '') !== key) return;
    const latest = event.type === 'DELETED' ? undefined : current();
    if (!latest || !sameRun(run, latest)) finish();
  };
  function finish(): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    bucket.listeners.delete(listener);
    response.end();
  }
  for (const line of lines) write(line);
  if (!follow || run.finishedAt || done) {
    finish();
    return;
  }
  bucket.listeners.add(listener);
  request.on('close', finish);
  response.on('close', finish);
  const scheduleNext = () => {
    const due = run.startedAt.getTime() + count * interval;
    timer = setTimeout(
      () => {
        const latest = current();
        if (!latest || !sameRun(run, latest)) return finish();
        const now = registry.clock();
        const total = linesWritten(run, interval, now);
        for (; count < total; count += 1) write(formatLine(logLine(name, run, count, interval), timestamps));
        if (!done) scheduleNext();
      },
      Math.max(0, due - registry.clock().getTime()),
    );
  };
  scheduleNext();
}
