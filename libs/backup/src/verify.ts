/** Checking a snapshot file against its `.sha256` file and against etcd's own appended hash. */
import { NotFoundError } from '@cite/errors';
import fs from 'node:fs';
import path from 'node:path';
import { parseChecksumLine } from './checksum';
import { SnapshotDigest, type DigestResult } from './digest';
import { SnapshotVerificationError } from './errors';
import { checksumFileName } from './naming';

export interface VerifiedSnapshot extends DigestResult {
  file: string;
  checksumFile: string;
}

/** Streams `file` through a `SnapshotDigest`. */
export async function digestFile(file: string, signal?: AbortSignal): Promise<DigestResult> {
  const digest = new SnapshotDigest();
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20, signal }))
      digest.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`snapshot ${file} does not exist`, { cause: error });
    throw error;
  }
  return digest.digest();
}

/**
 * Recomputes the file's sha256 and compares it with `<file>.sha256` (one `sha256sum` line naming the file), and
 * checks the sha256 etcd appends to a snapshot when the file has one. Throws `SnapshotVerificationError` (a
 * missing, unreadable or different checksum; a wrong etcd hash) or `NotFoundError` (no such snapshot).
 */
export async function verifySnapshot(
  file: string,
  options: { signal?: AbortSignal } = {},
): Promise<VerifiedSnapshot> {
  const checksumFile = checksumFileName(file);
  let text: string;
  try {
    text = await fs.promises.readFile(checksumFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!fs.existsSync(file)) throw new NotFoundError(`snapshot ${file} does not exist`, { cause: error });
    throw new SnapshotVerificationError(
      file,
      'checksum-missing',
      `checksum file ${checksumFile} is missing`,
      {
        cause: error,
      },
    );
  }
  const expected = parseChecksumLine(text);
  if (!expected)
    throw new SnapshotVerificationError(
      file,
      'checksum-unreadable',
      `checksum file ${checksumFile} is not one "<sha256>  <name>" line`,
    );
  if (expected.name !== path.basename(file))
    throw new SnapshotVerificationError(
      file,
      'checksum-unreadable',
      `checksum file ${checksumFile} is for "${expected.name}", not "${path.basename(file)}"`,
    );
  const actual = await digestFile(file, options.signal);
  if (actual.sha256 !== expected.sha256)
    throw new SnapshotVerificationError(
      file,
      'checksum-mismatch',
      `sha256 is ${actual.sha256}, its checksum file says ${expected.sha256} (the file changed or is damaged)`,
    );
  if (actual.etcdHash === 'mismatch')
    throw new SnapshotVerificationError(
      file,
      'etcd-hash-mismatch',
      'the sha256 etcd appended does not match the database (damaged before its checksum file was written)',
    );
  return { file, checksumFile, ...actual };
}
