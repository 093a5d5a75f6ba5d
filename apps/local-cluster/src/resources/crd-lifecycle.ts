/**
 * What kube's apiextensions-apiserver does around a CustomResourceDefinition's life, inside the API server
 * (so with the controllers off too): it serves the CRD's versions (each with a watch history that starts when
 * the CRD is first served, as a new CRD's watch cache does), and it runs the CRD finalizer: a deleted CRD's
 * instances are deleted with the ordinary DELETE, and once none is left the cleanup finalizer goes and the
 * CRD with it. The decisions are in crd-deletion.ts.
 */
import type { KubeObject } from '../api-types';
import type { ResourceCatalog } from '../registry/catalog';
import { deleteObject } from '../registry/deletion';
import type { Registry } from '../registry/registry';
import { storageKey, type ResourceDefinition } from '../registry/resource-definition';
import type { ResourceBucket } from '../storage/object-store';
import {
  cleanupCompleted,
  cleanupFailed,
  cleanupStarted,
  crdCondition,
  needsCleanup,
  TERMINATING,
} from './crd-deletion';
import { crdResource, type CrdHooks } from './crds';
import { customResourceDefinitions, customResourceStorage } from './custom-resources';

/** How long the finalizer waits before trying failed instance deletes again. */
const RETRY_MS = 1000;

/** A CRD being finalized: the storage watched for its last instance to go. */
interface Cleanup {
  bucket?: ResourceBucket;
  listener?: () => void;
  retry?: NodeJS.Timeout;
}

/** The customresourcedefinitions resource with its serving and finalizer; `definition` goes in the catalog. */
export class CrdLifecycle implements CrdHooks {
  readonly definition: ResourceDefinition;
  /** resourceVersion at which each CRD (by uid) was first served: where its resources' watch history starts. */
  private readonly servedSince = new Map<string, number>();
  /** Running cleanups by CRD name. */
  private readonly cleanups = new Map<string, Cleanup>();

  constructor(
    private readonly registry: Registry,
    private readonly catalog: ResourceCatalog,
  ) {
    this.definition = crdResource(this);
  }

  established(crd: KubeObject): void {
    const uid = crd.metadata.uid ?? '';
    let since = this.servedSince.get(uid);
    if (since === undefined) {
      since = this.registry.store.resourceVersion;
      this.servedSince.set(uid, since);
    }
    for (const definition of customResourceDefinitions(crd, { watchHistoryFrom: since }))
      this.catalog.add(definition, crd.metadata.name);
    const name = crd.metadata.name ?? '';
    if (needsCleanup(crd)) this.schedule(name);
    else this.stop(name);
  }

  removed(crd: KubeObject, deleted: boolean): void {
    this.catalog.removeOwned(crd.metadata.name ?? '');
    if (!deleted) return;
    this.servedSince.delete(crd.metadata.uid ?? '');
    this.stop(crd.metadata.name ?? '');
  }

  /** Runs the finalizer for `name` soon (after the write that asked for it has answered), once at a time. */
  private schedule(name: string): void {
    if (this.cleanups.has(name)) return;
    this.cleanups.set(name, {});
    setImmediate(() => this.sync(name));
  }

  private stop(name: string): void {
    const cleanup = this.cleanups.get(name);
    if (!cleanup) return;
    this.cleanups.delete(name);
    if (cleanup.listener) cleanup.bucket?.listeners.delete(cleanup.listener);
    clearTimeout(cleanup.retry);
  }

  /** Runs a pass outside any request; a failed one (a write refused) is tried again later, as kube requeues. */
  private sync(name: string): void {
    const cleanup = this.cleanups.get(name);
    if (!cleanup) return;
    try {
      this.pass(name, cleanup);
    } catch {
      clearTimeout(cleanup.retry);
      cleanup.retry = setTimeout(() => this.sync(name), RETRY_MS).unref();
    }
  }

  /** One pass of kube's CRDFinalizer.sync: mark in progress, delete the instances, finish when none is left. */
  private pass(name: string, cleanup: Cleanup): void {
    const stored = this.registry.find(this.definition, undefined, name);
    if (!stored || !needsCleanup(stored)) return this.stop(name);
    let crd = stored;
    if (crdCondition(crd, 'Terminating')?.reason !== TERMINATING.inProgress.reason)
      crd = this.write(crd, cleanupStarted(crd, this.registry.clock()));
    const storage = customResourceStorage(crd);
    const bucket = storage && this.registry.store.bucket(storageKey(storage));
    const errors = storage && bucket ? this.deleteInstances(storage, bucket) : [];
    if (errors.length > 0) {
      this.write(crd, cleanupFailed(crd, errors, this.registry.clock()));
      cleanup.retry = setTimeout(() => this.sync(name), RETRY_MS).unref();
      return;
    }
    if (!bucket || bucket.objects.size === 0) {
      // The last write: without its finalizer (and no other) the CRD leaves storage in it.
      this.stop(name);
      this.write(crd, cleanupCompleted(crd, this.registry.clock()));
      return;
    }
    // Instances with finalizers of their own are still there: finish when the last one goes.
    if (!cleanup.listener) {
      cleanup.bucket = bucket;
      cleanup.listener = () => {
        if (bucket.objects.size === 0) setImmediate(() => this.sync(name));
      };
      bucket.listeners.add(cleanup.listener);
    }
  }

  /** DELETE of every instance, as kube's deletecollection per namespace: their own finalizers are honoured. */
  private deleteInstances(storage: ResourceDefinition, bucket: ResourceBucket): string[] {
    const errors: string[] = [];
    for (const { object } of [...bucket.objects.values()]) {
      if (object.metadata.deletionTimestamp) continue;
      try {
        deleteObject(this.registry, storage, object.metadata.namespace, object.metadata.name ?? '', {
          gracePeriodSeconds: 0,
        });
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
    return errors;
  }

  private write(previous: KubeObject, next: KubeObject): KubeObject {
    return this.registry.commitUpdate(this.definition, next, previous, {});
  }
}
