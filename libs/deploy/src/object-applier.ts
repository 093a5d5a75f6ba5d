/**
 * Applies a rendered service to the cluster: the namespace first, then the Deployment, the Service and the
 * Ingress at once (they do not depend on each other; an Ingress no longer wanted is deleted).
 *
 * Team namespaces are never deleted by cite, so a namespace this process applied within `freshMs` is not applied
 * again: most deploys save a round trip. If someone has deleted it since, the objects' 404 brings the namespace
 * back and they are applied again; the age bound lets a change of the namespace's labels reach the cluster.
 */
import { NotFoundError } from '@cite/errors';
import type { Cluster, RenderedService } from '@cite/kube';

type Deployment = RenderedService['deployment'];

/** @defaultValue 10 minutes */
export const NAMESPACE_FRESH_MS = 10 * 60_000;

export class ObjectApplier {
  /** Namespaces this process applied, with when (`performance.now()`). */
  private readonly namespaces = new Map<string, number>();

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
    await this.cluster.apply(rendered.namespace);
    this.namespaces.set(namespace, performance.now());
    return this.applyObjects(rendered);
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
