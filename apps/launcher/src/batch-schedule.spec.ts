import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from '@cite/test-support';
import { BatchScheduler, batchEnvFile } from './batch-schedule';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-batch-schedule-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('batchEnvFile', () => {
  it('sets what the caller has not, quoting every value as bash reads it', () => {
    const file = path.join(dir, 'batch.env');
    fs.writeFileSync(
      file,
      batchEnvFile({
        CITE_ETCD_ENDPOINTS: 'http://127.0.0.1:2379',
        CITE_BATCH_BACKUP_DIR: "/tmp/it's $HOME `x`",
      }),
    );
    const shown = execFileSync(
      'bash',
      ['-c', `source ${file}; printf '%s\\n' "$CITE_ETCD_ENDPOINTS" "$CITE_BATCH_BACKUP_DIR"`],
      {
        env: { PATH: process.env['PATH'] ?? '', CITE_ETCD_ENDPOINTS: 'http://mine:2379' },
      },
    ).toString();
    expect(shown).toBe("http://mine:2379\n/tmp/it's $HOME `x`\n");
  });
});

describe('BatchScheduler', () => {
  /** A stand-in for the batch bundle: appends its arguments and start/end times, sleeps, exits with `code`. */
  const entry = (sleepMs: number, code: number) => {
    const file = path.join(dir, 'fake-batch.mjs');
    const calls = path.join(dir, 'calls');
    fs.writeFileSync(
      file,
      `import fs from 'node:fs';
fs.appendFileSync(${JSON.stringify(calls)}, 'start ' + process.argv.slice(2).join(' ') + ' ' + process.env.CITE_MARK + '\\n');
console.log('working');
setTimeout(() => { fs.appendFileSync(${JSON.stringify(calls)}, 'end\\n'); process.exit(${code}); }, ${sleepMs});
`,
    );
    return { file, calls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '') };
  };

  it('runs each task on its schedule as its own process, never two at once, and logs each run', async () => {
    const fake = entry(1500, 0);
    const ended: string[] = [];
    const scheduler = new BatchScheduler({
      schedules: { gc: '* * * * * *' },
      entry: fake.file,
      env: { PATH: process.env['PATH'] ?? '', CITE_MARK: 'env-passed' },
      logFile: path.join(dir, 'batch.log'),
      onEnd: (run) => ended.push(`${run.task} ${run.exit}`),
    });
    scheduler.start();
    expect(scheduler.nextRuns().map((r) => r.task)).toEqual(['gc']);
    await pollUntil('two runs to end', () => ended.length >= 2, { timeoutMs: 20_000 });
    await scheduler.stop();
    const calls = fake.calls().trim().split('\n');
    // Each start is followed by its end before the next start: a run still going holds back the next.
    for (let i = 0; i < calls.length; i += 2) {
      expect(calls[i]).toBe('start gc --trigger schedule env-passed');
      if (calls[i + 1] !== undefined) expect(calls[i + 1]).toBe('end');
    }
    expect(ended.slice(0, 2)).toEqual(['gc 0', 'gc 0']);
    const log = fs.readFileSync(path.join(dir, 'batch.log'), 'utf8');
    expect(log).toMatch(/--- \S+ gc \(scheduled\)\nworking\n--- \S+ gc exited 0\n/);
  });

  it('stops a run in progress when it stops, and starts none after', async () => {
    const fake = entry(60_000, 0);
    const scheduler = new BatchScheduler({
      schedules: { 'node-report': '* * * * * *' },
      entry: fake.file,
      env: { PATH: process.env['PATH'] ?? '' },
      logFile: path.join(dir, 'batch.log'),
    });
    scheduler.start();
    await pollUntil('a run to start', () => fake.calls().includes('start'), { timeoutMs: 10_000 });
    await scheduler.stop();
    expect(scheduler.history().map((r) => [r.task, r.exit])).toEqual([['node-report', 'SIGTERM']]);
    const calls = fake.calls();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(fake.calls()).toBe(calls);
  });
});
