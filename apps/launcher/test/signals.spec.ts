/**
 * Issue 10, item 1: a signal to the outermost process only — what a process manager or an IDE sends to
 * `npm start`, or to `bash scripts/start.sh` run without npm — stops the launcher and every process it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { jest } from '@jest/globals';
import { openSearchAvailable } from '@cite/local-services';
import {
  allGone,
  cleanUp,
  localDir,
  recorded,
  removeBundles,
  removeLocal,
  startPlatform,
  tree,
  within,
  type Run,
} from './support';

jest.setTimeout(120_000);

afterAll(removeBundles);

describe.each([
  { command: 'bash scripts/start.sh', how: 'bash', signal: 'SIGTERM' },
  { command: 'bash scripts/start.sh', how: 'bash', signal: 'SIGINT' },
  { command: 'npm start', how: 'npm', signal: 'SIGTERM' },
  { command: 'npm start', how: 'npm', signal: 'SIGINT' },
] as const)('$command, $signal to its PID alone', ({ how, signal }) => {
  const local = localDir();
  let run: Run | undefined;

  afterAll(() => {
    cleanUp(run, local);
    removeLocal(local);
  });

  it('stops etcd, Redis, the registry, the search engine and every app, by PID, and exits', async () => {
    run = await startPlatform(how, local);
    await run.waitFor('cite is running');
    const pids = recorded(local);
    const servers = ['etcd', 'redis', 'registry', ...(openSearchAvailable().ok ? ['opensearch'] : [])];
    expect(Object.keys(pids).sort()).toEqual(
      [...servers, 'api', 'deployer', 'launcher', 'local-cluster', 'watcher'].sort(),
    );
    const everything = tree(run.pid);
    for (const pid of Object.values(pids)) expect(everything.has(pid)).toBe(true);

    process.kill(run.pid, signal);
    await within(run.exited, 30_000, `${how === 'npm' ? 'npm start' : 'start.sh'} to exit after ${signal}`);
    await allGone(everything);
    expect(run.output()).toContain('cite: stopped');
    expect(fs.readdirSync(path.join(local, 'run'))).toEqual([]);
  });
});
