import { createHash, randomBytes } from 'node:crypto';
import { SnapshotDigest } from './digest';

function digestOf(data: Buffer, chunk: number) {
  const digest = new SnapshotDigest();
  for (let at = 0; at < data.length; at += chunk) digest.update(data.subarray(at, at + chunk));
  return digest.digest();
}

describe('snapshot digest', () => {
  const db = randomBytes(3 * 4096);
  const withHash = Buffer.concat([db, createHash('sha256').update(db).digest()]);

  it.each([1, 7, 32, 33, 4096, 1 << 20])(
    'checks etcd’s appended sha256 whatever the chunking (%i)',
    (chunk) => {
      const result = digestOf(withHash, chunk);
      expect(result).toEqual({
        bytes: withHash.length,
        sha256: createHash('sha256').update(withHash).digest('hex'),
        etcdHash: 'valid',
      });
    },
  );

  it('notices a damaged database and a file without etcd’s hash', () => {
    const damaged = Buffer.from(withHash);
    damaged[100]! ^= 1;
    expect(digestOf(damaged, 1000).etcdHash).toBe('mismatch');
    expect(digestOf(db, 1000).etcdHash).toBe('absent');
  });
});
