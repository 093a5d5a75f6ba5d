import { NotFoundError } from '@cite/errors';
import { testEtcdEndpoint, uniquePrefix } from '@cite/test-support';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Bbolt, type PageInfo } from './bbolt';
import { SnapshotVerificationError } from './errors';
import {
  connect,
  type TestClient,
  currentRevision,
  readPrefix,
  writeDataset,
  type Dataset,
} from './fixtures/dataset';
import type { SnapshotKey } from './mvcc';
import { openPageFile } from './page-file';
import { readSnapshotKeys, snapshotRevision } from './read-keys';
import { takeSnapshot } from './snapshot';

async function collect(file: string, prefix?: string): Promise<SnapshotKey[]> {
  const keys: SnapshotKey[] = [];
  for await (const key of readSnapshotKeys(file, { prefix })) keys.push(key);
  return keys;
}

/** Keys as comparable strings (Jest's deep equality is slow on megabyte buffers). */
const signature = (keys: SnapshotKey[]) =>
  keys.map((k) => `${k.key.toString('hex')} ${k.value.toString('base64')} ${k.lease} ${k.modRevision}`);

async function withDb<T>(file: string, use: (db: Bbolt) => Promise<T>): Promise<T> {
  const source = await openPageFile(file);
  try {
    return await use(await Bbolt.open(source));
  } finally {
    await source.close();
  }
}

let client: TestClient;
let root: string;
let data: Dataset;
let dir: string;
let file: string;
let before: number;

beforeAll(async () => {
  client = connect(testEtcdEndpoint());
  root = uniquePrefix('backup');
  data = await writeDataset(client, root);
  before = await currentRevision(client);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-backup-read-'));
  ({ file } = await takeSnapshot({ endpoints: [testEtcdEndpoint()], dir, keep: 1, prefix: data.prefix }));
}, 60_000);

afterAll(async () => {
  await client.delete().prefix(root);
  client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readSnapshotKeys on a real etcd snapshot', () => {
  it('yields the live keys at the last revision: newest value per key, deleted keys gone, byte for byte', async () => {
    const keys = await collect(file, data.prefix);
    const read = new Map(keys.map((k) => [k.key.toString('latin1'), k.value]));
    expect(read.size).toBe(data.expected.size);
    for (const [id, { value }] of data.expected) expect(read.get(id)?.equals(value)).toBe(true);
    // In etcd's byte order, each with its lease.
    const ids = keys.map((k) => k.key.toString('latin1'));
    expect(ids).toEqual([...ids].sort());
    expect(keys.filter((k) => k.lease !== 0).map((k) => k.key.toString())).toEqual([
      `${data.prefix}leased/session`,
    ]);
  });

  it('agrees with etcd itself at the snapshot’s revision (values, mod revisions, leases)', async () => {
    const revision = await snapshotRevision(file);
    expect(revision).toBeGreaterThanOrEqual(before);
    expect(revision).toBeLessThanOrEqual(await currentRevision(client));
    const etcd = await readPrefix(client, data.prefix, revision);
    const keys = await collect(file, data.prefix);
    expect(keys.length).toBe(etcd.size);
    const modRevisions = await client.kv.range({
      key: Buffer.from(data.prefix),
      range_end: Buffer.from(`${data.prefix.slice(0, -1)}0`),
      revision,
      keys_only: true,
    });
    const modOf = new Map(modRevisions.kvs.map((kv) => [kv.key.toString('latin1'), Number(kv.mod_revision)]));
    for (const key of keys) {
      const id = key.key.toString('latin1');
      expect(etcd.get(id)?.value.equals(key.value)).toBe(true);
      expect(key.modRevision).toBe(modOf.get(id));
      expect(key.lease !== 0).toBe(etcd.get(id)!.lease !== 0);
    }
  });

  it('reads every key without a prefix, those beside the prefix too', async () => {
    const all = new Set((await collect(file)).map((k) => k.key.toString('latin1')));
    for (const key of data.outside) expect(all.has(key.toString('latin1'))).toBe(true);
    for (const id of data.expected.keys()) expect(all.has(id)).toBe(true);
  });

  it('walked branch pages, overflow pages and inline buckets to do so', async () => {
    await withDb(file, async (db) => {
      const pages: PageInfo[] = [];
      for await (const page of db.treePages((await db.bucket(db.root, 'key'))!)) pages.push(page);
      expect(pages.filter((p) => p.kind === 'branch').length).toBeGreaterThan(0);
      expect(pages.filter((p) => p.overflow > 0).length).toBeGreaterThan(0);
      // etcd's small buckets are inline: their leaf page lives inside the parent's value.
      const cluster = (await db.bucket(db.root, 'cluster'))!;
      expect(cluster.root).toBe(0);
      expect((await db.get(cluster, Buffer.from('clusterVersion')))?.value.toString()).toMatch(/^3\.\d+\.0$/);
    });
  });

  it('uses the other meta page when one is damaged, and refuses a file with neither', async () => {
    const expected = signature(await collect(file, data.prefix));
    const copy = path.join(dir, 'meta-damaged.db');
    const bytes = fs.readFileSync(file);
    bytes[16 + 20]! ^= 0xff; // meta page 0: the root page number, so its checksum no longer matches
    fs.writeFileSync(copy, bytes);
    expect(signature(await collect(copy, data.prefix))).toEqual(expected);
    bytes[4096 + 16 + 20]! ^= 0xff; // meta page 1 too
    fs.writeFileSync(copy, bytes);
    await expect(collect(copy)).rejects.toThrow(SnapshotVerificationError);
    await expect(collect(copy)).rejects.toThrow(
      /meta-damaged\.db: not a readable etcd database: no valid bbolt meta/,
    );
  });

  it('refuses a truncated file, a file that is not bbolt, and a missing one, with typed errors', async () => {
    const truncated = path.join(dir, 'truncated.db');
    fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, 64 * 4096));
    await expect(collect(truncated)).rejects.toThrow(
      /truncated\.db: not a readable etcd database: truncated/,
    );
    const text = path.join(dir, 'text.db');
    fs.writeFileSync(text, 'hello\n'.repeat(2000));
    await expect(collect(text)).rejects.toMatchObject({ problem: 'malformed' });
    await expect(collect(path.join(dir, 'missing.db'))).rejects.toThrow(NotFoundError);
  });
});
