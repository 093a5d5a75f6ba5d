/**
 * Keeps cite's own apps running for `npm start`: spawns each one, appends its output to a log file, restarts
 * it with capped backoff when it dies, and stops them all by PID on shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface AppSpec {
  name: string;
  /** Entry file, run with the current Node. */
  entry: string;
  env: Record<string, string>;
}

export interface SupervisorEvents {
  onExit?(app: string, code: number | null, signal: string | null, restartInMs: number): void;
}

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  private readonly restarts = new Map<string, number>();

  constructor(
    private readonly logDir: string,
    private readonly events: SupervisorEvents = {},
    /** Children in their own process group: a terminal's Ctrl-C reaches only the supervisor's owner. */
    private readonly detached = false,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  logFile(app: string): string {
    return path.join(this.logDir, `${app}.log`);
  }

  start(spec: AppSpec): void {
    if (this.stopping) return;
    const out = fs.openSync(this.logFile(spec.name), 'a');
    const child = spawn(process.execPath, ['--enable-source-maps', spec.entry], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', out, out],
      detached: this.detached,
    });
    fs.closeSync(out);
    const startedAt = Date.now();
    this.children.set(spec.name, child);
    child.once('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (this.stopping) return;
      // A run that lasted a minute resets the backoff.
      const attempt = Date.now() - startedAt > 60_000 ? 0 : (this.restarts.get(spec.name) ?? 0) + 1;
      this.restarts.set(spec.name, attempt);
      const delay = Math.min(500 * 2 ** Math.min(attempt, 5), 15_000);
      this.events.onExit?.(spec.name, code, signal, delay);
      setTimeout(() => this.start(spec), delay).unref();
    });
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.children].map(([name, c]) => [name, c.pid ?? -1]));
  }

  /** SIGTERM every app by PID, SIGKILL those still running after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
