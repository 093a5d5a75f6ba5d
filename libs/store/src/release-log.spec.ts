/** Deploy-log lines in etcd, against the real etcd. */
import type { EtcdStore } from './etcd-store';
import { ReleaseLog } from './release-log';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('release-log');
});
afterAll(() => store.close());

describe('ReleaseLog', () => {
  it('appends numbered lines under releaselogs/<service>/<release>/<seq> and lists after a seq', async () => {
    const log = new ReleaseLog(store, () => new Date('2024-05-01T12:00:00Z'));
    const written = await log.append('web', 3, [
      { message: 'pulling' },
      { message: 'x'.repeat(9000), level: 'warn', source: 'deployer' },
    ]);
    expect(written.map((line) => line.seq)).toEqual([1, 2]);
    expect(written[1]!.message).toHaveLength(8192);
    expect(store.key(`releaselogs/${ReleaseLog.lineId('web', 3, 2)}`)).toMatch(
      /releaselogs\/web\/0000000003\/0000000002$/,
    );
    const page = await log.list('web', 3, { after: 1 });
    expect(page.lines).toEqual([expect.objectContaining({ seq: 2, level: 'warn', source: 'deployer' })]);
    expect((await log.list('web', 4)).lines).toEqual([]);
  });

  it('keeps numbering when another writer (a deployer taking over) appended meanwhile', async () => {
    const first = new ReleaseLog(store);
    const second = new ReleaseLog(store);
    await first.append('api', 1, [{ message: 'a' }]);
    await second.append('api', 1, [{ message: 'b' }]);
    await first.append('api', 1, [{ message: 'c' }]);
    const all = await first.list('api', 1);
    expect(all.lines.map((line) => [line.seq, line.message])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    const concurrent = await Promise.all([
      first.append('api', 2, [{ message: 'x' }]),
      second.append('api', 2, [{ message: 'y' }]),
    ]);
    expect(
      concurrent
        .flat()
        .map((line) => line.seq)
        .sort(),
    ).toEqual([1, 2]);
  });
});
