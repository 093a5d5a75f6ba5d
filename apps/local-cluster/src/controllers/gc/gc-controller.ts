/**
 * The garbage collector's loop over the kinds it watches (Deployments, ReplicaSets, Pods, Services,
 * ConfigMaps, Secrets): objects are queued as `Kind:namespace/name` when their owner references, deletion
 * state or finalizers change, and dependents are queued when an owner goes or starts deleting them. Before
 * acting on an owner the cache says is gone, the collector asks the API server (a new dependent may name an
 * owner the cache has not caught up with), as kube's collector does.
 */
import { isConflict, isNotFound } from '../kit/api-errors';
import { recordDeleteOutcome } from '../kit/delete-outcome';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { semanticEqual } from '../kit/semantic';
import { WorkQueue } from '../kit/work-queue';
import { type KubeObject, type OwnerReference, toWire } from '../kit/wire';
import { type GcAction, type OwnerLookup, isDeletingDependents, reconcileGarbage } from './reconcile-gc';

/** How the collector reaches one kind. */
export interface GcKind {
  kind: string;
  /** `apps`, or `` for the core group. */
  group: string;
  informer: Informer<KubeObject>;
  read(name: string, namespace: string): Promise<unknown>;
  delete(name: string, namespace: string, body: Record<string, unknown>): Promise<unknown>;
  patch(name: string, namespace: string, body: Record<string, unknown>): Promise<unknown>;
}

export interface GcDeps {
  kinds: GcKind[];
  logger: ControllerLogger;
  workers?: number;
}

export const OWNER_INDEX = 'owner';

const groupOf = (apiVersion: string | undefined): string => {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
};

export function startGarbageCollector(deps: GcDeps): Workers {
  const queue = new WorkQueue();
  const byKind = new Map(deps.kinds.map((kind) => [`${kind.group}/${kind.kind}`, kind]));
  const kindOfRef = (ref: OwnerReference): GcKind | undefined =>
    byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
  const keyFor = (kind: GcKind, object: KubeObject): string =>
    `${kind.group}/${kind.kind}:${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

  const dependentsOf = (uid: string): { kind: GcKind; object: KubeObject }[] =>
    deps.kinds.flatMap((kind) =>
      kind.informer.store.byIndex(OWNER_INDEX, uid).map((object) => ({ kind, object })),
    );
  const lookupOwner: OwnerLookup = (ref, namespace) => {
    const kind = kindOfRef(ref);
    if (!kind) return 'unknown';
    return kind.informer.store.get(namespace, ref.name) ?? null;
  };
  const enqueueDependents = (uid: string | undefined): void => {
    if (uid) for (const { kind, object } of dependentsOf(uid)) queue.add(keyFor(kind, object));
  };

  for (const kind of deps.kinds) {
    const enqueue = (object: KubeObject): void => queue.add(keyFor(kind, object));
    kind.informer.addHandlers({
      add: (object) => {
        if ((object.metadata?.ownerReferences?.length ?? 0) > 0 || object.metadata?.deletionTimestamp)
          enqueue(object);
      },
      update: (object, old) => {
        const meta = object.metadata ?? {};
        const before = old.metadata ?? {};
        const changed =
          !semanticEqual(meta.ownerReferences, before.ownerReferences) ||
          meta.deletionTimestamp !== before.deletionTimestamp ||
          !semanticEqual(meta.finalizers, before.finalizers);
        if (!changed) return;
        enqueue(object);
        if (isDeletingDependents(object)) enqueueDependents(meta.uid);
      },
      delete: (object) => {
        enqueueDependents(object.metadata?.uid);
        // An owner deleting its dependents in the foreground may now be free to go.
        for (const ref of object.metadata?.ownerReferences ?? []) {
          const ownerKind = kindOfRef(ref);
          if (ownerKind)
            queue.add(`${ownerKind.group}/${ownerKind.kind}:${object.metadata?.namespace ?? ''}/${ref.name}`);
        }
      },
    });
  }

  /** True when the API server confirms every owner in `refs` is gone (404 or another uid under the name). */
  const confirmedAbsent = async (refs: OwnerReference[], namespace: string): Promise<boolean> => {
    for (const ref of refs) {
      const kind = kindOfRef(ref);
      if (!kind) return false;
      try {
        const live = toWire(await kind.read(ref.name, namespace)) as KubeObject;
        if (live.metadata?.uid === ref.uid) return false;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return true;
  };

  const execute = async (kind: GcKind, action: GcAction): Promise<boolean> => {
    const meta = action.object.metadata ?? {};
    const name = meta.name ?? '';
    const namespace = meta.namespace ?? '';
    if (action.type !== 'removeFinalizer' && !(await confirmedAbsent(action.absentOwners, namespace)))
      return false;
    try {
      if (action.type === 'delete') {
        const body = { propagationPolicy: action.propagationPolicy, preconditions: { uid: meta.uid } };
        recordDeleteOutcome(kind.informer.store, action.object, await kind.delete(name, namespace, body));
      } else if (action.type === 'setOwnerReferences') {
        const body = {
          metadata: {
            uid: meta.uid,
            resourceVersion: meta.resourceVersion,
            ownerReferences: action.ownerReferences,
          },
        };
        kind.informer.store.recordWrite(toWire(await kind.patch(name, namespace, body)) as KubeObject);
      } else {
        const finalizers = (meta.finalizers ?? []).filter((finalizer) => finalizer !== action.finalizer);
        const body = { metadata: { uid: meta.uid, resourceVersion: meta.resourceVersion, finalizers } };
        kind.informer.store.recordWrite(toWire(await kind.patch(name, namespace, body)) as KubeObject);
      }
    } catch (error) {
      if (isNotFound(error)) return true;
      // A uid precondition failing on delete means the object was replaced: not ours to collect.
      if (isConflict(error) && action.type === 'delete') return true;
      throw error;
    }
    return true;
  };

  return runWorkers(
    'garbage-collector',
    queue,
    async (key) => {
      const colon = key.indexOf(':');
      const kind = byKind.get(key.slice(0, colon));
      const rest = key.slice(colon + 1);
      const slash = rest.indexOf('/');
      const object = kind?.informer.store.get(rest.slice(0, slash), rest.slice(slash + 1));
      if (!kind || !object) return;
      const dependents = dependentsOf(object.metadata?.uid ?? '');
      const kindOf = new Map(dependents.map((entry) => [entry.object, entry.kind]));
      const actions = reconcileGarbage(
        object,
        lookupOwner,
        dependents.map((entry) => entry.object),
      );
      for (const action of actions) {
        // The cache lags the server: look again shortly.
        if (!(await execute(kindOf.get(action.object) ?? kind, action))) return { requeueAfterMs: 250 };
      }
    },
    deps.logger,
    deps.workers ?? 2,
  );
}
