import protobuf from 'protobufjs/minimal.js';
import { decodeKeyValue, LiveKeys, parseRevisionKey } from './mvcc';

function revisionKey(main: number, sub = 0, tombstone = false): Buffer {
  const key = Buffer.alloc(tombstone ? 18 : 17);
  key.writeBigInt64BE(BigInt(main), 0);
  key[8] = 0x5f;
  key.writeBigInt64BE(BigInt(sub), 9);
  if (tombstone) key[17] = 0x74;
  return key;
}

function keyValue(fields: {
  key: string;
  value?: Buffer;
  mod?: number;
  lease?: number;
  version?: number;
}): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).bytes(Buffer.from(fields.key));
  if (fields.mod !== undefined) writer.uint32((2 << 3) | 0).int64(fields.mod); // create_revision
  if (fields.mod !== undefined) writer.uint32((3 << 3) | 0).int64(fields.mod);
  if (fields.version !== undefined) writer.uint32((4 << 3) | 0).int64(fields.version);
  if (fields.value !== undefined) writer.uint32((5 << 3) | 2).bytes(fields.value);
  if (fields.lease !== undefined) writer.uint32((6 << 3) | 0).int64(fields.lease);
  writer.uint32((99 << 3) | 2).bytes(Buffer.from('a field from a newer etcd'));
  return Buffer.from(writer.finish());
}

describe('revision keys', () => {
  it('are 8-byte main, "_", 8-byte sub, and "t" for a tombstone', () => {
    expect(parseRevisionKey(revisionKey(5, 2))).toEqual({ main: 5, sub: 2, tombstone: false });
    expect(parseRevisionKey(revisionKey(2 ** 40, 0, true))).toEqual({
      main: 2 ** 40,
      sub: 0,
      tombstone: true,
    });
    expect(parseRevisionKey(Buffer.from('not a revision'))).toBeUndefined();
    const bad = revisionKey(1);
    bad[8] = 0x2d;
    expect(parseRevisionKey(bad)).toBeUndefined();
  });
});

describe('KeyValue records', () => {
  it('decode every field and skip unknown ones', () => {
    const value = Buffer.from([0, 1, 2, 255]);
    const kv = decodeKeyValue(keyValue({ key: '/a', value, mod: 2 ** 40 + 3, version: 7, lease: 2 ** 62 }));
    expect(kv.key).toEqual(Buffer.from('/a'));
    expect(kv.value).toEqual(value);
    expect(kv.modRevision).toBe(2 ** 40 + 3);
    expect(kv.version).toBe(7);
    expect(kv.lease).toBe(2 ** 62);
  });

  it('fail on a truncated record', () => {
    expect(() => decodeKeyValue(keyValue({ key: '/abc', value: Buffer.alloc(10) }).subarray(0, 8))).toThrow();
  });
});

describe('live keys', () => {
  it('keeps the newest record per key, drops deleted keys, and yields in byte order', () => {
    const live = new LiveKeys(Buffer.from('/p/'));
    live.add(revisionKey(2), keyValue({ key: '/p/b', value: Buffer.from('b1'), mod: 2 }));
    live.add(revisionKey(3), keyValue({ key: '/p/a', value: Buffer.from('a1'), mod: 3, lease: 9 }));
    live.add(revisionKey(4, 0), keyValue({ key: '/p/b', value: Buffer.from('b2'), mod: 4 }));
    live.add(revisionKey(4, 1), keyValue({ key: '/q/x', value: Buffer.from('outside'), mod: 4 }));
    live.add(revisionKey(5, 0, true), keyValue({ key: '/p/a' }));
    live.add(revisionKey(6), keyValue({ key: '/p/\u00ff', value: Buffer.from('c'), mod: 6 }));
    live.add(revisionKey(7), keyValue({ key: '/p/a', value: Buffer.from('a2'), mod: 7 }));
    live.add(revisionKey(8, 0, true), keyValue({ key: '/p/gone' }));
    expect(live.lastRevision).toBe(8);
    expect([...live.drain()]).toEqual([
      { key: Buffer.from('/p/a'), value: Buffer.from('a2'), lease: 0, modRevision: 7 },
      { key: Buffer.from('/p/b'), value: Buffer.from('b2'), lease: 0, modRevision: 4 },
      { key: Buffer.from('/p/\u00ff'), value: Buffer.from('c'), lease: 0, modRevision: 6 },
    ]);
  });

  it('refuses records out of revision order', () => {
    const live = new LiveKeys();
    live.add(revisionKey(5), keyValue({ key: '/a', mod: 5 }));
    expect(() => live.add(revisionKey(4), keyValue({ key: '/a', mod: 4 }))).toThrow(RangeError);
  });
});
