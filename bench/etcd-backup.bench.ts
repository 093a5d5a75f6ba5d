/**
 * etcd backup and restore (@cite/backup): 100,000 cite-like records (JSON of a few hundred bytes) under
 * `/cite/v1/` in a throwaway etcd, then, each timed on its own:
 * - takeSnapshot: etcd's maintenance snapshot streamed to a file, fsynced, checksum file written;
 * - verifySnapshot: sha256 of the file against its checksum file, and etcd's own appended sha256;
 * - readSnapshotKeys: the live keys read from the file's bbolt database (no etcd);
 * - restoreKeys: verify, then every key under the prefix into a second, empty etcd (transactions of 100 puts).
 * Prints seconds, keys/s, MB/s and the bench process's peak RSS after each step, and etcd's RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSnapshotKeys, restoreKeys, takeSnapshot, verifySnapshot } from '../libs/backup/src/index';
import { connect, record } from '../libs/backup/src/fixtures/dataset';
import { startEtcd } from '../libs/local-services/src/index';
import { pool } from './support/pool';
import { rssOf } from './support/proc-stats';

const KEYS = 100_000;
const PREFIX = '/cite/v1/';
const MB = 1024 * 1024;

/** The bench process's peak resident set so far, MB. */
const peakRss = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function timed<T>(label: string, run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  return { result, seconds };
}

function line(label: string, seconds: number, keys: number, bytes: number): void {
  console.log(
    `${label.padEnd(17)} ${seconds.toFixed(2).padStart(6)} s  ${Math.round(keys / seconds)
      .toLocaleString('en-US')
      .padStart(9)} keys/s  ${(bytes / MB / seconds).toFixed(1).padStart(6)} MB/s  peak RSS ${peakRss()} MB`,
  );
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-backup-'));
  const source = await startEtcd({ dataDir: path.join(work, 'source') });
  const target = await startEtcd({ dataDir: path.join(work, 'target') });
  try {
    // Load: 100,000 records in transactions of 100 puts, 8 in flight.
    const client = connect(source.endpoint);
    const loaded = await timed('load', async () => {
      let bytes = 0;
      const batches = Array.from({ length: KEYS / 100 }, (_, b) => b);
      await pool(batches, 8, async (b) => {
        const puts = Array.from({ length: 100 }, (_, j) => {
          const i = b * 100 + j;
          const key = Buffer.from(`${PREFIX}services/team-${i % 50}/svc-${String(i).padStart(6, '0')}`);
          const value = record(i);
          bytes += key.length + value.length;
          return { request_put: { key, value } };
        });
        await client.kv.txn({ compare: [], success: puts, failure: [] });
      });
      return bytes;
    });
    client.close();
    console.log(
      `${KEYS.toLocaleString('en-US')} keys under ${PREFIX}, ${(loaded.result / MB).toFixed(1)} MB of keys and values ` +
        `(${Math.round(loaded.result / KEYS)} bytes each), loaded in ${loaded.seconds.toFixed(1)} s`,
    );

    const dir = path.join(work, 'snapshots');
    const snapshot = await timed('snapshot', () =>
      takeSnapshot({ endpoints: [source.endpoint], dir, keep: 3, prefix: PREFIX }),
    );
    const snap = snapshot.result;
    console.log(
      `snapshot file ${(snap.bytes / MB).toFixed(1)} MB at revision ${snap.revision}, ${snap.keys ?? '?'} keys under the prefix`,
    );
    line('takeSnapshot', snapshot.seconds, KEYS, snap.bytes);

    const verified = await timed('verify', () => verifySnapshot(snap.file));
    if (verified.result.etcdHash !== 'valid') throw new Error('etcd hash not valid');
    line('verifySnapshot', verified.seconds, KEYS, snap.bytes);

    const read = await timed('read', async () => {
      let keys = 0;
      for await (const _key of readSnapshotKeys(snap.file, { prefix: PREFIX })) keys += 1;
      return keys;
    });
    if (read.result !== KEYS) throw new Error(`readSnapshotKeys found ${read.result} keys, not ${KEYS}`);
    line('readSnapshotKeys', read.seconds, KEYS, snap.bytes);

    const restored = await timed('restore', () =>
      restoreKeys({ file: snap.file, endpoints: [target.endpoint], prefix: PREFIX }),
    );
    if (restored.result.keys !== KEYS) throw new Error(`restored ${restored.result.keys} keys, not ${KEYS}`);
    line('restoreKeys', restored.seconds, KEYS, restored.result.bytes);
    console.log(
      `  (restore = verify + read + ${Math.ceil(KEYS / 100)} transactions; ${(restored.result.bytes / MB).toFixed(1)} MB written)`,
    );
    console.log(`etcd RSS: source ${rssOf(source.pid)} MB, restore target ${rssOf(target.pid)} MB`);
  } finally {
    await Promise.allSettled([source.stop(), target.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
