/**
 * The `cite` CLI as users run it: the real bundle (`npm run build`'s dist/apps/cli/cite.mjs) as a subprocess against
 * a running api, deployer, watcher and local-cluster, through the whole lifecycle — login → create → deploy --wait →
 * a broken deploy that fails with the reason and exit 1 → rollback → scale → env → logs → delete — then the failures
 * a user meets (wrong URL, expired token, stopped server), each one line and its documented exit code. On a terminal
 * (`script` gives it a pty) `deploy --wait` draws a bar; piped, it prints plain lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { freePort, pushImage } from '@cite/local-services';
import { startPlatform, TOKEN, until, type Platform } from './support/platform';

jest.setTimeout(180_000);

const root = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(root, 'dist/apps/cli/cite.mjs');
const ANSI = /\x1b\[/;

let platform: Platform | undefined;
let home: string;
let image: string;

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** `cite <args>` with HOME in a temporary directory; `env` adds to (or, with undefined, removes from) it. */
function cite(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string } = {},
): Promise<Run> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: home };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stdout, stderr });
    }),
  );
}

const lastLine = (text: string) => text.trim().split('\n').at(-1);

beforeAll(async () => {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'cli'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(built.status).toBe(0);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-cli-home-'));
  platform = await startPlatform({}, { watcher: true });
  await pushImage(platform.registry.url, 'demo/web', '1');
  await pushImage(platform.registry.url, 'demo/web', '2');
  image = `${platform.registry.host}/demo/web`;
});

afterAll(async () => {
  await platform?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('cite, the whole lifecycle', () => {
  it('logs in with a checked token, kept 0600 as a context', async () => {
    const bad = await cite(['login', platform!.base, '--token', 'not-a-token']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe('cite: invalid token\n');
    // The token from stdin when stdin is not a terminal (a CI secret piped in).
    const login = await cite(['login', platform!.base], { input: `${TOKEN}\n` });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(
      /^Logged in to http:\/\/127\.0\.0\.1:\d+ as .+ \(admin\); context 127\.0\.0\.1-\d+\n$/,
    );
    const file = path.join(home, '.config/cite/config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      contexts: { [`127.0.0.1-${new URL(platform!.base).port}`]: { url: platform!.base, token: TOKEN } },
    });
    const who = await cite(['whoami', '--json']);
    expect(JSON.parse(who.stdout)).toMatchObject({ role: 'admin', teams: [] });
  });

  it('creates a service, and refuses a second one of the name with 5', async () => {
    const created = await cite([
      'create',
      'web',
      '--image',
      image,
      '--port',
      '8080',
      '--team',
      'demo',
      '--replicas',
      '2',
      '--env',
      'GREETING=hi',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const again = await cite(['create', 'web', '--image', image, '--port', '8080', '--team', 'demo']);
    expect(again.code).toBe(5);
    expect(again.stderr.split('\n')).toHaveLength(2);
    // A member token of one team creates in that team without --team.
    const member = JSON.parse(
      (await cite(['tokens', 'create', '--name', 'dev', '--team', 'demo', '--json'])).stdout,
    );
    const solo = await cite(['create', 'solo', '--image', image, '--port', '8080', '--json'], {
      env: { CITE_TOKEN: member.secret, CITE_URL: platform!.base },
    });
    expect(JSON.parse(solo.stdout)).toMatchObject({ name: 'solo', team: 'demo' });
    const noTeam = await cite(['create', 'other', '--image', image, '--port', '8080']);
    expect(noTeam.code).toBe(2);
    expect(noTeam.stderr).toBe(
      'cite: say which team owns other: --team <team> (your token acts for every team)\n',
    );
    const bad = await cite(['create', 'Bad_Name', '--image', image, '--port', '8080', '--team', 'demo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cite: .*\(name: .+\)\n$/);
  });

  it('deploys and waits for the verdict, in plain lines when piped', async () => {
    const first = await cite(['deploy', 'web', '1', '--wait']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('release 1 succeeded\n');
    expect(first.stderr).toMatch(/^release 1 of web: .*demo\/web:1\n/);
    expect(first.stderr).toMatch(/\nrelease 1: succeeded — /);
    expect(first.stderr).not.toMatch(ANSI);
    expect((await cite(['deploy', 'web', '2', '--wait'])).code).toBe(0);
  });

  it('exits 1 with the failure reason when a release fails', async () => {
    const broken = await cite(['deploy', 'web', 'missing', '--wait']);
    expect(broken.code).toBe(1);
    expect(lastLine(broken.stderr)).toMatch(
      /^cite: release 3 failed.*: pod web-\S+: ImagePullBackOff: Back-off pulling image "[^"]+:missing"/,
    );
    const releases = await until(
      'the automatic rollback',
      async () => JSON.parse((await cite(['releases', 'web', '--json'])).stdout),
      (list) => list[0]?.number === 4 && list[0]?.status === 'succeeded',
    );
    expect(releases[0]).toMatchObject({ cause: 'rollback', rollbackOf: 2 });
  });

  it('rolls back by hand, scales, and sets and unsets env, each a release', async () => {
    const back = await cite(['rollback', 'web', '--to', '1', '--wait']);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe('release 5 succeeded\n');
    expect((await cite(['scale', 'web', '--replicas', '3'])).stdout).toBe('release 6 of web: scaled\n');
    expect((await cite(['env', 'web', 'set', 'A=1', 'B=x=y'])).code).toBe(0);
    expect((await cite(['env', 'web', 'unset', 'GREETING'])).code).toBe(0);
    expect(JSON.parse((await cite(['env', 'web', '--json'])).stdout)).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'x=y' },
    ]);
    const missing = await cite(['env', 'web', 'unset', 'NOPE']);
    expect(missing.code).toBe(4);
    const table = (await cite(['releases', 'web'])).stdout.split('\n');
    expect(table[0]).toMatch(/^#\s+STATUS\s+IMAGE\s+CAUSE\s+BY\s+AGE\s+REASON$/);
    expect(table.slice(1, 4).map((line) => line.split(/\s+/)[0])).toEqual(['8', '7', '6']);
    const status = await until(
      '3 running pods',
      async () => JSON.parse((await cite(['status', 'web', '--json'])).stdout),
      (s) =>
        (s.observed?.pods ?? []).filter(
          (p: { phase: string; ready: boolean }) => p.phase === 'Running' && p.ready,
        ).length === 3,
    );
    expect(status.service).toBe('web');
  });

  it('follows the pods with status --watch until interrupted', async () => {
    const child = spawn(process.execPath, [CLI, 'status', 'web', '--watch', '--json'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(
      'the first snapshot',
      async () => stdout,
      (text) => text.includes('\n'),
    );
    const first = JSON.parse(stdout.split('\n')[0]!) as { event: string; pods: { name: string }[] };
    expect(first.event).toBe('snapshot');
    expect(first.pods.length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('shows merged logs, each line prefixed with its pod', async () => {
    const logs = await until(
      'log lines',
      () => cite(['logs', 'web', '--tail', '2']),
      (run) => run.code === 0 && run.stdout.trim() !== '',
    );
    for (const line of logs.stdout.trim().split('\n')) expect(line).toMatch(/^web-[a-z0-9]+-[a-z0-9]+ \S/);
    expect(logs.stdout).not.toMatch(ANSI);
  });

  it('draws a progress bar on a terminal', async () => {
    const command = [process.execPath, CLI, 'deploy', 'web', '2', '--wait']
      .map((part) => `'${part}'`)
      .join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, TERM: 'xterm' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tty.status).toBe(0);
    // cli-progress redraws the bar in place (`\x1b[1G` … `\x1b[0K`) as pods are updated.
    expect(tty.stdout).toMatch(/\x1b\[1Grelease 9 \[=+-*\] [123]\/3 pods updated/);
    expect(tty.stdout).toContain('release 9 succeeded');
  });

  it('deletes only when told to, or asked on a terminal', async () => {
    const refused = await cite(['delete', 'web']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('cite: refusing to delete web without --yes (no terminal to ask on)\n');
    const deleted = await cite(['delete', 'web', '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('web: deleting\n');
    expect((await cite(['info', 'nope'])).code).toBe(4);
  });
});

describe('cite, when things go wrong', () => {
  it('says one line and 6 for a URL nothing answers on', async () => {
    const port = await freePort();
    const run = await cite(['services'], {
      env: { CITE_URL: `http://127.0.0.1:${port}`, CITE_TOKEN: TOKEN },
    });
    expect(run.code).toBe(6);
    expect(run.stderr).toBe(`cite: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it('says one line and 3 for an expired token, and for no login at all', async () => {
    const expires = new Date(Date.now() + 2_000).toISOString();
    const created = JSON.parse(
      (await cite(['tokens', 'create', '--name', 'short', '--team', 'demo', '--expires', expires, '--json']))
        .stdout,
    );
    expect((await cite(['services'], { env: { CITE_TOKEN: created.secret } })).code).toBe(0);
    const expired = await until(
      'the token to expire',
      () => cite(['services'], { env: { CITE_TOKEN: created.secret } }),
      (run) => run.code !== 0,
    );
    expect(expired.code).toBe(3);
    expect(expired.stderr).toBe('cite: token expired\n');
    const nobody = await cite(['services'], {
      env: { HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'cite-nobody-')) },
    });
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toBe('cite: not logged in: cite login <url>, or set CITE_URL and CITE_TOKEN\n');
  });

  it('says 2 and the usage for bad arguments, and 0 with help', async () => {
    const usage = await cite(['deploy', 'web']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument 'ref'/);
    const help = await cite(['deploy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cite deploy \[options\] <name> <ref>/);
    const completion = await cite(['completion', 'bash']);
    expect(completion.stdout).toContain('complete -F _cite_complete cite');
    const words = spawnSync(
      'bash',
      [
        '-c',
        `${completion.stdout}\nCOMP_WORDS=(cite dep); COMP_CWORD=1; _cite_complete; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(words.stdout.trim()).toBe('deploy');
  });

  it('says one line and 6 once the server has stopped', async () => {
    await platform!.stop();
    platform = undefined;
    const run = await cite(['services']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/^cite: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });
});
