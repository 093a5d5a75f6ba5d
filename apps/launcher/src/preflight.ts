/**
 * Before anything starts: stop what an earlier run left behind (recorded by PID and start time), and refuse to
 * start when some other process still writes into one of the local directories — two Redis servers on one
 * append-only file, or an old api answering in place of the new one, must never happen.
 */
import path from 'node:path';
import { processesLoggingTo, stopLeftover } from '@cite/local-services';

/** Everything the launcher starts and records under `<localDir>/run/`, apps first (they are stopped first). */
export const APPS = ['local-cluster', 'api', 'deployer', 'watcher'] as const;
export const SERVERS = ['etcd', 'redis', 'registry', 'opensearch'] as const;

/** Directories below the local directory that a server or app of a run writes its output into. */
export const OUTPUT_DIRS = [...SERVERS, 'logs'] as const;

/**
 * Stops recorded leftovers by PID, the apps before the servers they write to (their last log lines still reach
 * the search engine), each group at once: an app slow to go (waiting on a hung engine) does not hold up the
 * others. Resolves with one line per process stopped, in the order of APPS and SERVERS.
 */
export async function stopLeftovers(runDir: string): Promise<string[]> {
  const said: string[] = [];
  for (const group of [APPS, SERVERS]) {
    const pids = await Promise.all(group.map((name) => stopLeftover(runDir, name)));
    group.forEach((name, i) => {
      if (pids[i]) said.push(`stopped ${name} (pid ${pids[i]}) left over from an earlier run`);
    });
  }
  return said;
}

/** Why the launcher must not start (a process it does not know writes into `localDir`), or undefined. */
export function foreignUsers(localDir: string, show: (p: string) => string): string | undefined {
  for (const dir of OUTPUT_DIRS) {
    const users = processesLoggingTo(path.join(localDir, dir));
    if (users.length === 0) continue;
    const list = users.map((u) => `pid ${u.pid} (${u.command || 'unknown'})`).join(', ');
    const kill = `kill ${users.map((u) => u.pid).join(' ')}`;
    return `${show(path.join(localDir, dir))} is in use by ${list}, which no run recorded; stop it (${kill}) and start again`;
  }
  return undefined;
}
