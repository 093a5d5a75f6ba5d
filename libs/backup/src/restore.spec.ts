import { ConflictError } from '@cite/errors';
import { startEtcd, testEtcdEndpoint, uniquePrefix, type RunningEtcd } from '@cite/test-support';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapshotVerificationError } from './errors';
import { connect, type TestClient, readPrefix, writeDataset, type Dataset } from './fixtures/dataset';
import { restoreKeys } from './restore';
import { takeSnapshot } from './snapshot';
import { verifySnapshot } from './verify';

let source: TestClient;
let root: string;
let data: Dataset;
let dir: string;
let file: string;
let target: RunningEtcd;
let targetClient: TestClient;

/** A copy of the snapshot (and its checksum file) to damage. */
function copyOf(name: string): string {
  const copy = path.join(dir, name);
  fs.copyFileSync(file, copy);
  fs.writeFileSync(
    `${copy}.sha256`,
    fs.readFileSync(`${file}.sha256`, 'utf8').replace(path.basename(file), name),
  );
  return copy;
}

beforeAll(async () => {
  source = connect(testEtcdEndpoint());
  root = uniquePrefix('backup');
  data = await writeDataset(source, root);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-backup-restore-'));
  ({ file } = await takeSnapshot({ endpoints: [testEtcdEndpoint()], dir, keep: 1, prefix: data.prefix }));
  target = await startEtcd();
  targetClient = connect(target.endpoint);
}, 60_000);

afterAll(async () => {
  await source.delete().prefix(root);
  source.close();
  targetClient?.close();
  await target?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (target) fs.rmSync(target.dataDir, { recursive: true, force: true });
});

describe('a damaged snapshot', () => {
  it('fails verify and restore with a message naming the file and the reason, and writes nothing', async () => {
    const damaged = copyOf('cite-etcd-20250101T000000.000Z.db');
    const bytes = fs.readFileSync(damaged);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    fs.writeFileSync(damaged, bytes);

    const reason = new RegExp(
      `^snapshot ${damaged}: sha256 is [0-9a-f]{64}, its checksum file says [0-9a-f]{64} \\(the file changed or is damaged\\)$`,
    );
    const verified = await verifySnapshot(damaged).catch((e: unknown) => e);
    expect(verified).toBeInstanceOf(SnapshotVerificationError);
    expect(verified).toMatchObject({
      problem: 'checksum-mismatch',
      file: damaged,
      message: expect.stringMatching(reason),
    });

    const restored = restoreKeys({ file: damaged, endpoints: [target.endpoint], prefix: data.prefix });
    await expect(restored).rejects.toThrow(reason);
    expect((await readPrefix(targetClient, '')).size).toBe(0);
  });

  it('without its checksum file is refused, saying so', async () => {
    const bare = copyOf('cite-etcd-20250101T000001.000Z.db');
    fs.rmSync(`${bare}.sha256`);
    const message = `snapshot ${bare}: checksum file ${bare}.sha256 is missing`;
    await expect(verifySnapshot(bare)).rejects.toThrow(message);
    await expect(
      restoreKeys({ file: bare, endpoints: [target.endpoint], prefix: data.prefix }),
    ).rejects.toThrow(message);
    expect((await readPrefix(targetClient, '')).size).toBe(0);
  });

  it('whose checksum file was rewritten to match is still caught by etcd’s own hash', async () => {
    const damaged = copyOf('cite-etcd-20250101T000002.000Z.db');
    const bytes = fs.readFileSync(damaged);
    bytes[4096 * 3]! ^= 0x01;
    fs.writeFileSync(damaged, bytes);
    const { createHash } = await import('node:crypto');
    const hex = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(`${damaged}.sha256`, `${hex}  ${path.basename(damaged)}\n`);
    await expect(verifySnapshot(damaged)).rejects.toMatchObject({ problem: 'etcd-hash-mismatch' });
    await expect(verifySnapshot(damaged)).rejects.toThrow(
      `snapshot ${damaged}: the sha256 etcd appended does not match`,
    );
  });
});

describe('restoreKeys', () => {
  it('gives back every key under the prefix byte for byte, and nothing outside it, into an empty etcd', async () => {
    const progress: number[] = [];
    const result = await restoreKeys({
      file,
      endpoints: [target.endpoint],
      prefix: data.prefix,
      onProgress: ({ keys }) => progress.push(keys),
    });
    const bytes = [...data.expected.values()].reduce(
      (sum, { key, value }) => sum + key.length + value.length,
      0,
    );
    expect(result).toEqual({ keys: data.expected.size, bytes, leasedKeys: data.leased });
    expect(progress.at(-1)).toBe(data.expected.size);
    expect(progress.length).toBeGreaterThan(data.expected.size / 100);

    const everything = await readPrefix(targetClient, '');
    expect(everything.size).toBe(data.expected.size);
    for (const [id, { key, value }] of data.expected) {
      const got = everything.get(id);
      expect(got?.key.equals(key)).toBe(true);
      expect(got?.value.equals(value)).toBe(true);
      expect(got?.lease).toBe(0);
    }
    for (const outside of data.outside) expect(everything.has(outside.toString('latin1'))).toBe(false);
  });

  it('refuses a prefix that has keys, naming it, and changes nothing', async () => {
    const before = await readPrefix(targetClient, '');
    const error = await restoreKeys({ file, endpoints: [target.endpoint], prefix: data.prefix }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      `etcd already has ${data.expected.size} key(s) under ${data.prefix}: restore only into an empty prefix`,
    );
    // One key is enough to refuse: a sub-prefix that holds one.
    await targetClient.put(`${root}elsewhere/one`).value('x');
    await expect(
      restoreKeys({ file, endpoints: [target.endpoint], prefix: `${root}elsewhere` }),
    ).rejects.toThrow(`etcd already has 1 key(s) under ${root}elsewhere/`);
    const after = await readPrefix(targetClient, '');
    expect(after.size).toBe(before.size + 1);
  });

  it('restores into an empty prefix of an etcd that has other keys', async () => {
    // The keys beside the dataset (under `root` but outside `<root>cite/v1/`): restore just those of `other/`.
    const result = await restoreKeys({ file, endpoints: [target.endpoint], prefix: `${root}other/` });
    expect(result).toEqual({
      keys: 1,
      bytes: `${root}other/z`.length + 'outside the prefix'.length,
      leasedKeys: 0,
    });
    expect((await readPrefix(targetClient, `${root}other/`)).get(`${root}other/z`)?.value.toString()).toBe(
      'outside the prefix',
    );
  });
});
