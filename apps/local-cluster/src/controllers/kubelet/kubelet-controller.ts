/**
 * The simulated kubelets: one loop for every pool node. Each pod bound to a pool node gets a runtime
 * (pod-runtime.ts) that is stepped whenever the pod changes or a timed step is due; the loop gives it a pod IP
 * from the node's pod CIDR, asks the registry about images, records the events, writes the status when it
 * changed, and removes pods whose deletion it has carried out. Pod IPs are released when pods disappear.
 */
import { nextFreeIp, nodeNamed, type ValidatedPool } from '@cite/ip-pool';
import { isConflict, isNotFound } from '../kit/api-errors';
import type { Clients } from '../kit/clients';
import { PATHS } from '../kit/raw-api';
import { recordDeleteOutcome } from '../kit/delete-outcome';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Pod, keyOf } from '../kit/wire';
import { adoptPodRuntime } from './adopt';
import { type KubeletTimings, behaviourOf } from './behaviour';
import { type PodRuntime, stepPod } from './pod-runtime';
import { ownedStatusPatch, renderPodStatus } from './pod-status';
import type { ImageChecker, PullCheck } from './registry';

export interface KubeletDeps {
  clients: Clients;
  pods: Informer<Pod>;
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
  const { clients, pods, pool, timings, images, events, clock } = deps;
  const queue = new WorkQueue();
  const poolNodes = new Set(pool.nodes.map((node) => node.name));
  const runtimes = new Map<string, PodRuntime>();
  const ipsByNode = new Map<string, Set<string>>();

  const holdIp = (runtime: PodRuntime): void => {
    if (!runtime.ip) return;
    let used = ipsByNode.get(runtime.nodeName);
    if (!used) ipsByNode.set(runtime.nodeName, (used = new Set()));
    used.add(runtime.ip);
  };
  const release = (uid: string): void => {
    const runtime = runtimes.get(uid);
    if (!runtime) return;
    runtimes.delete(uid);
    if (runtime.ip) ipsByNode.get(runtime.nodeName)?.delete(runtime.ip);
  };
  const concerned = (pod: Pod): boolean => Boolean(pod.metadata?.deletionTimestamp || pod.spec?.nodeName);
  pods.addHandlers({
    add: (pod) => concerned(pod) && queue.add(keyOf(pod)),
    update: (pod) => concerned(pod) && queue.add(keyOf(pod)),
    delete: (pod) => release(pod.metadata?.uid ?? ''),
  });

  const remove = async (pod: Pod): Promise<void> => {
    try {
      const response = await clients.raw.remove(
        PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''),
        { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
        { gracePeriodSeconds: '0' },
      );
      recordDeleteOutcome(pods.store, pod, response);
    } catch (error) {
      // Gone already, or replaced by a pod of the same name (the uid precondition failed).
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  };

  /** Registry answers for the images a step may pull. */
  const pullChecks = async (pod: Pod, runtime: PodRuntime | undefined): Promise<Map<string, PullCheck>> => {
    const answers = new Map<string, PullCheck>();
    const pulling = (runtime?.containers ?? []).some(
      (c) => c.lastTerminated === undefined && c.phase !== 'running',
    );
    if (runtime && !pulling) return answers;
    const wanted = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(
      (c) => c.image ?? '',
    );
    await Promise.all(
      [...new Set(wanted)].map(async (image) => answers.set(image, await images.check(image))),
    );
    return answers;
  };

  return runWorkers(
    'kubelet',
    queue,
    async (key) => {
      const pod = pods.store.getByKey(key);
      if (!pod) return;
      const nodeName = pod.spec?.nodeName ?? '';
      if (!poolNodes.has(nodeName)) {
        // No kubelet will ever run it; the API server would delete an unbound pod at once.
        if (pod.metadata?.deletionTimestamp) await remove(pod);
        return;
      }
      const uid = pod.metadata?.uid ?? '';
      const known = runtimes.get(uid) ?? adoptPodRuntime(pod, clock());
      if (known && !runtimes.has(uid)) {
        runtimes.set(uid, known);
        holdIp(known);
      }
      if (
        !known &&
        (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') &&
        !pod.metadata?.deletionTimestamp
      )
        return;
      const checks = pod.metadata?.deletionTimestamp
        ? new Map<string, PullCheck>()
        : await pullChecks(pod, known);
      // From here to holdIp nothing awaits, so two workers never hand out the same address.
      const now = clock();
      const freeIp = known?.ip
        ? null
        : nextFreeIp(pool, nodeName, ipsByNode.get(nodeName) ?? new Set<string>());
      const result = stepPod({
        pod,
        runtime: runtimes.get(uid),
        now,
        timings,
        behaviour: behaviourOf(pod),
        freeIp,
        pullFailureOf: (image) => checks.get(image) ?? null,
      });
      runtimes.set(uid, result.runtime);
      holdIp(result.runtime);

      const regarding = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
      const source = { component: 'kubelet', host: nodeName };
      for (const event of result.events) events.record({ regarding, source, ...event });

      const status = renderPodStatus(pod, result.runtime, nodeNamed(pool, nodeName).address, now);
      const patch = ownedStatusPatch(pod, status);
      if (patch) {
        try {
          const patched = await clients.raw.mergePatch<Pod>(
            PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'status'),
            patch,
          );
          pods.store.recordWrite(patched);
        } catch (error) {
          if (isNotFound(error)) return;
          throw error;
        }
      }
      if (result.deletePod) await remove(pod);
      if (result.wakeAt !== undefined) return { requeueAfterMs: Math.max(0, result.wakeAt - clock()) };
    },
    deps.logger,
    deps.workers ?? 8,
  );
}
