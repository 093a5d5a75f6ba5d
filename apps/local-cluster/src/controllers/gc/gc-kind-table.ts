/**
 * The kinds the garbage collector watches, looked up by owner reference and by queue key
 * (`<group>/<Kind>:<namespace>/<name>`), with each object's dependents from the owner-uid index.
 */
import type { DeleteOptions, MetadataPatch } from '../kit/guarded-writes';
import type { Informer } from '../kit/informer';
import type { KubeObject, OwnerReference } from '../kit/wire';
import type { OwnerLookup } from './reconcile-gc';

/** How the collector reaches one kind. */
export interface GcKind {
  kind: string;
  /** `apps`, or `` for the core group. */
  group: string;
  informer: Informer<KubeObject>;
  read(name: string, namespace: string): Promise<unknown>;
  delete(name: string, namespace: string, body: DeleteOptions): Promise<unknown>;
  patch(name: string, namespace: string, body: MetadataPatch): Promise<unknown>;
}

/** The index, on every kind's store, of objects by the uids of their owners. */
export const OWNER_INDEX = 'owner';

export interface KindAndObject {
  kind: GcKind;
  object: KubeObject;
}

const groupOf = (apiVersion: string | undefined): string => {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
};

export class GcKindTable {
  private readonly byKind: Map<string, GcKind>;

  constructor(readonly kinds: GcKind[]) {
    this.byKind = new Map(kinds.map((kind) => [`${kind.group}/${kind.kind}`, kind]));
  }

  /** The kind an owner reference names, if the collector watches it. */
  ofRef(ref: OwnerReference): GcKind | undefined {
    return this.byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
  }

  keyOf(kind: GcKind, namespace: string, name: string): string {
    return `${kind.group}/${kind.kind}:${namespace}/${name}`;
  }

  keyFor(kind: GcKind, object: KubeObject): string {
    return this.keyOf(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? '');
  }

  /** The cached object a queue key names, with its kind. */
  resolve(key: string): KindAndObject | undefined {
    const colon = key.indexOf(':');
    const kind = this.byKind.get(key.slice(0, colon));
    const rest = key.slice(colon + 1);
    const slash = rest.indexOf('/');
    const object = kind?.informer.store.get(rest.slice(0, slash), rest.slice(slash + 1));
    return kind && object ? { kind, object } : undefined;
  }

  /** Every cached object, of any kind, that names `uid` as an owner. */
  dependentsOf(uid: string): KindAndObject[] {
    return this.kinds.flatMap((kind) =>
      kind.informer.store.byIndex(OWNER_INDEX, uid).map((object) => ({ kind, object })),
    );
  }

  /** The owner as the cache has it: `null` when absent, `unknown` for a kind the collector does not watch. */
  readonly lookupOwner: OwnerLookup = (ref, namespace) => {
    const kind = this.ofRef(ref);
    if (!kind) return 'unknown';
    return kind.informer.store.get(namespace, ref.name) ?? null;
  };
}
