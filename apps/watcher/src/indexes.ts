/**
 * The watcher's reverse indexes: from an object to the records it feeds, kept as objects come and go, so that
 * an event marks exactly the records to decide again — including the ones the object's previous version fed
 * (an Ingress that drops a host, a pod that moves off an address).
 */

/** A many-to-many relation kept from one side: each owner's current set of keys. */
export class Relation {
  private readonly byOwner = new Map<string, readonly string[]>();
  private readonly byKey = new Map<string, Set<string>>();

  /** Sets `owner`'s keys; answers the keys it had and has (every record it fed or feeds). */
  set(owner: string, keys: readonly string[]): string[] {
    const before = this.byOwner.get(owner) ?? [];
    for (const key of before) {
      const owners = this.byKey.get(key);
      owners?.delete(owner);
      if (owners?.size === 0) this.byKey.delete(key);
    }
    if (keys.length === 0) this.byOwner.delete(owner);
    else this.byOwner.set(owner, keys);
    for (const key of keys) {
      let owners = this.byKey.get(key);
      if (!owners) this.byKey.set(key, (owners = new Set()));
      owners.add(owner);
    }
    return [...new Set([...before, ...keys])];
  }

  /** Forgets `owner`; answers the keys it had. */
  delete(owner: string): string[] {
    return this.set(owner, []);
  }

  /** The owners of `key`. */
  ownersOf(key: string): string[] {
    return [...(this.byKey.get(key) ?? [])];
  }

  /** Every key some owner has. */
  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }
}
