/**
 * Hosts the watcher records, against the hosts services claim with their spec: a host an Ingress outside cite
 * takes is taken (409 at `domains.<i>`, nothing written), and a record the watcher completed for the service
 * that owns it (Ingress, paths, TLS, targets, a conflict noted) stays that service's — kept through a PATCH,
 * let go when the service drops the host or is deleted. The watcher is not part of these tests: its records are
 * written straight into etcd, in a transaction guarded by the revision it read, as `RecordWriter` writes them.
 */
import { createLogger } from '@cite/logging';
import { DeletionRunner } from '@cite/deploy';
import { FakeCluster } from '@cite/kube/testing';
import type { Domain } from '@cite/model';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;
let member: string;

const NOW = '2024-05-01T12:00:00.000Z';

/** What the watcher records for a host an Ingress outside cite routes: no `service`, the Ingress owns it. */
const foreign: Domain = {
  host: 'legacy.example.com',
  namespace: 'legacy',
  ingress: 'legacy/web',
  paths: ['/'],
  targets: ['10.60.25.139'],
  updatedAt: NOW,
};

/** The record of a host `service` claimed, as the watcher completes it from the service's Ingress. */
const completed = (host: string, service: string): Domain => ({
  host,
  service,
  namespace: 'cite-payments',
  ingress: `cite-payments/${service}`,
  paths: ['/', '/api'],
  tls: { secretName: `${service}-tls` },
  targets: ['10.60.25.139', '10.60.25.140'],
  // An Ingress outside cite routes the host too and does not get it.
  conflict: { with: 'legacy/other', since: NOW },
  updatedAt: NOW,
});

/** Writes `record` as the watcher does: one transaction, only while the record is as it last read it. */
async function watcherWrites(record: Domain): Promise<number> {
  const held = await h.store.domains.get(record.host);
  const committed = await h.store.etcd
    .batch()
    .expect(h.store.domains, record.host, held?.modRevision ?? null)
    .put(h.store.domains, record.host, record)
    .commit('watcher writes 1 records');
  if (!committed) throw new Error(`domains/${record.host} moved under the watcher`);
  return committed.revision;
}

beforeAll(async () => {
  h = await startHarness('domain-claims');
  member = await h.token({ teams: ['payments'] });
  await watcherWrites(foreign);
});
afterAll(() => h?.close());

const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);
const create = (name: string, domains: string[]) =>
  request(h.app)
    .post('/api/v1/services')
    .set('authorization', member)
    .send({ name, team: 'payments', image: 'registry.local:5000/payments/app', port: 8080, domains });
const patch = (name: string, body: object) =>
  request(h.app).patch(`/api/v1/services/${name}`).set('authorization', member).send(body);

describe('a host an Ingress outside cite takes', () => {
  it('is refused to a new service with 409 at domains.<i>, and nothing is written', async () => {
    const before = await h.store.domains.require(foreign.host);
    const res = await create('newcomer', ['newcomer.example.com', foreign.host]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(paths(res)).toEqual(['domains.1']);
    // Says the host is taken, by an Ingress outside cite, without naming which.
    expect(res.body.error.details[0].message).toBe(
      'domain legacy.example.com is already served by an Ingress that cite does not manage',
    );
    expect(JSON.stringify(res.body)).not.toMatch(/legacy\/web|"legacy"/);

    expect(await h.store.services.get('newcomer')).toBeNull();
    expect(await h.store.domains.get('newcomer.example.com')).toBeNull();
    expect(await h.store.domains.get(foreign.host)).toEqual(before);
  });

  it('is refused to an existing service on PATCH with 409 at domains.<i>; the service is unchanged', async () => {
    await h.service('grower', { domains: ['grower.example.com'] });
    const service = await h.store.services.require('grower');
    const record = await h.store.domains.require(foreign.host);
    const res = await patch('grower', { domains: ['grower.example.com', foreign.host], replicas: 3 });
    expect(res.status).toBe(409);
    expect(paths(res)).toEqual(['domains.1']);
    expect(await h.store.services.get('grower')).toEqual(service);
    expect(await h.store.domains.get(foreign.host)).toEqual(record);
  });

  it('is the same host in no other letter case: a capitalised one is bad input, not another key', async () => {
    const res = await create('shouty', ['LEGACY.example.com']);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['domains.0']);
    expect(await h.store.services.get('shouty')).toBeNull();
  });
});

describe('a host the watcher completed for the service that owns it', () => {
  it('stays the service’s through a PATCH, untouched, and another host can be added next to it', async () => {
    await h.service('owner', { domains: ['owner.example.com'] });
    await watcherWrites(completed('owner.example.com', 'owner'));
    const record = await h.store.domains.require('owner.example.com');

    const scaled = await patch('owner', { replicas: 2 });
    expect(scaled.status).toBe(200);
    expect(scaled.body.service).toMatchObject({ replicas: 2, domains: ['owner.example.com'] });
    expect(await h.store.domains.get('owner.example.com')).toEqual(record);

    const grown = await patch('owner', { domains: ['owner.example.com', 'api.owner.example.com'] });
    expect(grown.status).toBe(200);
    expect(await h.store.domains.get('owner.example.com')).toEqual(record);
    expect((await h.store.domains.get('api.owner.example.com'))?.value).toMatchObject({
      service: 'owner',
      namespace: 'cite-payments',
    });
  });

  it('is refused to another service like any taken host', async () => {
    await h.service('rival');
    const res = await patch('rival', { domains: ['owner.example.com'] });
    expect(res.status).toBe(409);
    expect(paths(res)).toEqual(['domains.0']);
    expect(res.body.error.details[0].message).toBe(
      'domain owner.example.com is already used by another service',
    );
    expect((await h.store.domains.get('owner.example.com'))?.value.service).toBe('owner');
  });

  it('is let go when the service drops it, though the watcher rewrote it after the claim', async () => {
    await h.service('dropper', { domains: ['dropper.example.com', 'kept.dropper.example.com'] });
    await watcherWrites(completed('dropper.example.com', 'dropper'));
    const res = await patch('dropper', { domains: ['kept.dropper.example.com'] });
    expect(res.status).toBe(200);
    expect(await h.store.domains.get('dropper.example.com')).toBeNull();
    expect((await h.store.domains.get('kept.dropper.example.com'))?.value.service).toBe('dropper');
    // Free again: another service may claim it.
    expect((await create('taker', ['dropper.example.com'])).status).toBe(201);
  });

  it('is let go by the deletion (the deployer’s deletion runner), the foreign host left alone', async () => {
    await h.service('leaver', { domains: ['leaver.example.com'] });
    await watcherWrites(completed('leaver.example.com', 'leaver'));
    const foreignBefore = await h.store.domains.require(foreign.host);

    const res = await request(h.app).delete('/api/v1/services/leaver').set('authorization', member);
    expect(res.status).toBe(202);
    // Deleting does not let go of the host yet: the cluster objects go first.
    expect((await h.store.domains.get('leaver.example.com'))?.value.service).toBe('leaver');

    // The job the api enqueued, run as the deployer runs it (on a cluster stand-in).
    const deletion = new DeletionRunner({
      store: h.store,
      cluster: new FakeCluster(),
      logger: createLogger({ app: 'deployer', level: 'error', stream: new PassThrough() }),
      lockTtlSeconds: 5,
    });
    const job = { service: 'leaver', namespace: 'cite-payments' };
    expect((await deletion.run(job, new AbortController().signal)).serviceState).toBe('deleted');
    expect(await h.store.domains.get('leaver.example.com')).toBeNull();
    expect(await h.store.domains.get(foreign.host)).toEqual(foreignBefore);
    expect((await create('successor', ['leaver.example.com'])).status).toBe(201);
  });
});
