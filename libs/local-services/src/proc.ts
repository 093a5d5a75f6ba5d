/**
 * What Linux's /proc says about processes: a process's start time (with its PID it names one process for good,
 * whatever the process later does to its command line — Redis rewrites its own), whether it still runs, which
 * processes write their output below a directory, whether a process listens on a port, and a process's descendants.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Stat {
  state: string;
  ppid: number;
  /** Field 22: clock ticks after boot at which the process started. */
  startTime: string;
}

function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2, the command name, is in parentheses and may hold spaces or ')': count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/** The start time of `pid` (field 22 of /proc/<pid>/stat), or undefined when no such process runs. */
export function startTimeOf(pid: number): string | undefined {
  const s = stat(pid);
  return s && s.state !== 'Z' ? s.startTime : undefined;
}

/**
 * Whether `pid` still runs — and, given `startTime`, is still the same process rather than a later one that got
 * the PID again. A zombie (exited, not yet reaped) does not run.
 */
export function isRunning(pid: number, startTime?: string): boolean {
  const now = startTimeOf(pid);
  return now !== undefined && (startTime === undefined || now === startTime);
}

function pids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readLink(link: string): string | undefined {
  try {
    return fs.readlinkSync(link);
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/** Where the process's stdout and stderr go. */
function outputs(pid: number): string[] {
  return [1, 2].flatMap((fd) => readLink(`/proc/${pid}/fd/${fd}`) ?? []);
}

/** What every file descriptor of the process refers to. */
function openFiles(pid: number): string[] {
  let fds: string[] = [];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    // gone, or not ours to read
  }
  return fds.flatMap((fd) => readLink(`/proc/${pid}/fd/${fd}`) ?? []);
}

/** The command line of `pid` with spaces between its arguments ('' when gone). */
export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export interface DirectoryUser {
  pid: number;
  command: string;
}

/**
 * Running processes whose output (stdout or stderr) is a file below `dir`, other than this one and its ancestors
 * (`npm start > .local/logs/all.log` is fine). Every server and app the launcher starts writes its output below its
 * data directory (or `.local/logs/`), so this finds one left running by an earlier run whatever its command line
 * says — and not a shell or an editor that merely looks there.
 */
export function processesLoggingTo(dir: string): DirectoryUser[] {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return [];
  }
  const inside = (target: string) => target.startsWith(real + path.sep);
  const ours = ancestry(process.pid);
  return pids()
    .filter((pid) => !ours.has(pid) && stat(pid)?.state !== 'Z' && outputs(pid).some(inside))
    .map((pid) => ({ pid, command: commandOf(pid) }));
}

/** `pid`, its parent, its parent's parent, … up to PID 1. */
function ancestry(pid: number): Set<number> {
  const found = new Set<number>();
  for (let p: number | undefined = pid; p !== undefined && p > 0 && !found.has(p); p = stat(p)?.ppid)
    found.add(p);
  return found;
}

/** Socket inodes listening on TCP `port` (IPv4 or IPv6, any address). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      const local = f[1] ?? '';
      // f[3] is the state: 0A is LISTEN; f[9] the inode.
      if (f[3] === '0A' && parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9])
        inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Whether process `pid` itself holds a socket listening on TCP `port`. */
export function listensOn(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return false;
  return openFiles(pid).some((link) => {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    return match !== null && inodes.has(match[1]!);
  });
}

/** The running descendants of `pid` (children, their children, …) with their start times. */
export function descendantsOf(pid: number): Map<number, string> {
  const children = new Map<number, number[]>();
  const times = new Map<number, string>();
  for (const p of pids()) {
    const s = stat(p);
    if (!s || s.state === 'Z') continue;
    times.set(p, s.startTime);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  const found = new Map<number, string>();
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    if (found.has(p)) continue;
    found.set(p, times.get(p) ?? '');
    queue.push(...(children.get(p) ?? []));
  }
  return found;
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Stops `pid` — only while it is still the process started at `startTime` — with SIGTERM, then SIGKILL when it
 * still runs after `graceMs`; resolves once it is gone.
 */
export async function stopProcess(pid: number, startTime: string, graceMs = 10_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (isRunning(pid, startTime)) process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const gone = () => !isRunning(pid, startTime);
  signal('SIGTERM');
  if (await until(gone, graceMs)) return;
  signal('SIGKILL');
  await until(gone, 5_000);
}
