/**
 * Hashing a snapshot as it streams by: the sha256 of every byte (the `.sha256` file), and etcd's own check —
 * a snapshot from the maintenance API is the database followed by the 32-byte sha256 of the database. Pure
 * (fed chunks; no I/O).
 */
import { createHash, type Hash } from 'node:crypto';

const SHA256_BYTES = 32;

export interface DigestResult {
  bytes: number;
  /** sha256 of the whole file, lower-case hex. */
  sha256: string;
  /**
   * etcd's appended hash: `valid`; `mismatch`; or `absent` when the size says there is none (bbolt files are
   * whole pages, multiples of 512 bytes; etcd's tools take `size % 512 == 32` to mean a hash is appended).
   */
  etcdHash: 'valid' | 'mismatch' | 'absent';
}

export class SnapshotDigest {
  private readonly whole: Hash = createHash('sha256');
  private readonly body: Hash = createHash('sha256');
  /** The last (up to) 32 bytes seen, not yet fed to `body`: they may be etcd's hash. */
  private tail: Buffer = Buffer.alloc(0);
  private bytes = 0;

  update(chunk: Buffer): void {
    this.whole.update(chunk);
    this.bytes += chunk.length;
    const joined = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const cut = Math.max(0, joined.length - SHA256_BYTES);
    if (cut > 0) this.body.update(joined.subarray(0, cut));
    this.tail = Buffer.from(joined.subarray(cut));
  }

  digest(): DigestResult {
    const sha256 = this.whole.digest('hex');
    const hasEtcdHash = this.bytes % 512 === SHA256_BYTES && this.tail.length === SHA256_BYTES;
    const etcdHash = !hasEtcdHash ? 'absent' : this.body.digest().equals(this.tail) ? 'valid' : 'mismatch';
    return { bytes: this.bytes, sha256, etcdHash };
  }
}
