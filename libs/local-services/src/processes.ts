/**
 * Real etcd and Redis servers for tests and for `npm start`: spawned from the Debian binaries on free loopback
 * ports, stopped by PID. Tests that need to kill or restart a dependency start their own instance with these.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

function logFile(dataDir: string, name: string): number {
  fs.mkdirSync(dataDir, { recursive: true });
  return fs.openSync(path.join(dataDir, `${name}.log`), 'a');
}

export interface EtcdOptions {
  dataDir?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the launcher, which stops this in order. */
  detached?: boolean;
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
  const out = logFile(dataDir, 'etcd');
  const child = spawn(
    'etcd',
    [
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
    ],
    { stdio: ['ignore', out, out], detached: options.detached ?? false },
  );
  fs.closeSync(out);
  child.on('error', () => undefined);
  const managed = manage(child, clientPort);
  try {
    await waitForPort(clientPort);
  } catch (error) {
    await managed.kill();
    throw new Error(`etcd did not start (log: ${path.join(dataDir, 'etcd.log')})`, { cause: error });
  }
  return { ...managed, endpoint: client, dataDir };
}

export interface RedisOptions {
  dataDir?: string;
  /** Own process group (see EtcdOptions.detached). */
  detached?: boolean;
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
  const out = logFile(dataDir, 'redis');
  const child = spawn(
    'redis-server',
    [
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
    ],
    { stdio: ['ignore', out, out], detached: options.detached ?? false },
  );
  fs.closeSync(out);
  child.on('error', () => undefined);
  const managed = manage(child, port);
  try {
    await waitForPort(port);
  } catch (error) {
    await managed.kill();
    throw new Error(`redis-server did not start (log: ${path.join(dataDir, 'redis.log')})`, { cause: error });
  }
  return { ...managed, url: `redis://127.0.0.1:${port}`, dataDir };
}
