/**
 * `cite-batch etcd-backup` and `etcd-restore`: snapshots through etcd's maintenance API into a directory with a
 * checksum file each (newest N kept), and a restore of cite's keys from one into an empty etcd, refusing a file
 * whose checksum fails. The snapshot is etcd's own format: `etcdutl snapshot restore` (`etcdctl` on etcd 3.4)
 * restores the same file into a new member's data directory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isSnapshotFileName, restoreKeys, takeSnapshot, verifySnapshot } from '@cite/backup';
import { NotFoundError } from '@cite/errors';
import { emptyResult, type BatchTaskRun } from './task';

export interface BackupOptions {
  endpoints: string[];
  dir: string;
  keep: number;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

export function etcdBackupTask(options: BackupOptions): BatchTaskRun {
  return {
    task: 'etcd-backup',
    async run(context) {
      if (context.dryRun) {
        const result = emptyResult(
          `would write a snapshot into ${options.dir} and keep the newest ${options.keep}`,
        );
        result.details = { dir: options.dir, keep: options.keep };
        return result;
      }
      context.progress.phase(`snapshot into ${options.dir}`);
      const snapshot = await takeSnapshot({
        endpoints: options.endpoints,
        dir: options.dir,
        keep: options.keep,
        now: context.now(),
        signal: context.signal,
      });
      context.progress.phase('verifying the snapshot');
      await verifySnapshot(snapshot.file);
      const result = emptyResult(
        `wrote ${path.basename(snapshot.file)} (${mib(snapshot.bytes)}, revision ${snapshot.revision}), verified; removed ${snapshot.removed.length} older`,
      );
      result.counts = {
        bytes: snapshot.bytes,
        revision: snapshot.revision,
        removed: snapshot.removed.length,
      };
      result.items = [
        { action: 'write', target: snapshot.file, reason: `sha256 ${snapshot.sha256}` },
        ...snapshot.removed.map((file) => ({
          action: 'delete',
          target: file,
          reason: `beyond the newest ${options.keep}`,
        })),
      ];
      result.details = {
        file: snapshot.file,
        checksumFile: snapshot.checksumFile,
        sha256: snapshot.sha256,
        bytes: snapshot.bytes,
        revision: snapshot.revision,
      };
      return result;
    },
  };
}

/** The newest snapshot in `dir` by its name (names sort by time). */
export async function newestSnapshot(dir: string): Promise<string> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const snapshots = names.filter((name) => isSnapshotFileName(name)).sort();
  const newest = snapshots.at(-1);
  if (!newest) throw new NotFoundError(`no snapshot (cite-etcd-*.db) in ${dir}`);
  return path.join(dir, newest);
}

export function etcdRestoreTask(options: {
  endpoints: string[];
  prefix: string;
  file: string;
}): BatchTaskRun {
  return {
    task: 'etcd-restore',
    async run(context) {
      context.progress.phase(`verifying ${options.file}`);
      await verifySnapshot(options.file);
      if (context.dryRun) {
        const result = emptyResult(
          `${path.basename(options.file)} is intact; would restore it under ${options.prefix}`,
        );
        result.details = { file: options.file };
        return result;
      }
      context.progress.phase(`restoring ${path.basename(options.file)}`);
      const restored = await restoreKeys({
        file: options.file,
        endpoints: options.endpoints,
        prefix: options.prefix,
        skipLeased: true,
        signal: context.signal,
      });
      const result = emptyResult(
        `restored ${restored.keys} keys (${mib(restored.bytes)}) under ${options.prefix} from ${path.basename(options.file)}${
          restored.leasedKeys ? `; ${restored.leasedKeys} keys on leases left out` : ''
        }`,
      );
      result.counts = { keys: restored.keys, bytes: restored.bytes, leasedKeys: restored.leasedKeys };
      result.details = { file: options.file, prefix: options.prefix };
      return result;
    },
  };
}
