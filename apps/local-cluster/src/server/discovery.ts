import type { ResourceCatalog } from '../registry/catalog';
import type { ResourceDefinition } from '../registry/resource-definition';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface SubresourceShape {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

function subresourceShape(definition: ResourceDefinition, name: string): SubresourceShape {
  switch (name) {
    case 'status':
      return { kind: definition.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'log':
      return { kind: 'Pod', verbs: ['get'] };
    case 'proxy':
      return { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'binding':
      return { kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'finalize':
      return { kind: 'Namespace', verbs: ['update'] };
    default:
      return { kind: definition.kind, verbs: ['get'] };
  }
}

/** An APIResourceList (`/api/v1`, `/apis/<group>/<version>`) with verbs, short names, categories, subresources. */
export function resourceList(catalog: ResourceCatalog, group: string, version: string): unknown {
  const resources: unknown[] = [];
  for (const definition of catalog.resourcesOf(group, version)) {
    resources.push({
      name: definition.resource,
      singularName: definition.singular,
      namespaced: definition.namespaced,
      kind: definition.kind,
      verbs:
        definition.verbs ??
        (definition.resource === 'namespaces'
          ? ALL_VERBS.filter((verb) => verb !== 'deletecollection')
          : ALL_VERBS),
      ...(definition.shortNames.length > 0 ? { shortNames: definition.shortNames } : {}),
      ...(definition.categories.length > 0 ? { categories: definition.categories } : {}),
    });
    for (const subresource of definition.subresources) {
      const shape = subresourceShape(definition, subresource);
      resources.push({
        name: `${definition.resource}/${subresource}`,
        singularName: '',
        namespaced: definition.namespaced,
        ...(shape.group !== undefined ? { group: shape.group, version: shape.version } : {}),
        kind: shape.kind,
        verbs: shape.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function groupEntry(group: string, versions: string[]): unknown {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function groupList(catalog: ResourceCatalog): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog
      .groups()
      .filter((entry) => entry.group !== '')
      .map((entry) => groupEntry(entry.group, entry.versions)),
  };
}

export function apiGroup(catalog: ResourceCatalog, group: string): unknown | undefined {
  const entry = catalog.groups().find((candidate) => candidate.group === group);
  if (!entry || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(entry.group, entry.versions) as object) };
}

export function versionInfo(): unknown {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0',
    gitCommit: 'local-cluster',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
