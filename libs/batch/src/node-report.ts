/**
 * `cite-batch node-report`: per node — Ready, pods, pod-range use against capacity (`@cite/ip-pool`), cpu and
 * memory requests against allocatable, and how many load-balancer backends it carries; a warning for a node that
 * is not Ready and for a range above 80 %. Read-only: a dry run is the same run.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeHttp } from '@cite/kube';
import { DEFAULT_POOL, poolUsage, validatePool, type ValidatedPool } from '@cite/ip-pool';
import { parseQuantity } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import { collectionPath, listAll } from './kube-lists';
import { emptyResult, type BatchTaskRun } from './task';

/** Above this share of a pod range in use, the report warns. */
export const RANGE_WARNING_RATIO = 0.8;

export interface NodeRow {
  node: string;
  ready: 'True' | 'False' | 'Unknown';
  /** NoExecute / NoSchedule taints, as `key:effect`. */
  taints: string[];
  pods: number;
  podCidr?: string;
  ipsUsed: number;
  ipsCapacity: number;
  /** Requests of the node's running and pending pods, in millicores and bytes. */
  cpuRequestedMillis: number;
  cpuAllocatableMillis: number;
  memoryRequestedBytes: number;
  memoryAllocatableBytes: number;
  /** Ready load-balancer endpoints (`lb/…` records) on the node. */
  lbBackends: number;
}

const millis = (quantity: string | undefined) =>
  quantity ? Number(parseQuantity(quantity) / 1_000_000n) : 0;
const bytes = (quantity: string | undefined) =>
  quantity ? Number(parseQuantity(quantity) / 1_000_000_000n) : 0;

const isActive = (pod: V1Pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** The report's rows and warnings from the cluster's nodes and pods, the pool and the lb records. Pure. */
export function nodeRows(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  pool: ValidatedPool,
  lbNodes: readonly string[],
): { rows: NodeRow[]; warnings: string[] } {
  const podsByNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || !isActive(pod)) continue;
    podsByNode.set(node, [...(podsByNode.get(node) ?? []), pod]);
  }
  const ips = new Map<string, string[]>();
  for (const [node, list] of podsByNode) {
    ips.set(
      node,
      list.flatMap((pod) => (pod.status?.podIP && !pod.spec?.hostNetwork ? [pod.status.podIP] : [])),
    );
  }
  const usage = new Map(poolUsage(pool, ips).nodes.map((entry) => [entry.node, entry]));
  const backends = new Map<string, number>();
  for (const node of lbNodes) backends.set(node, (backends.get(node) ?? 0) + 1);
  const warnings: string[] = [];
  const rows = [...nodes]
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map((node): NodeRow => {
      const name = node.metadata?.name ?? '';
      const onNode = podsByNode.get(name) ?? [];
      const ready = (node.status?.conditions?.find((c) => c.type === 'Ready')?.status ??
        'Unknown') as NodeRow['ready'];
      const range = usage.get(name);
      const requests = onNode
        .flatMap((pod) => pod.spec?.containers ?? [])
        .map((c) => c.resources?.requests ?? {});
      const row: NodeRow = {
        node: name,
        ready,
        taints: (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`),
        pods: onNode.length,
        ...(node.spec?.podCIDR ? { podCidr: node.spec.podCIDR } : {}),
        ipsUsed: range?.used ?? 0,
        ipsCapacity: range?.capacity ?? 0,
        cpuRequestedMillis: requests.reduce((sum, r) => sum + millis(r['cpu']), 0),
        cpuAllocatableMillis: millis(node.status?.allocatable?.['cpu']),
        memoryRequestedBytes: requests.reduce((sum, r) => sum + bytes(r['memory']), 0),
        memoryAllocatableBytes: bytes(node.status?.allocatable?.['memory']),
        lbBackends: backends.get(name) ?? 0,
      };
      if (ready !== 'True') {
        warnings.push(
          `node ${name} is NotReady (Ready=${ready})${row.lbBackends ? `, with ${row.lbBackends} load-balancer backends` : ''}`,
        );
      }
      if (row.ipsCapacity > 0 && row.ipsUsed / row.ipsCapacity > RANGE_WARNING_RATIO) {
        warnings.push(
          `node ${name}: pod range ${row.podCidr ?? range?.podCidr ?? ''} is ${Math.round((row.ipsUsed / row.ipsCapacity) * 100)} % used (${row.ipsUsed} of ${row.ipsCapacity})`,
        );
      }
      return row;
    });
  return { rows, warnings };
}

export function nodeReportTask(options: { store: MetadataStore; http: KubeHttp }): BatchTaskRun {
  return {
    task: 'node-report',
    async run(context) {
      const { store, http } = options;
      context.progress.phase('reading nodes, pods, the pool and load-balancer records');
      const [nodes, pods, stored, lb] = await Promise.all([
        listAll<V1Node>(http, collectionPath('Node'), { signal: context.signal }),
        listAll<V1Pod>(http, collectionPath('Pod'), { signal: context.signal }),
        store.networkPool.get(),
        (async () => {
          const nodesOf: string[] = [];
          for await (const item of store.lbEndpoints.all())
            for (const endpoint of item.value.endpoints) if (endpoint.node) nodesOf.push(endpoint.node);
          return nodesOf;
        })(),
      ]);
      const pool = validatePool(stored?.value ?? DEFAULT_POOL);
      const { rows, warnings } = nodeRows(nodes, pods, pool, lb);
      const ready = rows.filter((row) => row.ready === 'True').length;
      const result = emptyResult(
        `${ready} of ${rows.length} nodes Ready, ${rows.reduce((s, r) => s + r.pods, 0)} pods${
          warnings.length ? `, ${warnings.length} warnings` : ''
        }`,
      );
      result.warnings = warnings;
      result.counts = { nodes: rows.length, ready, notReady: rows.length - ready, warnings: warnings.length };
      result.items = rows.map((row) => ({
        action: row.ready === 'True' ? 'ready' : 'not-ready',
        target: `node ${row.node}`,
        reason: `${row.pods} pods, ${row.ipsUsed}/${row.ipsCapacity} IPs, cpu ${row.cpuRequestedMillis}m/${row.cpuAllocatableMillis}m, ${row.lbBackends} lb backends`,
      }));
      result.details = { nodes: rows, poolSource: stored ? 'etcd' : 'default' };
      return result;
    },
  };
}
