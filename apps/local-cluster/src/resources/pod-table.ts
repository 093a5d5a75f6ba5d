import { asArray, asObject, type KubeObject } from '../api-types';
import type { TableColumn } from '../registry/resource-definition';
import { ageColumn, column, humanDuration, nameColumn } from './columns';

/** The STATUS column as kubectl's printPod computes it: reason, waiting/terminated reasons, Init:x/y, Terminating. */
export function podStatusText(pod: KubeObject): string {
  const status = asObject(pod.status);
  let reason = String(status.reason ?? status.phase ?? 'Unknown');
  const initStatuses = asArray(status.initContainerStatuses).map(asObject);
  const initTotal = asArray(asObject(pod.spec).initContainers).length;
  let initializing = false;
  initStatuses.forEach((container, index) => {
    if (initializing) return;
    const state = asObject(container.state);
    const terminated = asObject(state.terminated);
    const waiting = asObject(state.waiting);
    if (state.terminated && terminated.exitCode === 0) return;
    initializing = true;
    if (state.terminated)
      reason = `Init:${String(terminated.reason ?? `ExitCode:${String(terminated.exitCode)}`)}`;
    else if (state.waiting && waiting.reason && waiting.reason !== 'PodInitializing')
      reason = `Init:${String(waiting.reason)}`;
    else reason = `Init:${index}/${initTotal}`;
  });
  if (!initializing) {
    let running = false;
    for (const container of asArray(status.containerStatuses).map(asObject).reverse()) {
      const state = asObject(container.state);
      if (state.waiting && asObject(state.waiting).reason) reason = String(asObject(state.waiting).reason);
      else if (state.terminated && asObject(state.terminated).reason)
        reason = String(asObject(state.terminated).reason);
      else if (state.terminated) reason = `ExitCode:${String(asObject(state.terminated).exitCode)}`;
      else if (state.running && container.ready === true) running = true;
    }
    if (reason === 'Completed' && running) reason = 'Running';
  }
  if (pod.metadata.deletionTimestamp && status.reason !== 'NodeLost') reason = 'Terminating';
  return reason;
}

function ready(pod: KubeObject): string {
  const statuses = asArray(asObject(pod.status).containerStatuses).map(asObject);
  const total = asArray(asObject(pod.spec).containers).length;
  return `${statuses.filter((status) => status.ready === true).length}/${total}`;
}

function restarts(pod: KubeObject, now: Date): string {
  let count = 0;
  let last = 0;
  for (const status of asArray(asObject(pod.status).containerStatuses).map(asObject)) {
    count += Number(status.restartCount ?? 0);
    const finished = asObject(asObject(status.lastState).terminated).finishedAt;
    if (typeof finished === 'string') last = Math.max(last, Date.parse(finished));
  }
  return count > 0 && last > 0 ? `${count} (${humanDuration(now.getTime() - last)} ago)` : String(count);
}

export const podColumns: TableColumn[] = [
  nameColumn,
  column('Ready', ready),
  column('Status', podStatusText),
  column('Restarts', restarts),
  ageColumn,
  column('IP', (pod) => asObject(pod.status).podIP ?? '<none>', 'string', 1),
  column('Node', (pod) => asObject(pod.spec).nodeName ?? '<none>', 'string', 1),
  column('Nominated Node', (pod) => asObject(pod.status).nominatedNodeName ?? '<none>', 'string', 1),
  column(
    'Readiness Gates',
    (pod) => (asArray(asObject(pod.spec).readinessGates).length > 0 ? 'gates' : '<none>'),
    'string',
    1,
  ),
];
