/** One of the repository's apps run as its own process from the bundle `npm start` uses. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { APP_ENV_DEFAULTS } from '../../libs/local-services/src/index';

/** The repository root: benches run bundled from `.local/bench/<name>.mjs`. */
export const root = path.resolve(import.meta.dirname, '../..');

export interface App {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the app wrote to stdout so far (the first 100 kB). */
  output(): string;
  /** Set by `stopApp`, so that the expected exit is not reported. */
  stopping: boolean;
}

export interface AppOptions {
  /** The app's stderr goes to `<logDir>/<name>.log`. */
  logDir: string;
  /** Writes a V8 CPU profile of the app to `<dir>/<name>.cpuprofile` when it exits. */
  cpuProfileDir?: string;
  /** Lets `heapUsedOf` ask the app for a diagnostic report (SIGUSR2), written to this directory. */
  reportDir?: string;
}

function nodeFlags(name: string, options: AppOptions): string[] {
  const flags: string[] = [];
  if (options.cpuProfileDir)
    flags.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
  if (options.reportDir)
    flags.push(
      '--report-on-signal',
      '--report-signal=SIGUSR2',
      '--report-exclude-env',
      '--report-exclude-network',
      `--report-directory=${options.reportDir}`,
    );
  return flags;
}

export function startApp(name: string, env: Record<string, string>, options: AppOptions): App {
  const log = fs.openSync(path.join(options.logDir, `${name}.log`), 'a');
  const main = path.join(root, `dist/apps/${name}/main.mjs`);
  const child = spawn(process.execPath, [...nodeFlags(name, options), main], {
    // The launcher's app defaults (MALLOC_ARENA_MAX), so the bench measures the processes `npm start` runs.
    env: { ...APP_ENV_DEFAULTS, ...process.env, CITE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', log],
  });
  fs.closeSync(log);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  });
  const app: App = { name, child, pid: child.pid!, output: () => out, stopping: false };
  child.once('exit', (code, signal) => {
    if (!app.stopping) process.stderr.write(`${name} exited (${code ?? signal}):\n${out.slice(-2000)}\n`);
  });
  return app;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
export async function stopApp(app: App): Promise<void> {
  app.stopping = true;
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
  process.kill(app.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(app.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
