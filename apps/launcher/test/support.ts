/**
 * Runs `npm start` (or `bash scripts/start.sh`) for real in tests: the launcher and the apps are bundled once into
 * a throwaway tree (start.sh runs that bundle instead of building dist/), and each run gets its own local
 * directory and free ports, so it never meets a developer's own `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendantsOf, freePort, isRunning, startTimeOf } from '@cite/local-services';
import { bundleEntry, followOutput } from '@cite/test-support';

export const root = path.resolve(import.meta.dirname, '../../..');
const APPS = ['launcher', 'local-cluster', 'api', 'deployer', 'watcher'];

let bundled: Promise<string> | undefined;

/** Bundles the launcher and its apps as `npm run build` does; resolves with the launcher's bundle. */
export function launcherBundle(): Promise<string> {
  bundled ??= (async () => {
    // Below the repository, so the bundles find node_modules.
    const dir = path.join(root, '.local', 'test-build', `launcher-${process.pid}`, 'apps');
    await Promise.all(
      APPS.map((app) =>
        bundleEntry(path.join(root, 'apps', app, 'src', 'main.ts'), path.join(dir, app, 'main.mjs')),
      ),
    );
    return path.join(dir, 'launcher', 'main.mjs');
  })();
  return bundled;
}

let pushBundled: Promise<string> | undefined;

/** Bundles `npm run push-image` (apps/launcher/src/bin/push-image.ts) as `npm run build` does. */
export function pushImageBundle(): Promise<string> {
  pushBundled ??= (async () => {
    const outfile = path.join(
      root,
      '.local',
      'test-build',
      `launcher-${process.pid}`,
      'apps',
      'launcher',
      'push-image.mjs',
    );
    await bundleEntry(path.join(root, 'apps', 'launcher', 'src', 'bin', 'push-image.ts'), outfile);
    return outfile;
  })();
  return pushBundled;
}

export function localDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cite-launcher-'));
}

export interface Run {
  child: ChildProcess;
  /** PID of the process started: npm, or the bash running start.sh (which becomes the launcher). */
  pid: number;
  output(): string;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Exit code or signal name. */
  exited: Promise<number | string>;
}

/**
 * The environment without npm's variables (as from a terminal), Jest's Node options, or a search engine of the
 * developer's (`CITE_LOGS_URL`: the launcher would use it rather than start its own).
 */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        !entry[0].startsWith('npm_') &&
        entry[0] !== 'NODE_OPTIONS' &&
        entry[0] !== 'CITE_LOGS_URL',
    ),
  );
}

/** Starts the platform the way a user does: `npm start` or `bash scripts/start.sh`, from the repository root. */
export async function startPlatform(
  how: 'npm' | 'bash',
  local: string,
  apiPort?: number,
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const env = {
    ...cleanEnv(),
    ...extraEnv,
    CITE_START_PREBUILT: await launcherBundle(),
    CITE_LOCAL_DIR: local,
    CITE_API_PORT: String(apiPort ?? (await freePort())),
    CITE_LAUNCHER_ANY_PORTS: '1',
    npm_config_update_notifier: 'false',
  };
  const [command, args] = how === 'npm' ? ['npm', ['start']] : ['bash', ['scripts/start.sh']];
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, exited, waitForOutput } = followOutput(child);
  return {
    child,
    pid: child.pid!,
    output,
    exited,
    waitFor: (match, timeoutMs = 60_000) => waitForOutput(match, timeoutMs),
  };
}

/** The PIDs recorded under `<local>/run/` by name. */
export function recorded(local: string): Record<string, number> {
  const dir = path.join(local, 'run');
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((file) => file.endsWith('.pid'))
      .map((file) => [file.slice(0, -4), JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).pid]),
  );
}

/** Resolves once none of `processes` (PID → start time) runs any more; rejects with those left after `ms`. */
export async function allGone(processes: Map<number, string>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = [...processes].filter(([pid, start]) => isRunning(pid, start));
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `still running: ${left.map(([pid]) => `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`).join('; ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `pid` and its descendants with their start times. */
export function tree(pid: number): Map<number, string> {
  const all = descendantsOf(pid);
  const start = startTimeOf(pid);
  if (start !== undefined) all.set(pid, start);
  return all;
}

/** The processes recorded under `<local>/run/` (PID → start time). */
function recordedProcesses(local: string): Map<number, string> {
  const dir = path.join(local, 'run');
  const found = new Map<number, string>();
  if (!fs.existsSync(dir)) return found;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
    try {
      const { pid, startTime } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      found.set(pid, startTime);
    } catch {
      // half written
    }
  }
  return found;
}

/** SIGKILLs, by PID, whatever a test left running in `local` or below `run`, so a failed test leaves nothing. */
export function cleanUp(run: Run | undefined, local: string): void {
  const left = new Map([...(run ? tree(run.pid) : []), ...recordedProcesses(local)]);
  for (const [pid, start] of left) {
    try {
      if (isRunning(pid, start)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Removes a local directory made by localDir (after cleanUp). */
export function removeLocal(local: string): void {
  fs.rmSync(local, { recursive: true, force: true });
}

/** Removes this worker's bundles. */
export function removeBundles(): void {
  fs.rmSync(path.join(root, '.local', 'test-build', `launcher-${process.pid}`), {
    recursive: true,
    force: true,
  });
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `done` every 100 ms until it holds; rejects naming `what` after `ms`. */
export async function until(
  what: string,
  done: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
