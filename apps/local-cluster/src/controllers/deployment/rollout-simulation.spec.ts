/**
 * The rolling-update invariants, checked at every step of a simulated rollout (Deployment controller,
 * ReplicaSet controller and a kubelet making pods ready after a delay): never fewer than replicas −
 * maxUnavailable ready pods, never more than replicas + maxSurge pods.
 */
import { deployment, template } from '../testing/fixtures';
import { World } from '../testing/world';

describe.each([
  [10, 3, 2],
  [10, '25%', '25%'],
  [5, 0, 1],
  [4, 1, 0],
  [1, 1, 0],
])('rolling update of %p replicas, maxSurge %p, maxUnavailable %p', (replicas, maxSurge, maxUnavailable) => {
  it('stays within the bounds at every step and completes', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
    const world = new World(deployment({ replicas, strategy }), 700);
    for (let i = 0; i < 10; i++) {
      world.settle();
      world.advance(500);
    }
    expect(world.readyPods()).toBe(replicas);
    world.deployment.spec!.template = template('nginx:2');
    world.deployment.metadata!.generation = 2;

    const surge = typeof maxSurge === 'number' ? maxSurge : Math.ceil((replicas * 25) / 100);
    const unavailable =
      typeof maxUnavailable === 'number' ? maxUnavailable : Math.floor((replicas * 25) / 100);
    let minReady = Infinity;
    let maxPods = 0;
    const done = (): boolean => {
      const status = world.deployment.status ?? {};
      return (
        status.observedGeneration === 2 &&
        status.updatedReplicas === replicas &&
        status.replicas === replicas &&
        status.availableReplicas === replicas
      );
    };
    for (let step = 0; !done(); step++) {
      world.syncDeployment();
      maxPods = Math.max(maxPods, world.pods.length);
      minReady = Math.min(minReady, world.readyPods());
      world.syncReplicaSets();
      maxPods = Math.max(maxPods, world.pods.length);
      minReady = Math.min(minReady, world.readyPods());
      world.advance(250);
      if (step > 150) throw new Error('the rollout did not finish');
    }
    world.settle();
    expect(maxPods).toBeLessThanOrEqual(replicas + surge);
    expect(minReady).toBeGreaterThanOrEqual(replicas - unavailable);
    expect(world.pods.every((pod) => pod.spec?.containers[0]?.image === 'nginx:2')).toBe(true);
    expect(world.deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });
});
