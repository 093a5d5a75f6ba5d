/**
 * The simulated kubelets: one loop for every pool node. Each pod bound to a pool node gets a runtime
 * (pod-runtime.ts) that is stepped whenever the pod changes or a timed step is due; the loop gives it a pod IP
 * from the node's pod CIDR, and the executor (kubelet-executor.ts) asks the registry about images, records the
 * events, writes the status when it changed, and removes pods whose deletion it has carried out. Pod IPs are
 * released when pods disappear. The kubelet of a node annotated `local-cluster.cite.dev/kubelet: stopped` does
 * nothing for that node's pods (no status, no start, no removal) until the annotation goes; then it syncs them
 * all again.
 */
import { nextFreeIp, nodeNamed, type ValidatedPool } from '@cite/ip-pool';
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { type ReconcileResult, runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, type Pod, keyOf } from '../kit/wire';
import { type KubeletTimings, behaviourOf, isKubeletStopped } from './behaviour';
import { type KubeletExecutor, kubeletExecutor } from './kubelet-executor';
import { stepPod } from './pod-runtime';
import { PodRuntimes } from './pod-runtimes';
import { ownedStatusPatch, renderPodStatus } from './pod-status';
import type { ImageChecker, PullCheck } from './registry';

export interface KubeletDeps {
  clients: Clients;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  pool: ValidatedPool;
  timings: KubeletTimings;
  images: ImageChecker;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
  /** Pods worked on at once. @defaultValue 8 */
  workers?: number;
}

export function startKubelets(deps: KubeletDeps): Workers {
  const { pods, nodes, pool } = deps;
  const queue = new WorkQueue();
  const poolNodes = new Set(pool.nodes.map((node) => node.name));
  const runtimes = new PodRuntimes();
  const concerned = (pod: Pod): boolean => Boolean(pod.metadata?.deletionTimestamp || pod.spec?.nodeName);
  pods.addHandlers({
    add: (pod) => concerned(pod) && queue.add(keyOf(pod)),
    update: (pod) => concerned(pod) && queue.add(keyOf(pod)),
    delete: (pod) => runtimes.release(pod.metadata?.uid ?? ''),
  });
  // A kubelet that starts again syncs every pod bound to its node.
  nodes.addHandlers({
    update: (node, old) => {
      if (isKubeletStopped(node) || !isKubeletStopped(old)) return;
      for (const pod of pods.store.byIndex('node', node.metadata?.name ?? '')) queue.add(keyOf(pod));
    },
  });
  const kubelet = kubeletExecutor(deps);
  return runWorkers(
    'kubelet',
    queue,
    async (key) => {
      const pod = pods.store.getByKey(key);
      if (!pod) return;
      const nodeName = pod.spec?.nodeName ?? '';
      if (poolNodes.has(nodeName)) {
        if (isKubeletStopped(nodes.store.get('', nodeName))) return;
        return syncPod(deps, runtimes, kubelet, pod);
      }
      // No kubelet will ever run it; the API server would delete an unbound pod at once.
      if (pod.metadata?.deletionTimestamp) await kubelet.remove(pod);
    },
    deps.logger,
    deps.workers ?? 8,
  );
}

/** One step of a pod on a pool node: its runtime advanced, events recorded, status written, maybe removed. */
async function syncPod(
  deps: KubeletDeps,
  runtimes: PodRuntimes,
  kubelet: KubeletExecutor,
  pod: Pod,
): Promise<ReconcileResult | void> {
  const { pool, clock } = deps;
  const nodeName = pod.spec?.nodeName ?? '';
  const uid = pod.metadata?.uid ?? '';
  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  const known = runtimes.known(pod, clock());
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (!known && finished && !deleting) return;
  const checks = deleting ? new Map<string, PullCheck>() : await kubelet.pullChecks(pod, known);
  // From here to runtimes.set nothing awaits, so two workers never hand out the same address.
  const now = clock();
  const result = stepPod({
    pod,
    runtime: runtimes.get(uid),
    now,
    timings: deps.timings,
    behaviour: behaviourOf(pod),
    freeIp: known?.ip ? null : nextFreeIp(pool, nodeName, runtimes.usedIps(nodeName)),
    pullFailureOf: (image) => checks.get(image) ?? null,
  });
  runtimes.set(uid, result.runtime);
  kubelet.recordEvents(pod, nodeName, result.events);

  const status = renderPodStatus(pod, result.runtime, nodeNamed(pool, nodeName).address, now);
  const patch = ownedStatusPatch(pod, status);
  if (patch && !(await kubelet.writeStatus(pod, patch))) return;
  if (result.deletePod) await kubelet.remove(pod);
  if (result.wakeAt !== undefined) return { requeueAfterMs: Math.max(0, result.wakeAt - clock()) };
}
