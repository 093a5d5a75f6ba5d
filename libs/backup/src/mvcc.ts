/**
 * etcd's MVCC records as they are stored in the `key` bucket of its bbolt database. Pure.
 *
 * - The bucket's keys are revisions: 8 bytes big-endian main revision, `_`, 8 bytes big-endian sub revision
 *   (17 bytes), with a trailing `t` (18 bytes) when the record is a tombstone (a delete).
 * - The values are `mvccpb.KeyValue` protobuf messages: key=1 (bytes), create_revision=2, mod_revision=3,
 *   version=4 (int64), value=5 (bytes), lease=6 (int64).
 */
import protobuf from 'protobufjs/minimal.js';

export interface Revision {
  main: number;
  sub: number;
  tombstone: boolean;
}

export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  /** The lease id (0: none). Ids are 63-bit, so a large one loses precision as a number; only 0 vs not matters. */
  lease: number;
}

/** One live key of a snapshot. */
export interface SnapshotKey {
  key: Buffer;
  value: Buffer;
  /** The key's lease id at the snapshot, 0 for none (a lease does not survive a restore). */
  lease: number;
  modRevision: number;
}

const REVISION_BYTES = 17;
const TOMBSTONE = 0x74; // 't'
const SEPARATOR = 0x5f; // '_'

/** The revision a `key` bucket key stands for, or undefined when it is not one. */
export function parseRevisionKey(key: Buffer): Revision | undefined {
  const tombstone = key.length === REVISION_BYTES + 1 && key[REVISION_BYTES] === TOMBSTONE;
  if ((key.length !== REVISION_BYTES && !tombstone) || key[8] !== SEPARATOR) return undefined;
  return { main: Number(key.readBigInt64BE(0)), sub: Number(key.readBigInt64BE(9)), tombstone };
}

function toNumber(value: number | protobuf.Long): number {
  // A Long when the `long` package is installed (low bits unsigned, high bits signed), else a number.
  return typeof value === 'number' ? value : value.high * 2 ** 32 + (value.low >>> 0);
}

/** Decodes a `mvccpb.KeyValue`; unknown fields are skipped. Throws (RangeError/Error) on a malformed message. */
export function decodeKeyValue(bytes: Uint8Array): KeyValue {
  const reader = protobuf.Reader.create(bytes);
  const kv: KeyValue = {
    key: Buffer.alloc(0),
    createRevision: 0,
    modRevision: 0,
    version: 0,
    value: Buffer.alloc(0),
    lease: 0,
  };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) kv.key = Buffer.from(reader.bytes());
    else if (field === 2 && wire === 0) kv.createRevision = toNumber(reader.int64());
    else if (field === 3 && wire === 0) kv.modRevision = toNumber(reader.int64());
    else if (field === 4 && wire === 0) kv.version = toNumber(reader.int64());
    else if (field === 5 && wire === 2) kv.value = Buffer.from(reader.bytes());
    else if (field === 6 && wire === 0) kv.lease = toNumber(reader.int64());
    else reader.skipType(wire);
  }
  return kv;
}

/**
 * Folds the `key` bucket's records, given in bucket order (ascending revision), into the live keys at the
 * last revision: the newest record of each key wins, and a key whose newest record is a tombstone is gone.
 * Only keys starting with `prefix` are kept (all keys for an empty prefix).
 */
export class LiveKeys {
  // Keys as latin1 strings: one char per byte, so string order is etcd's byte order.
  private readonly live = new Map<string, SnapshotKey>();
  private lastMain = 0;

  constructor(private readonly prefix: Buffer = Buffer.alloc(0)) {}

  /** Adds the record stored under `revisionKey`; throws when the bucket holds something that is not a record. */
  add(revisionKey: Buffer, record: Buffer): void {
    const revision = parseRevisionKey(revisionKey);
    if (!revision) throw new RangeError(`not a revision key: ${revisionKey.toString('hex')}`);
    if (revision.main < this.lastMain) throw new RangeError('revisions out of order');
    this.lastMain = revision.main;
    const kv = decodeKeyValue(record);
    if (!this.within(kv.key)) return;
    const id = kv.key.toString('latin1');
    if (revision.tombstone) this.live.delete(id);
    else this.live.set(id, { key: kv.key, value: kv.value, lease: kv.lease, modRevision: kv.modRevision });
  }

  /** The highest main revision seen (0 when none). */
  get lastRevision(): number {
    return this.lastMain;
  }

  get size(): number {
    return this.live.size;
  }

  /** The live keys in key order; the accumulator is emptied as they are taken. */
  *drain(): Generator<SnapshotKey> {
    const ids = [...this.live.keys()].sort();
    for (const id of ids) {
      const entry = this.live.get(id)!;
      this.live.delete(id);
      yield entry;
    }
  }

  private within(key: Buffer): boolean {
    return key.length >= this.prefix.length && key.subarray(0, this.prefix.length).equals(this.prefix);
  }
}
