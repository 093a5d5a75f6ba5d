/**
 * etcd's own counters from its `/metrics` (Prometheus text): gRPC calls handled per method and the MVCC
 * store's puts, transactions, ranges and deletes, to see what a deploy costs in etcd operations.
 */

/** Counter name (`KV.Range`, `KV.Txn Unavailable` for a call that did not end OK, `mvcc put`, …) → value. */
export type EtcdCounters = Map<string, number>;

const MVCC: Record<string, string> = {
  etcd_mvcc_put_total: 'mvcc put',
  etcd_mvcc_txn_total: 'mvcc txn',
  etcd_mvcc_range_total: 'mvcc range',
  etcd_mvcc_delete_total: 'mvcc delete',
  etcd_debugging_mvcc_watcher_total: 'watchers',
};

/** `grpc_server_handled_total{grpc_code="OK",grpc_method="Range",grpc_service="etcdserverpb.KV",…} 12` → `KV.Range`. */
function grpcName(labels: string): string {
  const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? '?';
  const service = label('grpc_service').replace(/^.*\./, '');
  const code = label('grpc_code');
  return `${service}.${label('grpc_method')}${code === 'OK' ? '' : ` ${code}`}`;
}

export async function etcdCounters(endpoint: string): Promise<EtcdCounters> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const counters: EtcdCounters = new Map();
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const [, metric, labels = '', value] = match;
    const name = metric === 'grpc_server_handled_total' ? grpcName(labels) : MVCC[metric!];
    if (name) counters.set(name, (counters.get(name) ?? 0) + Number(value));
  }
  return counters;
}

/** The counters that moved between two snapshots, with their change per deploy; watchers as they are now. */
export function etcdOpsLines(before: EtcdCounters, after: EtcdCounters, deploys: number): string[] {
  const moved = (grpc: boolean) =>
    [...after]
      .filter(([name]) => name.includes('.') === grpc && name !== 'watchers')
      .map(([name, value]) => [name, value - (before.get(name) ?? 0)] as const)
      .filter(([, delta]) => delta > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, delta]) => `${name} ${delta} (${(delta / deploys).toFixed(1)})`)
      .join(', ');
  return [
    `etcd operations over those ${deploys} deploys (per deploy in brackets):`,
    `  gRPC calls handled: ${moved(true) || 'none'}`,
    `  MVCC: ${moved(false) || 'none'}; watchers now ${after.get('watchers') ?? '?'}`,
  ];
}
