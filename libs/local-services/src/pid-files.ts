import fs from 'node:fs';
import path from 'node:path';

/**
 * PID files under `.local/run/` let a new `npm start` stop what an earlier one left running (after a SIGKILL
 * of the launcher, say) — by PID, and only when that PID still runs the same command line.
 */
export function recordPid(runDir: string, name: string, pid: number, marker: string): void {
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, `${name}.pid`), JSON.stringify({ pid, marker }));
}

export function clearPid(runDir: string, name: string): void {
  fs.rmSync(path.join(runDir, `${name}.pid`), { force: true });
}

/** Stops a leftover process named by `<name>.pid` if its command line still contains the marker. */
export async function stopLeftover(runDir: string, name: string): Promise<number | undefined> {
  const file = path.join(runDir, `${name}.pid`);
  let record: { pid: number; marker: string };
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  fs.rmSync(file, { force: true });
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
  if (!cmdline.includes(record.marker)) return undefined;
  process.kill(record.pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!fs.existsSync(`/proc/${record.pid}`)) return record.pid;
  }
  process.kill(record.pid, 'SIGKILL');
  return record.pid;
}
