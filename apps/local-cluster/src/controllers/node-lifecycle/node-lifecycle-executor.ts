/**
 * What the node lifecycle, taint eviction and pod GC decisions write, as kube's controllers write them: node
 * conditions and taints guarded by the node's resourceVersion (kube's UpdateStatus and taint patches), a pod's
 * Ready=False and DisruptionTarget conditions as strategic merge patches of its status, evictions as plain
 * deletes (the pod's own grace period), the pod GC's as `Failed` then a delete with grace period 0; and the
 * events: NodeNotReady on the node (node-controller) and on its pods, TaintManagerEviction on evicted pods.
 */
import { isNotFound } from '@cite/kube';
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import { deleteGuarded } from '../kit/guarded-writes';
import type { Informer } from '../kit/informer';
import { NODE_PATHS, PATHS } from '../kit/raw-api';
import { type Clock, rfc3339 } from '../kit/time';
import type { Node, NodeCondition, Pod, Taint } from '../kit/wire';
import { podNotReadyCondition } from './reconcile-node-lifecycle';

export interface NodeLifecycleExecutorDeps {
  clients: Clients;
  nodes: Informer<Node>;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
}

const NODE_CONTROLLER = { component: 'node-controller' };
const TAINT_EVICTION_CONTROLLER = { component: 'taint-eviction-controller' };

export interface NodeLifecycleExecutor {
  /** Writes the node's status conditions; the node as written, or undefined when it is gone. */
  writeConditions(node: Node, conditions: NodeCondition[]): Promise<Node | undefined>;
  /** Writes the node's taints; the node as written, or undefined when it is gone. */
  writeTaints(node: Node, taints: Taint[]): Promise<Node | undefined>;
  recordNodeNotReady(node: Node): void;
  /** MarkPodsNotReady for one pod: Ready=False and a NodeNotReady warning (nothing when it is False already). */
  markPodNotReady(pod: Pod): Promise<void>;
  /** The taint manager's eviction: TaintManagerEviction, DisruptionTarget=True, then a delete. */
  evict(pod: Pod): Promise<void>;
  /** The taint manager's event for an eviction that is no longer due. */
  recordEvictionCancelled(pod: Pod): void;
  /** The pod GC's force deletion: phase Failed (unless finished), then deleted with grace period 0. */
  forceDelete(pod: Pod): Promise<void>;
}

export function nodeLifecycleExecutor(deps: NodeLifecycleExecutorDeps): NodeLifecycleExecutor {
  const { clients, nodes, pods, events, clock } = deps;
  const podPath = (pod: Pod, subresource?: string) =>
    PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', subresource);
  const guard = (object: Pod | Node) => ({
    uid: object.metadata?.uid,
    resourceVersion: object.metadata?.resourceVersion,
  });
  const writeNode = async (path: string, body: unknown): Promise<Node | undefined> => {
    try {
      const written = await clients.raw.mergePatch<Node>(path, body);
      nodes.store.recordWrite(written);
      return written;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const patchPodStatus = async (pod: Pod, status: Pod['status']): Promise<boolean> => {
    try {
      const body = { metadata: { uid: pod.metadata?.uid }, status };
      pods.store.recordWrite(await clients.raw.strategicMergePatch<Pod>(podPath(pod, 'status'), body));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
  const podName = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  // kube's taint manager names the pod without its uid.
  const taintManagerEvent = (pod: Pod, message: string) =>
    events.record({
      regarding: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace },
      },
      type: 'Normal',
      reason: 'TaintManagerEviction',
      message,
      source: TAINT_EVICTION_CONTROLLER,
    });

  return {
    writeConditions: (node, conditions) =>
      writeNode(NODE_PATHS.node(node.metadata?.name ?? '', 'status'), {
        metadata: guard(node),
        status: { conditions },
      }),
    writeTaints: (node, taints) =>
      writeNode(NODE_PATHS.node(node.metadata?.name ?? ''), {
        metadata: guard(node),
        spec: { taints: taints.length > 0 ? taints : null },
      }),
    recordNodeNotReady(node) {
      const name = node.metadata?.name ?? '';
      events.record({
        regarding: { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: node.metadata?.uid } },
        type: 'Normal',
        reason: 'NodeNotReady',
        message: `Node ${name} status is now: NodeNotReady`,
        source: NODE_CONTROLLER,
      });
    },
    async markPodNotReady(pod) {
      const condition = podNotReadyCondition(pod, clock());
      if (!condition) return;
      if (!(await patchPodStatus(pod, { conditions: [condition] }))) return;
      // After the write, so the event is about a pod that still exists (as kube records it).
      events.record({
        regarding: { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata },
        type: 'Warning',
        reason: 'NodeNotReady',
        message: 'Node is not ready',
        source: NODE_CONTROLLER,
      });
    },
    async evict(pod) {
      taintManagerEvent(pod, `Marking for deletion Pod ${podName(pod)}`);
      const disruption = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      if (disruption?.status !== 'True' || disruption.reason !== 'DeletionByTaintManager') {
        const condition = {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
          lastTransitionTime: rfc3339(clock()),
        };
        if (!(await patchPodStatus(pod, { conditions: [condition] }))) return;
      }
      await deleteGuarded(pods.store, pod, (options) => clients.raw.remove(podPath(pod), options));
    },
    recordEvictionCancelled: (pod) => taintManagerEvent(pod, `Cancelling deletion of Pod ${podName(pod)}`),
    async forceDelete(pod) {
      const phase = pod.status?.phase;
      if (phase !== 'Succeeded' && phase !== 'Failed' && !(await patchPodStatus(pod, { phase: 'Failed' })))
        return;
      await deleteGuarded(
        pods.store,
        pod,
        (options) => clients.raw.remove(podPath(pod), options, { gracePeriodSeconds: '0' }),
        { gracePeriodSeconds: 0 },
      );
    },
  };
}
