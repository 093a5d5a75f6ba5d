import type { ObservedStatus, Release } from '@cite/model';
import { exampleRelease } from '@cite/model/testing';
import { releaseEvents, rolloutEvents } from './release-events';

const r = (overrides: Partial<Release>) => exampleRelease({ number: 3, ...overrides });
const names = (events: { event: string }[]) => events.map((e) => e.event);

describe('releaseEvents', () => {
  it.each<[string, Release | null, Release, string[]]>([
    ['first look at a pending release', null, r({ status: 'pending' }), ['status']],
    ['first look at a finished release', null, r({ status: 'succeeded' }), ['status', 'done']],
    ['started', r({ status: 'pending' }), r({ status: 'in_progress' }), ['status']],
    [
      'new message',
      r({ status: 'in_progress' }),
      r({ status: 'in_progress', message: '2/3 updated' }),
      ['progress'],
    ],
    [
      'nothing visible changed',
      r({ status: 'in_progress', message: 'a' }),
      r({ status: 'in_progress', message: 'a', startedAt: '2024-05-01T12:00:00Z' }),
      [],
    ],
    [
      'failed',
      r({ status: 'in_progress' }),
      r({ status: 'failed', failureReason: 'ImagePullBackOff' }),
      ['status', 'done'],
    ],
    ['superseded while queued', r({ status: 'pending' }), r({ status: 'superseded' }), ['status', 'done']],
  ])('%s → %j', (_case, previous, current, expected) => {
    const events = releaseEvents(previous, current, 42);
    expect(names(events)).toEqual(expected);
    events.forEach((event) => expect(event.id).toBe('42'));
  });

  it('says why a release failed in done', () => {
    const [, done] = releaseEvents(
      r({ status: 'in_progress' }),
      r({ status: 'failed', failureReason: 'CrashLoopBackOff', message: 'pods crash' }),
      7,
    );
    expect(done?.data).toEqual({
      service: 'payments-api',
      number: 3,
      status: 'failed',
      failureReason: 'CrashLoopBackOff',
      message: 'pods crash',
    });
  });
});

describe('rolloutEvents', () => {
  const observed = (release: number, updated: number): ObservedStatus => ({
    service: 'payments-api',
    namespace: 'cite-payments',
    release,
    replicas: { desired: 3, updated, ready: updated, available: updated },
    pods: [],
    events: [],
    observedAt: '2024-05-01T12:00:00Z',
  });
  const running = r({ status: 'in_progress' });

  it.each<[string, Release, ObservedStatus | null, ObservedStatus | null, number]>([
    ['first figures', running, null, observed(3, 1), 1],
    ['moved', running, observed(3, 1), observed(3, 2), 1],
    ['unchanged', running, observed(3, 2), observed(3, 2), 0],
    ['about another release', running, null, observed(2, 3), 0],
    ['after the verdict', r({ status: 'succeeded' }), observed(3, 2), observed(3, 3), 0],
    ['record removed', running, observed(3, 2), null, 0],
  ])('%s → %d event(s)', (_case, release, previous, current, count) => {
    const events = rolloutEvents(release, previous, current, 9);
    expect(events).toHaveLength(count);
    if (count)
      expect(events[0]).toMatchObject({
        event: 'progress',
        data: { replicas: { updated: current!.replicas.updated } },
      });
  });
});
