/**
 * What the kubelets do through the API and the registry: ask the registry about the images a step may pull,
 * record a step's events, write the status the step rendered, and remove a pod whose deletion they carried out.
 */
import { isNotFound } from '@cite/kube';
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import { deleteGuarded } from '../kit/guarded-writes';
import type { Informer } from '../kit/informer';
import { PATHS } from '../kit/raw-api';
import type { Pod } from '../kit/wire';
import type { PodEvent, PodRuntime } from './pod-runtime';
import type { ImageChecker, PullCheck } from './registry';

export interface KubeletExecutorDeps {
  clients: Clients;
  pods: Informer<Pod>;
  images: ImageChecker;
  events: EventSink;
}

export interface KubeletExecutor {
  /** Registry answers for the images a step may pull (none while every container runs or has run). */
  pullChecks(pod: Pod, runtime: PodRuntime | undefined): Promise<Map<string, PullCheck>>;
  recordEvents(pod: Pod, nodeName: string, events: PodEvent[]): void;
  /** Merge-patches the pod's status; false when the pod is gone. */
  writeStatus(pod: Pod, patch: Record<string, unknown>): Promise<boolean>;
  /** Deletes the pod with grace period 0; gone already, or replaced by a pod of the same name, is fine. */
  remove(pod: Pod): Promise<void>;
}

export function kubeletExecutor(deps: KubeletExecutorDeps): KubeletExecutor {
  const { clients, pods, images, events } = deps;
  const pathOf = (pod: Pod, subresource?: string) =>
    PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', subresource);
  return {
    async pullChecks(pod, runtime) {
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
    },
    recordEvents(pod, nodeName, podEvents) {
      const regarding = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
      const source = { component: 'kubelet', host: nodeName };
      for (const event of podEvents) events.record({ regarding, source, ...event });
    },
    async writeStatus(pod, patch) {
      try {
        pods.store.recordWrite(await clients.raw.mergePatch<Pod>(pathOf(pod, 'status'), patch));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async remove(pod) {
      await deleteGuarded(
        pods.store,
        pod,
        (options) => clients.raw.remove(pathOf(pod), options, { gracePeriodSeconds: '0' }),
        {
          gracePeriodSeconds: 0,
        },
      );
    },
  };
}
