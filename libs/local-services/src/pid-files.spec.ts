import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordPid, recordedProcess, releaseRunLock, stopLeftover, takeRunLock } from './pid-files';
import { isRunning, listensOn, processesLoggingTo, startTimeOf } from './proc';
import { startRedis } from './processes';

function tmp(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cite-${label}-`));
}

describe('stopLeftover', () => {
  it('stops a recorded Redis by PID although Redis rewrote its command line', async () => {
    const dir = tmp('pids');
    const redis = await startRedis({ dataDir: path.join(dir, 'redis') });
    // The title no longer names the data directory, which the old check looked for.
    expect(fs.readFileSync(`/proc/${redis.pid}/cmdline`, 'utf8')).not.toContain(dir);
    recordPid(dir, 'redis', redis.pid);
    expect(recordedProcess(dir, 'redis')?.pid).toBe(redis.pid);
    expect(await stopLeftover(dir, 'redis')).toBe(redis.pid);
    await redis.exited;
    expect(isRunning(redis.pid)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'redis.pid'))).toBe(false);
  });

  it('leaves alone a process that got a recorded PID later (another start time)', async () => {
    const dir = tmp('pids');
    const redis = await startRedis();
    fs.writeFileSync(path.join(dir, 'redis.pid'), JSON.stringify({ pid: redis.pid, startTime: '1' }));
    expect(recordedProcess(dir, 'redis')).toBeUndefined();
    expect(await stopLeftover(dir, 'redis')).toBeUndefined();
    expect(isRunning(redis.pid, startTimeOf(redis.pid))).toBe(true);
    await redis.stop();
  });
});

describe('processesLoggingTo', () => {
  it('finds a server writing below a data directory, whatever its title says', async () => {
    const dir = tmp('users');
    const redis = await startRedis({ dataDir: path.join(dir, 'redis') });
    expect(processesLoggingTo(dir).map((u) => u.pid)).toEqual([redis.pid]);
    expect(processesLoggingTo(path.join(dir, 'elsewhere'))).toEqual([]);
    await redis.stop();
    expect(processesLoggingTo(dir)).toEqual([]);
  });
});

describe('listensOn', () => {
  it('tells the process holding a port from any other', async () => {
    const redis = await startRedis();
    expect(listensOn(redis.pid, redis.port)).toBe(true);
    expect(listensOn(process.pid, redis.port)).toBe(false);
    await redis.stop();
  });
});

describe('takeRunLock', () => {
  it('lets one live launcher hold a directory and takes over from a dead one', async () => {
    const dir = tmp('lock');
    // Another launcher, alive: the lock names it.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const otherExited = new Promise((r) => other.once('exit', r));
    fs.writeFileSync(
      path.join(dir, 'launcher.pid'),
      JSON.stringify({ pid: other.pid, startTime: startTimeOf(other.pid!) }),
    );
    expect(takeRunLock(dir)).toEqual({ ok: false, pid: other.pid });
    other.kill('SIGKILL');
    await otherExited;
    expect(takeRunLock(dir)).toEqual({ ok: true });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'launcher.pid'), 'utf8')).pid).toBe(process.pid);
    releaseRunLock(dir);
    expect(fs.existsSync(path.join(dir, 'launcher.pid'))).toBe(false);
  });
});
