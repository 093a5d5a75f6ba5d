import { exampleRelease, exampleService } from '@cite/model/testing';
import { UnavailableError } from '@cite/errors';
import { renderService } from './render';
import type { RolloutState } from './rollout';
import { FakeCluster } from './testing';
import { trackRollout } from './track-rollout';

const service = exampleService({ name: 'web', team: 'shop' });
const rendered = renderService(service, exampleRelease({ service: 'web' }));
const target = { namespace: 'cite-shop', name: 'web' };

describe('trackRollout (fake cluster)', () => {
  it('reports progress as the status moves and resolves when rolled out', async () => {
    const cluster = new FakeCluster();
    cluster.rollout = 'hang';
    await cluster.apply(rendered.deployment);
    const seen: string[] = [];
    const verdict = trackRollout(cluster, {
      ...target,
      timeoutMs: 5_000,
      onProgress: (state: RolloutState) => {
        seen.push(state.message);
        if (seen.length === 1) {
          cluster.setDeploymentStatus('cite-shop', 'web', {
            observedGeneration: 1,
            replicas: 2,
            updatedReplicas: 1,
            availableReplicas: 0,
          });
        } else if (seen.length === 2) {
          cluster.setDeploymentStatus('cite-shop', 'web', {
            observedGeneration: 1,
            replicas: 2,
            updatedReplicas: 2,
            readyReplicas: 2,
            availableReplicas: 2,
          });
        }
      },
    });
    await expect(verdict).resolves.toMatchObject({ phase: 'succeeded' });
    expect(seen).toEqual([
      'waiting for the deployment spec update to be observed',
      '1 of 2 replicas updated',
    ]);
  });

  it('fails with the pods’ reason when the progress deadline passes', async () => {
    const cluster = new FakeCluster();
    cluster.rollout = { fail: 'CrashLoopBackOff' };
    await cluster.apply(rendered.deployment);
    const verdict = await trackRollout(cluster, { ...target, timeoutMs: 5_000 });
    expect(verdict).toMatchObject({ phase: 'failed', reason: 'CrashLoopBackOff' });
  });

  it('gives up after its own timeout with what the pods say', async () => {
    const cluster = new FakeCluster();
    cluster.rollout = 'hang';
    await cluster.apply(rendered.deployment);
    const verdict = await trackRollout(cluster, { ...target, timeoutMs: 50 });
    expect(verdict).toMatchObject({ phase: 'failed', reason: 'RolloutTimedOut' });
  });

  it('stops when its signal aborts, with the signal’s reason', async () => {
    const cluster = new FakeCluster();
    cluster.rollout = 'hang';
    await cluster.apply(rendered.deployment);
    const stop = new AbortController();
    const verdict = trackRollout(cluster, { ...target, timeoutMs: 5_000, signal: stop.signal });
    stop.abort(new Error('shutting down'));
    await expect(verdict).rejects.toThrow('shutting down');
  });

  it('passes cluster failures on', async () => {
    const cluster = new FakeCluster();
    cluster.failure = new UnavailableError('kubernetes', 'down');
    await expect(trackRollout(cluster, { ...target, timeoutMs: 1_000 })).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});
