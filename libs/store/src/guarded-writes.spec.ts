import { ConflictError } from '@cite/errors';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import { z } from 'zod';
import type { EtcdStore } from './etcd-store';
import { MetadataStore } from './metadata-store';
import { createTestStore } from './testing';

const Note = z.object({ text: z.string() });

let store: EtcdStore;
let raw: Etcd3;

beforeAll(async () => {
  store = await createTestStore('guarded');
  raw = new Etcd3({ hosts: testEtcdEndpoint() });
});

afterAll(async () => {
  raw.close();
  await store.close();
});

describe('expiring records', () => {
  it('are created once on a lease of their own, kept on it by keepLease updates, and expire', async () => {
    const notes = store.repository({ keyspace: 'expiring/', kind: 'note', schema: Note });
    const created = await notes.createExpiring('a', { text: 'first' }, 2);
    await expect(notes.createExpiring('a', { text: 'again' }, 2)).rejects.toBeInstanceOf(ConflictError);
    const key = store.key('expiring/a');
    const lease = (await raw.get(key).exec()).kvs[0]!.lease;
    expect(lease).not.toBe('0');

    await notes.update('a', { text: 'second' }, created.modRevision, { keepLease: true });
    expect((await raw.get(key).exec()).kvs[0]!.lease).toBe(lease);

    const deadline = Date.now() + 6_000;
    while ((await notes.get('a')) !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await notes.get('a')).toBeNull();
  }, 10_000);
});

describe('records on a shared lease', () => {
  it('share one lease within its window, are created once, and expire with it', async () => {
    const notes = store.repository({ keyspace: 'shared/', kind: 'note', schema: Note });
    await notes.createSharedExpiring('a', { text: 'a' }, 1);
    await notes.createSharedExpiring('b', { text: 'b' }, 1);
    await expect(notes.createSharedExpiring('a', { text: 'again' }, 1)).rejects.toBeInstanceOf(ConflictError);
    const leaseOf = async (id: string) => (await raw.get(store.key(`shared/${id}`)).exec()).kvs[0]!.lease;
    expect(await leaseOf('a')).not.toBe('0');
    expect(await leaseOf('b')).toBe(await leaseOf('a'));

    // A lease etcd no longer has is replaced, once.
    await raw.leaseClient.leaseRevoke({ ID: await leaseOf('a') });
    await notes.createSharedExpiring('c', { text: 'c' }, 1);
    expect(await notes.get('c')).not.toBeNull();

    const deadline = Date.now() + 8_000;
    while ((await notes.get('c')) !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await notes.get('c')).toBeNull();
  }, 12_000);
});

describe('release allocation guarded by the service revision', () => {
  it('allocates while the service is unchanged and refuses, writing nothing, once it changed', async () => {
    const metadata = new MetadataStore(store);
    const service = await metadata.services.create('guarded', exampleService({ name: 'guarded' }));
    const { number: _n, service: _s, ...draft } = exampleRelease();
    const first = await metadata.releases.allocate('guarded', draft, {
      serviceModRevision: service.modRevision,
    });
    expect(first.value.number).toBe(1);

    await metadata.services.modify('guarded', (current) => ({ ...current, replicas: 5 }));
    await expect(
      metadata.releases.allocate('guarded', draft, { serviceModRevision: service.modRevision }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await metadata.releases.get('guarded', 2)).toBeNull();

    const now = await metadata.services.require('guarded');
    const second = await metadata.releases.allocate('guarded', draft, {
      serviceModRevision: now.modRevision,
    });
    expect(second.value.number).toBe(2);
  });
});
