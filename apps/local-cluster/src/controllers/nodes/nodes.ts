/**
 * The Node objects a pool implies: one per pool node, named after it, with its host address, its pod CIDR
 * and a fixed capacity, Ready. `reconcileNode` compares one such desired node with what the API holds and
 * says what to write, as a kubelet posts node status: create it when absent, patch its status when it drifted
 * or when the last report is older than the report period (kubelet's nodeStatusReportFrequency; the Lease is
 * the frequent heartbeat), nothing otherwise. A posted status carries a fresh lastHeartbeatTime on every
 * condition.
 */
import { type PoolNode, rangeLayout } from '@cite/ip-pool';
import { createMergePatch } from '../kit/merge-patch';
import { nodeCondition } from '../kit/taints';
import { parseTime, rfc3339 } from '../kit/time';
import type { Node } from '../kit/wire';

export interface NodeCapacity {
  /** @defaultValue '8' */
  cpu: string;
  /** @defaultValue '32Gi' */
  memory: string;
  /** Kubernetes' default max pods; capped by the addresses the node's pod range holds. @defaultValue 110 */
  pods: number;
  /** @defaultValue '100Gi' */
  ephemeralStorage: string;
}

export const DEFAULT_NODE_CAPACITY: NodeCapacity = {
  cpu: '8',
  memory: '32Gi',
  pods: 110,
  ephemeralStorage: '100Gi',
};

export const KUBELET_VERSION = 'v1.32.0';

export type NodeAction =
  | { type: 'create'; node: Node }
  | {
      type: 'patchStatus';
      name: string;
      patch: Record<string, unknown>;
      /** Ready goes back to True (it was False or Unknown): the kubelet records NodeReady. */
      becameReady: boolean;
    };

/** When the status is posted even if nothing changed. */
export interface StatusReport {
  now: number;
  /** kubelet's nodeStatusReportFrequency. @defaultValue 300_000 */
  statusReportMs: number;
}

export const DEFAULT_STATUS_REPORT_MS = 300_000;

/** Max pods on a node: the configured figure, or fewer when the pod range has fewer addresses. */
export function maxPodsFor(poolNode: PoolNode, capacity: NodeCapacity): number {
  return Math.min(capacity.pods, rangeLayout(poolNode.podCidr).capacity);
}

export function desiredNode(poolNode: PoolNode, capacity: NodeCapacity, now: number): Node {
  const resources = {
    cpu: capacity.cpu,
    memory: capacity.memory,
    pods: String(maxPodsFor(poolNode, capacity)),
    'ephemeral-storage': capacity.ephemeralStorage,
  };
  const time = rfc3339(now);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: poolNode.name,
      labels: {
        'kubernetes.io/hostname': poolNode.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: poolNode.podCidr, podCIDRs: [poolNode.podCidr] },
    status: {
      addresses: [
        { type: 'InternalIP', address: poolNode.address },
        { type: 'Hostname', address: poolNode.name },
      ],
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: `${poolNode.name}-boot`,
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0-local-cluster',
        kubeProxyVersion: KUBELET_VERSION,
        kubeletVersion: KUBELET_VERSION,
        machineID: poolNode.name,
        operatingSystem: 'linux',
        osImage: 'cite local-cluster',
        systemUUID: poolNode.name,
      },
      phase: 'Running',
    },
  };
}

/**
 * What to write so `observed` (undefined: absent) becomes `desired`. Conditions whose status did not change keep
 * their lastTransitionTime; their lastHeartbeatTime is kept too unless the status is posted anyway (something
 * drifted, or the report is due), when every condition gets the desired (current) heartbeat.
 */
export function reconcileNode(
  desired: Node,
  observed: Node | undefined,
  report?: StatusReport,
): NodeAction[] {
  if (!observed) return [{ type: 'create', node: desired }];
  const drifted = statusPatch(desired, observed, false);
  const due = report !== undefined && reportDue(observed, report);
  const patch = drifted || due ? statusPatch(desired, observed, true) : undefined;
  if (!patch) return [];
  const wasReady = nodeCondition(observed, 'Ready');
  return [
    {
      type: 'patchStatus',
      name: desired.metadata?.name ?? '',
      patch: { status: patch },
      becameReady: wasReady !== undefined && wasReady.status !== 'True',
    },
  ];
}

/** When the kubelet next posts an unchanged status: the last Ready heartbeat plus the report period. */
export function nextReportAt(observed: Node, statusReportMs: number): number | undefined {
  const last = parseTime(nodeCondition(observed, 'Ready')?.lastHeartbeatTime);
  return last === undefined ? undefined : last + statusReportMs;
}

function reportDue(observed: Node, report: StatusReport): boolean {
  const at = nextReportAt(observed, report.statusReportMs);
  return at === undefined || at <= report.now;
}

function statusPatch(desired: Node, observed: Node, freshHeartbeats: boolean) {
  const observedConditions = observed.status?.conditions ?? [];
  const status = {
    ...desired.status,
    conditions: (desired.status?.conditions ?? []).map((condition) => {
      const current = observedConditions.find((candidate) => candidate.type === condition.type);
      if (!current || current.status !== condition.status) return condition;
      return {
        ...condition,
        lastHeartbeatTime: freshHeartbeats
          ? condition.lastHeartbeatTime
          : (current.lastHeartbeatTime ?? condition.lastHeartbeatTime),
        lastTransitionTime: current.lastTransitionTime ?? condition.lastTransitionTime,
      };
    }),
  };
  // Only the fields this controller owns are compared; anything else on the status is left alone.
  const owned = Object.fromEntries(
    Object.keys(status).map((key) => [key, (observed.status as Record<string, unknown>)?.[key]]),
  );
  return createMergePatch(owned, status);
}
