/** Pod resource arithmetic the scheduler and kubelet share (quantities from `@cite/model`, in nano-units). */
import { parseQuantity } from '@cite/model';
import type { Container, Pod } from './wire';

export interface Resources {
  cpu: bigint;
  memory: bigint;
}

/** The scheduler's stand-ins for containers that request nothing, used for scoring only (kube: 100m, 200Mi). */
export const NON_ZERO_DEFAULTS: Resources = { cpu: parseQuantity('100m'), memory: parseQuantity('200Mi') };

function quantity(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(Math.round(value * 1e9));
  if (typeof value !== 'string') return 0n;
  try {
    return parseQuantity(value);
  } catch {
    return 0n;
  }
}

/** A container's request for a resource; a limit alone counts as the request (the API server defaults it so). */
function containerRequest(container: Container, resource: 'cpu' | 'memory', nonZero: boolean): bigint {
  const requests = container.resources?.requests as Record<string, unknown> | undefined;
  const limits = container.resources?.limits as Record<string, unknown> | undefined;
  const value = requests?.[resource] ?? limits?.[resource];
  if (value === undefined && nonZero) return NON_ZERO_DEFAULTS[resource];
  return quantity(value);
}

/**
 * What a pod asks of a node: the sum over its containers, or the largest init container when that is more,
 * plus the pod overhead (as the scheduler's NodeResourcesFit computes it).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const sum = (containers: Container[] | undefined, resource: 'cpu' | 'memory'): bigint =>
    (containers ?? []).reduce(
      (total, container) => total + containerRequest(container, resource, nonZero),
      0n,
    );
  const max = (containers: Container[] | undefined, resource: 'cpu' | 'memory'): bigint =>
    (containers ?? []).reduce((best, container) => {
      const value = containerRequest(container, resource, nonZero);
      return value > best ? value : best;
    }, 0n);
  const overhead = pod.spec?.overhead as Record<string, unknown> | undefined;
  const total = (resource: 'cpu' | 'memory'): bigint => {
    const regular = sum(pod.spec?.containers, resource);
    const init = max(pod.spec?.initContainers, resource);
    return (regular > init ? regular : init) + quantity(overhead?.[resource]);
  };
  return { cpu: total('cpu'), memory: total('memory') };
}

export function addResources(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory };
}

/** A node's allocatable cpu, memory and pod count. */
export function allocatableOf(status: { allocatable?: Record<string, string> } | undefined): Resources & {
  pods: number;
} {
  const allocatable = status?.allocatable ?? {};
  return {
    cpu: quantity(allocatable['cpu']),
    memory: quantity(allocatable['memory']),
    pods: Number.parseInt(allocatable['pods'] ?? '110', 10) || 0,
  };
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
