/**
 * A server or app that cannot start says why at once. Every start here is given a ten-minute port timeout: the
 * errors asserted can only come from the spawn failure or the exit itself, never from waiting the timeout out (a
 * regression would instead hit Jest's timeout).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processesLoggingTo } from './proc';
import { startEtcd, startRedis } from './processes';
import { startRegistry } from './registry';
import { EarlyExitError, ProcessStartError, ReadyTimeoutError, SpawnError } from './start-errors';
import { describeExit, Supervisor } from './supervisor';

const FOREVER_MS = 600_000;

function tmp(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cite-${label}-`));
}

/** A shell script at `dir/name` (mode 0755 unless given). */
function script(dir: string, name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  return file;
}

async function startError(start: Promise<unknown>): Promise<ProcessStartError> {
  const error = await start.then(
    () => new Error('expected the start to fail'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProcessStartError)) throw error;
  return error;
}

describe('starting a server that cannot start', () => {
  it('names a program that is not installed (ENOENT) at once', async () => {
    const command = path.join(tmp('missing'), 'redis-server');
    const error = await startError(startRedis({ command, readyTimeoutMs: FOREVER_MS }));
    expect(error).toBeInstanceOf(SpawnError);
    expect(error).not.toBeInstanceOf(ReadyTimeoutError);
    expect((error as SpawnError).code).toBe('ENOENT');
    expect(error.command).toBe(command);
    expect(error.message).toBe(
      `${command} could not be started: not found; is it installed and on PATH? (ENOENT)`,
    );
  });

  it('names a program that is not executable (EACCES) at once', async () => {
    const command = script(tmp('noexec'), 'docker-registry', 'exit 0', 0o644);
    const error = await startError(startRegistry({ command, readyTimeoutMs: FOREVER_MS }));
    expect(error).toBeInstanceOf(SpawnError);
    expect((error as SpawnError).code).toBe('EACCES');
    expect(error.message).toContain(`${command} could not be started: permission denied`);
  });

  it('gives the exit code of a program that ends before it listens (/bin/false)', async () => {
    const error = await startError(startRedis({ command: '/bin/false', readyTimeoutMs: FOREVER_MS }));
    expect(error).toBeInstanceOf(EarlyExitError);
    expect((error as EarlyExitError).exit).toEqual({ code: 1, signal: null });
    expect(error.message).toMatch(/^\/bin\/false exited before it was ready \(code 1\) without any output/);
  });

  it("gives the end of this run's output of a program that fails at start", async () => {
    const dir = tmp('fails');
    const dataDir = path.join(dir, 'redis');
    fs.mkdirSync(dataDir);
    // What an earlier run wrote stays out of the error.
    fs.writeFileSync(path.join(dataDir, 'redis.log'), 'an earlier run\n');
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const command = script(
      dir,
      'redis-server',
      `${lines.map((line) => `echo '${line}' >&2`).join('\n')}\necho 'FATAL: bad config' >&2\nexit 3`,
    );
    const error = await startError(startRedis({ command, dataDir, readyTimeoutMs: FOREVER_MS }));
    expect(error).toBeInstanceOf(EarlyExitError);
    const early = error as EarlyExitError;
    expect(early.exit).toEqual({ code: 3, signal: null });
    expect(early.logFile).toBe(path.join(dataDir, 'redis.log'));
    expect(early.output.split('\n')).toEqual([...lines.slice(-11), 'FATAL: bad config']);
    expect(early.message.split('\n')[0]).toBe(
      `${command} exited before it was ready (code 3); the end of its output (${early.logFile}):`,
    );
    expect(early.message).toContain('    FATAL: bad config');
    expect(early.message).not.toContain('an earlier run');
  });

  it('still times out, and stops it, when a running program never listens', async () => {
    const dir = tmp('silent');
    const command = script(dir, 'etcd', 'exec sleep 600');
    const error = await startError(startEtcd({ command, dataDir: dir, readyTimeoutMs: 300 }));
    expect(error).toBeInstanceOf(ReadyTimeoutError);
    expect(error.message).toMatch(/did not answer on 127\.0\.0\.1:\d+ within 300 ms/);
    // Its output went to dir/etcd.log: nothing writing there runs any more.
    expect(processesLoggingTo(dir)).toEqual([]);
  });
});

describe('the Supervisor starting an app whose runtime is missing', () => {
  it('reports the SpawnError at once and stops cleanly', async () => {
    const dir = tmp('sup-missing');
    const runtime = path.join(dir, 'no-such-node');
    let reported!: (why: string) => void;
    const report = new Promise<string>((resolve) => (reported = resolve));
    const supervisor = new Supervisor(path.join(dir, 'logs'), {
      onExit: (_name, why) => reported(why instanceof SpawnError ? describeExit(why) : `not a SpawnError`),
    });
    supervisor.start({ name: 'ghost', entry: path.join(dir, 'main.mjs'), env: {}, runtime });
    expect(await report).toBe(
      `did not start (${runtime} could not be started: not found; is it installed and on PATH? (ENOENT))`,
    );
    expect(supervisor.pids()).toEqual({});
    await supervisor.stopAll();
  });
});
