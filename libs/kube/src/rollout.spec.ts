import type { V1Deployment, V1DeploymentCondition, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import {
  failedVerdict,
  failureFromPods,
  newReplicaSetOf,
  replicaSetNamedBy,
  rolloutState,
  type AppliedRollout,
} from './rollout';

function deployment(status: NonNullable<V1Deployment['status']>, replicas = 3, generation = 2): V1Deployment {
  return { metadata: { name: 'web', generation }, spec: { replicas, selector: {}, template: {} }, status };
}

const deadline = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-7d9f8" has timed out progressing.',
};

describe('rolloutState', () => {
  it.each<[string, NonNullable<V1Deployment['status']>, string, string]>([
    [
      'spec not yet observed',
      { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
      'progressing',
      'waiting for the deployment spec update to be observed',
    ],
    [
      'some replicas not updated',
      { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
      'progressing',
      '1 of 3 replicas updated',
    ],
    [
      'old replicas still there',
      { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
      'progressing',
      '1 old replicas are pending termination',
    ],
    [
      'updated but not available',
      { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
      'progressing',
      '2 of 3 updated replicas are available',
    ],
    [
      'all updated and available',
      { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
      'succeeded',
      'rolled out: 3 of 3 replicas available',
    ],
    [
      'newer generation observed',
      { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
      'succeeded',
      'rolled out: 3 of 3 replicas available',
    ],
    [
      'progress deadline exceeded',
      {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        availableReplicas: 3,
        conditions: [deadline],
      },
      'failed',
      deadline.message,
    ],
  ])('%s → %s', (_, status, phase, message) => {
    const state = rolloutState(deployment(status));
    expect(state.phase).toBe(phase);
    expect(state.message).toBe(message);
  });

  it('counts what the status says', () => {
    expect(
      rolloutState(
        deployment({
          observedGeneration: 2,
          replicas: 4,
          updatedReplicas: 1,
          readyReplicas: 3,
          availableReplicas: 3,
        }),
      ).counts,
    ).toEqual({
      desired: 3,
      updated: 1,
      ready: 3,
      available: 3,
      total: 4,
    });
  });

  it('treats zero replicas as rolled out once observed', () => {
    expect(rolloutState(deployment({ observedGeneration: 2 }, 0)).phase).toBe('succeeded');
  });

  it('is still progressing while Progressing is True', () => {
    const progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' };
    expect(
      rolloutState(
        deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, conditions: [progressing] }),
      ).phase,
    ).toBe('progressing');
  });
});

/**
 * Issue 10: a rollback after a deadline failure reuses the old ReplicaSet; with one replica no count moves, so
 * the controller observes the new generation but keeps the failed rollout's deadline condition (naming the failed
 * ReplicaSet, dated before the rollback's apply).
 */
describe('rolloutState of an applied rollout', () => {
  const applied: AppliedRollout = { generation: 3, startedAt: new Date('2025-01-01T10:00:05.300Z') };
  const timedOut = (replicaSet: string, at?: string): V1DeploymentCondition => ({
    type: 'Progressing',
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
    message: `ReplicaSet "${replicaSet}" has timed out progressing.`,
    ...(at ? { lastUpdateTime: at as unknown as Date, lastTransitionTime: at as unknown as Date } : {}),
  });
  // One replica: the reused (good) ReplicaSet is ready, the failed one's pod still waits.
  const rollback = (condition: V1DeploymentCondition, generation = 3, observedGeneration = generation) =>
    deployment(
      {
        observedGeneration,
        replicas: 2,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [condition],
      },
      1,
      generation,
    );

  it.each<[string, V1Deployment, string | undefined, string, string]>([
    [
      'the applied generation not yet observed (a stale read of the object)',
      rollback(timedOut('web-bad', '2025-01-01T10:00:04Z'), 2),
      undefined,
      'progressing',
      'waiting for the deployment spec update to be observed',
    ],
    [
      'an earlier rollout’s deadline, naming another ReplicaSet than the new one',
      rollback(timedOut('web-bad', '2025-01-01T10:00:04Z')),
      'web-good',
      'progressing',
      '1 old replicas are pending termination',
    ],
    [
      'naming another ReplicaSet wins over a time after the apply',
      rollback(timedOut('web-bad', '2025-01-01T10:00:09Z')),
      'web-good',
      'progressing',
      '1 old replicas are pending termination',
    ],
    [
      'a deadline naming the new ReplicaSet, even dated before the apply (a resumed run)',
      rollback(timedOut('web-good', '2025-01-01T10:00:01Z')),
      'web-good',
      'failed',
      'ReplicaSet "web-good" has timed out progressing.',
    ],
    [
      'new ReplicaSet unknown, deadline dated before the apply',
      rollback(timedOut('web-bad', '2025-01-01T10:00:04Z')),
      undefined,
      'progressing',
      '1 old replicas are pending termination',
    ],
    [
      'new ReplicaSet unknown, deadline in the apply’s own second (times are truncated)',
      rollback(timedOut('web-bad', '2025-01-01T10:00:05Z')),
      undefined,
      'progressing',
      '1 old replicas are pending termination',
    ],
    [
      'new ReplicaSet unknown, deadline dated after the apply',
      rollback(timedOut('web-good', '2025-01-01T10:00:06Z')),
      undefined,
      'failed',
      'ReplicaSet "web-good" has timed out progressing.',
    ],
    [
      'a deadline with no times and no ReplicaSet to tell by',
      rollback(timedOut('web-good')),
      undefined,
      'failed',
      'ReplicaSet "web-good" has timed out progressing.',
    ],
    [
      'a deadline naming no ReplicaSet, dated before the apply',
      rollback({
        ...timedOut('x', '2025-01-01T10:00:04Z'),
        message: 'Deployment "web" has timed out progressing.',
      }),
      'web-good',
      'progressing',
      '1 old replicas are pending termination',
    ],
  ])('%s', (_, subject, newReplicaSet, phase, message) => {
    const state = rolloutState(subject, applied, newReplicaSet);
    expect(state.phase).toBe(phase);
    expect(state.message).toBe(message);
  });

  it('succeeds once the failed ReplicaSet is gone, the stale deadline still there', () => {
    const done = deployment(
      {
        observedGeneration: 3,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [timedOut('web-bad', '2025-01-01T10:00:04Z')],
      },
      1,
      3,
    );
    expect(rolloutState(done, applied, 'web-good').phase).toBe('succeeded');
  });

  it('without an apply to tell by, any deadline counts (as `observeService` reads it)', () => {
    expect(rolloutState(rollback(timedOut('web-bad', '2025-01-01T10:00:04Z'))).phase).toBe('failed');
  });
});

describe('replicaSetNamedBy', () => {
  it.each<[string | undefined, string | undefined]>([
    ['ReplicaSet "web-7d9f8" has timed out progressing.', 'web-7d9f8'],
    ['Deployment "web" has timed out progressing.', undefined],
    [undefined, undefined],
  ])('%s → %s', (message, name) => {
    expect(replicaSetNamedBy({ type: 'Progressing', status: 'False', ...(message ? { message } : {}) })).toBe(
      name,
    );
  });
});

describe('newReplicaSetOf', () => {
  const template = (image: string, hash?: string) => ({
    metadata: {
      creationTimestamp: null as unknown as Date,
      labels: { 'app.kubernetes.io/name': 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
    },
    spec: { containers: [{ name: 'app', image, env: [] }] },
  });
  const replicaSet = (name: string, image: string, created: string): V1ReplicaSet => ({
    metadata: { name, creationTimestamp: created as unknown as Date },
    spec: { selector: {}, template: template(image, name.slice(4)) },
  });
  const web = (image: string): V1Deployment => ({
    metadata: { name: 'web' },
    spec: { selector: {}, template: { ...template(image), spec: { containers: [{ name: 'app', image }] } } },
  });
  const sets = [
    replicaSet('web-good', 'web:1', '2025-01-01T10:00:00Z'),
    replicaSet('web-bad', 'web:2', '2025-01-01T10:01:00Z'),
  ];

  it.each<[string, string, V1ReplicaSet[], string | undefined]>([
    ['the template’s set, up to the hash label and empty values', 'web:1', sets, 'web-good'],
    ['the other template', 'web:2', sets, 'web-bad'],
    ['none with the template yet', 'web:3', sets, undefined],
    [
      'the oldest of equal templates',
      'web:1',
      [replicaSet('web-late', 'web:1', '2025-01-01T10:02:00Z'), ...sets],
      'web-good',
    ],
  ])('%s', (_, image, replicaSets, name) => {
    expect(newReplicaSetOf(web(image), replicaSets)).toBe(name);
  });
});

function pod(name: string, status: NonNullable<V1Pod['status']>): V1Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'app' }] }, status };
}

const waiting = (reason: string, message = `${reason} happened`): NonNullable<V1Pod['status']> => ({
  phase: 'Pending',
  containerStatuses: [
    {
      name: 'app',
      image: 'x',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, message } },
    },
  ],
});

describe('failureFromPods', () => {
  const ready = pod('web-ok', {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      { name: 'app', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
    ],
  });

  it.each<[string, V1Pod[], string | null]>([
    ['no pods', [], null],
    ['only ready pods', [ready], null],
    ['still creating', [pod('web-a', waiting('ContainerCreating'))], null],
    ['image pull back-off', [ready, pod('web-a', waiting('ImagePullBackOff'))], 'ImagePullBackOff'],
    [
      'ErrImagePull is reported as ImagePullBackOff',
      [pod('web-a', waiting('ErrImagePull'))],
      'ImagePullBackOff',
    ],
    ['crash loop', [pod('web-a', waiting('CrashLoopBackOff'))], 'CrashLoopBackOff'],
    [
      'unschedulable',
      [
        pod('web-a', {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/10 nodes are available: 10 Insufficient cpu.',
            },
          ],
        }),
      ],
      'Unschedulable',
    ],
    [
      'image pull beats crash loop',
      [pod('web-a', waiting('CrashLoopBackOff')), pod('web-b', waiting('ErrImagePull'))],
      'ImagePullBackOff',
    ],
    [
      'running but never ready',
      [
        pod('web-a', {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'False', message: 'containers with unready status: [app]' }],
          containerStatuses: [
            { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { running: {} } },
          ],
        }),
      ],
      'ReadinessProbeFailed',
    ],
    [
      'an unknown waiting reason is kept',
      [pod('web-a', waiting('CreateContainerConfigError'))],
      'CreateContainerConfigError',
    ],
  ])('%s → %s', (_, pods, reason) => {
    expect(failureFromPods(pods)?.reason ?? null).toBe(reason);
  });

  it('names the pod and keeps the raw reason and message', () => {
    expect(failureFromPods([pod('web-a', waiting('ErrImagePull', 'not found'))])?.message).toBe(
      'pod web-a: ErrImagePull: not found',
    );
  });

  it('ignores terminating pods', () => {
    const leaving = pod('web-a', waiting('CrashLoopBackOff'));
    leaving.metadata!.deletionTimestamp = new Date();
    expect(failureFromPods([leaving])).toBeNull();
  });
});

describe('failedVerdict', () => {
  const state = rolloutState(
    deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, conditions: [deadline] }),
  );

  it('takes the reason from the pods when they show one', () => {
    const verdict = failedVerdict(state, [
      pod('web-a', waiting('ImagePullBackOff', 'Back-off pulling image "x"')),
    ]);
    expect(verdict).toMatchObject({ phase: 'failed', reason: 'ImagePullBackOff' });
    expect(verdict.message).toContain('Back-off pulling image "x"');
    expect(verdict.message).toContain('timed out progressing');
  });

  it('keeps ProgressDeadlineExceeded when the pods say nothing', () => {
    expect(failedVerdict(state, []).reason).toBe('ProgressDeadlineExceeded');
  });
});

describe('rolloutState when scaling down', () => {
  const scaled = (desired: number, updated: number, available: number) =>
    ({
      metadata: { name: 'web', generation: 4 },
      spec: { replicas: desired },
      status: {
        observedGeneration: 4,
        replicas: updated,
        updatedReplicas: updated,
        readyReplicas: available,
        availableReplicas: available,
      },
    }) as Parameters<typeof rolloutState>[0];

  it('is still progressing while replicas above the desired count remain', () => {
    expect(rolloutState(scaled(0, 5, 5))).toMatchObject({
      phase: 'progressing',
      message: 'scaling down: 5 of 0 replicas remain',
    });
    expect(rolloutState(scaled(2, 2, 3)).phase).toBe('progressing');
  });

  it('succeeds once the surplus is gone', () => {
    expect(rolloutState(scaled(0, 0, 0))).toMatchObject({ phase: 'succeeded' });
    expect(rolloutState(scaled(2, 2, 2))).toMatchObject({ phase: 'succeeded' });
  });
});
