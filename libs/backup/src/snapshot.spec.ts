import { ConflictError, InputError, UnavailableError } from '@cite/errors';
import { freePort, testEtcdEndpoint, uniquePrefix } from '@cite/test-support';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from './fixtures/dataset';
import { snapshotRevision } from './read-keys';
import { takeSnapshot } from './snapshot';
import { verifySnapshot } from './verify';

const endpoints = () => [testEtcdEndpoint()];
let dir: string;
let root: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-backup-snap-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  root = uniquePrefix('backup');
  const client = connect(testEtcdEndpoint());
  for (let i = 0; i < 25; i++) await client.put(`${root}cite/v1/services/s${i}`).value(`{"i":${i}}`);
  await client.delete().key(`${root}cite/v1/services/s0`);
  client.close();
});

afterAll(async () => {
  const client = connect(testEtcdEndpoint());
  await client.delete().prefix(root);
  client.close();
});

describe('takeSnapshot', () => {
  it('writes cite-etcd-<UTC time>.db and a checksum file that sha256sum -c accepts', async () => {
    const progress: number[] = [];
    const now = new Date('2025-03-04T05:06:07.089Z');
    const result = await takeSnapshot({
      endpoints: endpoints(),
      dir,
      keep: 3,
      now,
      prefix: `${root}cite/v1/`,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result.file).toBe(path.join(dir, 'cite-etcd-20250304T050607.089Z.db'));
    expect(result.checksumFile).toBe(`${result.file}.sha256`);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'cite-etcd-20250304T050607.089Z.db',
      'cite-etcd-20250304T050607.089Z.db.sha256',
    ]);

    const bytes = fs.readFileSync(result.file);
    expect(result.bytes).toBe(bytes.length);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(fs.readFileSync(result.checksumFile, 'utf8')).toBe(
      `${result.sha256}  cite-etcd-20250304T050607.089Z.db\n`,
    );
    const checked = execFileSync('sha256sum', ['-c', path.basename(result.checksumFile)], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(checked).toBe('cite-etcd-20250304T050607.089Z.db: OK\n');

    // etcd's own hash of the database is its last 32 bytes.
    const db = bytes.subarray(0, bytes.length - 32);
    expect(bytes.length % 512).toBe(32);
    expect(createHash('sha256').update(db).digest().equals(bytes.subarray(-32))).toBe(true);
    expect((await verifySnapshot(result.file)).etcdHash).toBe('valid');

    expect(result.keys).toBe(24);
    expect(result.revision).toBe(await snapshotRevision(result.file));
    expect(result.revision).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(result.bytes);
    expect(result.removed).toEqual([]);
  });

  it('keeps the newest `keep` snapshots with their checksum files and touches nothing else', async () => {
    const others = ['notes.txt', 'cite-etcd-manual.db', 'cite-etcd-20200101T000000Z.db', '.hidden'];
    for (const name of others) fs.writeFileSync(path.join(dir, name), 'not a snapshot of ours');
    const taken: string[] = [];
    const removed: string[][] = [];
    for (let day = 1; day <= 5; day++) {
      const result = await takeSnapshot({
        endpoints: endpoints(),
        dir,
        keep: 2,
        now: new Date(Date.UTC(2025, 0, day, 12)),
      });
      taken.push(result.file);
      removed.push(result.removed);
    }
    expect(removed).toEqual([[], [], [taken[0]], [taken[1]], [taken[2]]]);
    const names = (files: string[]) => files.flatMap((f) => [path.basename(f), `${path.basename(f)}.sha256`]);
    expect(fs.readdirSync(dir).sort()).toEqual([...others, ...names(taken.slice(3))].sort());
  });

  it('refuses a name that exists, and a keep below 1', async () => {
    const now = new Date('2025-01-01T00:00:00.000Z');
    await takeSnapshot({ endpoints: endpoints(), dir, keep: 5, now });
    await expect(takeSnapshot({ endpoints: endpoints(), dir, keep: 5, now })).rejects.toThrow(ConflictError);
    await expect(takeSnapshot({ endpoints: endpoints(), dir, keep: 0 })).rejects.toThrow(InputError);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('fails with UnavailableError when etcd is unreachable, leaving no file', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const error = await takeSnapshot({ endpoints: [nowhere], dir, keep: 1, timeoutMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('stops when aborted, leaving no file', async () => {
    const controller = new AbortController();
    const attempt = takeSnapshot({
      endpoints: endpoints(),
      dir,
      keep: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop now')),
    });
    await expect(attempt).rejects.toThrow('stop now');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
