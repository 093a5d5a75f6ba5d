/**
 * Applies a rendered service to the cluster: the namespace first, then the Deployment, the Service and the
 * Ingress at once (they do not depend on each other; an Ingress no longer wanted is deleted).
 *
 * Team namespaces are never deleted by cite, so a namespace this process applied within `freshMs` is not applied
 * again: most deploys save a round trip. If someone has deleted it since, the objects' 404 brings the namespace
 * back and they are applied again; the age bound lets a change of the namespace's labels reach the cluster.
 * Deploys that start together in a new namespace (a team's first services) share one apply of it rather than
 * each sending the same object.
 */
import { NotFoundError } from '@cite/errors';
import type { Cluster, RenderedService } from '@cite/kube';

type Deployment = RenderedService['deployment'];

/** @defaultValue 10 minutes */
export const NAMESPACE_FRESH_MS = 10 * 60_000;

export class ObjectApplier {
  /** Namespaces this process applied, with when (`performance.now()`). */
  private readonly namespaces = new Map<string, number>();
  /** Namespace applies in flight, shared by the deploys that need the same namespace at once. */
  private readonly applying = new Map<string, Promise<void>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly freshMs = NAMESPACE_FRESH_MS,
  ) {}

  /** Applies everything; resolves with the Deployment as stored. */
  async apply(rendered: RenderedService): Promise<Deployment> {
    const namespace = rendered.deployment.metadata?.namespace ?? '';
    if (this.fresh(namespace)) {
      const applied = await this.applyObjects(rendered).catch((error: unknown) => {
        if (!(error instanceof NotFoundError)) throw error;
        this.namespaces.delete(namespace);
        return undefined;
      });
      if (applied) return applied;
    }
    await this.applyNamespace(namespace, rendered.namespace);
    return this.applyObjects(rendered);
  }

  private applyNamespace(name: string, object: RenderedService['namespace']): Promise<void> {
    let pending = this.applying.get(name);
    if (!pending) {
      pending = this.cluster
        .apply(object)
        .then(() => {
          this.namespaces.set(name, performance.now());
        })
        .finally(() => this.applying.delete(name));
      this.applying.set(name, pending);
    }
    return pending;
  }

  private fresh(namespace: string): boolean {
    const at = this.namespaces.get(namespace);
    return at !== undefined && performance.now() - at < this.freshMs;
  }

  private async applyObjects(rendered: RenderedService): Promise<Deployment> {
    const { cluster } = this;
    const namespace = rendered.deployment.metadata?.namespace ?? '';
    const name = rendered.deployment.metadata?.name ?? '';
    const [deployment] = await Promise.all([
      cluster.apply(rendered.deployment),
      cluster.apply(rendered.service),
      rendered.ingress
        ? cluster.apply(rendered.ingress)
        : cluster.delete({ kind: 'Ingress', namespace, name }),
    ]);
    return deployment;
  }
}
