import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { recentEvents, summarizePod } from './pod-summary';
import { rolloutHistory } from './rollout-history';

const now = new Date('2024-05-01T12:01:00Z');

describe('summarizePod', () => {
  it('shows a running, ready pod as kubectl would', () => {
    const pod: V1Pod = {
      metadata: { name: 'web-1', creationTimestamp: new Date('2024-05-01T12:00:00Z') },
      spec: { nodeName: 'node-10-60-25-139', containers: [{ name: 'app' }] },
      status: {
        phase: 'Running',
        podIP: '10.60.240.2',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'app', image: 'x', imageID: '', ready: true, restartCount: 2, state: { running: {} } },
        ],
      },
    };
    expect(summarizePod(pod, now)).toEqual({
      name: 'web-1',
      phase: 'Running',
      ready: true,
      readyContainers: '1/1',
      restarts: 2,
      terminating: false,
      node: 'node-10-60-25-139',
      ip: '10.60.240.2',
      createdAt: '2024-05-01T12:00:00.000Z',
      ageSeconds: 60,
    });
  });

  it('gives the waiting reason of a pod that cannot start', () => {
    const pod: V1Pod = {
      metadata: { name: 'web-2', creationTimestamp: '2024-05-01T12:00:30Z' as unknown as Date },
      spec: { containers: [{ name: 'app' }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'app',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } },
          },
        ],
      },
    };
    expect(summarizePod(pod, now)).toMatchObject({
      ready: false,
      readyContainers: '0/1',
      ageSeconds: 30,
      waitingReason: 'ImagePullBackOff',
      message: 'Back-off pulling image "x"',
    });
  });
});

describe('recentEvents', () => {
  it('lists the newest first, limited', () => {
    const event = (reason: string, at: string): CoreV1Event => ({
      metadata: {},
      involvedObject: { kind: 'Pod', name: 'web-1' },
      reason,
      message: reason,
      type: 'Normal',
      lastTimestamp: new Date(at),
    });
    const events = [
      event('Scheduled', '2024-05-01T12:00:00Z'),
      event('Started', '2024-05-01T12:00:05Z'),
      event('Pulled', '2024-05-01T12:00:03Z'),
    ];
    expect(recentEvents(events, 2).map((e) => [e.reason, e.object])).toEqual([
      ['Started', 'Pod/web-1'],
      ['Pulled', 'Pod/web-1'],
    ]);
  });
});

describe('rolloutHistory', () => {
  it('orders revisions and keeps change cause and image', () => {
    const replicaSet = (name: string, revision: string, image: string) => ({
      metadata: {
        name,
        annotations: {
          'deployment.kubernetes.io/revision': revision,
          'kubernetes.io/change-cause': `cause ${revision}`,
        },
      },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'app', image }] } } },
      status: { replicas: 1 },
    });
    expect(
      rolloutHistory([
        replicaSet('b', '2', 'web:v2'),
        replicaSet('a', '1', 'web:v1'),
        { metadata: { name: 'c' } },
      ]),
    ).toEqual([
      { revision: 1, replicaSet: 'a', changeCause: 'cause 1', image: 'web:v1', replicas: 1 },
      { revision: 2, replicaSet: 'b', changeCause: 'cause 2', image: 'web:v2', replicas: 1 },
    ]);
  });
});
