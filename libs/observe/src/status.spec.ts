import { ObservedStatusSchema, type ClusterEvent, type ObservedStatus } from '@cite/model';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { statusRecordOf } from './status';

const NOW = new Date('2024-05-01T12:10:00.000Z');

const deployment: V1Deployment = {
  metadata: { name: 'web', namespace: 'cite-shop', generation: 2, labels: { 'cite.dev/release': '4' } },
  spec: { replicas: 2, selector: {}, template: {} },
  status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 },
};

function pod(name: string, ready: boolean): V1Pod {
  return {
    metadata: { name, namespace: 'cite-shop', creationTimestamp: new Date('2024-05-01T12:00:00.000Z') },
    spec: { containers: [{ name: 'app' }], nodeName: 'n1' },
    status: {
      phase: 'Running',
      podIP: name === 'web-a' ? '10.0.1.2' : '10.0.1.3',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        { name: 'app', image: 'r/web:v4', imageID: '', ready, restartCount: ready ? 0 : 2 },
      ],
    },
  };
}

const events: ClusterEvent[] = [
  {
    time: '2024-05-01T12:01:00.000Z',
    type: 'Normal',
    reason: 'Scheduled',
    message: 'assigned',
    object: 'Pod/web-a',
  },
  { time: '2024-05-01T12:02:00.000Z', type: 'Warning', reason: 'BackOff', message: 'back-off', count: 3 },
];

function previous(): ObservedStatus {
  return {
    service: 'web',
    namespace: 'cite-shop',
    replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
    pods: [],
    events,
    observedAt: '2024-05-01T12:05:00.000Z',
    observedBy: 'deployer',
  };
}

describe('statusRecordOf', () => {
  it("the Deployment and pods as the watcher sees them, with the previous record's events", () => {
    const record = statusRecordOf(
      'cite-shop',
      'web',
      deployment,
      [pod('web-b', false), pod('web-a', true)],
      previous(),
      NOW,
    );
    expect(record).toMatchObject({
      service: 'web',
      namespace: 'cite-shop',
      release: 4,
      replicas: { desired: 2, updated: 2, ready: 1, available: 1 },
      events,
      observedAt: NOW.toISOString(),
      observedBy: 'watcher',
    });
    expect(record.pods.map((entry) => [entry.name, entry.ready, entry.ip, entry.restarts])).toEqual([
      ['web-a', true, '10.0.1.2', 0],
      ['web-b', false, '10.0.1.3', 2],
    ]);
    expect(ObservedStatusSchema.parse(record)).toEqual(record);
  });

  it('no previous record: no events', () => {
    const record = statusRecordOf('cite-shop', 'web', deployment, [pod('web-a', true)], null, NOW);
    expect(record.events).toEqual([]);
    expect(record.observedBy).toBe('watcher');
    expect(ObservedStatusSchema.parse(record)).toEqual(record);
  });

  it('a previous record without events: none', () => {
    const record = statusRecordOf('cite-shop', 'web', deployment, [], { ...previous(), events: [] }, NOW);
    expect(record.events).toEqual([]);
  });

  it('no Deployment: nothing desired, the pods still listed', () => {
    const record = statusRecordOf('cite-shop', 'web', null, [pod('web-a', true)], previous(), NOW);
    expect(record.replicas).toEqual({ desired: 0, updated: 0, ready: 0, available: 0 });
    expect(record).not.toHaveProperty('release');
    expect(record.pods.map((entry) => entry.name)).toEqual(['web-a']);
    expect(record.events).toEqual(events);
    expect(ObservedStatusSchema.parse(record)).toEqual(record);
  });
});
