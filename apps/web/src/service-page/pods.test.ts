import { describe, expect, it } from 'vitest';
import {
  applyPodEvent,
  clockOffset,
  formatAge,
  parsePodEvent,
  podAgeSeconds,
  readyCount,
  sortPods,
  waitingSeverity,
  type Pod,
} from './pods';

const pod = (name: string, extra: Partial<Pod> = {}): Pod => ({
  name,
  phase: 'Running',
  ready: true,
  restarts: 0,
  ...extra,
});

describe('pod events', () => {
  it('reads a snapshot and a pod change, and nothing else', () => {
    expect(
      parsePodEvent({
        event: 'snapshot',
        data: JSON.stringify({ service: 'web', pods: [pod('web-a')], observedAt: '2026-01-01T00:00:00Z' }),
      }),
    ).toEqual({ event: 'snapshot', pods: [pod('web-a')], observedAt: '2026-01-01T00:00:00Z' });
    expect(
      parsePodEvent({ event: 'pod', data: JSON.stringify({ type: 'removed', pod: pod('web-a') }) }),
    ).toEqual({ event: 'pod', type: 'removed', pod: pod('web-a') });
    expect(parsePodEvent({ event: 'snapshot', data: '{"service":"web","pods":[{"name":"x"}]}' })).toBeNull();
    expect(
      parsePodEvent({ event: 'pod', data: JSON.stringify({ type: 'moved', pod: pod('a') }) }),
    ).toBeNull();
    expect(parsePodEvent({ event: 'status', data: '{}' })).toBeNull();
    expect(parsePodEvent({ event: 'pod', data: 'nope' })).toBeNull();
  });

  it('replaces everything on a snapshot', () => {
    expect(
      applyPodEvent([pod('old')], { event: 'snapshot', pods: [pod('a'), pod('b')], observedAt: null }),
    ).toEqual([pod('a'), pod('b')]);
  });

  it('adds, changes in place and removes by name', () => {
    let pods = applyPodEvent([pod('a'), pod('b')], { event: 'pod', type: 'added', pod: pod('c') });
    expect(pods.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    pods = applyPodEvent(pods, {
      event: 'pod',
      type: 'changed',
      pod: pod('a', { ready: false, restarts: 2 }),
    });
    expect(pods[0]).toEqual(pod('a', { ready: false, restarts: 2 }));
    pods = applyPodEvent(pods, { event: 'pod', type: 'removed', pod: pod('b') });
    expect(pods.map((p) => p.name)).toEqual(['a', 'c']);
  });

  it('treats a repeated add as a change and a change of an unknown pod as an add', () => {
    let pods = applyPodEvent([pod('a')], { event: 'pod', type: 'added', pod: pod('a', { restarts: 1 }) });
    expect(pods).toEqual([pod('a', { restarts: 1 })]);
    pods = applyPodEvent(pods, { event: 'pod', type: 'changed', pod: pod('z') });
    expect(pods.map((p) => p.name)).toEqual(['a', 'z']);
    expect(applyPodEvent(pods, { event: 'pod', type: 'removed', pod: pod('nobody') })).toHaveLength(2);
  });

  it('sorts the newest release first, then by name', () => {
    const sorted = sortPods([pod('b', { release: 2 }), pod('c', { release: 3 }), pod('a', { release: 2 })]);
    expect(sorted.map((p) => p.name)).toEqual(['c', 'a', 'b']);
  });

  it('counts ready pods', () => {
    expect(readyCount([pod('a'), pod('b', { ready: false })])).toBe(1);
  });
});

describe('pod age', () => {
  const created = '2026-03-01T10:00:00.000Z';
  const at = (seconds: number) => Date.parse(created) + seconds * 1000;

  it('ticks from createdAt on the client clock', () => {
    expect(podAgeSeconds(pod('a', { createdAt: created }), at(75))).toBe(75);
    expect(podAgeSeconds(pod('a', { createdAt: created }), at(76))).toBe(76);
  });

  it('corrects a client clock that runs ahead of the api', () => {
    // The api said 60 s old when the client's clock read 60 s + 30 s of skew.
    const offset = clockOffset([pod('a', { createdAt: created, ageSeconds: 60 })], at(90));
    expect(offset).toBe(30_000);
    expect(podAgeSeconds(pod('a', { createdAt: created }), at(100), { offsetMs: offset })).toBe(70);
  });

  it('sees no skew under a second, or without a pod that has both', () => {
    expect(clockOffset([pod('a', { createdAt: created, ageSeconds: 60 })], at(60.4))).toBe(0);
    expect(clockOffset([pod('a', { ageSeconds: 60 })], at(60))).toBe(0);
  });

  it('counts on from the reported age when the creation time is unknown', () => {
    expect(podAgeSeconds(pod('a', { ageSeconds: 10 }), 5_000, { fetchedAt: 2_000 })).toBe(13);
    expect(podAgeSeconds(pod('a'), 5_000)).toBeUndefined();
  });

  it('never says a negative age', () => {
    expect(podAgeSeconds(pod('a', { createdAt: created }), at(-5))).toBe(0);
  });

  it('writes ages the way kubectl does', () => {
    expect(formatAge(undefined)).toBe('—');
    expect(formatAge(42)).toBe('42s');
    expect(formatAge(312)).toBe('5m12s');
    expect(formatAge(37 * 60 + 5)).toBe('37m');
    expect(formatAge(3 * 3600 + 20 * 60)).toBe('3h20m');
    expect(formatAge(17 * 3600 + 59)).toBe('17h');
    expect(formatAge(2 * 86400 + 5 * 3600)).toBe('2d5h');
    expect(formatAge(12 * 86400)).toBe('12d');
  });
});

describe('waiting reasons', () => {
  it('marks reasons that will not heal alone as bad, the others as a warning', () => {
    expect(waitingSeverity('ImagePullBackOff')).toBe('bad');
    expect(waitingSeverity('CrashLoopBackOff')).toBe('bad');
    expect(waitingSeverity('ErrImagePull')).toBe('bad');
    expect(waitingSeverity('CreateContainerConfigError')).toBe('bad');
    expect(waitingSeverity('ContainerCreating')).toBe('warn');
    expect(waitingSeverity(undefined)).toBeUndefined();
  });
});
