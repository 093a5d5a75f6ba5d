import { DEFAULT_BATCH_LIMITS, inBatches } from './batches';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const entry = (i: number, valueBytes = 10) => ({
  key: Buffer.from(`/k/${i}`),
  value: Buffer.alloc(valueBytes),
});

describe('transaction batches', () => {
  it('stay below etcd’s default limits (128 ops, 1.5 MiB)', () => {
    expect(DEFAULT_BATCH_LIMITS.maxOps).toBeLessThan(128);
    expect(DEFAULT_BATCH_LIMITS.maxBytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('cut by count and by bytes, in order, and put an oversized item alone', async () => {
    const items = Array.from({ length: 250 }, (_, i) => entry(i));
    const byCount = await collect(inBatches(items, { maxOps: 100, maxBytes: 1 << 20 }));
    expect(byCount.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(byCount.flat()).toEqual(items);

    const sized = [entry(0, 400), entry(1, 400), entry(2, 5_000), entry(3, 100), entry(4, 100)];
    const byBytes = await collect(inBatches(sized, { maxOps: 100, maxBytes: 1_000 }));
    expect(byBytes.map((b) => b.map((e) => e.key.toString()))).toEqual([
      ['/k/0', '/k/1'],
      ['/k/2'],
      ['/k/3', '/k/4'],
    ]);
  });

  it('yield nothing for nothing', async () => {
    expect(await collect(inBatches([]))).toEqual([]);
  });
});
