/**
 * Spawning a program with its output appended to a log file, without losing why it failed: a spawn error
 * (ENOENT, EACCES) and an exit before the program was ready become typed errors at once, rather than a wait for a
 * port that nobody will ever open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { waitForPort } from './ports';
import { EarlyExitError, ProcessStartError, ReadyTimeoutError, SpawnError } from './start-errors';

export interface LoggedSpawn {
  /** The program: a name looked up on PATH, or a path. */
  command: string;
  args: readonly string[];
  /** Output (stdout and stderr) is appended here. */
  logFile: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the owner, which stops the process in order. */
  detached?: boolean;
  /** The environment; unset: this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface SpawnedProcess {
  readonly command: string;
  readonly child: ChildProcess;
  /** Resolves once the operating system has started the program; rejects with `SpawnError` when it could not. */
  readonly started: Promise<void>;
  /**
   * Resolves (never rejects) with why the process can no longer become ready — `SpawnError` or `EarlyExitError` —
   * as soon as that is known; stays pending while it runs.
   */
  readonly failed: Promise<ProcessStartError>;
}

/** At most this much of the end of the log goes into an `EarlyExitError`. */
const TAIL_LINES = 12;
const TAIL_BYTES = 4_096;

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The last lines written to `file` after byte `from` (what this run of the program wrote). */
export function outputTail(file: string, from = 0): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const end = fs.fstatSync(fd).size;
    const start = Math.max(from, end - TAIL_BYTES);
    const buffer = Buffer.alloc(Math.max(0, end - start));
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Spawns `spec.command`; its failures are kept in `started` and `failed`, never thrown as events. */
export function spawnLogged(spec: LoggedSpawn): SpawnedProcess {
  const from = sizeOf(spec.logFile);
  const out = fs.openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      stdio: ['ignore', out, out],
      detached: spec.detached ?? false,
      ...(spec.env ? { env: spec.env } : {}),
    });
  } catch (error) {
    // Some failures (an argument Node refuses) throw at once instead of emitting `error`.
    throw new SpawnError(spec.command, error as NodeJS.ErrnoException);
  } finally {
    fs.closeSync(out);
  }
  // Later errors (a signal that could not be sent) are not start failures; `manage` reports how it ended.
  child.on('error', () => undefined);
  const failed = new Promise<ProcessStartError>((resolve) => {
    child.once('error', (error) => {
      if (child.pid === undefined) resolve(new SpawnError(spec.command, error));
    });
    child.once('exit', (code, signal) =>
      resolve(
        new EarlyExitError(spec.command, { code, signal }, outputTail(spec.logFile, from), spec.logFile),
      ),
    );
  });
  const started = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    void failed.then((error) => (error instanceof SpawnError ? reject(error) : undefined));
  });
  started.catch(() => undefined); // awaited by those who want it; `failed` carries the same error
  return { command: spec.command, child, started, failed };
}

/**
 * Resolves once something accepts connections on `port`; rejects at once with the `SpawnError` or
 * `EarlyExitError` of `spawned`, and with `ReadyTimeoutError` after `timeoutMs`.
 */
export async function waitUntilListening(
  spawned: SpawnedProcess,
  port: number,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([
      waitForPort(port, timeoutMs, stop.signal).catch((error: unknown) => {
        throw stop.signal.aborted
          ? error
          : new ReadyTimeoutError(spawned.command, port, timeoutMs, logFile, error);
      }),
      spawned.failed.then((error) => {
        throw error;
      }),
    ]);
  } finally {
    stop.abort();
  }
}
