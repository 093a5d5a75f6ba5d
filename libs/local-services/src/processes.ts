/**
 * Real etcd and Redis servers for tests and for `npm start`: spawned from the Debian binaries on free loopback
 * ports, stopped by PID. Tests that need to kill or restart a dependency start their own instance with these.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { spawnLogged, waitUntilListening } from './spawn';

export { freePort, waitForPort } from './ports';

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly pid: number;
  readonly port: number;
  /** Resolves once the process has ended, however it ended. */
  readonly exited: Promise<Exit>;
  /** Stops the process by its PID (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL by PID. */
  kill(): Promise<void>;
}

/** Wraps a spawned server so it is stopped by its PID: SIGTERM, then SIGKILL after a grace period. */
export function manage(child: ChildProcess, port: number): ManagedProcess {
  const exited = new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
    // A command that could not be started at all (ENOENT) never exits.
    child.once('error', () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (running()) child.kill(sig);
    const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid ?? -1,
    port,
    exited,
    stop: (graceMs = 5_000) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
}

/** What every server started here takes. */
export interface ServerOptions {
  /** Data and the log file live here. Default: a temporary directory. */
  dataDir?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the launcher, which stops this in order. */
  detached?: boolean;
  /**
   * The program to run (a name on PATH or a path).
   * @defaultValue the Debian binary: `etcd`, `redis-server`, `docker-registry`
   */
  command?: string;
  /**
   * How long the server may take to answer on its port (`ReadyTimeoutError` after it). A program that cannot be
   * run (`SpawnError`) or ends first (`EarlyExitError`) fails at once, whatever this says.
   * @defaultValue 15000
   */
  readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 15_000;

/**
 * Runs a server with its output in `logFile` and resolves once it answers on `port`; on any failure, stops what
 * it started and rejects with a `ProcessStartError` (`SpawnError`, `EarlyExitError` or `ReadyTimeoutError`).
 */
export async function startServer(
  spec: { command: string; args: readonly string[]; logFile: string; port: number },
  options: ServerOptions,
): Promise<ManagedProcess> {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const spawned = spawnLogged({ ...spec, detached: options.detached ?? false });
  const managed = manage(spawned.child, spec.port);
  try {
    await waitUntilListening(spawned, spec.port, options.readyTimeoutMs ?? READY_TIMEOUT_MS, spec.logFile);
  } catch (error) {
    await managed.kill();
    throw error;
  }
  return managed;
}

export interface EtcdOptions extends ServerOptions {
  clientPort?: number;
  peerPort?: number;
}

export interface RunningEtcd extends ManagedProcess {
  readonly endpoint: string;
  readonly dataDir: string;
}

export async function startEtcd(options: EtcdOptions = {}): Promise<RunningEtcd> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cite-etcd-'));
  const clientPort = options.clientPort ?? (await freePort());
  const peerPort = options.peerPort ?? (await freePort());
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name',
    'cite',
    '--data-dir',
    path.join(dataDir, 'data'),
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `cite=${peer}`,
    '--log-level',
    'warn',
    '--logger',
    'zap',
  ];
  const logFile = path.join(dataDir, 'etcd.log');
  const managed = await startServer(
    { command: options.command ?? 'etcd', args, logFile, port: clientPort },
    options,
  );
  return { ...managed, endpoint: client, dataDir };
}

export interface RedisOptions extends ServerOptions {
  port?: number;
  /** Append-only file on (production-like persistence). Default true. */
  appendOnly?: boolean;
}

export interface RunningRedis extends ManagedProcess {
  readonly url: string;
  readonly dataDir: string;
}

export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cite-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dataDir,
    '--appendonly',
    options.appendOnly === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
  const logFile = path.join(dataDir, 'redis.log');
  const managed = await startServer(
    { command: options.command ?? 'redis-server', args, logFile, port },
    options,
  );
  return { ...managed, url: `redis://127.0.0.1:${port}`, dataDir };
}
