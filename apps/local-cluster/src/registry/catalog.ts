import { apiVersionOf, type ResourceDefinition } from './resource-definition';

/** A group's versions, preferred first, as discovery reports them. */
export interface GroupVersions {
  group: string;
  versions: string[];
}

/**
 * The resources the server serves, by group, version and plural. Built-in resources are added at start;
 * custom resources come and go with their CustomResourceDefinitions.
 */
export class ResourceCatalog {
  private readonly byPath = new Map<string, ResourceDefinition>();
  /** Group order as first added, so discovery lists core groups first, as kube does. */
  private readonly groupOrder: string[] = [];
  private readonly owners = new Map<string, string>();

  add(definition: ResourceDefinition, owner = 'builtin'): void {
    this.byPath.set(pathKey(definition.group, definition.version, definition.resource), definition);
    this.owners.set(pathKey(definition.group, definition.version, definition.resource), owner);
    if (!this.groupOrder.includes(definition.group)) this.groupOrder.push(definition.group);
  }

  /** Removes every resource added by `owner` (a CRD's name). */
  removeOwned(owner: string): void {
    for (const [key, value] of this.owners) {
      if (value !== owner) continue;
      this.owners.delete(key);
      this.byPath.delete(key);
    }
  }

  find(group: string, version: string, resource: string): ResourceDefinition | undefined {
    return this.byPath.get(pathKey(group, version, resource));
  }

  /** All resources of a group-version, in the order added. */
  resourcesOf(group: string, version: string): ResourceDefinition[] {
    return [...this.byPath.values()].filter(
      (definition) => definition.group === group && definition.version === version,
    );
  }

  all(): ResourceDefinition[] {
    return [...this.byPath.values()];
  }

  /** Groups with their versions; the first version of each is preferred. */
  groups(): GroupVersions[] {
    const result: GroupVersions[] = [];
    for (const group of this.groupOrder) {
      const versions = [
        ...new Set(
          this.all()
            .filter((d) => d.group === group)
            .map((d) => d.version),
        ),
      ];
      if (versions.length > 0) result.push({ group, versions: sortVersions(versions) });
    }
    return result;
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.resourcesOf(group, version).length > 0;
  }

  /** The definition serving a kind in an apiVersion (for owner references, apply). */
  byKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.all().find(
      (definition) => apiVersionOf(definition) === apiVersion && definition.kind === kind,
    );
  }
}

function pathKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (kube's version sort). */
export function sortVersions(versions: string[]): string[] {
  const rank = (version: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) return [0, 0, 0];
    const stage = match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1;
    return [stage, Number(match[1]), Number(match[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const [sa, ma, na] = rank(a);
    const [sb, mb, nb] = rank(b);
    return sb - sa || mb - ma || nb - na || a.localeCompare(b);
  });
}
