/**
 * `cite-batch etcd-backup` then `etcd-restore` as users run them, against real etcd processes: backup → wipe (a
 * new, empty etcd) → restore gives back every service, release, domain and token byte for byte, leaves out keys
 * that hung on leases (a lock restored without its lease would be held forever), refuses a damaged file and a
 * prefix that is not empty, each with exit 1 and one line, and changes nothing when refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { readSnapshotKeys } from '@cite/backup';
import { startEtcd, type RunningEtcd } from '@cite/local-services';
import { exampleDomain, exampleRelease, exampleService, exampleToken } from '@cite/model/testing';
import { MetadataStore, type Repository } from '@cite/store';
import { testEtcdEndpoint } from '@cite/test-support';
import { runBatch, testStore } from './support';

jest.setTimeout(120_000);

let source: MetadataStore;
let prefix: string;
let target: RunningEtcd;
let dir: string;

beforeAll(async () => {
  ({ store: source, prefix } = await testStore());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-backup-test-'));
  target = await startEtcd();
  for (const [i, team] of ['payments', 'search', 'ünïcode-free'.replace(/[^a-z-]/g, '')].entries()) {
    const name = `svc-${i}`;
    await source.services.create(
      name,
      exampleService({
        name,
        team,
        currentRelease: 2,
        env: [{ name: 'NOTE', value: `é ${'x'.repeat(i * 3000)}` }],
      }),
    );
    for (const number of [1, 2]) {
      await source.releases.records.create(
        `${name}/${String(number).padStart(10, '0')}`,
        exampleRelease({ service: name, number, status: 'succeeded' }),
      );
    }
    await source.domains.create(
      `${name}.example.com`,
      exampleDomain({ host: `${name}.example.com`, service: name }),
    );
    await source.tokens.create(`tok_${i}`, exampleToken({ id: `tok_${i}`, name: `token ${i}` }));
  }
});

afterAll(async () => {
  await source?.close();
  await target?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function values<T>(repository: Repository<T>): Promise<[string, T][]> {
  const all: [string, T][] = [];
  for await (const item of repository.all({ limit: 1000 })) all.push([item.id, item.value]);
  return all;
}

async function records(store: MetadataStore) {
  return {
    services: await values(store.services),
    releases: await values(store.releases.records),
    domains: await values(store.domains),
    tokens: await values(store.tokens),
  };
}

const sourceEnv = () => ({
  CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
  CITE_ETCD_PREFIX: prefix,
  CITE_BATCH_BACKUP_DIR: dir,
  CITE_BATCH_BACKUP_KEEP: '2',
});
const targetEnv = () => ({
  CITE_ETCD_ENDPOINTS: target.endpoint,
  CITE_ETCD_PREFIX: prefix,
  CITE_BATCH_BACKUP_DIR: dir,
});

describe('etcd-backup → wipe → etcd-restore', () => {
  let file: string;

  it('writes a snapshot and its checksum file, keeping the newest N', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await runBatch(['etcd-backup', '--json'], sourceEnv());
      expect(run.code).toBe(0);
      file = run.report!.details['file'] as string;
    }
    const names = fs.readdirSync(dir).sort();
    expect(names).toHaveLength(4);
    expect(names.filter((n) => n.endsWith('.db'))).toHaveLength(2);
    expect(fs.readFileSync(`${file}.sha256`, 'utf8')).toMatch(
      new RegExp(`^[0-9a-f]{64}  ${path.basename(file)}\\n$`),
    );
    const saved = await source.batchReports.list('etcd-backup');
    expect(saved.items).toHaveLength(3);
  });

  it('restores every service, release, domain and token byte for byte into an empty etcd', async () => {
    // A lock held while the snapshot was taken hangs on a lease: it must not come back.
    const held = await source.etcd.acquireLock('service/svc-0', { owner: 'deployer/1' });
    let withLock: string;
    try {
      const run = await runBatch(['etcd-backup', '--json'], sourceEnv());
      withLock = run.report!.details['file'] as string;
    } finally {
      await held.release();
    }
    const inSnapshot: string[] = [];
    for await (const entry of readSnapshotKeys(withLock, { prefix })) inSnapshot.push(entry.key.toString());
    expect(inSnapshot).toEqual(
      expect.arrayContaining([`${prefix}locks/service/svc-0`, `${prefix}locks/batch/etcd-backup`]),
    );

    const run = await runBatch(['etcd-restore', withLock, '--json'], targetEnv());
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    // The deploy's lock, and the backup's own (held while it took the snapshot).
    expect(run.report!.summary).toMatch(/^restored \d+ keys .* under .*; 2 keys on leases left out$/);
    const restored = await MetadataStore.create({ endpoints: [target.endpoint], prefix, timeoutMs: 3_000 });
    try {
      expect(await records(restored)).toEqual(await records(source));
      expect((await records(restored)).services).toHaveLength(3);
      expect(await restored.etcd.listLocks()).toEqual([]);
      // Its own report is there, in the etcd it filled.
      expect((await restored.batchReports.list('etcd-restore')).items.map((i) => i.value.outcome)).toEqual([
        'succeeded',
      ]);
    } finally {
      await restored.close();
    }
    file = withLock;
  });

  it('refuses a prefix that is no longer empty, changing nothing', async () => {
    const run = await runBatch(['etcd-restore', file], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^cite-batch etcd-restore: failed: etcd already has \d+ key\(s\) under /,
    );
  });

  it('refuses a damaged snapshot before touching etcd', async () => {
    const damaged = path.join(dir, path.basename(file).replace('.db', '-copy.db'));
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    fs.writeFileSync(
      `${damaged}.sha256`,
      fs.readFileSync(`${file}.sha256`, 'utf8').replace(path.basename(file), path.basename(damaged)),
    );
    const empty = await startEtcd();
    try {
      const run = await runBatch(['etcd-restore', damaged], {
        ...targetEnv(),
        CITE_ETCD_ENDPOINTS: empty.endpoint,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /etcd-restore: failed: snapshot .*-copy\.db: sha256 is [0-9a-f]+, its checksum file says [0-9a-f]+/,
      );
      const store = await MetadataStore.create({ endpoints: [empty.endpoint], prefix, timeoutMs: 3_000 });
      try {
        expect((await records(store)).services).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await empty.stop();
    }
  });
});
