/** Taking an etcd snapshot into a directory, with its checksum file, and pruning old snapshots. */
import { ConflictError, InputError, UnavailableError } from '@cite/errors';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checksumLine } from './checksum';
import { SnapshotDigest } from './digest';
import { EtcdClient, type EtcdEndpoint } from './etcd-client';
import { checksumFileName, snapshotFileName, snapshotsToRemove } from './naming';
import { DEFAULT_PREFIX, normalizePrefix } from './prefix';
import { snapshotRevision } from './read-keys';

export interface SnapshotOptions extends EtcdEndpoint {
  /** Where snapshots are kept (created when missing). */
  dir: string;
  /** How many snapshots to keep in `dir`, this one included; older ones are deleted. At least 1. */
  keep: number;
  /** The prefix whose live keys `keys` counts. @defaultValue `/cite/v1/` */
  prefix?: string;
  /** The time the file is named after. @defaultValue now */
  now?: Date;
  signal?: AbortSignal;
  /** Bytes received so far, after each chunk. */
  onProgress?: (bytes: number) => void;
}

export interface SnapshotResult {
  /** The snapshot: `<dir>/cite-etcd-<UTC time>.db`. */
  file: string;
  /** `<file>.sha256`, in `sha256sum` format. */
  checksumFile: string;
  bytes: number;
  /** sha256 of the file, lower-case hex. */
  sha256: string;
  /** etcd's revision at the snapshot. */
  revision: number;
  /** Live keys under the prefix at that revision; absent when etcd has compacted that revision already. */
  keys?: number;
  /** Snapshot files deleted by retention (each with its checksum file), oldest first. */
  removed: string[];
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `file` through a temporary name, fsynced, then renamed. */
async function writeDurably(file: string, data: string): Promise<void> {
  const temp = `${path.join(path.dirname(file), `.${path.basename(file)}`)}.partial-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/**
 * Takes a snapshot of the whole etcd database through the maintenance API (what `etcdctl snapshot save` does)
 * into `<dir>/cite-etcd-<UTC time>.db`: streamed into a hidden temporary file, checked complete (etcd's own
 * sha256 at its end matches), fsynced and only then renamed; then `<file>.sha256` is written the same way.
 * Finally keeps the newest `keep` snapshots in `dir` and deletes the older ones with their checksum files
 * (only files named like this module's snapshots). Fails with `UnavailableError` when etcd cannot be reached
 * or the stream breaks off, leaving no file behind.
 */
export async function takeSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1)
    throw new InputError(`keep must be a whole number of at least 1, got ${options.keep}`);
  const prefix = Buffer.from(normalizePrefix(options.prefix ?? DEFAULT_PREFIX));
  const dir = path.resolve(options.dir);
  const name = snapshotFileName(options.now ?? new Date());
  const file = path.join(dir, name);
  const checksumFile = checksumFileName(file);
  const temp = path.join(dir, `.${name}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  options.signal?.throwIfAborted();
  await fs.mkdir(dir, { recursive: true });
  if (await exists(file)) throw new ConflictError(`snapshot ${file} already exists`);

  const client = EtcdClient.open(options);
  let digest;
  try {
    // A quick unary call first: an unreachable etcd fails within the call deadline, not on the stream.
    await client.count(prefix);
    const handle = await fs.open(temp, 'wx');
    try {
      const digester = new SnapshotDigest();
      let received = 0;
      let complete = false;
      for await (const chunk of client.snapshot(options.signal)) {
        await handle.write(chunk.blob);
        digester.update(chunk.blob);
        received += chunk.blob.length;
        if (chunk.remaining === 0) complete = true;
        options.onProgress?.(received);
      }
      digest = digester.digest();
      if (!complete || digest.etcdHash === 'absent')
        throw new UnavailableError('etcd', `etcd's snapshot stream ended early after ${received} bytes`);
      if (digest.etcdHash === 'mismatch')
        throw new UnavailableError(
          'etcd',
          "etcd's snapshot failed its own sha256 check (damaged in transfer)",
        );
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.signal?.throwIfAborted();
    // A hard link, not a rename: it never replaces a file of the same name.
    await fs.link(temp, file).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? new ConflictError(`snapshot ${file} already exists`) : error;
    });
    await writeDurably(checksumFile, checksumLine(digest.sha256, name));
    await fsyncDir(dir);

    const revision = await snapshotRevision(file);
    const counted = revision === 0 ? { count: 0 } : await client.count(prefix, revision);
    const removed = await prune(dir, options.keep, name);
    return {
      file,
      checksumFile,
      bytes: digest.bytes,
      sha256: digest.sha256,
      revision,
      ...(counted ? { keys: counted.count } : {}),
      removed,
    };
  } finally {
    client.close();
    await fs.rm(temp, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Deletes all but the newest `keep` snapshots (`current` always kept) with their checksum files. */
async function prune(dir: string, keep: number, current: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of snapshotsToRemove(await fs.readdir(dir), keep, current)) {
    const file = path.join(dir, name);
    // The checksum first: a crash in between leaves a snapshot without one (verify says so), never the reverse.
    await fs.rm(checksumFileName(file), { force: true });
    await fs.rm(file, { force: true });
    removed.push(file);
  }
  if (removed.length > 0) await fsyncDir(dir);
  return removed;
}
