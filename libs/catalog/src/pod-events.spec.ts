import type { ObservedStatus, PodStatus } from '@cite/model';
import { podChanges, podEvents, resumePlan, snapshotEvent } from './pod-events';

const pod = (name: string, overrides: Partial<PodStatus> = {}): PodStatus => ({
  name,
  phase: 'Running',
  ready: true,
  restarts: 0,
  ...overrides,
});

const summary = (changes: { type: string; pod: PodStatus }[]) =>
  changes.map((change) => `${change.type} ${change.pod.name}`);

describe('podChanges', () => {
  it.each<[string, string[], PodStatus[], PodStatus[]]>([
    ['nothing before', ['added a', 'added b'], [], [pod('a'), pod('b')]],
    ['all gone', ['removed a', 'removed b'], [pod('a'), pod('b')], []],
    ['nothing changed', [], [pod('a'), pod('b')], [pod('a'), pod('b')]],
    ['reordered only', [], [pod('a'), pod('b')], [pod('b'), pod('a')]],
    ['a restart', ['changed a'], [pod('a')], [pod('a', { restarts: 1 })]],
    [
      'became unready',
      ['changed a'],
      [pod('a')],
      [pod('a', { ready: false, waitingReason: 'CrashLoopBackOff' })],
    ],
    ['got its address', ['changed a'], [pod('a', { phase: 'Pending' })], [pod('a', { ip: '10.60.240.7' })]],
    [
      'a rollout step',
      ['changed old-2', 'added new-1', 'removed old-1'],
      [pod('old-1', { release: 1 }), pod('old-2', { release: 1 })],
      [pod('old-2', { release: 1, ready: false }), pod('new-1', { release: 2 })],
    ],
  ])('%s → %j', (_case, expected, previous, current) => {
    expect(summary(podChanges(previous, current))).toEqual(expected);
  });

  it('does not see a change in the order of fields', () => {
    const shuffled = { restarts: 0, ready: true, phase: 'Running', name: 'a' } as PodStatus;
    expect(podChanges([pod('a')], [shuffled])).toEqual([]);
  });

  it('reports a removed pod as it was last seen, a changed one as it is now', () => {
    const [changed, removed] = podChanges(
      [pod('a', { restarts: 1 }), pod('b', { node: 'node-139' })],
      [pod('a', { restarts: 2 })],
    );
    expect(changed).toEqual({ type: 'changed', pod: pod('a', { restarts: 2 }) });
    expect(removed).toEqual({ type: 'removed', pod: pod('b', { node: 'node-139' }) });
  });
});

describe('podEvents', () => {
  it('puts the revision on the last event of a write only', () => {
    const events = podEvents([pod('a')], [pod('a', { restarts: 1 }), pod('b')], 42);
    expect(events.map((event) => [event.event, event.id])).toEqual([
      ['pod', undefined],
      ['pod', '42'],
    ]);
    expect(events.map((event) => event.data)).toEqual([
      { type: 'changed', pod: pod('a', { restarts: 1 }) },
      { type: 'added', pod: pod('b') },
    ]);
  });

  it('is nothing for a write that changed no pod', () => {
    expect(podEvents([pod('a')], [pod('a')], 7)).toEqual([]);
  });
});

describe('snapshotEvent', () => {
  const status: ObservedStatus = {
    service: 'web',
    namespace: 'cite-payments',
    replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
    pods: [pod('web-1')],
    events: [],
    observedAt: '2024-05-01T12:00:00Z',
  };

  it('shows the pods of the record with its revision as id', () => {
    expect(snapshotEvent('web', { value: status, modRevision: 9 })).toEqual({
      event: 'snapshot',
      id: '9',
      data: { service: 'web', pods: [pod('web-1')], observedAt: '2024-05-01T12:00:00Z' },
    });
  });

  it('is empty, without an id, when nothing was observed', () => {
    expect(snapshotEvent('web', null)).toEqual({
      event: 'snapshot',
      data: { service: 'web', pods: [], observedAt: null },
    });
  });
});

describe('resumePlan', () => {
  it.each<[string, number, number | null, number, { kind: string; from: number }]>([
    ['a new client', 0, 40, 50, { kind: 'snapshot', from: 51 }],
    ['a new client, no record', 0, null, 50, { kind: 'snapshot', from: 51 }],
    ['an id ahead of etcd (from no stream of this record)', 60, 40, 50, { kind: 'snapshot', from: 51 }],
    ['up to date: the record is the one the client saw', 40, 40, 50, { kind: 'continue', from: 51 }],
    ['up to date: the record was written before the id', 45, 40, 50, { kind: 'continue', from: 51 }],
    ['written since', 30, 40, 50, { kind: 'replay', from: 30 }],
    ['removed since', 30, null, 50, { kind: 'replay', from: 30 }],
  ])('%s', (_case, after, modRevision, revision, expected) => {
    expect(resumePlan(after, { modRevision, revision })).toEqual(expected);
  });
});
