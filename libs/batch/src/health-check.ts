/**
 * `cite-batch health-check`: for each active service, probes its health path on every ready endpoint through the
 * API server's pod proxy (`pods/<pod>:<port>/proxy/<path>`: the same route `kubectl port-forward`-less tools use,
 * so it works from wherever the batch runs), and compares what runs with what cite declared — release, replicas,
 * image — and flags pods that keep restarting. Read-only: a dry run is the same run.
 */
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type KubeHttp } from '@cite/kube';
import { teamNamespace, type BatchItem, type Release, type Service } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import { collectionPath, listAll } from './kube-lists';
import { emptyResult, type BatchTaskRun } from './task';

export type Health = 'up' | 'degraded' | 'down';

export interface Probe {
  pod: string;
  ok: boolean;
  status?: number;
  latencyMs: number;
  error?: string;
}

export interface ServiceHealth {
  service: string;
  health: Health;
  /** Ready endpoints found, and the probes of each. */
  probes: Probe[];
  /** Desired vs observed differences, in words. */
  drift: string[];
  /** Pods whose containers restarted at least the threshold. */
  restarting: { pod: string; restarts: number }[];
}

/** What the cluster runs for one service. */
export interface Observed {
  deployment?: V1Deployment;
  pods: V1Pod[];
  /** Ready addresses' pod names. */
  readyPods: string[];
}

/** Desired (the current release) against observed. Pure. */
export function driftOf(current: Release | undefined, observed: Observed): string[] {
  const drift: string[] = [];
  const deployment = observed.deployment;
  // A service with no release yet declares nothing to compare.
  if (!current) return [];
  if (!deployment) return [`no Deployment, but release ${current.number} is current`];
  const release = deployment.metadata?.labels?.[LABELS.release];
  if (release !== String(current.number)) {
    drift.push(
      `Deployment is at release ${release ?? '(none)'}, cite's current release is ${current.number}`,
    );
  }
  const image = deployment.spec?.template?.spec?.containers?.[0]?.image;
  if (image !== current.image)
    drift.push(`Deployment runs image ${image ?? '(none)'}, release ${current.number} has ${current.image}`);
  const wanted = current.config.replicas;
  if ((deployment.spec?.replicas ?? 1) !== wanted) {
    drift.push(
      `Deployment wants ${deployment.spec?.replicas ?? 1} replicas, release ${current.number} declares ${wanted}`,
    );
  }
  const ready = deployment.status?.readyReplicas ?? 0;
  if (ready < wanted) drift.push(`${ready} of ${wanted} replicas ready`);
  return drift;
}

/** up: every ready endpoint answers 2xx/3xx; degraded: some do; down: none, or no endpoint is ready. Pure. */
export function healthOf(probes: readonly Probe[]): Health {
  const ok = probes.filter((p) => p.ok).length;
  if (ok === 0) return 'down';
  return ok === probes.length ? 'up' : 'degraded';
}

export function restartingPods(
  pods: readonly V1Pod[],
  threshold: number,
): { pod: string; restarts: number }[] {
  return pods.flatMap((pod) => {
    const restarts = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
    return restarts >= threshold ? [{ pod: pod.metadata?.name ?? '', restarts }] : [];
  });
}

export interface HealthCheckOptions {
  store: MetadataStore;
  http: KubeHttp;
  /** Per probe. */
  timeoutMs: number;
  /** Restarts from which a pod is flagged. */
  restartThreshold: number;
  /** Probes in flight at once. */
  concurrency?: number;
}

async function probe(
  http: KubeHttp,
  namespace: string,
  pod: string,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<Probe> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const proxy = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(`${pod}:${port}`)}/proxy${path}`;
  try {
    await http.text(proxy, { signal });
    return { pod, ok: true, status: 200, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number')
      return { pod, ok: code < 400, status: code, latencyMs, error: `HTTP ${code}` };
    return {
      pod,
      ok: false,
      latencyMs,
      error: signal.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message,
    };
  }
}

/** Runs `work` over `items` with at most `limit` at once, answers in order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

export function healthCheckTask(options: HealthCheckOptions): BatchTaskRun {
  return {
    task: 'health-check',
    async run(context) {
      const { store, http } = options;
      context.progress.phase('reading services, Deployments, pods and endpoints');
      const selector = `${LABELS.managedBy}=${MANAGED_BY}`;
      const [services, deployments, pods, endpoints] = await Promise.all([
        (async () => {
          const all: Service[] = [];
          for await (const item of store.services.all())
            if (item.value.state === 'active') all.push(item.value);
          return all;
        })(),
        listAll<V1Deployment>(http, collectionPath('Deployment'), {
          labelSelector: selector,
          signal: context.signal,
        }),
        listAll<V1Pod>(http, collectionPath('Pod'), { labelSelector: selector, signal: context.signal }),
        listAll<V1Endpoints>(http, collectionPath('Endpoints'), { signal: context.signal }),
      ]);
      const key = (namespace: string | undefined, name: string | undefined) => `${namespace}/${name}`;
      const deploymentOf = new Map(deployments.map((d) => [key(d.metadata?.namespace, d.metadata?.name), d]));
      const endpointsOf = new Map(endpoints.map((e) => [key(e.metadata?.namespace, e.metadata?.name), e]));
      const podsOf = new Map<string, V1Pod[]>();
      for (const pod of pods) {
        const k = key(pod.metadata?.namespace, pod.metadata?.labels?.[LABELS.name]);
        podsOf.set(k, [...(podsOf.get(k) ?? []), pod]);
      }
      context.progress.phase('probing', services.length);
      const checked = await mapLimit(
        services,
        options.concurrency ?? 16,
        async (service): Promise<ServiceHealth> => {
          const namespace = teamNamespace(service.team);
          const k = key(namespace, service.name);
          const current =
            service.currentRelease === undefined
              ? undefined
              : (await store.releases.get(service.name, service.currentRelease))?.value;
          const readyPods = (endpointsOf.get(k)?.subsets ?? []).flatMap((subset) =>
            (subset.addresses ?? []).flatMap((address) =>
              address.targetRef?.name ? [address.targetRef.name] : [],
            ),
          );
          const observed: Observed = {
            pods: podsOf.get(k) ?? [],
            readyPods,
            ...(deploymentOf.get(k) ? { deployment: deploymentOf.get(k)! } : {}),
          };
          const port = current?.config.port ?? service.port;
          const path = current?.config.healthCheck.path ?? service.healthCheck.path;
          const probes = await Promise.all(
            readyPods.map((pod) => probe(http, namespace, pod, port, path, options.timeoutMs)),
          );
          context.progress.advance();
          return {
            service: service.name,
            health: healthOf(probes),
            probes,
            drift: driftOf(current, observed),
            restarting: restartingPods(observed.pods, options.restartThreshold),
          };
        },
      );
      const count = (health: Health) => checked.filter((c) => c.health === health).length;
      const result = emptyResult();
      const items: BatchItem[] = [];
      for (const entry of checked) {
        const latencies = entry.probes.map((p) => p.latencyMs);
        const failing = entry.probes.filter((p) => !p.ok).map((p) => `${p.pod}: ${p.error ?? 'failed'}`);
        items.push({
          action: entry.health,
          target: `service ${entry.service}`,
          reason:
            entry.probes.length === 0
              ? 'no ready endpoint'
              : `${entry.probes.length - failing.length}/${entry.probes.length} endpoints answer, max ${Math.max(...latencies)} ms${failing.length ? `; ${failing.join('; ')}` : ''}`,
        });
        if (entry.health !== 'up') result.warnings.push(`service ${entry.service} is ${entry.health}`);
        for (const drift of entry.drift) result.warnings.push(`service ${entry.service}: ${drift}`);
        for (const r of entry.restarting)
          result.warnings.push(`service ${entry.service}: pod ${r.pod} restarted ${r.restarts} times`);
      }
      result.items = items;
      result.counts = {
        services: checked.length,
        up: count('up'),
        degraded: count('degraded'),
        down: count('down'),
        drifted: checked.filter((c) => c.drift.length > 0).length,
        restarting: checked.reduce((sum, c) => sum + c.restarting.length, 0),
      };
      result.details = { services: checked };
      result.summary = `${result.counts['up']} up, ${result.counts['degraded']} degraded, ${result.counts['down']} down of ${checked.length} services; ${result.counts['drifted']} drifted, ${result.counts['restarting']} pods restarting`;
      return result;
    },
  };
}
