/**
 * kube-scheduler's default profile, cut down to what the emulator's pods need: filter the nodes a pod fits
 * (unschedulable flag, taints, nodeSelector and required node affinity, pod count, cpu and memory requests
 * against allocatable minus what the node's pods request), then score the rest by least allocated (with
 * kube's non-zero defaults for request-less containers, which is what spreads replicas), ties broken by fewer
 * pods and then by name so the choice is deterministic. No fit → the scheduler's own message:
 * `0/10 nodes are available: 10 Insufficient cpu.`
 */
import { requirementMatches } from '../kit/labels';
import { type Resources, addResources, allocatableOf, podRequests } from '../kit/resources';
import { NOT_READY_TAINT_KEY, UNSCHEDULABLE_TAINT_KEY, isNodeReady, tolerates } from '../kit/taints';
import type { Node, Pod, Taint } from '../kit/wire';

export interface NodeInfo {
  node: Node;
  /** Pods bound to the node that still hold resources (not Succeeded/Failed), the one being scheduled excluded. */
  pods: Pod[];
}

export type ScheduleResult = { type: 'bind'; nodeName: string } | { type: 'unschedulable'; message: string };

const NOT_READY_TAINT: Taint = { key: NOT_READY_TAINT_KEY, effect: 'NoSchedule' };

function untoleratedTaint(pod: Pod, node: Node): Taint | undefined {
  const taints: Taint[] = [...(node.spec?.taints ?? [])];
  if (!isNodeReady(node)) taints.push(NOT_READY_TAINT);
  return taints.find(
    (taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(pod, taint),
  );
}

function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {}))
    if (labels[key] !== value) return false;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  // Terms are ORed; the requirements inside one term are ANDed.
  return terms.some((term) => {
    const byLabel = (term.matchExpressions ?? []).every((requirement) =>
      requirementMatches(requirement, labels),
    );
    const fields = { 'metadata.name': node.metadata?.name ?? '' };
    const byField = (term.matchFields ?? []).every((requirement) => requirementMatches(requirement, fields));
    return (
      byLabel && byField && ((term.matchExpressions?.length ?? 0) > 0 || (term.matchFields?.length ?? 0) > 0)
    );
  });
}

function sumRequests(pods: Pod[], nonZero: boolean): Resources {
  return pods.reduce((total, pod) => addResources(total, podRequests(pod, nonZero)), { cpu: 0n, memory: 0n });
}

/** Why the pod does not fit on the node (kube's wording), or an empty list when it does. */
export function fitFailures(pod: Pod, info: NodeInfo): string[] {
  const { node } = info;
  if (node.spec?.unschedulable && !tolerates(pod, { key: UNSCHEDULABLE_TAINT_KEY, effect: 'NoSchedule' }))
    return ['node(s) were unschedulable'];
  const taint = untoleratedTaint(pod, node);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  if (!matchesNodeSelector(pod, node)) return ["node(s) didn't match Pod's node affinity/selector"];
  const allocatable = allocatableOf(node.status);
  const failures: string[] = [];
  if (info.pods.length + 1 > allocatable.pods) failures.push('Too many pods');
  const requested = podRequests(pod);
  const used = sumRequests(info.pods, false);
  if (requested.cpu > 0n && used.cpu + requested.cpu > allocatable.cpu) failures.push('Insufficient cpu');
  if (requested.memory > 0n && used.memory + requested.memory > allocatable.memory)
    failures.push('Insufficient memory');
  return failures;
}

/** NodeResourcesFit LeastAllocated (cpu and memory, equal weights), 0–100. */
export function leastAllocatedScore(pod: Pod, info: NodeInfo): number {
  const allocatable = allocatableOf(info.node.status);
  const requested = addResources(sumRequests(info.pods, true), podRequests(pod, true));
  const score = (capacity: bigint, used: bigint): number =>
    capacity <= 0n || used > capacity ? 0 : Number(((capacity - used) * 100_000n) / capacity) / 1000;
  return (score(allocatable.cpu, requested.cpu) + score(allocatable.memory, requested.memory)) / 2;
}

export function schedulePod(pod: Pod, nodes: NodeInfo[]): ScheduleResult {
  if (nodes.length === 0) return { type: 'unschedulable', message: 'no nodes available to schedule pods' };
  const reasons = new Map<string, number>();
  let best: { info: NodeInfo; score: number } | undefined;
  for (const info of nodes) {
    const failures = fitFailures(pod, info);
    if (failures.length > 0) {
      for (const reason of failures) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const score = leastAllocatedScore(pod, info);
    if (!best || isBetter(info, score, best.info, best.score)) best = { info, score };
  }
  if (best) return { type: 'bind', nodeName: best.info.node.metadata?.name ?? '' };
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return { type: 'unschedulable', message: `0/${nodes.length} nodes are available: ${parts.join(', ')}.` };
}

function isBetter(info: NodeInfo, score: number, best: NodeInfo, bestScore: number): boolean {
  if (score !== bestScore) return score > bestScore;
  if (info.pods.length !== best.pods.length) return info.pods.length < best.pods.length;
  return (info.node.metadata?.name ?? '') < (best.node.metadata?.name ?? '');
}

/** Pods this scheduler should place: not bound, not being deleted, and for the default scheduler. */
export function needsScheduling(pod: Pod): boolean {
  const schedulerName = pod.spec?.schedulerName;
  return (
    !pod.spec?.nodeName &&
    !pod.metadata?.deletionTimestamp &&
    (schedulerName === undefined || schedulerName === '' || schedulerName === 'default-scheduler') &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/** The pod's conditions with PodScheduled=False/Unschedulable, or undefined when they already say so. */
export function unschedulableConditions(pod: Pod, message: string, now: string): Pod['status'] | undefined {
  const conditions = pod.status?.conditions ?? [];
  const current = conditions.find((condition) => condition.type === 'PodScheduled');
  if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message)
    return undefined;
  const condition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : now,
  };
  return {
    phase: pod.status?.phase ?? 'Pending',
    conditions: [...conditions.filter((existing) => existing.type !== 'PodScheduled'), condition],
  };
}
