import { T0, at, deployment, replicaSet, template } from '../testing/fixtures';
import { World } from '../testing/world';
import type { DeploymentAction } from './context';
import { reconcileDeployment } from './reconcile-deployment';
import { computeHash } from './template-hash';

const names = (actions: DeploymentAction[]): string[] =>
  actions.map((action) => {
    switch (action.type) {
      case 'createReplicaSet':
        return `create ${action.replicaSet.metadata?.name}=${action.replicaSet.spec?.replicas}`;
      case 'updateReplicaSet':
        return `update ${action.name}${action.replicas !== undefined ? `=${action.replicas}` : ''}`;
      case 'deleteReplicaSet':
        return `delete ${action.rs.metadata?.name}`;
      case 'event':
        return `event ${action.reason}`;
      case 'setDeploymentRevision':
        return `revision ${action.revision}`;
      default:
        return action.type;
    }
  });

describe('reconcileDeployment', () => {
  it('creates the first ReplicaSet, named after the template hash, at full size', () => {
    const d = deployment({ replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first' } });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    const hash = computeHash(d.spec?.template);
    expect(names(actions)).toEqual([
      `create web-${hash}=3`,
      'event ScalingReplicaSet',
      'revision 1',
      'updateStatus',
    ]);
    const created = actions[0] as Extract<DeploymentAction, { type: 'createReplicaSet' }>;
    expect(created.replicaSet.metadata?.annotations).toEqual({
      'kubernetes.io/change-cause': 'first',
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(created.replicaSet.spec?.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(created.replicaSet.spec?.template?.metadata?.labels).toEqual({
      app: 'web',
      'pod-template-hash': hash,
    });
    const status = (actions[3] as Extract<DeploymentAction, { type: 'updateStatus' }>).status;
    expect(status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Progressing=True/NewReplicaSetCreated',
      'Available=False/MinimumReplicasUnavailable',
    ]);
  });

  it('settles: available, complete, and then quiet', () => {
    const world = new World(deployment({ replicas: 3 }));
    world.settle();
    world.advance(1000);
    world.settle();
    expect(world.deployment.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(
      world.deployment.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`).sort(),
    ).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
    expect(world.syncDeployment()).toEqual([]);
  });

  it('starts a rolling update by surging the new set, then shrinks the old one within maxUnavailable', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    const old = replicaSet({ name: 'web-old', replicas: 10, image: 'nginx:1', revision: 1 });
    const d = deployment({ replicas: 10, image: 'nginx:2', strategy, generation: 2 });
    const first = reconcileDeployment({ deployment: d, replicaSets: [old], pods: [], now: T0 });
    expect(names(first.actions)).toContain(`create web-${computeHash(d.spec?.template)}=3`);
    expect(names(first.actions)).toContain('revision 2');
  });

  it('scales a steady Deployment when spec.replicas changes', () => {
    const rs = replicaSet({
      name: `web-${computeHash(template())}`,
      replicas: 3,
      revision: 1,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
      },
    });
    const d = deployment({ replicas: 5, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [rs], pods: [], now: T0 });
    expect(names(actions).slice(0, 2)).toEqual([`update ${rs.metadata?.name}=5`, 'event ScalingReplicaSet']);
  });

  it('scales proportionally while a rollout is under way', () => {
    const world = new World(
      deployment({
        replicas: 10,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
      }),
    );
    world.settle();
    world.advance(1000);
    world.settle();
    world.deployment.spec!.template = template('nginx:2');
    world.deployment.metadata!.generation = 2;
    world.syncDeployment();
    world.syncReplicaSets();
    world.syncDeployment();
    world.deployment.spec!.replicas = 20;
    world.syncDeployment();
    const sizes = world.replicaSets.map((rs) => rs.spec?.replicas ?? 0);
    // 10 + 3 surge → 20 + 3 surge: the extra 10 split between the two sets by their share of the old total
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(23);
    expect(sizes).toEqual([14, 9]);
  });

  it('gives a rolled-back template the next revision, keeping the old one in revision-history', () => {
    const v1 = replicaSet({
      name: `web-${computeHash(template('nginx:1'))}`,
      replicas: 0,
      image: 'nginx:1',
      revision: 1,
      created: 0,
    });
    const v2 = replicaSet({
      name: `web-${computeHash(template('nginx:2'))}`,
      replicas: 3,
      image: 'nginx:2',
      revision: 2,
      created: 10,
    });
    const d = deployment({
      replicas: 3,
      image: 'nginx:1',
      generation: 3,
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [v1, v2], pods: [], now: T0 });
    const update = actions.find(
      (a) => a.type === 'updateReplicaSet' && a.name === v1.metadata?.name,
    ) as Extract<DeploymentAction, { type: 'updateReplicaSet' }>;
    expect(update.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(names(actions)).toContain('revision 3');
    expect(names(actions)).toContain(`update ${v1.metadata?.name}=1`);
  });

  it('recreates: old sets to zero first, the new set only once no old pod runs', () => {
    const world = new World(deployment({ replicas: 3, strategy: { type: 'Recreate' } }));
    world.settle();
    world.advance(1000);
    world.settle();
    world.deployment.spec!.template = template('nginx:2');
    world.deployment.metadata!.generation = 2;
    const first = world.syncDeployment();
    expect(names(first).filter((n) => n.startsWith('update ') || n.startsWith('create '))).toEqual([
      expect.stringMatching(/=0$/),
    ]);
    expect(world.replicaSets).toHaveLength(1);
    world.syncReplicaSets();
    const second = world.syncDeployment();
    expect(names(second).find((n) => n.startsWith('create'))).toMatch(/=3$/);
  });

  it('does not roll out a paused Deployment, and says so in Progressing', () => {
    const rs = replicaSet({ name: `web-${computeHash(template())}`, replicas: 3, revision: 1 });
    const d = deployment({ replicas: 3, image: 'nginx:2', paused: true });
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [rs], pods: [], now: T0 });
    expect(actions.some((a) => a.type === 'createReplicaSet')).toBe(false);
    const status = (
      actions.find((a) => a.type === 'updateStatus') as Extract<DeploymentAction, { type: 'updateStatus' }>
    ).status;
    expect(status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
  });

  it('marks ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds, and asks to look again before', () => {
    const rs = replicaSet({
      name: `web-${computeHash(template())}`,
      replicas: 3,
      revision: 1,
      available: 0,
      ready: 0,
    });
    const status = {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      unavailableReplicas: 3,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: '',
          lastUpdateTime: at(0),
          lastTransitionTime: at(0),
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: '',
          lastUpdateTime: at(0),
          lastTransitionTime: at(0),
        },
      ],
    };
    const d = deployment({
      replicas: 3,
      progressDeadlineSeconds: 5,
      status,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    });
    const early = reconcileDeployment({ deployment: d, replicaSets: [rs], pods: [], now: T0 + 2000 });
    expect(early.actions).toEqual([]);
    expect(early.requeueAfterMs).toBe(4000);
    const late = reconcileDeployment({ deployment: d, replicaSets: [rs], pods: [], now: T0 + 6000 });
    const written = (
      late.actions.find((a) => a.type === 'updateStatus') as Extract<
        DeploymentAction,
        { type: 'updateStatus' }
      >
    ).status;
    expect(written.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rs.metadata?.name}" has timed out progressing.`,
    });
  });

  it('deletes old empty sets beyond revisionHistoryLimit, oldest revision first', () => {
    const current = replicaSet({
      name: `web-${computeHash(template())}`,
      replicas: 3,
      revision: 4,
      created: 40,
    });
    const old = [1, 2, 3].map((revision) =>
      replicaSet({
        name: `web-old${revision}`,
        replicas: 0,
        image: `nginx:0.${revision}`,
        revision,
        created: revision,
      }),
    );
    const d = deployment({
      replicas: 3,
      revisionHistoryLimit: 1,
      annotations: { 'deployment.kubernetes.io/revision': '4' },
    });
    const world = new World(d);
    world.replicaSets = [current, ...old];
    world.settle();
    world.advance(1000);
    world.settle();
    expect(world.replicaSets.map((rs) => rs.metadata?.name)).toEqual([current.metadata?.name, 'web-old3']);
  });

  it('bumps collisionCount when another owner holds the hash name', () => {
    const d = deployment({ replicas: 3 });
    const squatter = replicaSet({
      name: `web-${computeHash(d.spec?.template)}`,
      replicas: 1,
      image: 'other',
      ownerUid: 'someone-else',
    });
    const { actions, requeueAfterMs } = reconcileDeployment({
      deployment: d,
      replicaSets: [squatter],
      pods: [],
      now: T0,
    });
    expect(actions.find((a) => a.type === 'updateStatus')).toMatchObject({ status: { collisionCount: 1 } });
    expect(actions.some((a) => a.type === 'createReplicaSet')).toBe(false);
    expect(requeueAfterMs).toBe(0);
  });

  it('adopts a matching orphan ReplicaSet', () => {
    const orphan = replicaSet({
      name: `web-${computeHash(template())}`,
      replicas: 3,
      revision: 1,
      ownerUid: null,
    });
    const { actions } = reconcileDeployment({
      deployment: deployment({ replicas: 3 }),
      replicaSets: [orphan],
      pods: [],
      now: T0,
    });
    expect(actions[0]).toMatchObject({
      type: 'adoptReplicaSet',
      ownerReferences: [{ kind: 'Deployment', uid: 'deploy-uid', controller: true }],
    });
    expect(actions.some((a) => a.type === 'createReplicaSet')).toBe(false);
  });

  it('only updates the status of a Deployment being deleted', () => {
    const rs = replicaSet({ name: `web-${computeHash(template())}`, replicas: 3, revision: 1 });
    const d = deployment({ replicas: 3, image: 'nginx:9' });
    d.metadata!.deletionTimestamp = at(1);
    const { actions } = reconcileDeployment({ deployment: d, replicaSets: [rs], pods: [], now: T0 });
    expect(actions.map((a) => a.type)).toEqual(['updateStatus']);
  });
});
