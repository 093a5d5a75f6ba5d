/**
 * `cite-batch gc`: reads the cite-labelled objects of the cluster and cite's records, decides with `planGc`,
 * and deletes — each service's objects under that service's lock (a deploy never races gc), with a uid and
 * resourceVersion precondition (an object changed since it was read is left for the next run), in batches
 * paced to a rate. Then the records nothing needs: expired webhook deliveries and idempotency keys, deploy logs
 * beyond retention, previews whose pull request is closed.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { ANNOTATIONS, KubeHttpError, LABELS, MANAGED_BY, type KubeHttp } from '@cite/kube';
import type { BatchItem, Service } from '@cite/model';
import {
  IdempotencyStore,
  IDEMPOTENCY_TTL_SECONDS,
  lockNames,
  ReleaseLog,
  type Lock,
  type MetadataStore,
} from '@cite/store';
import {
  planGc,
  describeObject,
  keptReleases,
  type GcDecision,
  type GcKind,
  type GcObject,
  type GcServiceState,
  type ReleaseBrief,
} from './gc-plan';
import { collectionPath, kubeFailure, listMapped, objectPath } from './kube-lists';
import { emptyResult, type BatchTaskRun, type TaskContext, type TaskResult } from './task';

export interface GcOptions {
  store: MetadataStore;
  http: KubeHttp;
  /** ReplicaSets and rollback targets kept per service. */
  keepReleases: number;
  /** Releases whose deploy logs are kept per service (the newest; kept releases' logs always stay). */
  keepReleaseLogs: number;
  /** Webhook deliveries older than this go. */
  deliveryTtlHours: number;
  /** Deletions at once, and at most this many per second. */
  batchSize: number;
  perSecond: number;
  /** Who takes the service locks. */
  owner: string;
  /** Previews of closed pull requests: asked only when given (GitHub configured). */
  previews?: {
    /** false when the pull request is closed; undefined when it cannot be told. */
    isOpen(repo: string, pullRequest: number): Promise<boolean | undefined>;
    /** Starts the preview's removal as a user's delete would (a deletion job). */
    remove(name: string): Promise<void>;
  };
}

interface WireObject {
  metadata?: V1ObjectMeta;
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: { replicas?: number };
}

const KINDS: GcKind[] = ['ReplicaSet', 'Deployment', 'Service', 'Ingress'];
const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

function toGcObject(kind: GcKind, wire: WireObject): GcObject {
  const meta = wire.metadata ?? {};
  const object: GcObject = {
    kind,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    labels: meta.labels ?? {},
  };
  if (kind === 'ReplicaSet') {
    object.replicas = wire.spec?.replicas ?? 0;
    object.activeReplicas = wire.status?.replicas ?? 0;
    const revision = Number(meta.annotations?.[ANNOTATIONS.revision]);
    if (Number.isInteger(revision) && revision > 0) object.revision = revision;
    const image = wire.spec?.template?.spec?.containers?.[0]?.image;
    if (image) object.image = image;
  }
  return object;
}

/** Milliseconds to wait before the next deletion so that `done` deletions since `startedAt` keep to `perSecond`. Pure. */
export function paceDelayMs(done: number, perSecond: number, elapsedMs: number): number {
  if (perSecond <= 0) return 0;
  return Math.max(0, Math.ceil((done / perSecond) * 1000 - elapsedMs));
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function gcTask(options: GcOptions): BatchTaskRun {
  return { task: 'gc', run: (context) => runGc(options, context) };
}

async function readState(options: GcOptions, context: TaskContext) {
  const { store, http } = options;
  context.progress.phase('reading the cluster and etcd');
  const [objects, services, releases, locks] = await Promise.all([
    Promise.all(
      KINDS.map(async (kind) =>
        listMapped<WireObject, GcObject>(http, collectionPath(kind), (wire) => toGcObject(kind, wire), {
          labelSelector: SELECTOR,
          signal: context.signal,
        }),
      ),
    ).then((lists) => lists.flat()),
    (async () => {
      const all = new Map<string, Service>();
      for await (const item of store.services.all()) all.set(item.id, item.value);
      return all;
    })(),
    (async () => {
      // Only what gc decides on: a release's config and actor are a kilobyte each, times every release.
      const all = new Map<string, ReleaseBrief[]>();
      for await (const item of store.releases.records.all({ limit: 1000 })) {
        const { service, number, status, image } = item.value;
        const brief = { number, status, image };
        const list = all.get(service);
        if (list) list.push(brief);
        else all.set(service, [brief]);
      }
      return all;
    })(),
    store.etcd.listLocks(),
  ]);
  const busy = new Set(locks.map((lock) => lock.name));
  const states = new Map<string, GcServiceState>();
  const names = new Set([...services.keys(), ...objects.map((o) => o.labels[LABELS.name] ?? '')]);
  for (const name of names) {
    if (!name) continue;
    const service = services.get(name);
    states.set(name, {
      ...(service ? { service } : {}),
      keptReleases: keptReleases(service, releases.get(name) ?? [], options.keepReleases),
      busy: busy.has(lockNames.service(name)),
    });
  }
  return { objects, services, releases, states };
}

async function runGc(options: GcOptions, context: TaskContext): Promise<TaskResult> {
  const result = emptyResult();
  const { objects, services, releases, states } = await readState(options, context);
  const decisions = planGc(objects, states, { keepReleases: options.keepReleases });
  const doomed = decisions.filter((d) => d.action === 'delete');
  result.counts['objects'] = objects.length;
  result.counts['kept'] = decisions.length - doomed.length;
  const items: BatchItem[] = [];
  const verb = context.dryRun ? 'would delete' : 'delete';

  const deleted = context.dryRun
    ? doomed.map((d) => ({ decision: d, outcome: 'planned' as const }))
    : await deleteObjects(options, context, doomed);
  for (const { decision, outcome } of deleted) {
    const target = describeObject(decision.object);
    if (outcome === 'deleted' || outcome === 'planned')
      items.push({ action: verb, target, reason: decision.reason });
    else items.push({ action: 'skip', target, reason: outcome });
  }
  const objectsDeleted = deleted.filter((d) => d.outcome === 'deleted' || d.outcome === 'planned').length;
  result.counts['deleted'] = objectsDeleted;
  result.counts['skipped'] = deleted.length - objectsDeleted;

  const records = await collectRecords(options, context, services, releases, states);
  items.push(...records.items);
  result.counts['records'] = records.count;
  result.items = items;
  result.details = {
    keepReleases: options.keepReleases,
    keepReleaseLogs: options.keepReleaseLogs,
    byKind: Object.fromEntries(
      KINDS.map((kind) => [
        kind,
        {
          seen: objects.filter((o) => o.kind === kind).length,
          deleted: doomed.filter((d) => d.object.kind === kind).length,
        },
      ]),
    ),
  };
  const would = context.dryRun ? 'would delete' : 'deleted';
  result.summary = `${would} ${objectsDeleted} of ${objects.length} cite objects and ${records.count} records${
    result.counts['skipped'] ? `; skipped ${result.counts['skipped']} (changed or busy)` : ''
  }`;
  return result;
}

type DeleteOutcome = 'deleted' | 'planned' | string;

/** Deletes service by service under each one's lock, in paced batches. */
async function deleteObjects(
  options: GcOptions,
  context: TaskContext,
  doomed: GcDecision[],
): Promise<{ decision: GcDecision; outcome: DeleteOutcome }[]> {
  const byService = new Map<string, GcDecision[]>();
  for (const decision of doomed) {
    const name = decision.object.labels[LABELS.name]!;
    byService.set(name, [...(byService.get(name) ?? []), decision]);
  }
  const outcomes: { decision: GcDecision; outcome: DeleteOutcome }[] = [];
  context.progress.phase('deleting', doomed.length);
  const started = performance.now();
  let done = 0;
  for (const [name, decisions] of byService) {
    if (context.signal.aborted) break;
    const attempt = await options.store.etcd.tryAcquireLock(lockNames.service(name), {
      ttlSeconds: 30,
      owner: options.owner,
    });
    if (!('lock' in attempt)) {
      for (const decision of decisions)
        outcomes.push({ decision, outcome: `service ${name} is locked by ${attempt.heldBy}` });
      context.progress.advance(decisions.length);
      continue;
    }
    const lock: Lock = attempt.lock;
    try {
      for (let i = 0; i < decisions.length; i += options.batchSize) {
        await sleep(paceDelayMs(done, options.perSecond, performance.now() - started), context.signal);
        const batch = decisions.slice(i, i + options.batchSize);
        const answers = await Promise.all(batch.map((decision) => deleteOne(options.http, decision.object)));
        batch.forEach((decision, j) => outcomes.push({ decision, outcome: answers[j]! }));
        done += batch.length;
        context.progress.advance(batch.length);
        if (!lock.isHeld()) break;
      }
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return outcomes;
}

/**
 * Deletes one object if it is still the one read: the uid precondition refuses (409) an object deleted and made
 * again under the same name since. A ReplicaSet scaled up again meanwhile is protected by the service lock: only a
 * deploy scales one up, and it holds that lock.
 */
async function deleteOne(http: KubeHttp, object: GcObject): Promise<DeleteOutcome> {
  try {
    await http.json(objectPath(object.kind, object.namespace, object.name), {
      method: 'DELETE',
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        preconditions: { uid: object.uid },
      },
    });
    return 'deleted';
  } catch (error) {
    if (error instanceof KubeHttpError && error.code === 404) return 'deleted';
    if (error instanceof KubeHttpError && error.code === 409)
      return 'changed since it was read (another object now has the name)';
    throw kubeFailure(`delete ${describeObject(object)}`, error);
  }
}

/** The records gc removes: expired deliveries and idempotency keys, old deploy logs, closed previews. */
async function collectRecords(
  options: GcOptions,
  context: TaskContext,
  services: Map<string, Service>,
  releases: Map<string, ReleaseBrief[]>,
  states: Map<string, GcServiceState>,
): Promise<{ count: number; items: BatchItem[] }> {
  const { store } = options;
  const now = context.now().getTime();
  const items: BatchItem[] = [];
  const verb = context.dryRun ? 'would delete' : 'delete';
  const drop = async (what: string, reason: string, remove: () => Promise<unknown>) => {
    if (!context.dryRun) await remove();
    items.push({ action: verb, target: what, reason });
  };

  context.progress.phase('expired webhook deliveries and idempotency keys');
  const deliveryCutoff = now - options.deliveryTtlHours * 3600_000;
  for await (const item of store.deliveries.all()) {
    if (Date.parse(item.value.receivedAt) >= deliveryCutoff) continue;
    await drop(
      `webhook delivery ${item.id}`,
      `received ${item.value.receivedAt}, past ${options.deliveryTtlHours} h`,
      () => store.deliveries.delete(item.id, item.modRevision).catch(() => undefined),
    );
  }
  const idempotency = new IdempotencyStore(store.etcd).records;
  const keyCutoff = now - IDEMPOTENCY_TTL_SECONDS * 1000;
  for await (const item of idempotency.all()) {
    if (Date.parse(item.value.startedAt) >= keyCutoff) continue;
    await drop(`idempotency key ${item.id}`, `started ${item.value.startedAt}, past 24 h`, () =>
      idempotency.delete(item.id, item.modRevision).catch(() => undefined),
    );
  }

  context.progress.phase('deploy logs beyond retention', services.size);
  const logs = new ReleaseLog(store.etcd);
  for (const [name] of services) {
    const numbers = (releases.get(name) ?? []).map((r) => r.number).sort((a, b) => b - a);
    // The oldest of the newest N: logs from it on stay (and with fewer than N releases, all do).
    const cutoff = numbers[options.keepReleaseLogs - 1];
    const kept = new Set((states.get(name)?.keptReleases ?? []).map((r) => r.number));
    if (cutoff !== undefined) {
      for await (const number of logs.releasesWithLogs(name)) {
        if (number >= cutoff) break;
        if (kept.has(number)) continue;
        await drop(
          `deploy log of ${name} release ${number}`,
          `beyond the newest ${options.keepReleaseLogs} releases`,
          () => logs.removeRelease(name, number),
        );
      }
    }
    context.progress.advance();
  }

  if (options.previews) {
    context.progress.phase('previews of closed pull requests');
    for (const service of services.values()) {
      const preview = service.preview;
      if (!preview || service.state !== 'active' || !service.repo) continue;
      const open = await options.previews.isOpen(service.repo, preview.pullRequest);
      if (open !== false) continue;
      await drop(
        `preview ${service.name}`,
        `pull request ${service.repo}#${preview.pullRequest} is closed`,
        () => options.previews!.remove(service.name),
      );
    }
  }
  return { count: items.length, items };
}
