/**
 * The API server leaves out status counts that are 0 (Go's `omitempty`; a ReplicaSet's `status.replicas` is the
 * exception). The Deployment and ReplicaSet decisions must read a missing count as 0 and must not keep writing
 * zeros the server drops again.
 */
import { statusPatch } from '../kit/status-fields';
import type { Deployment, ReplicaSet } from '../kit/wire';
import { REPLICASET_STATUS_FIELDS, reconcileReplicaSet } from '../replicaset/reconcile-replicaset';
import { deployment } from '../testing/fixtures';
import { World } from '../testing/world';
import { deploymentComplete } from './status';

/** A status as the API server serves it: zero counts dropped, `keep` kept. */
function served<T extends { status?: object }>(object: T, keep: string[] = []): void {
  const status = (object.status ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(status))
    if (value === 0 && !keep.includes(key)) delete status[key];
}

function serveAll(world: World): void {
  served<Deployment>(world.deployment);
  for (const rs of world.replicaSets) served<ReplicaSet>(rs, ['replicas']);
}

function settledWorld(replicas: number): World {
  const world = new World(deployment({ replicas }));
  world.settle();
  world.advance(1000);
  world.settle();
  return world;
}

describe('Deployment and ReplicaSet statuses without their zero counts', () => {
  it('a fully available Deployment served without unavailableReplicas needs no status write', () => {
    const world = settledWorld(3);
    expect(world.deployment.status?.unavailableReplicas).toBe(0);
    serveAll(world);
    expect(world.deployment.status).not.toHaveProperty('unavailableReplicas');
    expect(world.syncDeployment()).toEqual([]);
  });

  it('a Deployment scaled to 0 and served with no counts at all is complete and quiet', () => {
    const world = settledWorld(3);
    world.deployment.spec!.replicas = 0;
    world.deployment.metadata!.generation = 2;
    world.settle();
    serveAll(world);
    expect(Object.keys(world.deployment.status ?? {}).sort()).toEqual(['conditions', 'observedGeneration']);
    expect(deploymentComplete(world.deployment, world.deployment.status)).toBe(true);
    expect(world.syncDeployment()).toEqual([]);
    for (const rs of world.replicaSets) {
      expect(rs.status).toEqual({ replicas: 0, observedGeneration: rs.metadata?.generation });
      const decision = reconcileReplicaSet(rs, world.pods, world.now);
      expect(decision.actions).toEqual([]);
      expect(statusPatch(rs.status, { ...decision.status }, REPLICASET_STATUS_FIELDS)).toBeUndefined();
    }
  });

  it('counts a ReplicaSet whose status has no counts as 0', () => {
    const world = settledWorld(2);
    for (const rs of world.replicaSets) rs.status = { replicas: 0 };
    world.syncDeployment();
    expect(world.deployment.status).toMatchObject({
      replicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 2,
    });
  });
});
