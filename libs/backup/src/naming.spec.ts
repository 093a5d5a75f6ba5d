import { checksumLine, parseChecksumLine } from './checksum';
import { isSnapshotFileName, snapshotFileName, snapshotsToRemove } from './naming';

describe('snapshot file names', () => {
  it('are the UTC time in ISO 8601 basic format with milliseconds: sortable, no colons', () => {
    const name = snapshotFileName(new Date('2025-01-02T03:04:05.678Z'));
    expect(name).toBe('cite-etcd-20250102T030405.678Z.db');
    expect(isSnapshotFileName(name)).toBe(true);
    const times = ['2024-12-31T23:59:59.999Z', '2025-01-01T00:00:00.000Z', '2025-10-01T09:00:00.001Z'];
    const names = times.map((t) => snapshotFileName(new Date(t)));
    expect([...names].reverse().sort()).toEqual(names);
  });

  it('recognizes only its own pattern', () => {
    for (const other of [
      'cite-etcd-20250102T030405.678Z.db.sha256',
      '.cite-etcd-20250102T030405.678Z.db.partial-1-ab',
      'cite-etcd-latest.db',
      'cite-etcd-20250102T030405Z.db',
      'notes.txt',
      'cite-etcd-20250102T030405.678Z.db.bak',
    ])
      expect(isSnapshotFileName(other)).toBe(false);
  });
});

describe('retention', () => {
  const at = (day: number) => snapshotFileName(new Date(Date.UTC(2025, 0, day)));

  it('removes all but the newest `keep` snapshots, oldest first, and nothing else', () => {
    const names = [at(3), 'notes.txt', at(1), `${at(1)}.sha256`, at(5), at(2), at(4), 'cite-etcd-x.db'];
    expect(snapshotsToRemove(names, 3)).toEqual([at(1), at(2)]);
    expect(snapshotsToRemove(names, 5)).toEqual([]);
    expect(snapshotsToRemove(names, 1)).toEqual([at(1), at(2), at(3), at(4)]);
  });

  it('always keeps the snapshot just taken, even when the clock says it is older', () => {
    expect(snapshotsToRemove([at(1), at(5), at(6)], 2, at(1))).toEqual([at(5)]);
    expect(snapshotsToRemove([at(1), at(5), at(6)], 1, at(1))).toEqual([at(5), at(6)]);
  });
});

describe('checksum lines', () => {
  const hex = 'ab'.repeat(32);

  it('are sha256sum text-mode lines', () => {
    expect(checksumLine(hex, 'cite-etcd-x.db')).toBe(`${hex}  cite-etcd-x.db\n`);
    expect(parseChecksumLine(`${hex}  cite-etcd-x.db\n`)).toEqual({ sha256: hex, name: 'cite-etcd-x.db' });
    expect(parseChecksumLine(`${hex.toUpperCase()} *cite-etcd-x.db`)).toEqual({
      sha256: hex,
      name: 'cite-etcd-x.db',
    });
  });

  it('reject anything but exactly one line', () => {
    expect(parseChecksumLine('')).toBeUndefined();
    expect(parseChecksumLine(`${hex.slice(1)}  a.db\n`)).toBeUndefined();
    expect(parseChecksumLine(`${hex}  a.db\n${hex}  b.db\n`)).toBeUndefined();
    expect(() => checksumLine('xyz', 'a.db')).toThrow(RangeError);
  });
});
