/**
 * The snapshot files are etcd's own format: Debian's etcd tools restore them. Debian 12 ships etcd 3.4, whose
 * `ETCDCTL_API=3 etcdctl snapshot restore` became `etcdutl snapshot restore` in 3.5 (same file format, same
 * check of the sha256 etcd appends).
 */
import { freePort, startEtcd, testEtcdEndpoint, uniquePrefix, type RunningEtcd } from '@cite/test-support';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type TestClient, readPrefix, writeDataset, type Dataset } from './fixtures/dataset';
import { takeSnapshot } from './snapshot';

let source: TestClient;
let root: string;
let data: Dataset;
let dir: string;
let restored: RunningEtcd | undefined;

beforeAll(async () => {
  source = connect(testEtcdEndpoint());
  root = uniquePrefix('backup');
  data = await writeDataset(source, root);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-backup-etcdctl-'));
}, 60_000);

afterAll(async () => {
  await source.delete().prefix(root);
  source.close();
  await restored?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('etcdctl snapshot restore accepts the file, and the restored etcd holds every key byte for byte', async () => {
  const snapshot = await takeSnapshot({
    endpoints: [testEtcdEndpoint()],
    dir: path.join(dir, 'snapshots'),
    keep: 1,
  });

  // startEtcd runs `etcd --name cite --data-dir <dataDir>/data` with one peer URL: restore to match.
  const dataDir = path.join(dir, 'member');
  const peer = `http://127.0.0.1:${await freePort()}`;
  execFileSync(
    'etcdctl',
    [
      'snapshot',
      'restore',
      snapshot.file,
      '--data-dir',
      path.join(dataDir, 'data'),
      '--name',
      'cite',
      '--initial-cluster',
      `cite=${peer}`,
      '--initial-advertise-peer-urls',
      peer,
    ],
    { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  restored = await startEtcd({ dataDir, peerPort: Number(new URL(peer).port) });

  const client = connect(restored.endpoint);
  try {
    const keys = await readPrefix(client, data.prefix);
    expect(keys.size).toBe(data.expected.size);
    for (const [id, { key, value }] of data.expected) {
      expect(keys.get(id)?.key.equals(key)).toBe(true);
      expect(keys.get(id)?.value.equals(value)).toBe(true);
    }
    // The whole member came back: the keys beside the prefix too (etcd restores everything).
    const beside = await readPrefix(client, root);
    for (const key of data.outside) expect(beside.has(key.toString('latin1'))).toBe(true);
  } finally {
    client.close();
  }
}, 60_000);

it('etcdctl refuses the file once a byte is damaged (it checks the sha256 etcd appends)', async () => {
  const snapshot = await takeSnapshot({
    endpoints: [testEtcdEndpoint()],
    dir: path.join(dir, 'snapshots2'),
    keep: 1,
  });
  const bytes = fs.readFileSync(snapshot.file);
  bytes[4096 * 2 + 100]! ^= 0x01;
  fs.writeFileSync(snapshot.file, bytes);
  const restore = () =>
    execFileSync('etcdctl', ['snapshot', 'restore', snapshot.file, '--data-dir', path.join(dir, 'refused')], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  expect(restore).toThrow(/Error: expected sha256 \[[\d ]+\], got \[[\d ]+\]/);
});
