/**
 * `GET /api/v1/services/:name/pods/events`: a snapshot, then added/changed/removed as `status/<service>` is
 * rewritten (here straight through `ObservedStatusStore`, as the watcher does), resumable with Last-Event-ID.
 */
import type { ObservedStatus, PodStatus } from '@cite/model';
import { ObservedStatusStore } from '@cite/store';
import request from 'supertest';
import { collect, openEvents, startHarness, type Harness, type SseEvent } from '../testing/harness';

let h: Harness;
let base: string;
let member: string;
let observed: ObservedStatusStore;

beforeAll(async () => {
  h = await startHarness('pod-events');
  base = await h.listen();
  member = await h.token({ teams: ['payments'] });
  observed = new ObservedStatusStore(h.store.etcd);
});
afterAll(() => h?.close());

const pod = (name: string, overrides: Partial<PodStatus> = {}): PodStatus => ({
  name,
  phase: 'Running',
  ready: true,
  restarts: 0,
  ...overrides,
});

/** What the watcher writes: the service's pods, and replicas that follow them. */
async function observe(service: string, pods: PodStatus[], extra: Partial<ObservedStatus> = {}) {
  const ready = pods.filter((p) => p.ready).length;
  const written = await observed.put({
    service,
    namespace: 'cite-payments',
    replicas: { desired: pods.length, updated: pods.length, ready, available: ready },
    pods,
    events: [],
    observedAt: new Date().toISOString(),
    observedBy: 'watcher',
    ...extra,
  });
  return String(written.modRevision);
}

const url = (service: string) => `${base}/api/v1/services/${service}/pods/events`;
/** `type name` of pod events, `snapshot a,b` of a snapshot. */
const told = (events: SseEvent[]) =>
  events.map((e) =>
    e.event === 'snapshot'
      ? `snapshot ${(e.data as { pods: PodStatus[] }).pods.map((p) => p.name).join(',')}`
      : `${(e.data as { type: string }).type} ${(e.data as { pod: PodStatus }).pod.name}`,
  );
/** Reads up to and including the event that carries `id`. */
const through = (events: AsyncGenerator<SseEvent>, id: string) => collect(events, (e) => e.id === id);

describe('GET /api/v1/services/:name/pods/events', () => {
  it('starts with a snapshot, then tells each pod added, changed and removed', async () => {
    await h.service('live');
    const start = await observe('live', [pod('live-a'), pod('live-b')]);
    const stream = await openEvents(url('live'), { authorization: member });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const [snapshot] = await collect(stream.events, () => true);
    expect(snapshot).toEqual({
      id: start,
      event: 'snapshot',
      data: {
        service: 'live',
        pods: [pod('live-a'), pod('live-b')],
        observedAt: expect.any(String),
      },
    });

    const restarted = pod('live-a', { restarts: 1, ready: false, waitingReason: 'CrashLoopBackOff' });
    const second = await observe('live', [restarted, pod('live-b'), pod('live-c', { phase: 'Pending' })]);
    const changes = await through(stream.events, second);
    expect(changes).toEqual([
      { event: 'pod', data: { type: 'changed', pod: restarted } },
      { id: second, event: 'pod', data: { type: 'added', pod: pod('live-c', { phase: 'Pending' }) } },
    ]);

    // A write that changes no pod (only events here) tells nothing; the next one that does is told.
    await observe('live', [restarted, pod('live-b'), pod('live-c', { phase: 'Pending' })], {
      events: [{ time: new Date().toISOString(), type: 'Warning', reason: 'BackOff', message: 'x' }],
    });
    const third = await observe('live', [restarted, pod('live-c', { phase: 'Pending' })]);
    expect(await through(stream.events, third)).toEqual([
      { id: third, event: 'pod', data: { type: 'removed', pod: pod('live-b') } },
    ]);

    // The service's record goes (the service was deleted): every pod is removed.
    await observed.remove('live');
    const gone = await collect(stream.events, (e) => e.id !== undefined);
    expect(told(gone)).toEqual(['removed live-a', 'removed live-c']);
    stream.close();
  });

  it('starts with an empty snapshot for a service never observed, and follows its first pods', async () => {
    await h.service('fresh');
    const stream = await openEvents(url('fresh'), { authorization: member });
    const [snapshot] = await collect(stream.events, () => true);
    expect(snapshot).toEqual({
      event: 'snapshot',
      data: { service: 'fresh', pods: [], observedAt: null },
    });
    const first = await observe('fresh', [pod('fresh-a')]);
    expect(told(await through(stream.events, first))).toEqual(['added fresh-a']);
    stream.close();
  });

  it('resumes from Last-Event-ID without repeating or losing an event', async () => {
    await h.service('resume');
    await observe('resume', [pod('a'), pod('b')]);
    const first = await openEvents(url('resume'), { authorization: member });
    await collect(first.events, () => true);
    const seen = await observe('resume', [pod('a', { restarts: 1 }), pod('b'), pod('c')]);
    expect(told(await through(first.events, seen))).toEqual(['changed a', 'added c']);
    first.close();

    // Missed while away: b goes, then c stops being ready.
    const removed = await observe('resume', [pod('a', { restarts: 1 }), pod('c')]);
    const unready = await observe('resume', [pod('a', { restarts: 1 }), pod('c', { ready: false })]);
    const again = await openEvents(url('resume'), { authorization: member, 'last-event-id': seen });
    const missed = await through(again.events, unready);
    expect(missed).toEqual([
      { id: removed, event: 'pod', data: { type: 'removed', pod: pod('b') } },
      { id: unready, event: 'pod', data: { type: 'changed', pod: pod('c', { ready: false }) } },
    ]);
    // And it goes on live from there.
    const live = await observe('resume', [pod('c', { ready: false })]);
    expect(await through(again.events, live)).toEqual([
      { id: live, event: 'pod', data: { type: 'removed', pod: pod('a', { restarts: 1 }) } },
    ]);
    again.close();

    // Up to date: nothing is told again, and the next change is.
    const current = await openEvents(url('resume'), { authorization: member, 'last-event-id': live });
    const next = await observe('resume', [pod('c')]);
    expect(await through(current.events, next)).toEqual([
      { id: next, event: 'pod', data: { type: 'changed', pod: pod('c') } },
    ]);
    current.close();
  });

  it('resumes with ?lastEventId= on a first connect, and starts over for an id from no stream of it', async () => {
    await h.service('query');
    const base = await observe('query', [pod('q1')]);
    const added = await observe('query', [pod('q1'), pod('q2')]);
    const resumed = await openEvents(`${url('query')}?lastEventId=${base}`, { authorization: member });
    expect(await through(resumed.events, added)).toEqual([
      { id: added, event: 'pod', data: { type: 'added', pod: pod('q2') } },
    ]);
    resumed.close();

    const ahead = await openEvents(url('query'), { authorization: member, 'last-event-id': '999999999999' });
    expect(told(await collect(ahead.events, () => true))).toEqual(['snapshot q1,q2']);
    ahead.close();
  });

  it('refuses before streaming: 404 unknown, 403 another team, 401 without a token, 400 a bad id', async () => {
    await h.service('guarded');
    const missing = await request(h.app)
      .get('/api/v1/services/nope/pods/events')
      .set('authorization', member);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
    const stranger = await h.token({ teams: ['search'] });
    const other = await request(h.app)
      .get('/api/v1/services/guarded/pods/events')
      .set('authorization', stranger);
    expect(other.status).toBe(403);
    expect((await request(h.app).get('/api/v1/services/guarded/pods/events')).status).toBe(401);
    const bad = await request(h.app)
      .get('/api/v1/services/guarded/pods/events')
      .set('authorization', member)
      .set('last-event-id', 'abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'headers.last-event-id', message: expect.any(String) }]);
  });

  it('ends when the server shuts down', async () => {
    const shutdown = new AbortController();
    const own = await startHarness('pod-events-shutdown', { streams: shutdown.signal });
    try {
      await own.service('ending');
      const stream = await openEvents(`${await own.listen()}/api/v1/services/ending/pods/events`, {
        authorization: own.admin,
      });
      await collect(stream.events, () => true);
      shutdown.abort();
      // The stream ends (collect returns when the body does) rather than timing out.
      expect(await collect(stream.events, () => false, 3_000)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
