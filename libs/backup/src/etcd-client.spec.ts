import { startEtcd, type RunningEtcd } from '@cite/test-support';
import fs from 'node:fs';
import { EtcdClient, prefixEnd } from './etcd-client';

let etcd: RunningEtcd;
let client: EtcdClient;

beforeAll(async () => {
  etcd = await startEtcd();
  client = EtcdClient.open({ endpoints: [etcd.endpoint] });
});

afterAll(async () => {
  client?.close();
  await etcd?.stop();
  if (etcd) fs.rmSync(etcd.dataDir, { recursive: true, force: true });
});

const put = (key: string, value = 'v') => ({ key: Buffer.from(key), value: Buffer.from(value) });

describe('prefixEnd', () => {
  it('is the first key after every key with the prefix', () => {
    expect(prefixEnd(Buffer.from('/a/'))).toEqual(Buffer.from('/a0'));
    expect(prefixEnd(Buffer.from([0x61, 0xff, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixEnd(Buffer.from([0xff]))).toEqual(Buffer.from([0]));
  });
});

describe('the restore transaction guard', () => {
  const end = prefixEnd(Buffer.from('/p/'));

  it('writes while no key exists from the guard’s start to the end of the prefix', async () => {
    expect(await client.putIfRangeEmpty([put('/p/a'), put('/p/b')], Buffer.from('/p/'), end)).toBe(true);
    expect(await client.putIfRangeEmpty([put('/p/c')], Buffer.from('/p/c'), end)).toBe(true);
    expect((await client.count(Buffer.from('/p/')))?.count).toBe(3);
  });

  it('writes nothing once another writer put a key in that range', async () => {
    await client.putIfRangeEmpty([put('/p/x', 'theirs')], Buffer.from('/p/x'), end);
    expect(await client.putIfRangeEmpty([put('/p/d'), put('/p/x', 'ours')], Buffer.from('/p/d'), end)).toBe(
      false,
    );
    expect((await client.count(Buffer.from('/p/')))?.count).toBe(4);
  });
});
