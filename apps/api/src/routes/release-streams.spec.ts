import type { ObservedStatus } from '@cite/model';
import { ObservedStatusStore, ReleaseLog } from '@cite/store';
import request from 'supertest';
import { collect, openEvents, startHarness, type Harness } from '../testing/harness';

let h: Harness;
let base: string;
let member: string;
let logs: ReleaseLog;
let observed: ObservedStatusStore;

beforeAll(async () => {
  h = await startHarness('streams');
  base = await h.listen();
  member = await h.token({ teams: ['payments'] });
  logs = new ReleaseLog(h.store.etcd);
  observed = new ObservedStatusStore(h.store.etcd);
});
afterAll(() => h?.close());

function rollout(service: string, release: number, updated: number, ready: number): ObservedStatus {
  return {
    service,
    namespace: 'cite-payments',
    release,
    replicas: { desired: 3, updated, ready, available: ready },
    pods: [],
    events: [],
    observedAt: new Date().toISOString(),
  };
}

describe('GET …/releases/:n/events (SSE)', () => {
  it('streams status, progress and done as the deployer writes the release', async () => {
    await h.service('live', { replicas: 3 });
    const release = await h.deploy('live');
    const stream = await openEvents(`${base}/api/v1/services/live/releases/${release.number}/events`, {
      authorization: member,
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const [first] = await collect(stream.events, () => true);
    expect(first).toMatchObject({ event: 'status', data: { number: release.number, status: 'pending' } });

    // What the deployer writes, step by step, each seen on the stream before the next:
    const next = async () => (await collect(stream.events, () => true))[0]!;
    await h.store.releases.modify('live', release.number, (r) => ({
      ...r,
      status: 'in_progress',
      message: 'applying',
    }));
    expect(await next()).toMatchObject({
      event: 'status',
      data: { status: 'in_progress', message: 'applying' },
    });
    await h.store.releases.modify('live', release.number, (r) => ({ ...r, message: 'waiting for rollout' }));
    expect(await next()).toMatchObject({ event: 'progress', data: { message: 'waiting for rollout' } });
    await observed.put(rollout('live', release.number, 1, 0));
    expect(await next()).toMatchObject({
      event: 'progress',
      data: { replicas: { desired: 3, updated: 1, ready: 0 } },
    });
    await observed.put(rollout('live', release.number, 3, 3));
    expect(await next()).toMatchObject({ event: 'progress', data: { replicas: { updated: 3, ready: 3 } } });
    await h.finish('live', release.number);
    const rest = await collect(stream.events, (e) => e.event === 'done');
    stream.close();
    expect(rest.map((e) => e.event)).toEqual(['status', 'done']);
    expect(rest[1]!.data).toMatchObject({ number: release.number, status: 'succeeded' });
    expect(Number(rest[0]!.id)).toBeGreaterThan(Number(first!.id));
  });

  it('reports the last rollout figures before done even when all writes land at once', async () => {
    await h.service('burst', { replicas: 3 });
    const release = await h.deploy('burst');
    const stream = await openEvents(`${base}/api/v1/services/burst/releases/${release.number}/events`, {
      authorization: member,
    });
    await collect(stream.events, () => true);
    await h.store.releases.modify('burst', release.number, (r) => ({ ...r, status: 'in_progress' }));
    await observed.put(rollout('burst', release.number, 3, 3));
    await h.finish('burst', release.number);
    const events = await collect(stream.events, (e) => e.event === 'done');
    stream.close();
    // The release record and the observed status are two keys with two watches: when they change in one
    // burst, the in_progress status and the progress may arrive in either order. What must hold: the last
    // rollout figures arrive, and the final status then done close the stream.
    const names = events.map((e) => e.event);
    expect([...names].sort()).toEqual(['done', 'progress', 'status', 'status']);
    expect(names.slice(-2)).toEqual(['status', 'done']);
    expect(events.find((e) => e.event === 'progress')!.data).toMatchObject({
      replicas: { updated: 3, ready: 3 },
    });
  });

  it('resumes after Last-Event-ID without repeating what the client saw', async () => {
    await h.service('resume');
    const release = await h.deploy('resume');
    const url = `${base}/api/v1/services/resume/releases/${release.number}/events`;
    const first = await openEvents(url, { authorization: member });
    const [status] = await collect(first.events, () => true);
    first.close();

    await h.store.releases.modify('resume', release.number, (r) => ({ ...r, status: 'in_progress' }));
    const again = await openEvents(url, { authorization: member, 'last-event-id': status!.id! });
    const [current] = await collect(again.events, () => true);
    expect(current).toMatchObject({ event: 'status', data: { status: 'in_progress' } });
    const latest = current!.id!;
    again.close();

    const quiet = await openEvents(url, { authorization: member, 'last-event-id': latest });
    await h.finish('resume', release.number, 'failed', {
      failureReason: 'CrashLoopBackOff',
      message: 'pods crash',
    });
    const ending = await collect(quiet.events, (e) => e.event === 'done');
    quiet.close();
    expect(ending.map((e) => e.event)).toEqual(['status', 'done']);
    expect(ending[1]!.data).toMatchObject({
      status: 'failed',
      failureReason: 'CrashLoopBackOff',
      message: 'pods crash',
    });
  });

  it('ends at once with done for a finished release, and refuses before streaming', async () => {
    await h.service('ended');
    const release = await h.deploy('ended');
    await h.finish('ended', release.number);
    const stream = await openEvents(`${base}/api/v1/services/ended/releases/${release.number}/events`, {
      authorization: member,
    });
    const events = await collect(stream.events, () => false);
    expect(events.map((e) => e.event)).toEqual(['status', 'done']);

    const missing = await request(h.app)
      .get('/api/v1/services/ended/releases/99/events')
      .set('authorization', member);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
    const stranger = await h.token({ teams: ['search'] });
    expect(
      (await request(h.app).get(`/api/v1/services/ended/releases/1/events`).set('authorization', stranger))
        .status,
    ).toBe(403);
    expect((await request(h.app).get(`/api/v1/services/ended/releases/1/events`)).status).toBe(401);
  });
});

describe('GET …/releases/:n/log', () => {
  it('returns the deploy log as text', async () => {
    await h.service('logged');
    const release = await h.deploy('logged');
    await logs.append('logged', release.number, [
      { message: 'pulling image', time: '2024-05-01T12:00:00.000Z' },
      { message: 'image not found', level: 'error', time: '2024-05-01T12:00:01.000Z' },
    ]);
    const res = await request(h.app)
      .get(`/api/v1/services/logged/releases/${release.number}/log`)
      .set('authorization', member);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe(
      '2024-05-01T12:00:00.000Z INFO pulling image\n2024-05-01T12:00:01.000Z ERROR image not found\n',
    );
  });

  it('follows the log as SSE until the release ends, resuming after Last-Event-ID', async () => {
    await h.service('tail');
    const release = await h.deploy('tail');
    await logs.append('tail', release.number, [{ message: 'one' }, { message: 'two' }]);
    const url = `${base}/api/v1/services/tail/releases/${release.number}/log`;
    const stream = await openEvents(url, { authorization: member });
    const start = await collect(stream.events, (e) => e.id === '2');
    expect(start.map((e) => [e.event, e.id, (e.data as { message: string }).message])).toEqual([
      ['log', '1', 'one'],
      ['log', '2', 'two'],
    ]);
    await logs.append('tail', release.number, [{ message: 'three' }]);
    const [three] = await collect(stream.events, () => true);
    expect(three).toMatchObject({ event: 'log', id: '3', data: { message: 'three' } });
    stream.close();

    const resumed = await openEvents(url, { authorization: member, 'last-event-id': '3' });
    await logs.append('tail', release.number, [{ message: 'four' }]);
    await h.finish('tail', release.number);
    const end = await collect(resumed.events, (e) => e.event === 'done');
    resumed.close();
    expect(end.map((e) => e.event)).toEqual(['log', 'done']);
    expect(end[0]!.data).toMatchObject({ seq: 4, message: 'four' });
    expect(end[1]!.data).toMatchObject({ status: 'succeeded' });

    const follow = await openEvents(`${url}?follow=true`, { authorization: member, accept: '*/*' });
    const all = await collect(follow.events, () => false);
    expect(all.map((e) => e.event)).toEqual(['log', 'log', 'log', 'log', 'done']);
  });
});
