import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Exit } from './processes';
import { freePort, startRedis } from './processes';
import { describeExit, restartDelay, Supervisor } from './supervisor';

function tmp(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cite-${label}-`));
}

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

describe('Supervisor', () => {
  it('restarts an app that dies, logs its output, and stops everything by PID', async () => {
    const dir = tmp('sup');
    const entry = path.join(dir, 'app.mjs');
    // Counts its starts in a file; the first run crashes, later runs stay up.
    fs.writeFileSync(
      entry,
      `import fs from 'node:fs';
       const f = ${JSON.stringify(path.join(dir, 'starts'))};
       const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0) + 1;
       fs.writeFileSync(f, String(n));
       console.log('start ' + n);
       if (n === 1) process.exit(3);
       setInterval(() => {}, 1000);`,
    );
    const exits: [string, string, number][] = [];
    const starts: [string, number][] = [];
    const supervisor = new Supervisor(path.join(dir, 'logs'), {
      onStart: (app, pid) => starts.push([app, pid]),
      onExit: (app, why, delay) => exits.push([app, describeExit(why), delay]),
    });
    supervisor.start({ name: 'demo', entry, env: {} });
    const starts2 = () =>
      fs.existsSync(path.join(dir, 'starts')) && fs.readFileSync(path.join(dir, 'starts'), 'utf8') === '2';
    await until('the restart', starts2);
    expect(exits).toEqual([['demo', 'exited (code 3)', 1_000]]);
    const pid = supervisor.pids()['demo'];
    expect(pid).toBeGreaterThan(0);
    expect(starts.map(([, p]) => p)).toContain(pid);
    expect(starts).toHaveLength(2);
    await supervisor.stopAll();
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    expect(fs.readFileSync(supervisor.logFile('demo'), 'utf8')).toContain('start 1');
  });

  it("gives apps two malloc arenas unless the owner's environment sets its own", async () => {
    const dir = tmp('sup-env');
    const entry = path.join(dir, 'app.mjs');
    fs.writeFileSync(
      entry,
      `import fs from 'node:fs';
       fs.writeFileSync(process.env.OUT, String(process.env.MALLOC_ARENA_MAX));
       setInterval(() => {}, 1000);`,
    );
    for (const [inherited, expected] of [
      [{}, '2'],
      [{ MALLOC_ARENA_MAX: '4' }, '4'],
    ] as const) {
      const out = path.join(dir, `out-${expected}`);
      const supervisor = new Supervisor(path.join(dir, 'logs'), {}, false, inherited);
      supervisor.start({ name: 'env', entry, env: { OUT: out } });
      await until('the app to write its environment', () => fs.existsSync(out) && fs.statSync(out).size > 0);
      await supervisor.stopAll();
      expect(fs.readFileSync(out, 'utf8')).toBe(expected);
    }
  });

  it('starts a killed Redis again on its port and data directory, says so once, and stops it for good', async () => {
    const dir = tmp('sup-redis');
    const exits: [string, string, number][] = [];
    const supervisor = new Supervisor(path.join(dir, 'logs'), {
      onExit: (name, why, delay) => exits.push([name, describeExit(why), delay]),
    });
    // Every run uses the same port: the apps were told it.
    const port = await freePort();
    const redis = await supervisor.startService({
      name: 'redis',
      start: () => startRedis({ dataDir: path.join(dir, 'redis'), port }),
    });
    expect(await pong(port)).toBe(true);

    process.kill(redis.pid, 'SIGKILL');
    const why = (await redis.exited) satisfies Exit;
    expect(why.signal).toBe('SIGKILL');
    await until('a new Redis', () => (supervisor.pids()['redis'] ?? redis.pid) !== redis.pid);
    await until('the new Redis to answer', () => pong(port));
    expect(exits).toEqual([['redis', 'exited (signal SIGKILL)', 1_000]]);

    const second = supervisor.pids()['redis']!;
    await supervisor.stopAll();
    expect(fs.existsSync(`/proc/${second}`)).toBe(false);
    // Nothing starts it again, and no wait is needed to know it: every restart is announced through onExit before
    // its timer is set, and stopAll resolves only after the exit handler of what it stopped has run (it was
    // attached first). No new announcement means no restart is pending.
    expect(exits).toEqual([['redis', 'exited (signal SIGKILL)', 1_000]]);
    expect(supervisor.pids()).toEqual({});
    expect(await pong(port)).toBe(false);
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 15 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(restartDelay)).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000,
    ]);
  });
});
