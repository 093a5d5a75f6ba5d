/** `GET /api/v1/services/:name/status`: desired state from etcd next to what the deployer or watcher observed. */
import { ObservedStatusStore } from '@cite/store';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;
let member: string;

beforeAll(async () => {
  h = await startHarness('service-status');
  member = await h.token({ teams: ['payments'] });
});
afterAll(() => h?.close());

describe('GET /api/v1/services/:name/status', () => {
  it('says observed is null, and why, until the deployer or watcher reported', async () => {
    await h.service('watched');
    const before = await request(h.app).get('/api/v1/services/watched/status').set('authorization', member);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      service: 'watched',
      state: 'active',
      desired: { replicas: 1, release: null, running: null },
      observed: null,
      reason: 'the service has no release yet',
    });
    const release = await h.deploy('watched', '3.1.4');
    const pending = await request(h.app).get('/api/v1/services/watched/status').set('authorization', member);
    expect(pending.body.desired.release).toMatchObject({ number: release.number, status: 'pending' });
    expect(pending.body.reason).toMatch(/not reported yet/);
  });

  it('returns desired next to observed pods with their age', async () => {
    await h.service('observed', { replicas: 2 });
    const release = await h.deploy('observed');
    await h.finish('observed', release.number);
    const created = new Date(Date.now() - 90_000).toISOString();
    await new ObservedStatusStore(h.store.etcd).put({
      service: 'observed',
      namespace: 'cite-payments',
      release: release.number,
      replicas: { desired: 2, updated: 2, ready: 1, available: 1 },
      pods: [
        {
          name: 'observed-1',
          phase: 'Running',
          ready: true,
          restarts: 0,
          node: 'node-139',
          ip: '10.60.240.7',
          createdAt: created,
          release: 1,
        },
        {
          name: 'observed-2',
          phase: 'Pending',
          ready: false,
          restarts: 3,
          waitingReason: 'CrashLoopBackOff',
          release: 1,
        },
      ],
      events: [
        {
          time: created,
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
        },
      ],
      observedAt: new Date().toISOString(),
      observedBy: 'watcher',
    });
    const res = await request(h.app).get('/api/v1/services/observed/status').set('authorization', member);
    expect(res.status).toBe(200);
    expect(res.body.desired).toMatchObject({
      replicas: 2,
      running: 1,
      release: { number: 1, status: 'succeeded' },
    });
    expect(res.body.reason).toBeUndefined();
    expect(res.body.observed.replicas).toEqual({ desired: 2, updated: 2, ready: 1, available: 1 });
    expect(res.body.observed.pods[0]).toMatchObject({ name: 'observed-1', ready: true, node: 'node-139' });
    expect(res.body.observed.pods[0].ageSeconds).toBeGreaterThanOrEqual(89);
    expect(res.body.observed.pods[1]).toMatchObject({ waitingReason: 'CrashLoopBackOff', restarts: 3 });
    expect(res.body.observed.events[0].reason).toBe('BackOff');
  });
});
