import { asArray, asObject, type KubeObject } from '../api-types';
import { badRequest } from '../errors';

export interface LogLine {
  time: Date;
  text: string;
}

/** The span of one container run whose log is asked for, derived only from the stored pod. */
export interface ContainerRun {
  container: string;
  image: string;
  startedAt: Date;
  /** End of the run; undefined while it is still running. */
  finishedAt?: Date;
}

export interface LogRequest {
  container?: string;
  previous?: boolean;
}

/**
 * Which container run a pods/log request reads, with kube's 400s: a container name is required when the pod has
 * several, it must exist, and `previous` needs a terminated earlier run.
 */
export function containerRun(pod: KubeObject, request: LogRequest): ContainerRun {
  const name = pod.metadata.name ?? '';
  const spec = asObject(pod.spec);
  const containers = [...asArray(spec.initContainers), ...asArray(spec.containers)].map(asObject);
  const regular = asArray(spec.containers).map(asObject);
  let container = request.container;
  if (!container) {
    if (regular.length !== 1)
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${regular.map((c) => String(c.name)).join(' ')}]`,
      );
    container = String(regular[0]?.name);
  }
  const found = containers.find((candidate) => candidate.name === container);
  if (!found) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const status = asObject(pod.status);
  const statuses = [...asArray(status.initContainerStatuses), ...asArray(status.containerStatuses)].map(
    asObject,
  );
  const containerStatus = statuses.find((candidate) => candidate.name === container);
  const image = String(containerStatus?.image ?? found.image ?? '');
  if (request.previous) {
    const terminated = asObject(asObject(containerStatus?.lastState).terminated);
    if (!terminated.startedAt && !terminated.finishedAt)
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return {
      container,
      image,
      startedAt: new Date(String(terminated.startedAt ?? terminated.finishedAt)),
      finishedAt: new Date(String(terminated.finishedAt ?? terminated.startedAt)),
    };
  }
  const state = asObject(containerStatus?.state);
  const running = asObject(state.running);
  if (typeof running.startedAt === 'string')
    return { container, image, startedAt: new Date(running.startedAt) };
  const terminated = asObject(state.terminated);
  if (typeof terminated.startedAt === 'string' || typeof terminated.finishedAt === 'string')
    return {
      container,
      image,
      startedAt: new Date(String(terminated.startedAt ?? terminated.finishedAt)),
      finishedAt: new Date(String(terminated.finishedAt ?? terminated.startedAt)),
    };
  const reason = String(asObject(state.waiting).reason ?? 'ContainerCreating');
  throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
}

/** The n-th line of a run: n = 0 is the start line naming the image, then heartbeats every interval. */
export function logLine(pod: string, run: ContainerRun, n: number, intervalMs: number): LogLine {
  const time = new Date(run.startedAt.getTime() + n * intervalMs);
  const body = n === 0 ? `starting container ${run.container} image=${run.image}` : `heartbeat n=${n}`;
  return { time, text: `${time.toISOString()} INFO ${pod}/${run.container} ${body}` };
}

/** How many lines the run has written by `now`. */
export function linesWritten(run: ContainerRun, intervalMs: number, now: Date): number {
  const end = Math.min(now.getTime(), run.finishedAt?.getTime() ?? Infinity);
  if (end < run.startedAt.getTime()) return 0;
  return Math.floor((end - run.startedAt.getTime()) / Math.max(1, intervalMs)) + 1;
}

/** RFC3339Nano, as kubelet prefixes lines with `timestamps=true`. */
export function rfc3339Nano(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export interface LogFilter {
  tailLines?: number;
  sinceTime?: Date;
  timestamps?: boolean;
}

/** The lines a request returns from the `count` written so far, formatted (each ends with a newline). */
export function selectLines(
  pod: string,
  run: ContainerRun,
  count: number,
  intervalMs: number,
  filter: LogFilter,
): string[] {
  let first = 0;
  if (filter.sinceTime) {
    const offset = filter.sinceTime.getTime() - run.startedAt.getTime();
    first = Math.max(0, Math.ceil(offset / Math.max(1, intervalMs)));
  }
  if (filter.tailLines !== undefined) first = Math.max(first, count - filter.tailLines);
  const lines: string[] = [];
  for (let n = first; n < count; n += 1)
    lines.push(formatLine(logLine(pod, run, n, intervalMs), filter.timestamps));
  return lines;
}

export function formatLine(line: LogLine, timestamps: boolean | undefined): string {
  return `${timestamps ? `${rfc3339Nano(line.time)} ` : ''}${line.text}\n`;
}
