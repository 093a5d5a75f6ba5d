/**
 * Keeps processes running for `npm start`: cite's own apps (Node entry files, their output appended to a log
 * file) and the servers they need (etcd, Redis, the registry: anything started by a function that resolves once
 * it answers). A process that ends is started again with capped backoff (1 s, 2 s, 4 s, 8 s, then 15 s; a run
 * of a minute or more starts the count again) and the owner is told once per restart. Everything is stopped by
 * PID on shutdown, with whatever it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { descendantsOf, stopProcess } from './proc';
import { manage, type Exit, type ManagedProcess } from './processes';
import { spawnLogged } from './spawn';

export interface AppSpec {
  name: string;
  /** Entry file, run with `runtime`. */
  entry: string;
  env: Record<string, string>;
  /**
   * The program that runs `entry`; one that cannot be run fails the start with `SpawnError` at once.
   * @defaultValue this process's Node (`process.execPath`)
   */
  runtime?: string;
}

export interface ServiceSpec<T extends ManagedProcess = ManagedProcess> {
  name: string;
  /** Starts the server; resolves once it answers, rejects when it does not. */
  start(): Promise<T>;
}

export interface SupervisorEvents {
  /** `name` (re)started as `pid`. */
  onStart?(name: string, pid: number): void;
  /**
   * `name` ended (`Exit`) or did not start (`Error`: a `SpawnError` when its program could not be run, whatever
   * a server's start rejected with); it is started again after `restartInMs`.
   */
  onExit?(name: string, why: Exit | Error, restartInMs: number): void;
}

/** How long a process's orphaned descendant gets between SIGTERM and SIGKILL. */
const ORPHAN_GRACE_MS = 3_000;

/** A run at least this long starts the backoff again. */
const STEADY_MS = 60_000;

/** The wait before restart number `attempt` (1, 2, …): 1 s, 2 s, 4 s, 8 s, then 15 s. */
export function restartDelay(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(attempt, 1), 15_000);
}

/** "exited (code 3)", "exited (signal SIGKILL)" or "did not start (<first line of the message>)". */
export function describeExit(why: Exit | Error): string {
  if (why instanceof Error) return `did not start (${why.message.split('\n')[0]})`;
  return `exited (${why.signal ? `signal ${why.signal}` : `code ${why.code}`})`;
}

/**
 * Set for every app unless the owner's environment says otherwise. `MALLOC_ARENA_MAX=2`: glibc gives each thread
 * that allocates its own malloc arena, and Node's gRPC, HTTP and libuv threads then fragment native memory so
 * that a deployer's resident size grew ~100 MB a minute under a soak; two arenas keep it flat (see README, soak).
 */
export const APP_ENV_DEFAULTS: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export class Supervisor {
  private readonly running = new Map<string, ManagedProcess>();
  private readonly starting = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly attempts = new Map<string, number>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly events: SupervisorEvents = {},
    /** Children in their own process group: a terminal's Ctrl-C reaches only the supervisor's owner. */
    private readonly detached = false,
    /** The environment apps inherit under their own `env` (the owner's, when it passes it). */
    private readonly inherited: Readonly<Record<string, string | undefined>> = {},
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  logFile(app: string): string {
    return path.join(this.logDir, `${app}.log`);
  }

  /** Starts an app and keeps it running. */
  start(spec: AppSpec): void {
    const start = () => this.spawnApp(spec);
    this.launch(spec.name, start).catch((error: Error) => this.restartLater(spec.name, start, error, 0));
  }

  /** Starts a server and keeps it running; resolves with its first run, rejects when that does not start. */
  startService<T extends ManagedProcess>(spec: ServiceSpec<T>): Promise<T> {
    return this.launch(spec.name, () => spec.start());
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.running].map(([name, p]) => [name, p.pid]));
  }

  /** Stops everything by PID — SIGTERM, SIGKILL for those still running after `graceMs` — and restarts nothing. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // A start under way stops what it started as soon as it has it (see run).
    await Promise.allSettled([...this.starting]);
    await Promise.all([...this.running.values()].map((p) => this.stopTree(p, graceMs)));
  }

  /**
   * Stops a process, then whatever it had started and left running (a process that dies on the signal before it
   * can stop its own children orphans them): every descendant it had, by PID and start time.
   */
  private async stopTree(proc: ManagedProcess, graceMs: number): Promise<void> {
    const below = descendantsOf(proc.pid);
    await proc.stop(graceMs);
    await Promise.all([...below].map(([pid, startTime]) => stopProcess(pid, startTime, ORPHAN_GRACE_MS)));
  }

  /** Resolves once the operating system has started the app; rejects with `SpawnError` when it could not. */
  private async spawnApp(spec: AppSpec): Promise<ManagedProcess> {
    const spawned = spawnLogged({
      command: spec.runtime ?? process.execPath,
      args: ['--enable-source-maps', spec.entry],
      logFile: this.logFile(spec.name),
      env: { ...APP_ENV_DEFAULTS, ...this.inherited, ...spec.env },
      detached: this.detached,
    });
    const managed = manage(spawned.child, 0);
    await spawned.started;
    return managed;
  }

  /** Starts `name` once (stopAll waits for a start under way); restarts it when it ends. */
  private launch<T extends ManagedProcess>(name: string, start: () => Promise<T>): Promise<T> {
    const run = this.run(name, start);
    this.starting.add(run);
    const done = () => this.starting.delete(run);
    run.then(done, done);
    return run;
  }

  private async run<T extends ManagedProcess>(name: string, start: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Error('stopping');
    const proc = await start();
    if (this.stopping) {
      await proc.stop();
      throw new Error('stopping');
    }
    this.running.set(name, proc);
    const startedAt = Date.now();
    this.events.onStart?.(name, proc.pid);
    void proc.exited.then((exit) => {
      if (this.running.get(name) === proc) this.running.delete(name);
      this.restartLater(name, start, exit, Date.now() - startedAt);
    });
    return proc;
  }

  private restartLater<T extends ManagedProcess>(
    name: string,
    start: () => Promise<T>,
    why: Exit | Error,
    ranMs: number,
  ): void {
    if (this.stopping) return;
    const attempt = ranMs >= STEADY_MS ? 1 : (this.attempts.get(name) ?? 0) + 1;
    this.attempts.set(name, attempt);
    const delay = restartDelay(attempt);
    this.events.onExit?.(name, why, delay);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.launch(name, start).catch((error: Error) => this.restartLater(name, start, error, 0));
    }, delay);
    this.timers.add(timer);
  }
}
