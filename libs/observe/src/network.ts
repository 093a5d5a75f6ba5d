/**
 * The IP map: which pod holds each address (`ips/<ip>`), and how full each node's pod range is
 * (`nodes/<node>`). Pure.
 */
import { cidrContains, rangeLayout, readCidr, readIpv4 } from '@cite/ip-pool';
import { isIPv4, type IpRecord, type NodeUsageRecord } from '@cite/model';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { citeServiceOf, isoTime } from './identity';

const EPOCH = '1970-01-01T00:00:00.000Z';

/** The pod's address when it holds one from a pod range: running or about to, not on the host's network. */
export function podIpOf(pod: V1Pod): string | null {
  const ip = pod.status?.podIP;
  if (!ip || !isIPv4(ip)) return null;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return null;
  if (pod.spec?.hostNetwork) return null;
  return ip;
}

/**
 * Of the pods that report one address (a pod going while its successor already has the address), the one that
 * holds it: not terminating first, then the newest, then by name — the same answer whatever the order given.
 */
export function holderOf(pods: readonly V1Pod[]): V1Pod | null {
  const rank = (pod: V1Pod) => [
    pod.metadata?.deletionTimestamp ? 1 : 0,
    isoTime(pod.metadata?.creationTimestamp, EPOCH),
    `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
  ];
  return (
    [...pods].sort((a, b) => {
      const [ta, ca, na] = rank(a) as [number, string, string];
      const [tb, cb, nb] = rank(b) as [number, string, string];
      return ta - tb || cb.localeCompare(ca) || na.localeCompare(nb);
    })[0] ?? null
  );
}

export function ipRecordOf(pod: V1Pod, now: Date): IpRecord | null {
  const ip = podIpOf(pod);
  if (ip === null || !pod.metadata?.name || !pod.metadata.namespace) return null;
  const service = citeServiceOf(pod);
  return {
    ip,
    pod: pod.metadata.name,
    namespace: pod.metadata.namespace,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(service ? { service } : {}),
    updatedAt: now.toISOString(),
  };
}

/** A node's InternalIP, when it is IPv4. */
function addressOf(node: V1Node): string | undefined {
  const address = node.status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
  return address && isIPv4(address) ? address : undefined;
}

/** Pod addresses of the node's range (0 when it has none or it is too small to hold pods). */
function capacityOf(podCidr: string | undefined): number {
  if (!podCidr) return 0;
  try {
    return rangeLayout(podCidr).capacity;
  } catch {
    return 0;
  }
}

/**
 * How many of `ips` (the addresses the node's pods hold) fall in its pod range. An address that is not IPv4
 * (a dual-stack pod's IPv6 one) is not in the range: it is not counted, rather than failing the whole record.
 */
export function usedIn(podCidr: string | undefined, ips: Iterable<string>): number {
  const block = podCidr ? readCidr(podCidr) : undefined;
  if (!block?.ok) return 0;
  let used = 0;
  for (const ip of ips) {
    const address = readIpv4(ip);
    if (address.ok && cidrContains(block.value, address.value)) used++;
  }
  return used;
}

export function nodeRecordOf(node: V1Node, podIps: Iterable<string>, now: Date): NodeUsageRecord | null {
  const name = node.metadata?.name;
  if (!name) return null;
  const podCidr = node.spec?.podCIDR;
  const address = addressOf(node);
  return {
    node: name,
    ...(address ? { address } : {}),
    ...(podCidr ? { podCidr } : {}),
    capacity: capacityOf(podCidr),
    used: usedIn(podCidr, podIps),
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    updatedAt: now.toISOString(),
  };
}
