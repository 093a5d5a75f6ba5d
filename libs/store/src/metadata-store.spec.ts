import { ConflictError, CorruptValueError, InputError, NotFoundError } from '@cite/errors';
import type { ReleaseDraft } from '@cite/model';
import {
  exampleAuditEntry,
  exampleDomain,
  exampleIpPool,
  exampleLbEndpoints,
  exampleRelease,
  exampleService,
  exampleToken,
} from '@cite/model/testing';
import { testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import { MetadataStore } from './metadata-store';
import { createTestStore } from './testing';

let metadata: MetadataStore;
let raw: Etcd3;

function draft(overrides: Partial<ReleaseDraft> = {}): ReleaseDraft {
  const { number: _number, service: _service, ...rest } = exampleRelease();
  return { ...rest, ...overrides };
}

beforeAll(async () => {
  metadata = new MetadataStore(await createTestStore('metadata'));
  raw = new Etcd3({ hosts: testEtcdEndpoint() });
});

afterAll(async () => {
  raw.close();
  await metadata.close();
});

describe('MetadataStore', () => {
  it('stores services under services/<name>, validated, under their own name only', async () => {
    const service = exampleService({ name: 'billing' });
    await metadata.services.create('billing', service);
    await expect(raw.get(`${metadata.etcd.prefix}services/billing`).json()).resolves.toMatchObject({
      name: 'billing',
    });
    await expect(
      metadata.services.create('other', exampleService({ name: 'billing-2' })),
    ).rejects.toBeInstanceOf(InputError);
    const invalid = metadata.services.create('Bad_Name', exampleService({ name: 'Bad_Name' }));
    await expect(invalid).rejects.toBeInstanceOf(InputError);
    await invalid.catch((error: InputError) => expect(error.details.map((d) => d.path)).toContain('name'));
    await expect(metadata.services.create('billing', service)).rejects.toBeInstanceOf(ConflictError);
  });

  it('allocates releases 1, 2, 3 for an existing service only, newest listed first', async () => {
    await expect(metadata.releases.allocate('ghost', draft())).rejects.toBeInstanceOf(NotFoundError);
    await metadata.services.create('payments-api', exampleService());
    const first = await metadata.releases.allocate('payments-api', draft());
    const second = await metadata.releases.allocate('payments-api', draft({ gitSha: 'abcdef1' }));
    const third = await metadata.releases.allocate(
      'payments-api',
      draft({ cause: 'rollback', rollbackOf: 1 }),
    );
    expect([first, second, third].map((r) => r.value.number)).toEqual([1, 2, 3]);
    expect(third.value).toMatchObject({ service: 'payments-api', cause: 'rollback', rollbackOf: 1 });
    await expect(
      raw.get(`${metadata.etcd.prefix}releases/payments-api/0000000002`).json(),
    ).resolves.toMatchObject({ number: 2, gitSha: 'abcdef1' });

    const page = await metadata.releases.list('payments-api', { limit: 2 });
    expect(page.items.map((i) => i.value.number)).toEqual([3, 2]);
    const rest = await metadata.releases.list('payments-api', { limit: 2, cursor: page.nextCursor });
    expect(rest.items.map((i) => i.value.number)).toEqual([1]);
    await expect(metadata.releases.latest('payments-api')).resolves.toMatchObject({ value: { number: 3 } });
    await expect(metadata.releases.latest('billing')).resolves.toBeNull();
  });

  it('refuses an invalid release without using up a number', async () => {
    await metadata.services.create('checkout', exampleService({ name: 'checkout' }));
    const invalid = metadata.releases.allocate('checkout', draft({ cause: 'rollback' }));
    await expect(invalid).rejects.toBeInstanceOf(InputError);
    await invalid.catch((error: InputError) =>
      expect(error.details.map((d) => d.path)).toEqual(['rollbackOf']),
    );
    await expect(metadata.releases.allocate('checkout', draft())).resolves.toMatchObject({
      value: { number: 1 },
    });
  });

  it('moves a release through its statuses by compare-and-swap', async () => {
    await metadata.services.create('status', exampleService({ name: 'status' }));
    const pending = await metadata.releases.allocate('status', draft());
    const started = { ...pending.value, status: 'in_progress' as const, startedAt: '2024-05-01T12:01:00Z' };
    const running = await metadata.releases.update(started, pending.modRevision);
    await expect(
      metadata.releases.update({ ...started, status: 'failed' }, pending.modRevision),
    ).rejects.toThrow(`${metadata.etcd.prefix}releases/status/0000000001`);
    const done = await metadata.releases.modify('status', 1, (r) => ({ ...r, status: 'succeeded' }));
    expect(done.modRevision).toBeGreaterThan(running.modRevision);
    await expect(metadata.releases.require('status', 1)).resolves.toMatchObject({
      value: { status: 'succeeded' },
    });
  });

  it("watches one service's releases", async () => {
    await metadata.services.create('watched', exampleService({ name: 'watched' }));
    const watch = await metadata.releases.watch({ service: 'watched' });
    await metadata.releases.allocate('payments-api', draft());
    await metadata.releases.allocate('watched', draft());
    for await (const event of watch) {
      expect(event).toMatchObject({
        type: 'put',
        id: 'watched/0000000001',
        value: { service: 'watched', number: 1 },
      });
      break;
    }
  });

  it('keeps domains, load-balancer endpoints, the network pool and tokens in the layout', async () => {
    const prefix = metadata.etcd.prefix;
    await metadata.domains.put('payments.example.com', exampleDomain());
    const lbId = MetadataStore.lbEndpointsId('cite-payments', 'payments-api');
    await metadata.lbEndpoints.put(lbId, exampleLbEndpoints());
    await metadata.networkPool.create(exampleIpPool());
    await metadata.tokens.create('tok_01HX3', exampleToken());
    const keys = await raw.getAll().prefix(prefix).keys();
    expect(keys).toEqual(
      expect.arrayContaining([
        `${prefix}domains/payments.example.com`,
        `${prefix}lb/cite-payments/payments-api`,
        `${prefix}network/pool`,
        `${prefix}tokens/tok_01HX3`,
      ]),
    );
    await expect(
      metadata.lbEndpoints.put('cite-other/payments-api', exampleLbEndpoints()),
    ).rejects.toBeInstanceOf(InputError);
    const pool = await metadata.networkPool.get();
    await metadata.networkPool.update(exampleIpPool({ ranges: ['10.60.240.0/24'] }), pool!.modRevision);
    await expect(metadata.networkPool.update(exampleIpPool(), pool!.modRevision)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(metadata.networkPool.create(exampleIpPool())).rejects.toBeInstanceOf(ConflictError);
  });

  it('appends audit entries under audit/<time>-<id> and lists them newest first', async () => {
    await metadata.audit.append(exampleAuditEntry({ id: 'a1', time: '2024-05-01T12:00:00Z' }));
    await metadata.audit.append(exampleAuditEntry({ id: 'a2', time: '2024-05-01T14:00:00+02:00' }));
    await metadata.audit.append(exampleAuditEntry({ id: 'a3', time: '2024-05-02T09:00:00Z' }));
    await expect(
      metadata.audit.append(exampleAuditEntry({ id: 'a1', time: '2024-05-01T12:00:00Z' })),
    ).rejects.toBeInstanceOf(ConflictError);
    const page = await metadata.audit.list();
    expect(page.items.map((i) => i.id)).toEqual([
      '2024-05-02T09:00:00.000Z-a3',
      '2024-05-01T12:00:00.000Z-a2',
      '2024-05-01T12:00:00.000Z-a1',
    ]);
    const day = await metadata.audit.list({ during: '2024-05-01', order: 'asc' });
    expect(day.items.map((i) => i.value.id)).toEqual(['a1', 'a2']);
  });

  it('reports a corrupt service on get and keeps listing the others', async () => {
    await metadata.services.create('healthy', exampleService({ name: 'healthy' }));
    await raw.put(`${metadata.etcd.prefix}services/broken`).value(JSON.stringify({ name: 'broken' }));
    await expect(metadata.services.get('broken')).rejects.toBeInstanceOf(CorruptValueError);
    const page = await metadata.services.list();
    expect(page.items.map((i) => i.id)).toEqual(expect.arrayContaining(['healthy', 'payments-api']));
    expect(page.corrupt.map((c) => c.key)).toEqual([`${metadata.etcd.prefix}services/broken`]);
  });
});
