/**
 * The strategic-merge metadata of the Kubernetes types (`patchStrategy` and `patchMergeKey` struct tags) for
 * the fields kubectl and controllers patch. Lists not named here are atomic: a patch replaces them.
 */
export interface PatchMeta {
  /** Items of the list are merged by this key. */
  mergeKey?: string;
  /** `merge` on a list of primitives: union. */
  mergeStrategy?: boolean;
}

const BY_FIELD: Record<string, PatchMeta> = {
  containers: { mergeKey: 'name' },
  initContainers: { mergeKey: 'name' },
  ephemeralContainers: { mergeKey: 'name' },
  env: { mergeKey: 'name' },
  volumes: { mergeKey: 'name' },
  volumeMounts: { mergeKey: 'mountPath' },
  volumeDevices: { mergeKey: 'devicePath' },
  imagePullSecrets: { mergeKey: 'name' },
  conditions: { mergeKey: 'type' },
  ownerReferences: { mergeKey: 'uid' },
  hostAliases: { mergeKey: 'ip' },
  topologySpreadConstraints: { mergeKey: 'topologyKey' },
  resourceClaims: { mergeKey: 'name' },
  addresses: { mergeKey: 'type' },
  taints: { mergeKey: 'key' },
  finalizers: { mergeStrategy: true },
};

/** Patch metadata of the field at `path` (field names from the root, no indexes) in an object of `kind`. */
export function patchMetaFor(kind: string, path: readonly string[]): PatchMeta {
  const field = path[path.length - 1] ?? '';
  if (field === 'ports') {
    // Service spec.ports merge by port; container ports by containerPort.
    if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return { mergeKey: 'port' };
    if (path.includes('containers') || path.includes('initContainers')) return { mergeKey: 'containerPort' };
    return {};
  }
  if (field === 'finalizers' && path.length === 2 && path[0] === 'spec') return {};
  if (field === 'addresses' && !(path[0] === 'status' && kind === 'Node')) return {};
  return BY_FIELD[field] ?? {};
}
