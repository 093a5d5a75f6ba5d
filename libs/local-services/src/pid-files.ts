import fs from 'node:fs';
import path from 'node:path';
import { descendantsOf, isRunning, startTimeOf, stopProcess } from './proc';

/**
 * PID files under `.local/run/` let a new `npm start` stop what an earlier one left running (after a SIGKILL
 * of the launcher, say) — by PID, and only when that PID is still the same process: each file holds the PID and
 * the process's start time (field 22 of /proc/<pid>/stat), which no later process with the same PID shares.
 * Command lines are not compared: Redis rewrites its own.
 */
export interface PidRecord {
  pid: number;
  startTime: string;
}

const fileOf = (runDir: string, name: string) => path.join(runDir, `${name}.pid`);

function readRecord(file: string): PidRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PidRecord>;
    return typeof record.pid === 'number' && typeof record.startTime === 'string'
      ? { pid: record.pid, startTime: record.startTime }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Records that `name` runs as `pid` (with the process's start time). */
export function recordPid(runDir: string, name: string, pid: number): void {
  const startTime = startTimeOf(pid);
  if (startTime === undefined) return;
  fs.mkdirSync(runDir, { recursive: true });
  const file = fileOf(runDir, name);
  fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify({ pid, startTime }));
  fs.renameSync(`${file}.${process.pid}`, file);
}

export function clearPid(runDir: string, name: string): void {
  fs.rmSync(fileOf(runDir, name), { force: true });
}

/** The process recorded for `name` if it still runs (same PID, same start time). */
export function recordedProcess(runDir: string, name: string): PidRecord | undefined {
  const record = readRecord(fileOf(runDir, name));
  return record && isRunning(record.pid, record.startTime) ? record : undefined;
}

/**
 * Stops the process recorded for `name` by its PID if it is still the recorded process, and removes the record;
 * resolves with the PID it stopped.
 */
export async function stopLeftover(runDir: string, name: string): Promise<number | undefined> {
  const record = recordedProcess(runDir, name);
  if (record) {
    // Its own children (local-cluster's controllers process) go too, by PID and start time: one that outlives
    // its parent for a moment would otherwise still hold the log directory when the next run looks.
    const children = isRunning(record.pid, record.startTime) ? descendantsOf(record.pid) : new Map();
    await stopProcess(record.pid, record.startTime);
    await Promise.all([...children].map(([pid, startTime]) => stopProcess(pid, startTime, 5_000)));
  }
  clearPid(runDir, name);
  return record?.pid;
}

const LOCK = 'launcher';

/**
 * Makes this process the one launcher of `runDir`'s directory: `<runDir>/launcher.pid` is created only when
 * absent (or when the process it names is gone). Otherwise says which live launcher holds it.
 */
export function takeRunLock(runDir: string): { ok: true } | { ok: false; pid: number } {
  fs.mkdirSync(runDir, { recursive: true });
  const file = fileOf(runDir, LOCK);
  const mine = `${file}.${process.pid}`;
  fs.writeFileSync(mine, JSON.stringify({ pid: process.pid, startTime: startTimeOf(process.pid) }));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // link() fails when the file exists: of two launchers starting at once, one gets it.
        fs.linkSync(mine, file);
        return { ok: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readRecord(file);
      if (holder && holder.pid !== process.pid && isRunning(holder.pid, holder.startTime))
        return { ok: false, pid: holder.pid };
      // Left by a launcher that is gone (or unreadable): take it over.
      fs.rmSync(file, { force: true });
    }
    throw new Error(`could not create ${file}`);
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/** Gives up the lock taken by takeRunLock (only if this process holds it). */
export function releaseRunLock(runDir: string): void {
  if (readRecord(fileOf(runDir, LOCK))?.pid === process.pid) clearPid(runDir, LOCK);
}
