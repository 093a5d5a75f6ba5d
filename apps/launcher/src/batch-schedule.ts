/**
 * `npm start`'s stand-in for the chart's CronJobs: croner fires each scheduled batch task, which runs as its own
 * `cite-batch <task> --trigger schedule` process (exactly as a CronJob pod would), its output appended to
 * `<logs>/batch.log`. A task still running when its next time comes is skipped (croner's `protect`), and the task's
 * etcd lock keeps any other runner out too. Each run's outcome is kept in memory (`history`) and, as every run's
 * report, in etcd (`GET /api/v1/batch/reports`). Stopping stops the timers and the runs in progress, by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { APP_ENV_DEFAULTS } from '@cite/local-services';

export interface BatchRunRecord {
  task: string;
  startedAt: string;
  finishedAt?: string;
  /** Exit code, or the signal's name. */
  exit?: number | string;
}

export interface BatchSchedulerOptions {
  /** Task → cron expression. */
  schedules: Readonly<Record<string, string>>;
  /** The batch bundle (`dist/apps/batch/main.mjs`). */
  entry: string;
  env: Readonly<Record<string, string | undefined>>;
  logFile: string;
  /** Told of each run's end (the launcher prints failures). */
  onEnd?: (run: BatchRunRecord) => void;
}

const HISTORY = 200;

export class BatchScheduler {
  private readonly jobs: Cron[] = [];
  private readonly running = new Map<ChildProcess, Promise<void>>();
  private readonly runs: BatchRunRecord[] = [];
  private stopped = false;

  constructor(private readonly options: BatchSchedulerOptions) {}

  start(): void {
    for (const [task, pattern] of Object.entries(this.options.schedules)) {
      this.jobs.push(new Cron(pattern, { name: task, protect: true, catch: true }, () => this.run(task)));
    }
  }

  /** When each task runs next. */
  nextRuns(): { task: string; next: Date | null }[] {
    return this.jobs.map((job) => ({ task: job.name ?? '', next: job.nextRun() }));
  }

  /** Runs so far, newest last. */
  history(): readonly BatchRunRecord[] {
    return this.runs;
  }

  /** Runs `task` once now; resolves when it has ended. */
  run(task: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const record: BatchRunRecord = { task, startedAt: new Date().toISOString() };
    this.runs.push(record);
    if (this.runs.length > HISTORY) this.runs.shift();
    const log = fs.openSync(this.options.logFile, 'a');
    fs.writeSync(log, `--- ${record.startedAt} ${task} (scheduled)\n`);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', this.options.entry, task, '--trigger', 'schedule'],
      {
        env: { ...APP_ENV_DEFAULTS, ...this.options.env },
        stdio: ['ignore', log, log],
      },
    );
    fs.closeSync(log);
    const ended = new Promise<void>((resolve) => {
      const finish = (exit: number | string) => {
        this.running.delete(child);
        record.finishedAt = new Date().toISOString();
        record.exit = exit;
        fs.appendFileSync(this.options.logFile, `--- ${record.finishedAt} ${task} exited ${exit}\n`);
        this.options.onEnd?.(record);
        resolve();
      };
      child.once('error', (error) => finish(`spawn error: ${error.message}`));
      child.once('exit', (code, signal) => finish(code ?? signal ?? -1));
    });
    this.running.set(child, ended);
    return ended;
  }

  /** Stops the timers, then the runs in progress (SIGTERM, SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) job.stop();
    await Promise.all(
      [...this.running].map(async ([child, ended]) => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await ended;
        clearTimeout(timer);
      }),
    );
  }
}

/** The log file of scheduled runs under the launcher's logs directory. */
export function batchLogFile(logsDir: string): string {
  return path.join(logsDir, 'batch.log');
}

/** A shell-quoted value: single quotes, each `'` inside closed, escaped and reopened. */
const quoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The file `npm run batch` sources to reach this run's platform: each variable set only when the caller's
 * environment does not set it already.
 */
export function batchEnvFile(values: Readonly<Record<string, string>>): string {
  const lines = Object.entries(values).map(
    ([key, value]) => `if [ -z "\${${key}:-}" ]; then export ${key}=${quoted(value)}; fi`,
  );
  return `# Written by npm start for npm run batch; removed when it stops.\n${lines.join('\n')}\n`;
}
