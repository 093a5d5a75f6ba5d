/**
 * Issue 10, items 2 and 3: a launcher that was killed leaves its processes running; the next start stops them by
 * PID (Redis too, whose title no longer names its data directory), never runs two servers on one data directory,
 * waits for its own api rather than the old one, and refuses to start next to a live launcher. While it runs,
 * etcd, Redis, the registry and the search engine are supervised like the apps.
 */
import net from 'node:net';
import path from 'node:path';
import { jest } from '@jest/globals';
import {
  freePort,
  isRunning,
  listensOn,
  openSearchAvailable,
  processesLoggingTo,
  startRedis,
} from '@cite/local-services';
import {
  cleanUp,
  localDir,
  recorded,
  removeBundles,
  removeLocal,
  startPlatform,
  until,
  within,
  type Run,
} from './support';

jest.setTimeout(120_000);

/** One PING over RESP; true on +PONG. */
async function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

const redisPort = (run: Run) => Number(/redis +redis:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())![1]);
/** The search engine runs where Java does (the banner says "logs search off" elsewhere). */
const withEngine = openSearchAvailable().ok;
const SERVERS_AND_APPS = [
  'etcd',
  'redis',
  'registry',
  ...(withEngine ? ['opensearch'] : []),
  'local-cluster',
  'api',
  'deployer',
  'watcher',
];

describe('npm start, killed and started again', () => {
  const local = localDir();
  const runs: Run[] = [];
  let apiPort = 0;

  afterAll(() => {
    for (const run of runs) cleanUp(run, local);
    removeLocal(local);
    removeBundles();
  });

  it('starts a Redis that was SIGKILLed again, says so in one line, and it answers', async () => {
    apiPort = await freePort();
    const run = await startPlatform('bash', local, apiPort);
    runs.push(run);
    await run.waitFor('cite is running');
    const killed = recorded(local)['redis']!;
    process.kill(killed, 'SIGKILL');
    await run.waitFor(/cite: redis exited \(signal SIGKILL\); starting it again in 1 s — see .*redis\.log/);
    await until('a new Redis recorded', () => (recorded(local)['redis'] ?? killed) !== killed);
    await until('the new Redis to answer', () => pong(redisPort(run)));
    expect(run.output().match(/redis exited/g)).toHaveLength(1);
  });

  it('stops what a killed launcher left running, by PID, and runs one Redis on its data directory', async () => {
    const first = runs[0]!;
    const old = recorded(local);
    // The engine ends by itself once its launcher is gone (it watches that PID); one that hangs instead (frozen
    // here) is a leftover like the others, which the next start stops by PID (SIGTERM, then SIGKILL after 10 s).
    if (withEngine) process.kill(old['opensearch']!, 'SIGSTOP');
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    // The launcher is gone; what it started is not.
    for (const name of SERVERS_AND_APPS) expect([name, isRunning(old[name]!)]).toEqual([name, true]);

    // Same api port: the old api still holds it until the new launcher stops it.
    const second = await startPlatform('bash', local, apiPort);
    runs.push(second);
    await second.waitFor('cite is running');
    for (const name of SERVERS_AND_APPS) {
      expect(second.output()).toContain(`stopped ${name} (pid ${old[name]}) left over from an earlier run`);
      expect([name, isRunning(old[name]!)]).toEqual([name, false]);
    }
    const now = recorded(local);
    expect(processesLoggingTo(path.join(local, 'redis')).map((p) => p.pid)).toEqual([now['redis']]);
    expect(processesLoggingTo(path.join(local, 'etcd')).map((p) => p.pid)).toEqual([now['etcd']]);
    if (withEngine)
      expect(processesLoggingTo(path.join(local, 'opensearch')).map((p) => p.pid)).toEqual([
        now['opensearch'],
      ]);
    // The api answering is the one this run started.
    expect(listensOn(now['api']!, apiPort)).toBe(true);
    expect(await pong(redisPort(second))).toBe(true);
  });

  it('refuses to start next to a running launcher of the same directory, and leaves it alone', async () => {
    const second = runs[1]!;
    const before = recorded(local);
    const third = await startPlatform('bash', local);
    runs.push(third);
    expect(await within(third.exited, 30_000, 'the third start to give up')).toBe(1);
    expect(third.output()).toContain(`cite is already running from ${local} (launcher pid ${second.pid})`);
    expect(recorded(local)).toEqual(before);
    for (const name of SERVERS_AND_APPS) expect([name, isRunning(before[name]!)]).toEqual([name, true]);
  });

  it('refuses to start a second Redis on a data directory that an unrecorded Redis uses', async () => {
    const second = runs[1]!;
    process.kill(second.pid, 'SIGTERM');
    expect(await within(second.exited, 30_000, 'the launcher to stop')).toBe(0);
    const stray = await startRedis({ dataDir: path.join(local, 'redis') });
    try {
      const fourth = await startPlatform('bash', local);
      runs.push(fourth);
      expect(await within(fourth.exited, 30_000, 'the fourth start to give up')).toBe(1);
      expect(fourth.output()).toContain(
        `${path.join(local, 'redis')} is in use by pid ${stray.pid} (redis-server`,
      );
      expect(fourth.output()).toContain(`kill ${stray.pid}`);
      expect(processesLoggingTo(path.join(local, 'redis')).map((p) => p.pid)).toEqual([stray.pid]);
      expect(processesLoggingTo(path.join(local, 'etcd'))).toEqual([]);
      expect(processesLoggingTo(path.join(local, 'opensearch'))).toEqual([]);
    } finally {
      await stray.stop();
    }
  });
});
