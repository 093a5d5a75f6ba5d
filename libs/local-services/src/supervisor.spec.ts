import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordPid, stopLeftover } from './pid-files';
import { startRedis } from './processes';
import { Supervisor } from './supervisor';

function tmp(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cite-${label}-`));
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
    const exits: [string, number | null][] = [];
    const supervisor = new Supervisor(path.join(dir, 'logs'), {
      onExit: (app, code) => exits.push([app, code]),
    });
    supervisor.start({ name: 'demo', entry, env: {} });
    const deadline = Date.now() + 10_000;
    while (!(
      fs.existsSync(path.join(dir, 'starts')) && fs.readFileSync(path.join(dir, 'starts'), 'utf8') === '2'
    )) {
      if (Date.now() > deadline) throw new Error('not restarted');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(exits).toEqual([['demo', 3]]);
    const pid = supervisor.pids()['demo'];
    expect(pid).toBeGreaterThan(0);
    await supervisor.stopAll();
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    expect(fs.readFileSync(supervisor.logFile('demo'), 'utf8')).toContain('start 1');
  });
});

describe('stopLeftover', () => {
  it('stops a recorded process only while its command line still matches', async () => {
    const dir = tmp('pids');
    const redis = await startRedis();
    recordPid(dir, 'redis', redis.pid, 'not-this-command');
    expect(await stopLeftover(dir, 'redis')).toBeUndefined();
    expect(fs.existsSync(`/proc/${redis.pid}`)).toBe(true);
    recordPid(dir, 'redis', redis.pid, 'redis-server');
    expect(await stopLeftover(dir, 'redis')).toBe(redis.pid);
    await redis.stop();
  });
});
