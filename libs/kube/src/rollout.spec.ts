import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { failedVerdict, failureFromPods, rolloutState } from './rollout';

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
