import { NotFoundError } from '@cite/errors';
import { renderService, type AppliedObject } from '@cite/kube';
import { FakeCluster } from '@cite/kube/testing';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { ObjectApplier } from './object-applier';

/** The fake, plus what a real API server does: no objects in a namespace that does not exist. */
class NamespacedCluster extends FakeCluster {
  override async apply<T extends AppliedObject>(object: T): Promise<T> {
    const namespace = object.metadata?.namespace;
    if (object.kind !== 'Namespace' && !this.objects.has(`Namespace//${namespace}`))
      throw new NotFoundError(`namespaces "${namespace}" not found`);
    return super.apply(object);
  }

  deleteNamespace(name: string): void {
    this.objects.delete(`Namespace//${name}`);
  }
}

const service = exampleService({ name: 'web', team: 'shop' });
const rendered = (n: number) =>
  renderService(
    service,
    exampleRelease({ service: 'web', number: n, image: `registry.local/shop/web:${n}` }),
  );
const kinds = (cluster: FakeCluster) => cluster.applied.map((object) => object.kind);

describe('ObjectApplier', () => {
  it('applies the namespace first, then the rest; a second deploy skips the namespace', async () => {
    const cluster = new NamespacedCluster();
    const applier = new ObjectApplier(cluster);
    const first = await applier.apply(rendered(1));
    expect(first.spec?.template.spec?.containers[0]?.image).toBe('registry.local/shop/web:1');
    expect(kinds(cluster)[0]).toBe('Namespace');
    expect(kinds(cluster).slice(1).sort()).toEqual(['Deployment', 'Ingress', 'Service']);
    cluster.applied.length = 0;
    await applier.apply(rendered(2));
    expect(kinds(cluster).sort()).toEqual(['Deployment', 'Ingress', 'Service']);
  });

  it('shares one namespace apply among deploys that start together, and a failed one is tried again', async () => {
    const cluster = new NamespacedCluster();
    const applier = new ObjectApplier(cluster);
    const others = ['a', 'b', 'c'].map((name) =>
      renderService(
        exampleService({ name, team: 'shop' }),
        exampleRelease({ service: name, number: 1, image: `registry.local/shop/${name}:1` }),
      ),
    );
    await Promise.all(others.map((r) => applier.apply(r)));
    expect(kinds(cluster).filter((kind) => kind === 'Namespace')).toHaveLength(1);
    expect(kinds(cluster).filter((kind) => kind === 'Deployment')).toHaveLength(3);

    const failing = new NamespacedCluster();
    const refusing = new ObjectApplier(failing);
    const original = failing.apply.bind(failing);
    let refusals = 1;
    failing.apply = async (object) => {
      if (object.kind === 'Namespace' && refusals-- > 0) throw new Error('cluster unavailable');
      return original(object);
    };
    await expect(refusing.apply(rendered(1))).rejects.toThrow('cluster unavailable');
    await refusing.apply(rendered(1));
    expect(failing.objects.has('Namespace//cite-shop')).toBe(true);
  });

  it('brings back a namespace someone deleted, and applies the objects again', async () => {
    const cluster = new NamespacedCluster();
    const applier = new ObjectApplier(cluster);
    await applier.apply(rendered(1));
    cluster.deleteNamespace('cite-shop');
    cluster.applied.length = 0;
    const deployment = await applier.apply(rendered(2));
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/shop/web:2');
    expect(kinds(cluster)).toContain('Namespace');
    expect(cluster.objects.has('Namespace//cite-shop')).toBe(true);
  });

  it('applies the namespace again once its record is older than freshMs', async () => {
    const cluster = new NamespacedCluster();
    const applier = new ObjectApplier(cluster, 0);
    await applier.apply(rendered(1));
    cluster.applied.length = 0;
    await applier.apply(rendered(2));
    expect(kinds(cluster)[0]).toBe('Namespace');
  });

  it('passes other failures on', async () => {
    const cluster = new NamespacedCluster();
    const applier = new ObjectApplier(cluster);
    await applier.apply(rendered(1));
    cluster.failure = new Error('boom');
    await expect(applier.apply(rendered(2))).rejects.toThrow('boom');
  });
});
