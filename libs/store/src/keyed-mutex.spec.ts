import { KeyedMutex } from './keyed-mutex';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('KeyedMutex', () => {
  it('runs tasks for one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.run('a', async () => {
      log.push('1 start');
      await gate.promise;
      log.push('1 end');
    });
    const second = mutex.run('a', async () => {
      log.push('2');
    });
    await Promise.resolve();
    expect(log).toEqual(['1 start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['1 start', '1 end', '2']);
    expect(mutex.activeKeys).toBe(0);
  });

  it('lets different keys run together and survives a failing task', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const blocked = mutex.run('a', () => gate.promise);
    await expect(mutex.run('b', async () => 'b ran')).resolves.toBe('b ran');
    gate.resolve();
    await blocked;
    await expect(mutex.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'after')).resolves.toBe('after');
    expect(mutex.activeKeys).toBe(0);
  });
});
