import { pollUntil } from './poll';

describe('pollUntil', () => {
  it('resolves with the first value that is neither undefined nor false, counting a throw as not yet', async () => {
    let calls = 0;
    const value = await pollUntil('the third call', () => {
      calls += 1;
      if (calls === 1) throw new Error('not there');
      return calls === 3 ? { calls } : false;
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('rejects naming what it waited for, with the last value seen', async () => {
    await expect(pollUntil('a miracle', () => undefined, { timeoutMs: 0 })).rejects.toThrow(
      'timed out after 0 ms waiting for a miracle (last: undefined)',
    );
    await expect(
      pollUntil('etcd', () => Promise.reject(new Error('unreachable')), { timeoutMs: 0 }),
    ).rejects.toThrow('waiting for etcd (last: unreachable)');
  });
});
