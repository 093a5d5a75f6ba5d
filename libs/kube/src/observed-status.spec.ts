import type { ObservedService } from './service-status';
import { ObservedStatusSchema } from '@cite/model';
import { observedStatusOf } from './observed-status';

describe('observedStatusOf', () => {
  it('turns the cluster view into a valid status/<service> record', () => {
    const view: ObservedService = {
      namespace: 'cite-shop',
      name: 'web',
      exists: true,
      release: 4,
      image: 'r/web:v4',
      revision: 2,
      replicas: { desired: 2, updated: 1, ready: 2, available: 2, total: 3 },
      rollout: { phase: 'progressing', message: '1 of 2 replicas updated' },
      conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
      pods: [
        {
          name: 'web-a',
          phase: 'Running',
          ready: true,
          readyContainers: '1/1',
          restarts: 0,
          terminating: false,
          node: 'n1',
          ip: '10.60.240.2',
          createdAt: '2024-05-01T12:00:00.000Z',
          ageSeconds: 5,
        },
        {
          name: 'web-b',
          phase: 'Weird',
          ready: false,
          readyContainers: '0/1',
          restarts: 0,
          terminating: false,
          waitingReason: 'ImagePullBackOff',
          message: 'x',
        },
      ],
      events: [
        {
          type: 'Warning',
          reason: 'Failed',
          message: 'Error: ImagePullBackOff',
          object: 'Pod/web-b',
          count: 2,
          lastSeen: '2024-05-01T12:00:09.000Z',
        },
        {
          type: 'Normal',
          reason: 'Scheduled',
          message: 'ok',
          object: 'Pod/web-b',
          count: 1,
          lastSeen: '2024-05-01T12:00:01.000Z',
        },
      ],
    };
    const status = observedStatusOf(view, new Date('2024-05-01T12:00:10Z'));
    expect(ObservedStatusSchema.parse(status)).toEqual(status);
    expect(status).toMatchObject({
      service: 'web',
      namespace: 'cite-shop',
      release: 4,
      replicas: { desired: 2, updated: 1, ready: 2, available: 2 },
      observedAt: '2024-05-01T12:00:10.000Z',
      observedBy: 'deployer',
    });
    expect(status.pods[1]).toMatchObject({ phase: 'Unknown', waitingReason: 'ImagePullBackOff' });
    expect(status.events.map((event) => event.reason)).toEqual(['Scheduled', 'Failed']);
  });
});
