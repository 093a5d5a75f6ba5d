import type { KubeletTimings } from './behaviour';
import { backOffMs, crashBackOffMs, goDuration } from './behaviour';
import {
  type ContainerContext,
  advance,
  beginPull,
  isReady,
  kill,
  newContainer,
  nextTransition,
} from './container-runtime';

const timings: KubeletTimings = {
  containerCreatingMs: 0,
  startMs: 100,
  readyMs: 50,
  backOffScale: 0.001,
  crashAfterMs: 30,
};

function context(overrides: Partial<ContainerContext> = {}): ContainerContext {
  return {
    timings,
    crashLoop: false,
    neverReady: false,
    restartPolicy: 'Always',
    pullFailure: null,
    podDescription: 'web-1_ns(uid)',
    newContainerId: (n) => `containerd://id-${n}`,
    ...overrides,
  };
}

describe('back-off arithmetic', () => {
  it('doubles from 10s to a 5m cap, scaled', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backOffMs(n, 1))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000,
    ]);
    expect(backOffMs(2, 0.01)).toBe(200);
  });

  it('restarts at once after the first crash, then backs off', () => {
    expect([1, 2, 3, 4].map((n) => crashBackOffMs(n, 1))).toEqual([0, 10_000, 20_000, 40_000]);
  });

  it('prints Go durations', () => {
    expect([10_000, 80_000, 300_000, 250].map(goDuration)).toEqual(['10s', '1m20s', '5m0s', '250ms']);
  });
});

describe('a container over time', () => {
  it('pulls, starts, then becomes ready, with the kubelet events in order', () => {
    const c = newContainer('web', 'nginx');
    const ctx = context();
    const events = [...beginPull(c, 0, ctx), ...advance(c, 99, ctx)];
    expect(c.phase).toBe('pulling');
    expect(nextTransition(c, ctx)).toBe(100);
    events.push(...advance(c, 100, ctx));
    expect(c.phase).toBe('running');
    expect(isReady(c, 100)).toBe(false);
    events.push(...advance(c, 150, ctx));
    expect(isReady(c, 150)).toBe(true);
    expect(events.map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(c.containerID).toBe('containerd://id-0');
  });

  it('fails pulls: ErrImagePull, then ImagePullBackOff, then tries again after the back-off', () => {
    const c = newContainer('web', 'missing:1');
    const ctx = context({ pullFailure: 'not found' });
    beginPull(c, 0, ctx);
    const first = advance(c, 100, ctx);
    expect(c.phase).toBe('pullError');
    expect(first.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'Failed: Failed to pull image "missing:1": not found',
      'Failed: Error: ErrImagePull',
    ]);
    const second = advance(c, 102, ctx);
    expect(c.phase).toBe('pullBackOff');
    expect(second.map((e) => e.message)).toEqual([
      'Back-off pulling image "missing:1"',
      'Error: ImagePullBackOff',
    ]);
    // back-off 1: 10s scaled by 0.001 = 10ms from the failure at 100
    expect(nextTransition(c, ctx)).toBe(110);
    expect(advance(c, 110, ctx).map((e) => e.reason)).toEqual(['Pulling']);
    advance(c, 210, ctx);
    expect(c.pullFailures).toBe(2);
  });

  it('crash-loops: exit 1, immediate first restart, growing back-off, lastState kept', () => {
    const c = newContainer('web', 'nginx');
    const ctx = context({ crashLoop: true, neverReady: true });
    beginPull(c, 0, ctx);
    advance(c, 100, ctx);
    expect(c.phase).toBe('running');
    const firstCrash = advance(c, 130, ctx);
    // restarted at once after the first exit
    expect(c.phase).toBe('running');
    expect(c.restartCount).toBe(1);
    expect(c.lastTerminated).toMatchObject({ exitCode: 1, reason: 'Error', startedAt: 100, finishedAt: 130 });
    expect(firstCrash.map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
    const secondCrash = advance(c, 160, ctx);
    expect(c.phase).toBe('crashed');
    expect(secondCrash.map((e) => e.reason)).toEqual(['BackOff']);
    expect(c.until).toBe(170);
    advance(c, 170, ctx);
    expect(c.phase).toBe('running');
    expect(c.restartCount).toBe(2);
    expect(c.containerID).toBe('containerd://id-2');
  });

  it('never becomes ready with ready: never, reporting Unhealthy once per start', () => {
    const c = newContainer('web', 'nginx');
    const ctx = context({ neverReady: true });
    beginPull(c, 0, ctx);
    const events = advance(c, 1000, ctx);
    expect(isReady(c, 1000)).toBe(false);
    expect(events.filter((e) => e.reason === 'Unhealthy')).toHaveLength(1);
    expect(nextTransition(c, ctx)).toBeUndefined();
  });

  it('stays terminated with restartPolicy Never', () => {
    const c = newContainer('web', 'nginx');
    const ctx = context({ crashLoop: true, restartPolicy: 'Never' });
    beginPull(c, 0, ctx);
    advance(c, 500, ctx);
    expect(c.phase).toBe('terminated');
    expect(c.terminated?.exitCode).toBe(1);
  });

  it('is killed when the pod is deleted', () => {
    const c = newContainer('web', 'nginx');
    const ctx = context();
    beginPull(c, 0, ctx);
    advance(c, 200, ctx);
    expect(kill(c, 300).map((e) => `${e.reason}: ${e.message}`)).toEqual(['Killing: Stopping container web']);
    expect(c.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', finishedAt: 300 });
    expect(kill(c, 301)).toEqual([]);
  });
});
